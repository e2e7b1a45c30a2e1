package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/order"
)

// offsetClock is a test clock: real time moved by an offset.
type offsetClock struct{ off atomic.Int64 }

func (c *offsetClock) now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *offsetClock) advance(d time.Duration) { c.off.Add(int64(d)) }
func withOffsetClock(c *offsetClock) shopOpt   { return func(o *Options) { o.Now = c.now } }

// paidOrder puts items in a fresh cart, checks out and lets Mollie (the
// fake) report it paid through the webhook.
func (sh *testShop) paidOrder(f *molliefake.Server, key string, items map[string]int) *order.Order {
	sh.t.Helper()
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar // a new customer
	for sku, n := range items {
		sh.addToCart(sku, n)
	}
	r, a := sh.checkout(key)
	if r.StatusCode != http.StatusCreated {
		sh.t.Fatalf("checkout %s: %d %s", key, r.StatusCode, r.body)
	}
	o, err := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if err != nil {
		sh.t.Fatal(err)
	}
	if err := f.SetStatus(o.PaymentID, "paid"); err != nil {
		sh.t.Fatal(err)
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if o.State != order.Paid {
		sh.t.Fatalf("order %s is %s after the paid webhook", o.ID, o.State)
	}
	return o
}

// delivered ships and delivers an order through the admin API.
func (sh *testShop) delivered(o *order.Order) *order.Order {
	sh.t.Helper()
	for _, step := range []string{"ship", "deliver"} {
		if r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/"+step, ""); r.StatusCode != 200 {
			sh.t.Fatalf("%s: %d %s", step, r.StatusCode, r.body)
		}
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	return o
}

// mails counts the e-mails of a kind in the outbox after sending what is due.
func (sh *testShop) mailCount(kind string) int {
	sh.flushMail()
	return len(sh.outboxFiles(kind))
}

func refundsAtMollie(f *molliefake.Server, paymentID string) (n int, sum string) {
	p, _ := f.Payment(paymentID)
	var vals []string
	for _, r := range p.Refunds {
		vals = append(vals, r.Value+"/"+r.Status)
	}
	return len(p.Refunds), strings.Join(vals, ",")
}

// TestReturnJourney: a customer returns part, then the rest; the owner
// receives and refunds each; every step e-mails once; refunds add up to
// what was paid and not a cent more.
func TestReturnJourney(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	o := sh.delivered(sh.paidOrder(f, "ret-1", map[string]int{"KOF-GUJI-250-BO": 2, "MOK-001": 1}))
	// 2 × 14.50 + 12.95 = 41.95, + 4.95 shipping = 46.90

	var as AfterSaleView
	sh.req("GET", "/api/orders/"+o.Token+"/returns", "").json(t, &as)
	if !as.ReturnOpen || as.ReturnUntil == "" || len(as.Returnable) != 2 || as.CanCancel {
		t.Fatalf("after delivery: %+v", as)
	}
	page := sh.req("GET", "/order/"+o.Token+"?lang=en", "")
	if !strings.Contains(page.body, "/order/"+o.Token+"/return") || strings.Contains(page.body, "/cancel") {
		t.Errorf("order page of a delivered order: no return link, or a cancel button")
	}

	// The form: no reason needed.
	form := sh.req("GET", "/order/"+o.Token+"/return?lang=en", "")
	if form.StatusCode != 200 || !strings.Contains(form.body, `name="qty_KOF-GUJI-250-BO"`) || !strings.Contains(form.body, "Returning is free") {
		t.Fatalf("return form: %d %s", form.StatusCode, form.body)
	}
	r := sh.form("/order/"+o.Token+"/return", url.Values{"qty_KOF-GUJI-250-BO": {"1"}, "lang": {"en"}})
	if r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "#return-"+o.ID+"-R1") {
		t.Fatalf("return form post: %d %s %s", r.StatusCode, r.Header.Get("Location"), r.body)
	}
	// A double click gives the same return.
	r = sh.form("/order/"+o.Token+"/return", url.Values{"qty_KOF-GUJI-250-BO": {"1"}, "lang": {"en"}})
	if r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "#return-"+o.ID+"-R1") {
		t.Fatalf("second post of the same return: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	page = sh.req("GET", "/order/"+o.Token+"?lang=en", "")
	for _, want := range []string{o.ID + "-R1", "Brandpunt, Markt 1, Utrecht", "Returning is free", "within 5 working days", `data-step="requested"`, "€14.50"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("order page after the return request lacks %q", want)
		}
	}
	if n := sh.mailCount("return_requested"); n != 1 {
		t.Errorf("return requested e-mails: %d, want 1", n)
	}

	// The owner receives it (twice: one e-mail) and refunds it (twice: one refund).
	for i := 0; i < 2; i++ {
		if r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/return-received", `{"code":"`+o.ID+`-R1"}`); r.StatusCode != 200 {
			t.Fatalf("return received: %d %s", r.StatusCode, r.body)
		}
	}
	if n := sh.mailCount("return_received"); n != 1 {
		t.Errorf("return received e-mails: %d, want 1", n)
	}
	for i := 0; i < 2; i++ {
		r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/refund", `{"return_code":"`+o.ID+`-R1"}`)
		if r.StatusCode != 200 {
			t.Fatalf("refund return: %d %s", r.StatusCode, r.body)
		}
		r.json(t, &as)
	}
	if n, vals := refundsAtMollie(f, o.PaymentID); n != 1 || !strings.HasPrefix(vals, "14.50/") {
		t.Fatalf("refunds at Mollie after refunding R1 twice: %d %s", n, vals)
	}
	if as.Refunded != 1450 || len(as.Returns) != 1 || as.Returns[0].State != "refunded" {
		t.Errorf("after the first refund: %+v", as)
	}
	if n := sh.mailCount("refund_sent"); n != 1 {
		t.Errorf("refund e-mails: %d, want 1", n)
	}

	// The rest goes back: now the shipping comes with it (policy: full return).
	r = sh.req("POST", "/api/orders/"+o.Token+"/returns", `{"lines":[{"sku":"KOF-GUJI-250-BO","quantity":1},{"sku":"MOK-001","quantity":1}],"reason":"Te <b>sterk</b>"}`)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("second return: %d %s", r.StatusCode, r.body)
	}
	if r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/return-received", `{"refund":true}`); r.StatusCode != 200 {
		t.Fatalf("receive and refund R2: %d %s", r.StatusCode, r.body)
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if o.RefundedAmount() != o.PaidAmount() || o.Refundable() != 0 {
		t.Errorf("everything back: refunded %d of %d", o.RefundedAmount(), o.PaidAmount())
	}
	if n, vals := refundsAtMollie(f, o.PaymentID); n != 2 || !strings.Contains(vals, "32.40/") {
		t.Errorf("refunds at Mollie: %d %s (want 14.50 and 14.50 + 12.95 + 4.95 = 32.40)", n, vals)
	}
	page = sh.req("GET", "/order/"+o.Token+"?lang=en", "")
	if !strings.Contains(page.body, "Te &lt;b&gt;sterk&lt;/b&gt;") || strings.Contains(page.body, "<b>sterk") {
		t.Error("the reason is not shown escaped")
	}
	if !strings.Contains(page.body, "Everything in this order has been returned") && strings.Contains(page.body, "/return?lang") {
		t.Error("a fully returned order still offers a return")
	}
	// Not a cent more.
	if r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/refund", `{"amount":1}`); r.StatusCode != 422 || !strings.Contains(r.errorMessage(t), "more than") {
		t.Errorf("over-refund: %d %s", r.StatusCode, r.body)
	}
	if r := sh.req("POST", "/api/orders/"+o.Token+"/returns", `{"lines":[{"sku":"MOK-001","quantity":1}]}`); r.StatusCode != 422 {
		t.Errorf("returning what was returned: %d %s", r.StatusCode, r.body)
	}
	if n := sh.mailCount("return_requested"); n != 2 {
		t.Errorf("return requested e-mails for two returns: %d", n)
	}
	if n := sh.mailCount("refund_sent"); n != 2 {
		t.Errorf("refund e-mails for two refunds: %d", n)
	}
	// The history says who did what.
	var v OrderView
	sh.admin("GET", "/api/admin/orders/"+o.ID, "").json(t, &v)
	var whoReceived string
	for _, h := range v.History {
		if strings.Contains(h.Detail, "R1 received") {
			whoReceived = h.By
		}
	}
	if whoReceived != "admin" {
		t.Errorf("history of the return: %+v", v.History)
	}
}

