package mollie_test

import (
	"context"
	"errors"
	"testing"

	"github.com/storefront/storefront/checkout/mollie"
	"github.com/storefront/storefront/checkout/payment"
)

// TestRecurringFlow: a customer, a first payment that creates a mandate,
// recurring charges against it (paid, and failed under FailRecurring), and
// a revoked mandate that refuses further charges.
func TestRecurringFlow(t *testing.T) {
	f, c, _ := newClient(t)
	p := mollie.NewProvider(c)
	ctx := context.Background()

	cu, err := p.CreateCustomer(ctx, "Anna de Vries", "anna@example.nl", "cst-key-1")
	if err != nil || !mollie.ValidCustomerID(cu.ID) {
		t.Fatalf("customer %+v, %v", cu, err)
	}
	again, err := p.CreateCustomer(ctx, "Anna de Vries", "anna@example.nl", "cst-key-1")
	if err != nil || again.ID != cu.ID {
		t.Fatalf("same key gave %+v, %v", again, err)
	}
	got, err := c.Customers.Get(ctx, cu.ID)
	if err != nil || got.Email != "anna@example.nl" {
		t.Fatalf("get customer %+v, %v", got, err)
	}

	// No mandate yet: a recurring charge is refused with ErrNoMandate.
	rec := payment.CreateRequest{Amount: 1350, Currency: "EUR", Description: "Koffie, levering 2",
		CustomerID: cu.ID, SequenceType: payment.SequenceRecurring, IdempotencyKey: "so-1-p2"}
	if _, err := p.CreatePayment(ctx, rec); !errors.Is(err, payment.ErrNoMandate) {
		t.Fatalf("recurring without mandate: %v", err)
	}

	first, err := p.CreatePayment(ctx, payment.CreateRequest{Amount: 1350, Currency: "EUR", Description: "Koffie, levering 1",
		RedirectURL: "https://shop.example/standing/tok", CustomerID: cu.ID, SequenceType: payment.SequenceFirst, IdempotencyKey: "so-1-p1"})
	if err != nil || first.CheckoutURL == "" || first.SequenceType != payment.SequenceFirst || first.CustomerID != cu.ID {
		t.Fatalf("first %+v, %v", first, err)
	}
	if ms, _ := p.ListMandates(ctx, cu.ID); len(ms) != 0 {
		t.Fatalf("mandate before the first payment is paid: %+v", ms)
	}
	if err := f.SetStatus(first.ID, "paid"); err != nil {
		t.Fatal(err)
	}
	ms, err := p.ListMandates(ctx, cu.ID)
	m, ok := payment.ValidMandate(ms)
	if err != nil || !ok || m.Method != "directdebit" {
		t.Fatalf("mandates %+v, %v", ms, err)
	}
	if pf, _ := p.GetPayment(ctx, first.ID); pf.MandateID != m.ID {
		t.Fatalf("first payment's mandate %q, want %q", pf.MandateID, m.ID)
	}

	for i, fail := range []bool{false, true} {
		f.FailRecurring(fail)
		rec.IdempotencyKey = "so-1-p" + string(rune('2'+i))
		rp, err := p.CreatePayment(ctx, rec)
		if err != nil || rp.Status != payment.StatusPending || rp.CheckoutURL != "" || rp.MandateID != m.ID || rp.SequenceType != payment.SequenceRecurring {
			t.Fatalf("recurring %d: %+v, %v", i, rp, err)
		}
		f.Tick()
		rp, _ = p.GetPayment(ctx, rp.ID)
		want := payment.StatusPaid
		if fail {
			want = payment.StatusFailed
		}
		if rp.Status != want {
			t.Fatalf("recurring %d is %s, want %s", i, rp.Status, want)
		}
	}

	md, err := c.Mandates.Get(ctx, cu.ID, m.ID)
	if err != nil || md.Status != mollie.MandateStatusValid {
		t.Fatalf("get mandate %+v, %v", md, err)
	}
	if err := p.RevokeMandate(ctx, cu.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	if md, _ := c.Mandates.Get(ctx, cu.ID, m.ID); md.Status != mollie.MandateStatusInvalid {
		t.Fatalf("revoked mandate is %s", md.Status)
	}
	rec.IdempotencyKey = "so-1-p9"
	if _, err := p.CreatePayment(ctx, rec); !errors.Is(err, payment.ErrNoMandate) {
		t.Fatalf("recurring after revoke: %v", err)
	}
	if err := c.Mandates.Revoke(ctx, cu.ID, "tr_nope"); !errors.Is(err, mollie.ErrInvalidID) {
		t.Fatalf("bad mandate id: %v", err)
	}
}
