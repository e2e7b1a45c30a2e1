package mail

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func summary() Summary {
	return Summary{
		Lang: "nl", ShopName: "Brandpunt Koffie", ShopEmail: "winkel@example.nl", Number: "BK-1001",
		CustomerName: `Eve <script>alert(1)</script>`, OrderURL: "https://shop.example/order/abc",
		Address:  []string{"Eve", "Markt 1", "1234 AB Utrecht", "NL"},
		Lines:    []SummaryLine{{Quantity: 2, Title: "Ethiopië Guji", Variant: "250 g · bonen", Total: "€ 29,00"}},
		Subtotal: "€ 29,00", ShippingName: "PostNL", Shipping: "€ 4,95", Total: "€ 33,95",
		VAT: []SummaryVAT{{Rate: 9, Amount: "€ 2,39"}, {Rate: 21, Amount: "€ 0,86"}},
		Steps: []SummaryStep{{Label: "Besteld", Done: true}, {Label: "Betaald", Current: true},
			{Label: "Verzonden", When: "verwacht 27 november"}},
	}
}

func TestConfirmationSaysTheSameInTextAndHTML(t *testing.T) {
	subj, text, html, err := Confirmation(summary())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(subj, "BK-1001") {
		t.Errorf("subject %q lacks the order number", subj)
	}
	for _, want := range []string{"€ 33,95", "Ethiopië Guji", "verwacht 27 november", "https://shop.example/order/abc", "9%"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q", want)
		}
	}
	if strings.Contains(html, "<script>") {
		t.Errorf("html carries the customer's markup unescaped")
	}
	if !strings.Contains(html, "&lt;script&gt;") {
		t.Errorf("html lost the customer's name")
	}
}

func TestShippedCarriesTrackingLink(t *testing.T) {
	s := summary()
	s.Lang = "en"
	s.TrackingURL = "https://track.example/3SABC"
	subj, text, html, err := Shipped(s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(subj, "on its way") || !strings.Contains(text, s.TrackingURL) || !strings.Contains(html, `href="https://track.example/3SABC"`) {
		t.Errorf("shipped e-mail lacks tracking link or English subject: %q\n%s", subj, text)
	}
}

func TestOutboxWritesOneMultipartFilePerMessage(t *testing.T) {
	dir := t.TempDir()
	o := Outbox{Dir: dir, From: "Brandpunt <winkel@example.nl>"}
	subj, text, html, err := Confirmation(summary())
	if err != nil {
		t.Fatal(err)
	}
	m := Message{ID: "order_confirmation:SF-2026-000001", ReplyTo: "winkel@example.nl", Kind: "confirmation", To: "eve@example.org", ToName: "Eve", Subject: subj,
		Text: text, HTML: html, Created: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	for range 3 { // retries keep one file
		if err := o.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*-confirmation-*.eml"))
	if len(files) != 1 {
		t.Fatalf("outbox holds %d confirmation files, want 1", len(files))
	}
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	if err != nil {
		t.Fatalf("not RFC 5322: %v", err)
	}
	if id := msg.Header.Get("Message-ID"); !regexp.MustCompile(`^<[A-Za-z0-9._-]+@example\.nl>$`).MatchString(id) {
		t.Errorf("Message-ID %q is not a valid msg-id", id)
	}
	if rt := msg.Header.Get("Reply-To"); !strings.Contains(rt, "winkel@example.nl") {
		t.Errorf("Reply-To %q", rt)
	}
	dec := new(mime.WordDecoder)
	if got, _ := dec.DecodeHeader(msg.Header.Get("Subject")); got != subj {
		t.Errorf("subject %q, want %q", got, subj)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q (%v), want multipart/alternative", mt, err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var types []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		types = append(types, ct)
	}
	if strings.Join(types, ",") != "text/plain,text/html" {
		t.Errorf("parts %v, want text/plain then text/html", types)
	}

	list, err := List(dir)
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %v, %v", list, err)
	}
	if list[0].Kind != "confirmation" || list[0].Subject != subj || !strings.Contains(list[0].To, "eve@example.org") {
		t.Errorf("entry %+v", list[0])
	}
}

func TestSMTPConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  SMTPConfig
		want string // part of the error, "" for valid
	}{
		{"ok", SMTPConfig{Host: "smtp.example.nl", From: "Shop <w@example.nl>", Username: "u", Password: "p"}, ""},
		{"no host", SMTPConfig{From: "w@example.nl"}, "SMTP host"},
		{"bad from", SMTPConfig{Host: "h", From: "not an address"}, "SHOP_SMTP_FROM"},
		{"user without password", SMTPConfig{Host: "h", From: "w@example.nl", Username: "u"}, "together"},
		{"bad tls", SMTPConfig{Host: "h", From: "w@example.nl", TLS: "maybe"}, "TLS mode"},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: Validate() = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestPad(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"Total", 8, "Total   "},
		{"Verzending (PostNL België)", 24, "Verzending (PostNL België) "},
		{"exactly24charactersxxxxx", 24, "exactly24charactersxxxxx "},
		{"", 2, "  "},
	} {
		if got := pad(tc.s, tc.n); got != tc.want {
			t.Errorf("pad(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}
