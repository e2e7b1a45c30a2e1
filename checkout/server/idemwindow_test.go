package server

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/order"
)

// TestUnstoredPaymentAnyWindow: the provider made the payment but its answer
// was lost, so the order has none. Whether asking again with the same key
// (by the reconciler or by the customer's retry) replays that payment
// (within the idempotency window) or makes a new one (after it), the order
// ends up with exactly one payment the customer can pay, paying it pays the
// order, and the customer is never shown two. Run with Mollie's documented
// 24-hour window and the one hour quoted elsewhere, at several ages.
func TestUnstoredPaymentAnyWindow(t *testing.T) {
	for _, window := range []time.Duration{time.Hour, 24 * time.Hour} {
		for _, age := range []time.Duration{5 * time.Minute, 55 * time.Minute, 90 * time.Minute} {
			for _, by := range []string{"reconciler", "retry"} {
				t.Run(fmt.Sprintf("window=%v/age=%v/%s", window, age, by), func(t *testing.T) {
					clk := &testClock{t: time.Now()}
					f := molliefake.New()
					defer f.Close()
					f.SetClock(clk.Now)
					f.SetIdempotencyWindow(window)
					sh := newShop(t, withMollie(f), withClock(clk))
					sh.addToCart("MOK-001", 1)
					f.Fail(molliefake.CreatePayment, molliefake.Fault{Status: 500, AfterHandling: true, Times: 20})
					if r, _ := sh.checkout("unstored"); r.StatusCode != http.StatusBadGateway {
						t.Fatalf("checkout with the answer lost: %d %s", r.StatusCode, r.body)
					}
					f.ClearFaults()
					orders, _ := sh.sc.store.Orders.ListOrders(storeFilterAll())
					if len(orders) != 1 || f.PaymentCount() != 1 {
						t.Fatalf("%d orders, %d payments", len(orders), f.PaymentCount())
					}
					lost := f.PaymentIDs()[0]
					clk.Add(age)
					shown := ""
					if by == "reconciler" {
						sh.sc.payments.ReconcileOnce(context.Background())
					} else {
						r, a := sh.checkout("unstored")
						if r.StatusCode/100 != 2 || a.CheckoutURL == "" {
							t.Fatalf("retry: %d %s", r.StatusCode, r.body)
						}
						shown = a.CheckoutURL
					}
					o, _ := sh.sc.store.Orders.GetOrder(orders[0].ID)
					if o.PaymentID == "" || len(o.Attempts) == 0 {
						t.Fatalf("order after asking again: no payment")
					}
					replayed := o.Attempts[0].PaymentID == lost
					if want := age < window; replayed != want {
						t.Errorf("replayed = %v, want %v for age %v in a %v window", replayed, want, age, window)
					}
					payable := 0
					for _, id := range f.PaymentIDs() {
						if p, _ := f.Payment(id); p.Status == "open" && (id != lost || replayed) {
							payable++
						}
					}
					if cur, _ := f.Payment(o.PaymentID); cur.Status != "open" || payable != 1 {
						t.Fatalf("the order's payment %s is %s; %d payable payments known to the shop, want exactly 1", o.PaymentID, cur.Status, payable)
					}
					if shown != "" && shown != o.CheckoutURL {
						t.Errorf("customer shown %s, order pays at %s", shown, o.CheckoutURL)
					}
					if err := f.SetStatus(o.PaymentID, "paid"); err != nil {
						t.Fatal(err)
					}
					if o, _ = sh.sc.store.Orders.GetOrder(o.ID); o.State != order.Paid {
						t.Errorf("order %s after its payment was paid", o.State)
					}
				})
			}
		}
	}
}
