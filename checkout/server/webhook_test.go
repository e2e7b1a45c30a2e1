package server

import (
	"net/http"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/orders"
)

// TestWebhookThrottle: replays of an open payment's webhook make one
// provider call per webhookEvery (burst 1 here); a post within that time is answered at
// once and its news still arrives through one delayed check; a failed call
// does not count, so Mollie's retry is served at once.
func TestWebhookThrottle(t *testing.T) {
	tests := []struct {
		name  string
		every time.Duration
	}{
		{"replays within the window", time.Hour},
		{"news posted within the window", 200 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := molliefake.New()
			defer f.Close()
			sh := newShop(t, withMollie(f), func(o *Options) {
				o.tune = func(s *Sidecar) {
					s.reconcileAfter, s.payments.PageCheckEvery, s.payments.Hooks = time.Hour, time.Hour, orders.NewHookThrottle(1, tt.every)
				}
			})
			sh.addToCart("MOK-001", 1)
			_, a := sh.checkout("throttle")
			o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
			hook := func() int {
				return sh.req("POST", "/api/webhooks/mollie", "id="+o.PaymentID, "Origin", "-").StatusCode
			}

			// A failed call does not count: the retry asks again.
			f.Fail(molliefake.GetPayment, molliefake.Fault{Status: 500, Times: 10})
			if code := hook(); code != http.StatusServiceUnavailable {
				t.Fatalf("webhook with Mollie down: %d", code)
			}
			f.ClearFaults()
			before := f.Calls(molliefake.GetPayment)
			if code := hook(); code != http.StatusOK {
				t.Fatalf("Mollie's retry: %d", code)
			}
			if f.Calls(molliefake.GetPayment) == before {
				t.Fatal("the retry after a failed check did not ask the provider")
			}

			if tt.every == time.Hour {
				before = f.Calls(molliefake.GetPayment)
				for range 50 {
					if code := hook(); code != http.StatusOK {
						t.Fatalf("replay: %d", code)
					}
				}
				if n := f.Calls(molliefake.GetPayment) - before; n != 0 {
					t.Errorf("50 replays within the window made %d provider calls, want 0", n)
				}
				return
			}
			// The news comes within the window: answered, then checked once.
			if err := f.SetStatusQuiet(o.PaymentID, "paid"); err != nil {
				t.Fatal(err)
			}
			for range 10 {
				if code := hook(); code != http.StatusOK {
					t.Fatalf("webhook: %d", code)
				}
			}
			for range 100 {
				if cur, _ := sh.sc.store.Orders.GetOrder(o.ID); cur.State == order.Paid {
					return
				}
				time.Sleep(20 * time.Millisecond)
			}
			t.Error("news posted within the throttle window never reached the order")
		})
	}
}