// TestReturnOutsideWindow: refused with a message that names the last day.
func TestReturnOutsideWindow(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	var clk offsetClock
	sh := newShop(t, withMollie(f), withOffsetClock(&clk))
	o := sh.paidOrder(f, "late-1", map[string]int{"MOK-001": 1})
	if r := sh.req("POST", "/api/orders/"+o.Token+"/returns", `{"lines":[{"sku":"MOK-001","quantity":1}]}`); r.StatusCode != 422 ||
		!strings.Contains(r.errorMessage(t), "once your order has shipped") {
		t.Errorf("return before shipping: %d %s", r.StatusCode, r.body)
	}
	o = sh.delivered(o)
	clk.advance(31 * 24 * time.Hour)
	r := sh.req("POST", "/api/orders/"+o.Token+"/returns", `{"lines":[{"sku":"MOK-001","quantity":1}]}`)
	last := o.DeliveredAt.In(sh.sc.Zone()).AddDate(0, 0, 30).Format("Mon 2 January")
	if r.StatusCode != 422 || !strings.Contains(r.errorMessage(t), "return period ended on "+last) {
		t.Errorf("return after the window: %d %s (want the last day %s)", r.StatusCode, r.body, last)
	}
	form := sh.form("/order/"+o.Token+"/return", url.Values{"qty_MOK-001": {"1"}, "lang": {"en"}})
	if form.StatusCode != 422 || !strings.Contains(form.body, "return period ended") {
		t.Errorf("form after the window: %d", form.StatusCode)
	}
	if page := sh.req("GET", "/order/"+o.Token+"?lang=en", ""); strings.Contains(page.body, "/return?lang") {
		t.Error("the order page offers a return after the window")
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if len(o.Returns) != 0 || sh.mailCount("return_requested") != 0 {
		t.Errorf("a refused return left traces: %+v", o.Returns)
	}
}

// TestRefundTimeoutListsBeforeRetry: the refund reaches Mollie but the
// answer is lost. Nothing is sent again until the list was read; the list
// shows it, so it is adopted, never sent twice.
func TestRefundTimeoutListsBeforeRetry(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	o := sh.paidOrder(f, "to-1", map[string]int{"MOK-001": 2})
	// Times 3: net/http itself resends a request with an Idempotency-Key
	// once on a reused connection; the answer must stay lost.
	f.Fail(molliefake.CreateRefund, molliefake.Fault{CloseConn: true, AfterHandling: true, Times: 3})
	r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/refund", `{"lines":[{"sku":"MOK-001","quantity":1}]}`)
	if r.StatusCode != http.StatusAccepted {
		t.Fatalf("refund with a lost answer: %d %s", r.StatusCode, r.body)
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	rf := o.Refunds[0]
	if rf.Status != order.RefundRecorded || rf.Attempts != 1 || !strings.Contains(rf.LastError, "uncertain") {
		t.Fatalf("refund after the timeout: %+v", rf)
	}
	if o.Refundable() != o.PaidAmount()-1295 {
		t.Errorf("an uncertain refund must count as refunded: refundable %d", o.Refundable())
	}
	creates := f.Calls(molliefake.CreateRefund)
	// The owner presses again: it is the same refund, not sent blindly.
	sh.admin("POST", "/api/admin/orders/"+o.ID+"/refund", `{"lines":[{"sku":"MOK-001","quantity":1}]}`)
	// The reconciler lists, finds it, adopts it.
	sh.sc.uc.refunds.Reconcile(context.Background())
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	n, vals := refundsAtMollie(f, o.PaymentID)
	if n > 2 || f.CreatedForKey(rf.ID) != 1 {
		t.Fatalf("refunds at Mollie: %d %s; created for %s: %d", n, vals, rf.ID, f.CreatedForKey(rf.ID))
	}
	if o.Refunds[0].Status == order.RefundRecorded || o.Refunds[0].ProviderID == "" {
		t.Errorf("the refund found in the list was not adopted: %+v", o.Refunds[0])
	}
	if f.Calls(molliefake.CreateRefund) != creates || len(o.Refunds) != 1 {
		t.Errorf("the second press or the reconciler sent again: create calls %d -> %d, refunds %+v", creates, f.Calls(molliefake.CreateRefund), o.Refunds)
	}
	if f.Calls(molliefake.ListRefunds) == 0 {
		t.Error("the provider's list was never read")
	}
	if got := sh.mailCount("refund_sent"); got != len(o.Refunds) {
		t.Errorf("refund e-mails %d for %d refunds", got, len(o.Refunds))
	}
}

// TestRefundNotSentIsSentAfterListing: the connection dropped before Mollie
// did anything; the list shows nothing, so it is sent (same key), once.
func TestRefundNotSentIsSentAfterListing(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	o := sh.paidOrder(f, "drop-1", map[string]int{"MOK-001": 1})
	f.Fail(molliefake.CreateRefund, molliefake.Fault{CloseConn: true, Times: 3})
	if r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/refund", `{"full":true}`); r.StatusCode != http.StatusAccepted && r.StatusCode != http.StatusBadGateway {
		t.Fatalf("refund with a dropped connection: %d %s", r.StatusCode, r.body)
	}
	if n, _ := refundsAtMollie(f, o.PaymentID); n != 0 {
		t.Fatalf("the fake performed a refund it dropped before handling: %d", n)
	}
	lists := f.Calls(molliefake.ListRefunds)
	sh.sc.uc.refunds.Reconcile(context.Background())
	sh.sc.uc.refunds.Reconcile(context.Background())
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	n, vals := refundsAtMollie(f, o.PaymentID)
	if n != 1 || !strings.HasPrefix(vals, "17.90/") || o.Refunds[0].ProviderID == "" {
		t.Errorf("after the reconciler: %d refunds %s; order %+v", n, vals, o.Refunds)
	}
	if f.Calls(molliefake.ListRefunds) <= lists {
		t.Error("the reconciler sent without listing first")
	}
	if len(o.Refunds) != 1 {
		t.Errorf("refunds on the order: %+v", o.Refunds)
	}
}

// TestRefundsRacingWebhooks: a refund is sent while webhooks and the
// reconciler run; one refund at Mollie, one e-mail, the status ends final.
func TestRefundsRacingWebhooks(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	o := sh.paidOrder(f, "race-1", map[string]int{"MOK-001": 1, "KOF-GUJI-250-BO": 1})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				sh.req("POST", "/api/webhooks/mollie", "id="+o.PaymentID, "Origin", "-")
				sh.sc.uc.refunds.Reconcile(context.Background())
			}
		}()
	}
	var codes [3]int
	var rw sync.WaitGroup
	for i := range codes {
		rw.Add(1)
		go func() {
			defer rw.Done()
			codes[i] = sh.admin("POST", "/api/admin/orders/"+o.ID+"/cancel", "").StatusCode
		}()
	}
	rw.Wait()
	time.Sleep(50 * time.Millisecond)
	p, _ := f.Payment(o.PaymentID)
	if len(p.Refunds) != 1 {
		t.Fatalf("refunds at Mollie under racing webhooks: %+v (codes %v)", p.Refunds, codes)
	}
	if err := f.SetRefundStatus(p.Refunds[0].ID, "refunded"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	close(stop)
	wg.Wait()
	// Mollie calls the payment's webhook for the refund's change.
	if r := sh.req("POST", "/api/webhooks/mollie", "id="+o.PaymentID, "Origin", "-"); r.StatusCode != 200 {
		t.Fatalf("webhook: %d %s", r.StatusCode, r.body)
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if len(o.Refunds) != 1 || o.Refunds[0].Status != order.RefundRefunded || o.Refunds[0].Amount != o.PaidAmount() {
		t.Errorf("refunds on the order: %+v", o.Refunds)
	}
	if ids, _ := sh.sc.store.Orders.OrdersWithOpenRefunds(); len(ids) != 0 {
		t.Errorf("open refunds left: %v", ids)
	}
	if n := sh.mailCount("refund_sent"); n != 1 {
		t.Errorf("refund e-mails: %d", n)
	}
}

// TestConcurrentRefundsNeverExceed: many refunds at once; the ones that fit
// go through, the rest are refused; the sum never exceeds what was paid.
func TestConcurrentRefundsNeverExceed(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	o := sh.paidOrder(f, "many-1", map[string]int{"MOK-001": 1}) // 12.95 + 4.95 = 17.90
	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Different amounts: Mollie refuses the same amount twice within an hour.
			codes[i] = sh.admin("POST", "/api/admin/orders/"+o.ID+"/refund", fmt.Sprintf(`{"amount":%d,"note":"sorry"}`, 500+i)).StatusCode
		}()
	}
	wg.Wait()
	okN, refused := 0, 0
	for _, c := range codes {
		switch c {
		case 200:
			okN++
		case 422:
			refused++
		}
	}
	if okN != 3 || refused != 5 {
		t.Errorf("8 × about 5.00 against 17.90: %d ok, %d refused (%v)", okN, refused, codes)
	}
	n, vals := refundsAtMollie(f, o.PaymentID)
	if n != 3 {
		t.Errorf("refunds at Mollie: %d %s", n, vals)
	}
	// A refund by item, with shipping, on what is left: refused, 2.90 left.
	if r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/refund", `{"lines":[{"sku":"MOK-001","quantity":1}],"shipping":true}`); r.StatusCode != 422 {
		t.Errorf("refund by item beyond what is left: %d %s", r.StatusCode, r.body)
	}
	if r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/refund", `{"full":true}`); r.StatusCode != 200 {
		t.Errorf("the rest: %d %s", r.StatusCode, r.body)
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if o.RefundedAmount() != 1790 || o.Refundable() != 0 {
		t.Errorf("refunded %d, refundable %d", o.RefundedAmount(), o.Refundable())
	}
}

