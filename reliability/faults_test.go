package reliability

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

// clock is a test clock that can jump ahead (to make orders old enough for
// the reconciler without waiting minutes).
type clock struct{ off atomic.Int64 }

func (c *clock) now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *clock) advance(d time.Duration) { c.off.Add(int64(d)) }

// TestCheckoutProviderFaults: whatever the provider does at checkout, the
// customer gets a 2xx with a payment or a clear "try again" with the cart
// kept, and a retry with the same key ends in one order with one payment.
func TestCheckoutProviderFaults(t *testing.T) {
	fake := molliefake.New()
	defer fake.Close()
	s := startShop(t, shopConfig{fake: fake})

	cases := []struct {
		name  string
		fault molliefake.Fault
	}{
		{"500 every try", molliefake.Fault{Status: 500, Times: 10}},
		{"503 every try", molliefake.Fault{Status: 503, Times: 10}},
		{"429 with Retry-After", molliefake.Fault{Status: 429, RetryAfter: "1", Times: 10}},
		{"502 proxy page without length", molliefake.Fault{Status: 502, Body: "<html>bad gateway</html>", NoContentLength: true, Times: 10}},
		{"connection closed", molliefake.Fault{CloseConn: true, Times: 10}},
		{"500 once", molliefake.Fault{Status: 500}},
		{"connection closed once", molliefake.Fault{CloseConn: true}},
		{"answer lost after the payment was made", molliefake.Fault{CloseConn: true, AfterHandling: true}},
		{"500 after the payment was made", molliefake.Fault{Status: 500, AfterHandling: true, Times: 2}},
		{"slow answer", molliefake.Fault{Delay: 1500 * time.Millisecond}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := s.customer()
			if a := c.add("MOK-001", 2); a.status != http.StatusOK {
				t.Fatalf("add: %s", a)
			}
			f := form("Bea")
			f["lang"] = "en"
			key := "k-" + strings.ReplaceAll(tc.name, " ", "-")
			fake.Fail(molliefake.CreatePayment, tc.fault)
			a, ca := c.checkout(key, f)
			fake.ClearFaults()
			switch {
			case a.status == http.StatusCreated || a.status == http.StatusOK:
				if ca.CheckoutURL == "" {
					t.Fatalf("2xx without a checkout URL: %s", a)
				}
			case a.status == http.StatusBadGateway || a.status == http.StatusServiceUnavailable:
				msg := a.errorText()
				if !strings.Contains(strings.ToLower(msg), "try again") {
					t.Errorf("provider failure says %q, want a clear 'try again'", msg)
				}
				if a.header.Get("Retry-After") == "" {
					t.Errorf("provider failure without Retry-After")
				}
				cart := c.do(http.MethodGet, "/api/cart", nil)
				if !strings.Contains(string(cart.body), `"count":2`) {
					t.Errorf("cart not kept after a provider failure: %s", cart)
				}
				// The customer tries again with the same key (a retry of the same click).
				a, ca = c.checkout(key, f)
				if a.status != http.StatusOK && a.status != http.StatusCreated || ca.CheckoutURL == "" {
					t.Fatalf("retry after the provider recovered: %s", a)
				}
			default:
				t.Fatalf("checkout under fault: %s, want 2xx or 502/503 with a message", a)
			}
			// A double click afterwards gives the same order and payment.
			a2, ca2 := c.checkout(key, f)
			if a2.status != http.StatusOK || ca2.Order.ID != ca.Order.ID || ca2.CheckoutURL != ca.CheckoutURL {
				t.Errorf("same key again: %s (order %s, want %s with the same payment)", a2, ca2.Order.ID, ca.Order.ID)
			}
			if n := paymentsPerOrder(t, fake)[ca.Order.ID]; n != 1 {
				t.Errorf("order %s has %d payments at the provider, want 1", ca.Order.ID, n)
			}
		})
	}
	// One order per key, whatever happened.
	perCustomer := map[string]int{}
	for _, o := range adminOrders(t, s.URL) {
		perCustomer[o.ID]++
		if w := wholeOrder(o); w != "" {
			t.Errorf("order %s: %s", o.ID, w)
		}
	}
	if len(perCustomer) != len(cases) {
		t.Errorf("%d orders for %d checkouts", len(perCustomer), len(cases))
	}
}

// TestProviderHangDoesNotBlock: while the provider hangs past the client's
// timeout at checkout and at webhook time, other customers are served.
func TestProviderHangDoesNotBlock(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the Mollie client's 10 s timeout")
	}
	fake := molliefake.New()
	defer fake.Close()
	s := startShop(t, shopConfig{fake: fake})
	_, pid := placeOrder(t, s, "MOK-001")

	fake.Fail(molliefake.CreatePayment, molliefake.Fault{Delay: 15 * time.Second, Times: 1})
	fake.Fail(molliefake.GetPayment, molliefake.Fault{Delay: 15 * time.Second, Times: 1})
	var wg sync.WaitGroup
	wg.Add(2)
	var hung answer
	go func() { // a checkout that waits on the hanging provider
		defer wg.Done()
		c := s.customer()
		c.add("MOK-001", 1)
		hung, _ = c.checkout("hang-1", form("Cas"))
	}()
	go func() { // a webhook that waits on it too
		defer wg.Done()
		postWebhook(s.URL, "id="+pid)
	}()
	time.Sleep(300 * time.Millisecond)

	// Meanwhile: 40 cart operations and availability checks. Each must be
	// answered well before the provider's timeout (5 s is generous on a
	// loaded 2-core machine; the hang is 10 s and more).
	var slow atomic.Int64
	var errs atomic.Int64
	var inner sync.WaitGroup
	for i := 0; i < 20; i++ {
		inner.Add(1)
		go func() {
			defer inner.Done()
			c := s.customer()
			for _, op := range []func() answer{
				func() answer { return c.add("KOF-001", 1) },
				func() answer { return c.do(http.MethodGet, "/api/availability?sku=KOF-001&sku=BOEK-001", nil) },
			} {
				start := time.Now()
				a := op()
				if a.status != http.StatusOK {
					errs.Add(1)
				}
				if time.Since(start) > 5*time.Second {
					slow.Add(1)
				}
			}
		}()
	}
	inner.Wait()
	if slow.Load() > 0 || errs.Load() > 0 {
		t.Errorf("while the provider hung: %d requests took over 5 s, %d failed", slow.Load(), errs.Load())
	}
	wg.Wait()
	if hung.status != http.StatusCreated && hung.status != http.StatusBadGateway {
		t.Errorf("checkout through a hanging provider: %s, want 201 (after a retry) or 502", hung)
	}
}

