package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
)

// keptAnswer is the 409 of a checkout whose cart's earlier order keeps a
// payment that can still be paid.
type keptAnswer struct {
	Error       string    `json:"error"`
	OrderURL    string    `json:"order_url"`
	CheckoutURL string    `json:"checkout_url"`
	Order       OrderView `json:"order"`
}

// TestChangedCartKeepsUncancelablePayment: the customer starts paying with
// iDEAL (Mollie will not cancel it then), goes back, changes the cart and
// checks out again. No second payment is made while the first can still be
// paid: the earlier order keeps it and the customer is told so, with its pay
// link; when that payment is paid after all, it is the only one. Once the
// first payment has expired, the changed cart checks out normally.
func TestChangedCartKeepsUncancelablePayment(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	clk := time.Now()
	f.SetClock(func() time.Time { return clk })
	f.RefuseCancel("ideal")
	sh := newShop(t, withMollie(f))
	sh.addToCart("MOK-001", 1)
	r, first := sh.checkout("kept-1")
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("checkout: %d %s", r.StatusCode, r.body)
	}
	o1, _ := sh.sc.store.Orders.GetOrder(first.Order.ID)
	if err := f.ChooseMethod(o1.PaymentID, "ideal"); err != nil {
		t.Fatal(err)
	}
	sh.addToCart("KOF-GUJI-250-BO", 1)
	r, _ = sh.checkout("kept-2")
	if r.StatusCode != http.StatusConflict {
		t.Fatalf("changed cart with an uncancelable open payment: %d %s, want 409", r.StatusCode, r.body)
	}
	var k keptAnswer
	r.json(t, &k)
	if k.Order.ID != o1.ID || k.OrderURL == "" || k.CheckoutURL != first.CheckoutURL || k.Error == "" {
		t.Errorf("409 answer %+v: want the earlier order %s, its pay link and a message", k, o1.ID)
	}
	if n := f.PaymentCount(); n != 1 {
		t.Fatalf("%d payments at Mollie, want 1: a second could be paid beside the first", n)
	}
	// The form path shows the earlier order with the reason.
	p := sh.form("/checkout/", checkoutValues("kept-3"))
	if p.StatusCode != http.StatusConflict || f.PaymentCount() != 1 {
		t.Fatalf("form checkout: %d, %d payments", p.StatusCode, f.PaymentCount())
	}
	if !strings.Contains(p.body, o1.ID) || !strings.Contains(p.body, first.CheckoutURL) || p.Header.Get("Refresh") != "" {
		t.Errorf("the form answer must show the earlier order %s with its pay link and not refresh itself (Refresh %q)", o1.ID, p.Header.Get("Refresh"))
	}
	// Paid after all: one order paid, nothing to refund.
	if err := f.SetStatus(o1.PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}
	o1, _ = sh.sc.store.Orders.GetOrder(o1.ID)
	if o1.State != order.Paid || len(o1.Refunds) != 0 {
		t.Fatalf("earlier order %s, refunds %+v", o1.State, o1.Refunds)
	}
	orders, _ := sh.sc.store.Orders.ListOrders(storeFilterAll())
	if len(orders) != 1 {
		t.Errorf("%d orders, want 1", len(orders))
	}
}

// TestChangedCartAfterExpiry: the uncancelable payment expires (the fake's
// clock, its webhook); then the changed cart gets its own order and payment.
func TestChangedCartAfterExpiry(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	clk := time.Now()
	f.SetClock(func() time.Time { return clk })
	f.RefuseCancel("*")
	sh := newShop(t, withMollie(f))
	sh.addToCart("MOK-001", 1)
	_, first := sh.checkout("exp-1")
	sh.addToCart("KOF-GUJI-250-BO", 1)
	if r, _ := sh.checkout("exp-2"); r.StatusCode != http.StatusConflict {
		t.Fatalf("changed cart: %d %s", r.StatusCode, r.body)
	}
	clk = clk.Add(16 * time.Minute)
	if n := f.Tick(); n != 1 {
		t.Fatalf("expiry webhooks delivered: %d, want 1", n)
	}
	o1, _ := sh.sc.store.Orders.GetOrder(first.Order.ID)
	if o1.PaymentStatus != payment.StatusExpired {
		t.Fatalf("after the expiry webhook the order shows %s", o1.PaymentStatus)
	}
	r, second := sh.checkout("exp-3")
	if r.StatusCode != http.StatusCreated || second.Order.ID == o1.ID || second.CheckoutURL == "" {
		t.Fatalf("checkout after expiry: %d %s", r.StatusCode, r.body)
	}
}

