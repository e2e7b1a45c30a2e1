package mail

import (
	"bytes"
	"strings"
	"testing"
)

// TestConfirmationLegalItems: the confirmation names the shop, its
// address, e-mail, phone, KvK and VAT id, the total with all costs, the
// withdrawal period with the return link and the model form, the terms,
// and carries the invoice PDF as an attachment.
func TestConfirmationLegalItems(t *testing.T) {
	for _, lang := range []string{"nl", "en"} {
		s := Summary{Lang: lang, ShopName: "Brandpunt Koffie", ShopEmail: "winkel@example.nl", Number: "BK-2026-000001",
			CustomerName: "Anna", OrderURL: "https://shop.example/order/tok", Total: "€ 30,00",
			Legal: &Legal{ShopName: "Brandpunt Koffie", Address: []string{"Branderijstraat 12", "3511 AB Utrecht"},
				Email: "winkel@example.nl", Phone: "+31 30 123 45 67", KvK: "87654321", VATID: "NL004495445B01",
				Total: "€ 30,00", WithdrawalDays: 30, ReturnURL: "https://shop.example/order/tok/return",
				WithdrawalFormURL: "https://shop.example/herroepingsformulier/", TermsURL: "https://shop.example/algemene-voorwaarden/",
				InvoiceNumber: "2026-00001"}}
		subject, text, html, err := Confirmation(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, body := range []string{text, strings.ReplaceAll(html, "&#43;", "+")} {
			for _, want := range []string{"Branderijstraat 12", "3511 AB Utrecht", "winkel@example.nl", "+31 30 123 45 67",
				"87654321", "NL004495445B01", "€ 30,00", "30", "https://shop.example/order/tok/return",
				"https://shop.example/herroepingsformulier/", "https://shop.example/algemene-voorwaarden/", "2026-00001", "14"} {
				if !strings.Contains(body, want) {
					t.Errorf("%s confirmation lacks %q", lang, want)
				}
			}
		}
		var b bytes.Buffer
		m := Message{ID: "confirmation:x", Kind: "confirmation", To: "anna@example.nl", Subject: subject, Text: text, HTML: html,
			Attachments: []Attachment{{Name: "factuur-2026-00001.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 test")}}}
		if err := Write(&b, "winkel@example.nl", m); err != nil {
			t.Fatal(err)
		}
		raw := b.String()
		if !strings.Contains(raw, "multipart/mixed") || !strings.Contains(raw, `filename="factuur-2026-00001.pdf"`) || !strings.Contains(raw, "application/pdf") {
			t.Errorf("no PDF attachment in:\n%s", raw[:min(len(raw), 2000)])
		}
	}
}

// A reverse-charged order's confirmation says its total is without VAT,
// in the text and the HTML, in both languages; it said "includes VAT".
func TestConfirmationLegalReverseCharge(t *testing.T) {
	want := map[string][2]string{"en": {"is without VAT", "includes VAT"}, "nl": {"is zonder btw", "inclusief btw"}}
	for lang, w := range want {
		s := Summary{Lang: lang, ShopName: "Brandpunt Koffie", Number: "BK-2026-000001", CustomerName: "Jan", Total: "€ 20,80",
			Legal: &Legal{ShopName: "Brandpunt Koffie", Total: "€ 20,80", ReverseCharge: true, WithdrawalDays: 30}}
		_, text, html, err := Confirmation(s)
		if err != nil {
			t.Fatal(err)
		}
		for kind, body := range map[string]string{"text": text, "html": html} {
			if !strings.Contains(body, w[0]) || strings.Contains(body, w[1]) {
				t.Errorf("%s %s confirmation of a reverse-charged order does not say its total is without VAT", lang, kind)
			}
		}
	}
}
