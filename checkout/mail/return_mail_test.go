package mail

import (
	"strings"
	"testing"
)

func TestAfterSaleMail(t *testing.T) {
	base := AfterSale{Lang: "en", ShopName: "Brandpunt", ShopEmail: "shop@example.nl", Number: "SF-1",
		CustomerName: "Eva <b>", OrderURL: "https://shop.example/order/tok", ReturnCode: "SF-1-R1",
		Lines:   []SummaryLine{{Quantity: 1, Title: "Mok <wit>"}},
		Address: "Brandpunt, Markt 1, Utrecht", Free: true, Amount: "€12.95", RefundDays: 5,
		Steps: []SummaryStep{{Label: "Requested", When: "Thu 26 November", Done: true}, {Label: "Received", Current: true}}}
	tests := []struct {
		kind, subject string
		text, notText []string
	}{
		{KindReturnRequested, "Your return SF-1-R1: how to send it back",
			[]string{"SF-1-R1", "Brandpunt, Markt 1, Utrecht", "Returning is free", "within 5 working days", "€12.95", "[>] Received"}, nil},
		{KindReturnReceived, "We have received your return SF-1-R1",
			[]string{"has arrived", "within 5 working days"}, []string{"Send the parcel to"}},
		{KindRefunded, "Your money is coming back (€12.95)", []string{"We have refunded", "€12.95"}, []string{"Send the parcel to"}},
		{KindCanceled, "Your order SF-1 is canceled", []string{"canceled", "Nothing had been paid"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.kind, func(t *testing.T) {
			a := base
			a.Kind = tc.kind
			if tc.kind == KindCanceled {
				a.ReturnCode, a.Lines, a.Amount, a.Steps = "", nil, "", nil
			}
			subject, text, html, err := AfterSaleMail(a)
			if err != nil {
				t.Fatal(err)
			}
			if subject != tc.subject {
				t.Errorf("subject %q, want %q", subject, tc.subject)
			}
			for _, w := range tc.text {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
			for _, w := range tc.notText {
				if strings.Contains(text, w) {
					t.Errorf("text has %q", w)
				}
			}
			if strings.Contains(html, "<b>") || strings.Contains(html, "Mok <wit>") || !strings.Contains(html, "Eva &lt;b&gt;") {
				t.Error("HTML part is not escaped")
			}
		})
	}
	a := base
	a.Kind, a.Lang, a.Free = KindReturnRequested, "nl", false
	_, text, _, _ := AfterSaleMail(a)
	if !strings.Contains(text, "De verzendkosten van het terugsturen zijn voor jou") || !strings.Contains(text, "Retourcode") {
		t.Errorf("Dutch, return not free:\n%s", text)
	}
	a.Kind = "bogus"
	if _, _, _, err := AfterSaleMail(a); err == nil {
		t.Error("an unknown kind must be an error")
	}
}

// TestRefundMailSaysWhereTheMoneyWent: a refund of an order a gift card
// paid part of says, in both languages, how much is back on the card and
// how much goes to the bank; a refund wholly to the card does not promise
// money on the bank account.
func TestRefundMailSaysWhereTheMoneyWent(t *testing.T) {
	tests := []struct {
		lang, toCard, toBank, amount string
		text, notText                []string
	}{
		{"nl", "€ 50,00", "€ 4,87", "€ 54,87", []string{"€ 54,87", "€ 50,00 staat weer op je cadeaukaart …WXYZ", "€ 4,87 storten we terug op je rekening"}, []string{"Het staat meestal"}},
		{"en", "€50.00", "€4.87", "€54.87", []string{"€54.87", "€50.00 is back on your gift card …WXYZ", "€4.87 goes back to your bank"}, []string{"It is usually on your account"}},
		{"nl", "€ 20,00", "", "€ 20,00", []string{"€ 20,00 staat weer op je cadeaukaart …WXYZ"}, []string{"rekening"}},
		{"en", "€20.00", "", "€20.00", []string{"€20.00 is back on your gift card …WXYZ"}, []string{"account", "bank"}},
	}
	for _, tc := range tests {
		a := AfterSale{Lang: tc.lang, Kind: KindRefunded, ShopName: "Brandpunt", ShopEmail: "shop@example.nl", Number: "SF-1",
			CustomerName: "Eva", OrderURL: "https://shop.example/order/tok", Amount: tc.amount, ToCard: tc.toCard, ToBank: tc.toBank, CardLast4: "…WXYZ"}
		subject, text, html, err := AfterSaleMail(a)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(subject, tc.amount) {
			t.Errorf("%s: subject %q lacks the whole refund %s", tc.lang, subject, tc.amount)
		}
		for _, w := range tc.text {
			if !strings.Contains(text, w) || !strings.Contains(html, w) {
				t.Errorf("%s: the mail lacks %q:\n%s", tc.lang, w, text)
			}
		}
		for _, w := range tc.notText {
			if strings.Contains(text, w) {
				t.Errorf("%s: the mail says %q:\n%s", tc.lang, w, text)
			}
		}
	}
}
