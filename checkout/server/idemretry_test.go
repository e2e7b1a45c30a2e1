package server

import (
	"net/http"
	"testing"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

// TestRetryAfterPaidFindsOrder: a retry of a checkout whose order was paid
// meanwhile (the cart is emptied) gets that order through the key index; a
// new key on the empty cart gets "empty", not someone's order.
func TestRetryAfterPaidFindsOrder(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	sh.addToCart("MOK-001", 1)
	r, a := sh.checkout("retry-paid")
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("checkout: %d %s", r.StatusCode, r.body)
	}
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if err := f.SetStatus(o.PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}
	r, again := sh.checkout("retry-paid")
	if r.StatusCode != http.StatusOK || again.Order.ID != a.Order.ID || again.CheckoutURL != "" {
		t.Errorf("retry after paid: %d, order %q, pay at %q; want 200, order %s, nothing to pay", r.StatusCode, again.Order.ID, again.CheckoutURL, a.Order.ID)
	}
	if r, _ := sh.checkout("another-key"); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("new key on the emptied cart: %d %s, want 422", r.StatusCode, r.body)
	}
}
