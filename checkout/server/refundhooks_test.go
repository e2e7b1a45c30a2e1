package server

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/order"
)

// TestRefundNewsByWebhook: Mollie moves a refund along (pending →
// processing → refunded) and calls the payment's webhook each time; the
// order follows from the webhooks alone. A refund canceled at Mollie
// (DELETE while pending, e.g. from the dashboard) gets no webhook; the
// reconciler's refund check finds it void, and the money is refundable
// again.
func TestRefundNewsByWebhook(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	o := sh.paidOrder(f, "rh-1", map[string]int{"MOK-001": 2})
	r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/refund", `{"lines":[{"sku":"MOK-001","quantity":1}]}`)
	if r.StatusCode/100 != 2 {
		t.Fatalf("refund: %d %s", r.StatusCode, r.body)
	}
	for _, want := range []string{"processing", "refunded"} {
		if n := f.Tick(); n != 1 {
			t.Fatalf("webhooks for refund %s: %d", want, n)
		}
		o, _ = sh.sc.store.Orders.GetOrder(o.ID)
		if got := o.Refunds[0].Status; got != want {
			t.Fatalf("refund after the %s webhook: %s", want, got)
		}
	}
	// A second refund, canceled at Mollie while pending.
	before := o.Refundable()
	r = sh.admin("POST", "/api/admin/orders/"+o.ID+"/refund", `{"amount":500}`)
	if r.StatusCode/100 != 2 {
		t.Fatalf("second refund: %d %s", r.StatusCode, r.body)
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if len(o.Refunds) != 2 {
		t.Fatalf("second refund not recorded: %d %s", r.StatusCode, r.body)
	}
	rf := o.Refunds[1]
	req, _ := http.NewRequest("DELETE", f.BaseURL()+"payments/"+o.PaymentID+"/refunds/"+rf.ProviderID, nil)
	req.Header.Set("Authorization", "Bearer "+f.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("cancel the refund at Mollie: %d", resp.StatusCode)
	}
	if n := f.Tick(); n != 0 {
		t.Fatalf("%d webhooks for a canceled refund; Mollie sends none", n)
	}
	// The reconciler's check of this order (reconcileRefunds asks each
	// order at most every refundCheckEvery; the background pass may just
	// have asked, so the test asks directly).
	if err := sh.sc.uc.refunds.Sync(context.Background(), o.ID, "reconciler"); err != nil {
		t.Fatalf("reconciler's refund check: %v", err)
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if got := o.Refunds[1].Status; got != order.RefundCanceled {
		t.Fatalf("refund canceled at Mollie shows %s", got)
	}
	if o.Refundable() != before {
		t.Errorf("refundable after the canceled refund: %d, want %d again", o.Refundable(), before)
	}
}

// TestWebhookRetriedAfterFailure: the sidecar cannot reach Mollie while the
// webhook comes (it answers 503); Mollie retries the call later, and the
// retry brings the news.
func TestWebhookRetriedAfterFailure(t *testing.T) {
	clk := &testClock{t: time.Now()}
	f := molliefake.New()
	defer f.Close()
	f.SetClock(clk.Now)
	sh := newShop(t, withMollie(f), withClock(clk))
	sh.addToCart("MOK-001", 1)
	_, a := sh.checkout("hook-retry")
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	f.Fail(molliefake.GetPayment, molliefake.Fault{Status: http.StatusInternalServerError, Times: 1})
	if err := f.SetStatus(o.PaymentID, "paid"); err == nil {
		t.Fatal("the webhook succeeded although the sidecar could not ask Mollie")
	}
	if o, _ = sh.sc.store.Orders.GetOrder(o.ID); o.State != order.AwaitingPayment {
		t.Fatalf("state %s before the retry", o.State)
	}
	clk.Add(time.Minute)
	if n := f.Tick(); n != 1 {
		t.Fatalf("retried webhook calls: %d", n)
	}
	if o, _ = sh.sc.store.Orders.GetOrder(o.ID); o.State != order.Paid {
		t.Errorf("state %s after Mollie's retry, want paid", o.State)
	}
}