// TestChangedCartCancelsPayment: when the provider cancels the earlier
// payment, the earlier order is canceled and shows payment_status
// "canceled" at once, never "open".
func TestChangedCartCancelsPayment(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	sh.addToCart("MOK-001", 1)
	_, first := sh.checkout("cancel-1")
	sh.addToCart("KOF-GUJI-250-BO", 1)
	r, second := sh.checkout("cancel-2")
	if r.StatusCode != http.StatusCreated || second.Order.ID == first.Order.ID {
		t.Fatalf("changed cart: %d %s", r.StatusCode, r.body)
	}
	o1, _ := sh.sc.store.Orders.GetOrder(first.Order.ID)
	if o1.State != order.Canceled || o1.PaymentStatus != payment.StatusCanceled {
		t.Errorf("replaced order: %s, payment_status %q; want canceled, canceled", o1.State, o1.PaymentStatus)
	}
	if p, _ := f.Payment(o1.PaymentID); p.Status != "canceled" {
		t.Errorf("its payment at Mollie: %s", p.Status)
	}
	v := sh.admin(http.MethodGet, "/api/admin/orders/"+o1.ID, "")
	var ov struct {
		PaymentStatus string `json:"payment_status"`
	}
	v.json(t, &ov)
	if ov.PaymentStatus != "canceled" {
		t.Errorf("admin view of the replaced order: payment_status %q (%d %s)", ov.PaymentStatus, v.StatusCode, v.body)
	}
}

// TestChangedCartAuthorized: an authorized payment's cancel is only
// accepted (202); until its webhook says canceled the earlier order keeps
// it, then the changed cart goes through.
func TestChangedCartAuthorized(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	sh.addToCart("MOK-001", 1)
	_, first := sh.checkout("auth-1")
	o1, _ := sh.sc.store.Orders.GetOrder(first.Order.ID)
	if err := f.SetStatus(o1.PaymentID, "authorized"); err != nil {
		t.Fatal(err)
	}
	sh.addToCart("KOF-GUJI-250-BO", 1)
	if r, _ := sh.checkout("auth-2"); r.StatusCode != http.StatusConflict || f.PaymentCount() != 1 {
		t.Fatalf("changed cart with an authorized payment: %d %s, %d payments", r.StatusCode, r.body, f.PaymentCount())
	}
	if n := f.Tick(); n != 1 {
		t.Fatalf("cancel webhook: %d delivered", n)
	}
	if o1, _ = sh.sc.store.Orders.GetOrder(o1.ID); o1.PaymentStatus != payment.StatusCanceled {
		t.Fatalf("after the cancel webhook: %s", o1.PaymentStatus)
	}
	if r, _ := sh.checkout("auth-3"); r.StatusCode != http.StatusCreated {
		t.Fatalf("checkout after the cancel: %d %s", r.StatusCode, r.body)
	}
}

// TestChangedCartLocalRefusesCancel: the built-in provider refusing the
// cancel keeps the earlier order's payment the same way.
func TestChangedCartLocalRefusesCancel(t *testing.T) {
	sh := newShop(t)
	if sh.sc.local == nil {
		t.Fatal("the test shop does not use the local provider")
	}
	sh.sc.local.RefuseCancel(true)
	sh.addToCart("MOK-001", 1)
	_, first := sh.checkout("local-1")
	sh.addToCart("KOF-GUJI-250-BO", 1)
	r, _ := sh.checkout("local-2")
	if r.StatusCode != http.StatusConflict {
		t.Fatalf("changed cart: %d %s", r.StatusCode, r.body)
	}
	orders, _ := sh.sc.store.Orders.ListOrders(storeFilterAll())
	if len(orders) != 1 || orders[0].ID != first.Order.ID || orders[0].State != order.AwaitingPayment {
		t.Fatalf("orders after a refused cancel: %d", len(orders))
	}
}