// TestCustomerCancel: before packing, from the order page; a paid order
// is refunded in full at once, an unpaid one simply canceled.
func TestCustomerCancel(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	o := sh.paidOrder(f, "cancel-1", map[string]int{"BOEK-001": 1})
	page := sh.req("GET", "/order/"+o.Token+"?lang=en", "")
	if !strings.Contains(page.body, "/order/"+o.Token+"/cancel") || !strings.Contains(page.body, "full amount back") {
		t.Fatal("the order page of a paid order offers no cancel")
	}
	r := sh.form("/order/"+o.Token+"/cancel", url.Values{"lang": {"en"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d %s", r.StatusCode, r.body)
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if o.State != order.Canceled || o.RefundedAmount() != o.PaidAmount() {
		t.Errorf("after cancel: %s, refunded %d of %d", o.State, o.RefundedAmount(), o.PaidAmount())
	}
	if n, vals := refundsAtMollie(f, o.PaymentID); n != 1 || !strings.HasPrefix(vals, "29.90/") {
		t.Errorf("refunds at Mollie: %d %s", n, vals)
	}
	sh.form("/order/"+o.Token+"/cancel", url.Values{"lang": {"en"}}) // again: nothing more
	if n, _ := refundsAtMollie(f, o.PaymentID); n != 1 {
		t.Errorf("a second cancel refunded again: %d", n)
	}
	if sh.mailCount("order_canceled") != 1 || sh.mailCount("refund_sent") != 1 {
		t.Errorf("e-mails: canceled %d, refund %d", sh.mailCount("order_canceled"), sh.mailCount("refund_sent"))
	}
	page = sh.req("GET", "/order/"+o.Token+"?lang=en", "")
	if !strings.Contains(page.body, "Refund") || !strings.Contains(page.body, "€29.90") {
		t.Error("the order page does not show the refund")
	}
	// Paid, then canceled: the plan keeps "paid" ticked, and the page does
	// not wonder whether the customer paid.
	if !strings.Contains(page.body, `class="sf-step done" data-step="paid"`) || strings.Contains(page.body, "If you had paid") ||
		!strings.Contains(page.body, "You had paid for it") {
		t.Errorf("a paid, canceled order's page:\n%s", page.body)
	}
	var last order.EventRecord
	for _, h := range o.History {
		if h.To == order.Canceled {
			last = h
		}
	}
	if last.By != "customer" {
		t.Errorf("cancel in the history: %+v", last)
	}

	// Unpaid with a payment still open: not now (it might be paid in
	// another tab); once the payment failed: canceled, nothing to refund.
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.addToCart("MOK-001", 1)
	_, a := sh.checkout("cancel-2")
	tok := orderToken(t, a.OrderURL)
	if page := sh.req("GET", "/order/"+tok+"?lang=en", ""); strings.Contains(page.body, "/cancel") {
		t.Error("an order with an open payment offers a cancel button")
	}
	r = sh.req("POST", "/api/orders/"+tok+"/cancel", "{}")
	if r.StatusCode != http.StatusConflict || !strings.Contains(r.errorMessage(t), "still open") {
		t.Errorf("cancel with an open payment: %d %s", r.StatusCode, r.body)
	}
	u, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if err := f.SetStatus(u.PaymentID, "failed"); err != nil {
		t.Fatal(err)
	}
	r = sh.req("POST", "/api/orders/"+tok+"/cancel", "{}")
	if r.StatusCode != 200 {
		t.Fatalf("cancel after the payment failed: %d %s", r.StatusCode, r.body)
	}
	u, _ = sh.sc.store.Orders.GetOrder(a.Order.ID)
	if u.State != order.Canceled || len(u.Refunds) != 0 || u.Stock != order.StockNone {
		t.Errorf("unpaid cancel: %s %+v stock %q", u.State, u.Refunds, u.Stock)
	}
	if page := sh.req("GET", "/order/"+tok+"?lang=en", ""); strings.Contains(page.body, `class="sf-step done" data-step="paid"`) {
		t.Errorf("an unpaid, canceled order shows paid:\n%s", page.body)
	}

	// Packed: too late, said plainly.
	o2 := sh.paidOrder(f, "cancel-3", map[string]int{"MOK-001": 1})
	sh.admin("POST", "/api/admin/orders/"+o2.ID+"/pack", "")
	r = sh.form("/order/"+o2.Token+"/cancel", url.Values{"lang": {"en"}})
	if r.StatusCode != http.StatusConflict || !strings.Contains(r.body, "already packed") {
		t.Errorf("cancel a packed order: %d", r.StatusCode)
	}
}

func orderToken(t *testing.T, orderURL string) string {
	t.Helper()
	i := strings.LastIndex(orderURL, "/order/")
	if i < 0 {
		t.Fatalf("not an order URL: %s", orderURL)
	}
	return orderURL[i+len("/order/"):]
}

// TestCancelRacingPack: the customer cancels while the owner packs; exactly
// one wins, every time, and the loser is told.
func TestCancelRacingPack(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	for i := 0; i < 8; i++ {
		o := sh.paidOrder(f, fmt.Sprint("race-pack-", i), map[string]int{"MOK-001": 1})
		var cancelCode, packCode int
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			cancelCode = sh.req("POST", "/api/orders/"+o.Token+"/cancel", "{}").StatusCode
		}()
		go func() {
			defer wg.Done()
			packCode = sh.admin("POST", "/api/admin/orders/"+o.ID+"/pack", "").StatusCode
		}()
		wg.Wait()
		o, _ = sh.sc.store.Orders.GetOrder(o.ID)
		n, _ := refundsAtMollie(f, o.PaymentID)
		switch {
		case cancelCode == 200 && packCode == 409:
			if o.State != order.Canceled || n != 1 || o.Refundable() != 0 {
				t.Errorf("round %d: cancel won but state %s, %d refunds", i, o.State, n)
			}
		case cancelCode == 409 && packCode == 200:
			if o.State != order.Packed || n != 0 || len(o.Refunds) != 0 {
				t.Errorf("round %d: pack won but state %s, %d refunds", i, o.State, n)
			}
		default:
			t.Errorf("round %d: cancel %d, pack %d: exactly one must win", i, cancelCode, packCode)
		}
	}
}

// TestGiftNote: optional, length-limited, escaped on every page and e-mail.
func TestGiftNote(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	sh.addToCart("MOK-001", 1)
	long := strings.Replace(validCheckout, `"shipping_method":"postnl"`, `"shipping_method":"postnl","gift_note":"`+strings.Repeat("x", 301)+`"`, 1)
	r := sh.req("POST", "/api/checkout", long, "Idempotency-Key", "gift-long")
	if r.StatusCode != 422 || !strings.Contains(r.body, "gift_note") {
		t.Errorf("a 301-character note: %d %s", r.StatusCode, r.body)
	}
	note := `Voor <script>alert("oma")</script>\nVeel liefs`
	body := strings.Replace(validCheckout, `"shipping_method":"postnl"`, `"shipping_method":"postnl","gift_note":"`+strings.ReplaceAll(note, `"`, `\"`)+`"`, 1)
	r = sh.req("POST", "/api/checkout", body, "Idempotency-Key", "gift-ok")
	if r.StatusCode != 201 {
		t.Fatalf("checkout with a gift note: %d %s", r.StatusCode, r.body)
	}
	var a CheckoutAnswer
	r.json(t, &a)
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if o.GiftNote != "Voor <script>alert(\"oma\")</script>\nVeel liefs" {
		t.Fatalf("stored note %q", o.GiftNote)
	}
	f.SetStatus(o.PaymentID, "paid")
	page := sh.req("GET", "/order/"+o.Token+"?lang=en", "")
	if strings.Contains(page.body, "<script>alert") || !strings.Contains(page.body, "&lt;script&gt;") {
		t.Error("the gift note is not escaped on the order page")
	}
	slip := sh.admin("GET", "/api/admin/orders/"+o.ID+"/packing-slip", "")
	if slip.StatusCode != 200 || strings.Contains(slip.body, "<script>alert") || !strings.Contains(slip.body, "Veel liefs") || !strings.Contains(slip.body, "@media print") {
		t.Errorf("packing slip: %d", slip.StatusCode)
	}
	sh.flushMail()
	files := sh.outboxFiles("confirmation")
	if len(files) != 1 {
		t.Fatalf("confirmation e-mails: %d", len(files))
	}
	eml := readFile(t, files[0])
	_, htmlPart, _ := strings.Cut(eml, "Content-Type: text/html")
	if !strings.Contains(eml, "Veel liefs") || !strings.Contains(htmlPart, "&lt;script&gt;") || strings.Contains(htmlPart, "<script>") {
		t.Error("the confirmation does not carry the note, escaped in its HTML part")
	}
	// The checkout form has the field.
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.addToCart("MOK-001", 1)
	if p := sh.req("GET", "/checkout/?lang=en", ""); !strings.Contains(p.body, `name="gift_note"`) || !strings.Contains(p.body, "Gift note (optional)") {
		t.Error("the checkout form has no gift note field")
	}
}

// TestPickList: every paid order not yet packed, with units per SKU.
func TestPickList(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	a := sh.paidOrder(f, "pick-1", map[string]int{"MOK-001": 2})
	b := sh.paidOrder(f, "pick-2", map[string]int{"MOK-001": 1, "BOEK-001": 1})
	c := sh.paidOrder(f, "pick-3", map[string]int{"BOEK-001": 1})
	sh.admin("POST", "/api/admin/orders/"+c.ID+"/pack", "")
	var pl PickList
	sh.admin("GET", "/api/admin/pick-list", "").json(t, &pl)
	if len(pl.Orders) != 2 || pl.Orders[0].ID != a.ID || pl.Orders[1].ID != b.ID {
		t.Fatalf("orders to pack: %+v", pl.Orders)
	}
	units := map[string]int{}
	for _, l := range pl.Lines {
		units[l.SKU] = l.Quantity
	}
	if units["MOK-001"] != 3 || units["BOEK-001"] != 1 {
		t.Errorf("units: %v", units)
	}
	if r := sh.req("GET", "/api/admin/pick-list", ""); r.StatusCode != 401 {
		t.Errorf("pick list without the token: %d", r.StatusCode)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestStrayPaymentRefunded: a payment paid after the owner canceled the
// order is money the shop must not keep: it is refunded by itself, once,
// through the same safe path, and does not count as the order's refund.
func TestStrayPaymentRefunded(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	sh.addToCart("MOK-001", 1)
	_, a := sh.checkout("stray-1")
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if err := f.SetStatusQuiet(o.PaymentID, "pending"); err != nil { // the bank is busy: not cancelable
		t.Fatal(err)
	}
	if r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/cancel", ""); r.StatusCode != 200 {
		t.Fatalf("owner cancels: %d %s", r.StatusCode, r.body)
	}
	if err := f.SetStatus(o.PaymentID, "paid"); err != nil { // and then it is paid after all
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if n, _ := refundsAtMollie(f, o.PaymentID); n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i := 0; i < 3; i++ { // more news: nothing more
		sh.req("POST", "/api/webhooks/mollie", "id="+o.PaymentID, "Origin", "-")
		sh.sc.uc.refunds.Reconcile(context.Background())
	}
	n, vals := refundsAtMollie(f, o.PaymentID)
	if n != 1 || !strings.HasPrefix(vals, "17.90/") {
		t.Fatalf("refunds of the stray payment at Mollie: %d %s", n, vals)
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if o.State != order.Canceled || len(o.Refunds) != 1 || o.Refunds[0].Reason != order.ReasonStray || o.Refunds[0].ProviderID == "" {
		t.Errorf("order after the stray refund: %s %+v", o.State, o.Refunds)
	}
	if n := sh.mailCount("refund_sent"); n != 1 {
		t.Errorf("refund e-mails: %d", n)
	}
}

// TestCancelAfterFullRefund: the owner refunded everything, then cancels:
// canceled, no second refund, no error.
func TestCancelAfterFullRefund(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	o := sh.paidOrder(f, "full-then-cancel", map[string]int{"MOK-001": 1})
	if r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/refund", `{"full":true}`); r.StatusCode != 200 {
		t.Fatalf("full refund: %d %s", r.StatusCode, r.body)
	}
	if r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/cancel", ""); r.StatusCode != 200 {
		t.Fatalf("cancel after a full refund: %d %s", r.StatusCode, r.body)
	}
	if n, vals := refundsAtMollie(f, o.PaymentID); n != 1 {
		t.Errorf("refunds at Mollie: %d %s", n, vals)
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if o.State != order.Canceled || len(o.Refunds) != 1 {
		t.Errorf("after cancel: %s %+v", o.State, o.Refunds)
	}
}
