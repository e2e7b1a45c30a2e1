package mollie_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/mollie"
	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/payment"
)

func TestProvider(t *testing.T) {
	f, c, _ := newClient(t)
	var p payment.Provider = mollie.NewProvider(c)
	ctx := context.Background()
	if p.Name() != "mollie" {
		t.Fatalf("name %q", p.Name())
	}
	req := payment.CreateRequest{
		Amount: 1450, Currency: "EUR", Description: "Bestelling 1001",
		RedirectURL: "https://shop.example/order/tok", Locale: "nl_NL",
		Metadata: map[string]string{"order": "1001"}, IdempotencyKey: "idem-1001",
	}
	pay, err := p.CreatePayment(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if pay.Amount != 1450 || pay.Currency != "EUR" || pay.Status != payment.StatusOpen || pay.CheckoutURL == "" ||
		pay.Metadata["order"] != "1001" || pay.ExpiresAt.IsZero() || !pay.PaidAt.IsZero() || pay.Description != req.Description {
		t.Fatalf("payment = %+v", pay)
	}
	fp, _ := f.Payment(pay.ID)
	if fp.Value != "14.50" || fp.Locale != "nl_NL" {
		t.Fatalf("fake saw %+v", fp)
	}
	// Same key, same payment.
	again, err := p.CreatePayment(ctx, req)
	if err != nil || again.ID != pay.ID || f.PaymentCount() != 1 {
		t.Fatalf("again = %+v, %v", again, err)
	}

	if err := f.SetStatus(pay.ID, "paid"); err != nil {
		t.Fatal(err)
	}
	got, err := p.GetPayment(ctx, pay.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != payment.StatusPaid || got.PaidAt.IsZero() || got.CheckoutURL != "" || got.Method != "ideal" {
		t.Fatalf("paid = %+v", got)
	}

	r, err := p.CreateRefund(ctx, pay.ID, payment.RefundRequest{Amount: 450, Currency: "EUR", Description: "retour", IdempotencyKey: "rf-1"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Amount != 450 || r.PaymentID != pay.ID || r.Status != "pending" {
		t.Fatalf("refund = %+v", r)
	}
	_, err = p.CreateRefund(ctx, pay.ID, payment.RefundRequest{Amount: 3501, Currency: "EUR", IdempotencyKey: "rf-2"})
	if !errors.Is(err, payment.ErrInvalid) {
		t.Fatalf("too large refund: %v", err)
	}
	rs, err := p.ListRefunds(ctx, pay.ID)
	if err != nil || len(rs) != 1 || rs[0].ID != r.ID || rs[0].Amount != 450 {
		t.Fatalf("refunds = %+v, %v", rs, err)
	}
	got, _ = p.GetPayment(ctx, pay.ID)
	if got.AmountRefunded != 450 {
		t.Fatalf("refunded = %d", got.AmountRefunded)
	}
	if _, err := p.CancelPayment(ctx, pay.ID); !errors.Is(err, payment.ErrFinal) {
		t.Fatalf("cancel paid: %v", err)
	}
	// Pending is not final, but Mollie cannot cancel it either.
	pend, _ := p.CreatePayment(ctx, payment.CreateRequest{Amount: 100, Currency: "EUR", Description: "x", RedirectURL: "https://x.example/"})
	f.SetStatusQuiet(pend.ID, "pending")
	if _, err := p.CancelPayment(ctx, pend.ID); !errors.Is(err, payment.ErrNotCancelable) || errors.Is(err, payment.ErrFinal) {
		t.Fatalf("cancel pending: %v", err)
	}
	open, _ := p.CreatePayment(ctx, payment.CreateRequest{Amount: 100, Currency: "EUR", Description: "y", RedirectURL: "https://x.example/"})
	if c, err := p.CancelPayment(ctx, open.ID); err != nil || c.Status != payment.StatusCanceled || c.CheckoutURL != "" {
		t.Fatalf("cancel open: %+v %v", c, err)
	}
}

// TestProviderCancelLikeMollie: an open iDEAL payment Mollie will not
// cancel (isCancelable false, 422) gives ErrNotCancelable and stays open;
// an authorized payment's cancel is accepted (202, no body) and gives
// ErrCancelPending, never a zero payment; it is canceled later.
func TestProviderCancelLikeMollie(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	f.RefuseCancel("ideal")
	c, err := mollie.NewClient(nil, f.APIKey, mollie.WithBaseURL(f.BaseURL()))
	if err != nil {
		t.Fatal(err)
	}
	p := mollie.NewProvider(c)
	ctx := context.Background()
	req := payment.CreateRequest{Amount: 1000, Currency: "EUR", Description: "x", RedirectURL: "https://x.example/"}
	ideal, _ := p.CreatePayment(ctx, req)
	if err := f.ChooseMethod(ideal.ID, "ideal"); err != nil {
		t.Fatal(err)
	}
	if got, err := p.CancelPayment(ctx, ideal.ID); !errors.Is(err, payment.ErrNotCancelable) || got != nil {
		t.Fatalf("cancel of a started iDEAL payment: %+v %v", got, err)
	}
	if fp, _ := f.Payment(ideal.ID); fp.Status != "open" {
		t.Fatalf("refused cancel changed the payment to %s", fp.Status)
	}
	card, _ := p.CreatePayment(ctx, req)
	if err := f.SetStatusQuiet(card.ID, "authorized"); err != nil {
		t.Fatal(err)
	}
	got, err := p.CancelPayment(ctx, card.ID)
	if !errors.Is(err, payment.ErrCancelPending) || got != nil {
		t.Fatalf("cancel of an authorized payment: %+v %v; want ErrCancelPending and no payment", got, err)
	}
	if now, _ := p.GetPayment(ctx, card.ID); now.Status != payment.StatusAuthorized {
		t.Fatalf("after the 202: %s, want still authorized", now.Status)
	}
	f.Tick()
	if now, _ := p.GetPayment(ctx, card.ID); now.Status != payment.StatusCanceled {
		t.Fatalf("after the fake's tick: %s, want canceled", now.Status)
	}
}

func TestProviderErrors(t *testing.T) {
	f, c, _ := newClient(t, mollie.WithTimeout(200e6))
	p := mollie.NewProvider(c)
	ctx := context.Background()
	for _, id := range []string{"tr_doesnotexist", "../x"} {
		if _, err := p.GetPayment(ctx, id); !errors.Is(err, payment.ErrNotFound) {
			t.Errorf("GetPayment(%q) = %v, want ErrNotFound", id, err)
		}
	}
	if _, err := p.CreatePayment(ctx, payment.CreateRequest{Amount: 0, Currency: "EUR"}); !errors.Is(err, payment.ErrInvalid) {
		t.Errorf("zero amount: %v", err)
	}
	pay, err := p.CreatePayment(ctx, payment.CreateRequest{Amount: 1000, Currency: "EUR", Description: "x", RedirectURL: "https://x.example/"})
	if err != nil {
		t.Fatal(err)
	}
	f.SetStatusQuiet(pay.ID, "paid")
	f.Fail(molliefake.CreateRefund, molliefake.Fault{Delay: 10e9, AfterHandling: true})
	_, err = p.CreateRefund(ctx, pay.ID, payment.RefundRequest{Amount: 100, Currency: "EUR", IdempotencyKey: "k"})
	if !errors.Is(err, payment.ErrUncertain) || !errors.Is(err, mollie.ErrUncertain) {
		t.Fatalf("uncertain refund: %v", err)
	}
}

func TestAmountRoundTrip(t *testing.T) {
	tests := []struct {
		minor    money.Amount
		currency string
		want     string
	}{
		{1450, "EUR", "14.50"},
		{1, "eur", "0.01"},
		{100000, "EUR", "1000.00"},
		{1000, "JPY", "1000"},
		{-1030, "EUR", "-10.30"},
	}
	for _, tt := range tests {
		a := mollie.FormatAmount(tt.minor, tt.currency)
		if a.Value != tt.want || a.Currency != strings.ToUpper(tt.currency) {
			t.Errorf("FormatAmount(%d, %s) = %+v, want %s", tt.minor, tt.currency, a, tt.want)
		}
		m, cur, err := mollie.ParseAmount(&a)
		if err != nil || m != tt.minor || cur != a.Currency {
			t.Errorf("ParseAmount(%+v) = %d %s %v", a, m, cur, err)
		}
	}
	for _, bad := range []mollie.Amount{{"EUR", "16.1"}, {"EUR", "1,00"}, {"JPY", "10.00"}, {"EUR", ""}} {
		if _, _, err := mollie.ParseAmount(&bad); err == nil {
			t.Errorf("ParseAmount(%+v) accepted", bad)
		}
	}
}

func TestValidPaymentID(t *testing.T) {
	good := []string{"tr_d0b0E3EA3v", "tr_5B8cwPMGnU6qLbRvo7qEZo", "tr_x"}
	bad := []string{"", "tr_", "tr", "re_d0b0E3EA3v", "TR_abc", "tr_abc-def", "tr_ab/c", "tr_ab c", "tr_é", " tr_abc", strings.Repeat("tr_a", 20)}
	for _, id := range good {
		if !mollie.ValidPaymentID(id) || !payment.ValidID(id) {
			t.Errorf("%q refused", id)
		}
	}
	for _, id := range bad {
		if mollie.ValidPaymentID(id) || payment.ValidID(id) {
			t.Errorf("%q accepted", id)
		}
	}
}

func FuzzPaymentID(f *testing.F) {
	for _, s := range []string{"tr_d0b0E3EA3v", "tr_", "tr_../x", "tr_a%2F", "tr_a?b", "re_x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		ok := mollie.ValidPaymentID(id)
		if ok != payment.ValidID(id) {
			t.Fatalf("mollie and payment disagree on %q", id)
		}
		if !ok {
			return
		}
		// An accepted id is safe as one path segment: nothing to escape,
		// and it resolves under payments/.
		if url.PathEscape(id) != id || !strings.HasPrefix(id, "tr_") {
			t.Fatalf("accepted %q", id)
		}
		base, _ := url.Parse("https://api.mollie.com/v2/")
		u := base.ResolveReference(&url.URL{Path: "payments/" + id})
		if u.Path != "/v2/payments/"+id || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("%q resolves to %s", id, u)
		}
	})
}

// TestEmptyAnswerIsAnError: a 2xx answer without a body never becomes a
// zero payment.
func TestEmptyAnswerIsAnError(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	c, _ := mollie.NewClient(nil, f.APIKey, mollie.WithBaseURL(f.BaseURL()))
	ctx := context.Background()
	p, err := c.Payments.Create(ctx, mollie.CreatePayment{Amount: mollie.Amount{Currency: "EUR", Value: "1.00"}, Description: "x", RedirectURL: "https://x.example/"}, "")
	if err != nil {
		t.Fatal(err)
	}
	f.Fail(molliefake.GetPayment, molliefake.Fault{Status: http.StatusOK, Body: " "})
	got, err := c.Payments.Get(ctx, p.ID)
	var ea *mollie.EmptyAnswerError
	if !errors.As(err, &ea) || got != nil {
		t.Fatalf("empty 200: %+v, %v; want an EmptyAnswerError and no payment", got, err)
	}
}