// TestPayAgainWaitsForNewerOrder: the first order's payment failed, the
// customer checked out the cart again (a new open payment); the failed order
// is replaced, and "pay again" on it must not start a second payable
// payment for the cart.
func TestPayAgainWaitsForNewerOrder(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	sh.addToCart("MOK-001", 1)
	_, first := sh.checkout("again-1")
	o1, _ := sh.sc.store.Orders.GetOrder(first.Order.ID)
	if err := f.SetStatus(o1.PaymentID, "failed"); err != nil {
		t.Fatal(err)
	}
	if r, _ := sh.checkout("again-2"); r.StatusCode != http.StatusCreated {
		t.Fatalf("second checkout: %d %s", r.StatusCode, r.body)
	}
	// The new checkout replaced the failed order (canceled), so it cannot
	// be paid again beside the new one.
	if o1, _ = sh.sc.store.Orders.GetOrder(o1.ID); o1.State != order.Canceled {
		t.Errorf("failed order after a new checkout of its cart: %s, want canceled", o1.State)
	}
	before := f.PaymentCount()
	r := sh.form("/order/"+o1.Token+"/pay", nil)
	if r.StatusCode/100 == 2 || f.PaymentCount() != before {
		t.Fatalf("pay again on the older order: %d, payments %d → %d", r.StatusCode, before, f.PaymentCount())
	}
}

// TestOwnerCancelShowsPaymentCanceled: the owner cancels an order awaiting
// payment; once Mollie has canceled its payment, the order says so
// (payment_status "canceled", not "open"). When Mollie refuses (a started
// iDEAL payment), the order keeps saying "open", which is the truth.
func TestOwnerCancelShowsPaymentCanceled(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	f.RefuseCancel("ideal")
	sh := newShop(t, withMollie(f))
	for _, started := range []bool{false, true} {
		jar, _ := newJar()
		sh.jar, sh.client.Jar = jar, jar
		sh.addToCart("MOK-001", 1)
		_, a := sh.checkout(fmt.Sprintf("owner-cancel-%v", started))
		o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
		if started {
			f.ChooseMethod(o.PaymentID, "ideal")
		}
		if r := sh.admin(http.MethodPost, "/api/admin/orders/"+o.ID+"/cancel", ""); r.StatusCode != http.StatusOK {
			t.Fatalf("cancel: %d %s", r.StatusCode, r.body)
		}
		sh.sc.payments.Cancels.Wait()
		o, _ = sh.sc.store.Orders.GetOrder(o.ID)
		p, _ := f.Payment(o.PaymentID)
		want := payment.StatusCanceled
		if started {
			want = payment.StatusOpen
		}
		if o.State != order.Canceled || o.PaymentStatus != want || string(o.PaymentStatus) != p.Status {
			t.Errorf("iDEAL started %v: order %s, payment_status %s, Mollie %s; want canceled, %s", started, o.State, o.PaymentStatus, p.Status, want)
		}
	}
}

// TestRetryOfStoredCheckoutKeepsPayment: a retry of a checkout that went
// through (same key) after the cart changed gets that order and its open
// payment back; it never cancels the payment the customer is about to pay.
func TestRetryOfStoredCheckoutKeepsPayment(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	sh.addToCart("MOK-001", 1)
	_, first := sh.checkout("retry-stored")
	sh.addToCart("KOF-GUJI-250-BO", 1)
	r, again := sh.checkout("retry-stored")
	if r.StatusCode/100 != 2 || again.Order.ID != first.Order.ID || again.CheckoutURL != first.CheckoutURL {
		t.Fatalf("retry: %d %s", r.StatusCode, r.body)
	}
	o, _ := sh.sc.store.Orders.GetOrder(first.Order.ID)
	if p, _ := f.Payment(o.PaymentID); p.Status != "open" || f.Calls(molliefake.CancelPayment) != 0 {
		t.Errorf("the retried checkout's payment is %s after %d cancel calls; want open, none", p.Status, f.Calls(molliefake.CancelPayment))
	}
}
