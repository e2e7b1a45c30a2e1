package local_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/payment/local"
)

// TestLocalRecurring: first payment → mandate → recurring charges reported
// through OnStatusChange; a failing card; a revoked mandate.
func TestLocalRecurring(t *testing.T) {
	var mu sync.Mutex
	changed := map[string]int{}
	l, _, _ := newLocal(t, local.LocalOptions{OnStatusChange: func(id string) { mu.Lock(); changed[id]++; mu.Unlock() }})
	ctx := context.Background()
	cu, err := l.CreateCustomer(ctx, "Anna", "anna@example.nl", "k1")
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := l.CreateCustomer(ctx, "Anna", "anna@example.nl", "k1"); again.ID != cu.ID {
		t.Fatalf("same key, other customer %s", again.ID)
	}
	rec := payment.CreateRequest{Amount: 1350, Currency: "EUR", Description: "Koffie 2", CustomerID: cu.ID,
		SequenceType: payment.SequenceRecurring, IdempotencyKey: "so-p2"}
	if _, err := l.CreatePayment(ctx, rec); !errors.Is(err, payment.ErrNoMandate) {
		t.Fatalf("recurring before the first payment: %v", err)
	}
	first := req("so-p1")
	first.CustomerID, first.SequenceType = cu.ID, payment.SequenceFirst
	fp, err := l.CreatePayment(ctx, first)
	if err != nil || fp.CheckoutURL == "" {
		t.Fatalf("first %+v %v", fp, err)
	}
	if _, err := l.SetStatus(ctx, fp.ID, payment.StatusPaid); err != nil {
		t.Fatal(err)
	}
	ms, _ := l.ListMandates(ctx, cu.ID)
	m, ok := payment.ValidMandate(ms)
	if !ok {
		t.Fatalf("no valid mandate after the first payment: %+v", ms)
	}
	rp, err := l.CreatePayment(ctx, rec)
	if err != nil || rp.Status != payment.StatusPending || rp.MandateID != m.ID || rp.CheckoutURL != "" {
		t.Fatalf("recurring %+v %v", rp, err)
	}
	if got, _ := l.GetPayment(ctx, rp.ID); got.Status != payment.StatusPaid {
		t.Fatalf("recurring charge is %s, want paid", got.Status)
	}
	l.FailRecurring(true)
	rec.IdempotencyKey = "so-p3"
	rp3, _ := l.CreatePayment(ctx, rec)
	if got, _ := l.GetPayment(ctx, rp3.ID); got.Status != payment.StatusFailed {
		t.Fatalf("failing card: %s", got.Status)
	}
	// Same key again: the same payment, not a second charge.
	if again, _ := l.CreatePayment(ctx, rec); again.ID != rp3.ID {
		t.Fatalf("same period charged twice: %s and %s", again.ID, rp3.ID)
	}
	if err := l.RevokeMandate(ctx, cu.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	rec.IdempotencyKey = "so-p4"
	if _, err := l.CreatePayment(ctx, rec); !errors.Is(err, payment.ErrNoMandate) {
		t.Fatalf("after revoke: %v", err)
	}
	l.Close()
	mu.Lock()
	defer mu.Unlock()
	if changed[rp.ID] != 1 || changed[rp3.ID] != 1 {
		t.Fatalf("status changes reported: %v", changed)
	}
}
