package server

import (
	"net/http"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/order"
)

// TestReturnPageDoesNotWaitForSlowProvider: when the provider is slow, the
// order page answers with what the store knows instead of waiting, and the
// check it started still brings the news to the order in the background.
func TestReturnPageDoesNotWaitForSlowProvider(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f), func(o *Options) {
		o.tune = func(s *Sidecar) {
			s.reconcileAfter, s.payments.PageCheckEvery, s.payments.PageCheckWait = 0, 0, 50*time.Millisecond
		}
	})
	sh.addToCart("MOK-001", 1)
	_, a := sh.checkout("slow-provider")
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if err := f.SetStatusQuiet(o.PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}
	f.Fail(molliefake.GetPayment, molliefake.Fault{Delay: 2 * time.Second, AfterHandling: true})
	r := sh.req("GET", "/api/orders/"+o.Token, "")
	var v OrderView
	if r.StatusCode != http.StatusOK {
		t.Fatalf("order status: %d %s", r.StatusCode, r.body)
	}
	r.json(t, &v)
	if v.State != string(order.AwaitingPayment) {
		t.Errorf("page shows %q while the provider's answer is still under way; want what the store knows (awaiting_payment)", v.State)
	}
	for range 100 {
		if cur, _ := sh.sc.store.Orders.GetOrder(o.ID); cur.State == order.Paid {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Error("the page's background check never made the order paid")
}