// TestLostWebhookMadeGood: webhooks that fail because the provider errs at
// webhook time are made good by Mollie's retry, or by the reconciler.
func TestLostWebhookMadeGood(t *testing.T) {
	fake := molliefake.New()
	defer fake.Close()
	clk := &clock{}
	s := startShop(t, shopConfig{fake: fake, now: clk.now, reconcile: 50 * time.Millisecond})

	t.Run("retried webhook", func(t *testing.T) {
		ca, pid := placeOrder(t, s, "MOK-001")
		fake.Fail(molliefake.GetPayment, molliefake.Fault{Status: 500, Times: 20})
		_ = fake.SetStatus(pid, "paid") // the webhook gets a 503 from the shop
		a := postWebhook(s.URL, "id="+pid)
		if a.status != http.StatusServiceUnavailable {
			t.Errorf("webhook while the provider errs: %s, want 503 so Mollie retries", a)
		}
		if st := orderState(t, s, ca.Order.ID); st != "awaiting_payment" {
			t.Errorf("order is %s before the provider could be asked", st)
		}
		fake.ClearFaults()
		if a := postWebhook(s.URL, "id="+pid); a.status != http.StatusOK { // Mollie's retry
			t.Fatalf("retried webhook: %s", a)
		}
		if st := orderState(t, s, ca.Order.ID); st != "paid" {
			t.Errorf("order is %s after the retried webhook, want paid", st)
		}
	})

	// Every kind of provider fault at webhook time: the shop answers 200
	// (the client's own retry got through) or 5xx (Mollie will retry);
	// never a wrong state, and Mollie's next call makes it good.
	for _, f := range []struct {
		name  string
		fault molliefake.Fault
	}{
		{"503", molliefake.Fault{Status: 503, Times: 10}},
		{"429", molliefake.Fault{Status: 429, RetryAfter: "1", Times: 10}},
		{"connection closed", molliefake.Fault{CloseConn: true, Times: 10}},
		{"proxy page", molliefake.Fault{Status: 502, Body: "<html>oops</html>", Times: 10}},
		{"slow", molliefake.Fault{Delay: 1500 * time.Millisecond}},
		{"500 once", molliefake.Fault{Status: 500}},
	} {
		t.Run("webhook while the provider gives "+f.name, func(t *testing.T) {
			ca, pid := placeOrder(t, s, "MOK-001")
			if err := fake.SetStatusQuiet(pid, "paid"); err != nil {
				t.Fatal(err)
			}
			fake.Fail(molliefake.GetPayment, f.fault)
			a := postWebhook(s.URL, "id="+pid)
			fake.ClearFaults()
			switch {
			case a.status == http.StatusOK:
				if st := orderState(t, s, ca.Order.ID); st != "paid" {
					t.Errorf("webhook answered 200 but the order is %s", st)
				}
			case a.status >= 500:
				if st := orderState(t, s, ca.Order.ID); st != "awaiting_payment" {
					t.Errorf("webhook failed but the order is %s", st)
				}
				if a := postWebhook(s.URL, "id="+pid); a.status != http.StatusOK {
					t.Fatalf("Mollie's retry: %s", a)
				}
				if st := orderState(t, s, ca.Order.ID); st != "paid" {
					t.Errorf("order is %s after Mollie's retry", st)
				}
			default:
				t.Errorf("webhook during a provider fault: %s, want 200 or 5xx", a)
			}
		})
	}

	t.Run("reconciler", func(t *testing.T) {
		var ids []string
		for i := 0; i < 5; i++ {
			ca, pid := placeOrder(t, s, "MOK-001")
			ids = append(ids, ca.Order.ID)
			st := "paid"
			if i == 4 {
				st = "expired"
			}
			if err := fake.SetStatusQuiet(pid, st); err != nil { // the webhook is lost
				t.Fatal(err)
			}
		}
		time.Sleep(200 * time.Millisecond)
		for _, id := range ids {
			if st := orderState(t, s, id); st != "awaiting_payment" {
				t.Fatalf("order %s is %s before the reconciler was due (nothing told the shop)", id, st)
			}
		}
		clk.advance(10 * time.Minute) // orders are now old enough to be asked about
		ok := eventually(10*time.Second, func() bool {
			for i, id := range ids {
				want := "paid"
				if i == 4 {
					want = "payment_failed"
				}
				if orderState(t, s, id) != want {
					return false
				}
			}
			return true
		})
		if !ok {
			for _, id := range ids {
				t.Errorf("order %s is %s", id, orderState(t, s, id))
			}
			t.Fatal("the reconciler did not bring lost webhooks' news")
		}
	})
}
