package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/order"
)

var payIDRe = regexp.MustCompile(`/pay/(tr_[A-Za-z0-9]+)`)

// choose plays the customer on the built-in provider's page.
func (sh *testShop) choose(checkoutURL, status string) response {
	sh.t.Helper()
	u, err := url.Parse(checkoutURL)
	if err != nil || !payIDRe.MatchString(u.Path) {
		sh.t.Fatalf("checkout URL %q is not the local payment page", checkoutURL)
	}
	r := sh.form(u.Path, url.Values{"status": {status}})
	if r.StatusCode != http.StatusSeeOther {
		sh.t.Fatalf("choose %s: %d %s", status, r.StatusCode, r.body)
	}
	return r
}

func path(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

// TestJourneyLocalProvider: the whole no-JS journey through the built-in
// provider: add by form, check out by form, pay, back on the order page,
// one e-mail, the owner ships, a second e-mail with the tracking link.
func TestJourneyLocalProvider(t *testing.T) {
	sh := newShop(t)
	r := sh.form("/cart/add", url.Values{"sku": {"KOF-GUJI-250-BO"}, "quantity": {"2"}, "lang": {"nl"}})
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/cart/") {
		t.Fatalf("add form: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	page := sh.req("GET", "/cart/", "")
	for _, want := range []string{"THEME-HEADER-NL", "Ethiopië Guji", "€ 29,00", "€ 33,95", "Afrekenen"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("cart page lacks %q", want)
		}
	}
	if !strings.Contains(page.body, "tot gratis verzending") {
		t.Error("cart page does not say how much more makes shipping free")
	}
	co := sh.req("GET", "/checkout/", "")
	key := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindStringSubmatch(co.body)
	if key == nil || !strings.Contains(co.body, "€ 33,95") {
		t.Fatalf("checkout page lacks key or total:\n%s", co.body)
	}
	// Invalid data: messages next to the fields, values kept.
	bad := url.Values{"name": {"Eva <b>de</b> Vries"}, "email": {"eva@"}, "street": {"Markt 1"}, "postal_code": {"35"},
		"city": {"Utrecht"}, "country": {"NL"}, "shipping_method": {"postnl"}, "idempotency_key": {key[1]}}
	r = sh.form("/checkout/", bad)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid checkout: %d", r.StatusCode)
	}
	for _, want := range []string{`id="e-email"`, `id="e-postal_code"`, `value="Eva &lt;b&gt;de&lt;/b&gt; Vries"`, `value="Markt 1"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("invalid checkout page lacks %s", want)
		}
	}
	if strings.Contains(r.body, "<b>de</b>") {
		t.Error("customer markup is not escaped")
	}
	good := bad
	good.Set("email", "eva@example.nl")
	good.Set("postal_code", "3511aa")
	r = sh.form("/checkout/", good)
	if r.StatusCode != http.StatusSeeOther || !payIDRe.MatchString(r.Header.Get("Location")) {
		t.Fatalf("checkout: %d %q %s", r.StatusCode, r.Header.Get("Location"), r.body)
	}
	checkoutURL := r.Header.Get("Location")
	// The provider was asked for exactly the total shown.
	id := payIDRe.FindStringSubmatch(checkoutURL)[1]
	p, err := sh.sc.provider.GetPayment(context.Background(), id)
	if err != nil || p.Amount != 3395 || p.Currency != "EUR" {
		t.Fatalf("payment at provider: %+v, %v", p, err)
	}
	// A double click on the form (same key) gives the same payment.
	if r2 := sh.form("/checkout/", good); r2.Header.Get("Location") != checkoutURL {
		t.Errorf("second press went to %q, want %q", r2.Header.Get("Location"), checkoutURL)
	}
	back := sh.choose(checkoutURL, "paid").Header.Get("Location")
	page = sh.req("GET", path(t, back), "")
	for _, want := range []string{"Bedankt", "Betaald", "Verzonden", "verwacht", "€ 33,95", "Eva &lt;b&gt;de&lt;/b&gt; Vries", "3511 AA"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("order page lacks %q", want)
		}
	}
	if strings.Contains(page.body, "tot gratis verzending") {
		t.Error("the order page of a placed order still nudges towards free shipping")
	}
	sh.flushMail()
	if n := len(sh.outboxFiles("confirmation")); n != 1 {
		t.Fatalf("%d confirmation e-mails, want 1", n)
	}
	eml, _ := os.ReadFile(sh.outboxFiles("confirmation")[0])
	if !strings.Contains(string(eml), "eva@example.nl") || !strings.Contains(string(eml), "33,95") {
		t.Errorf("confirmation e-mail lacks address or total")
	}
	// The cart is emptied once paid.
	var cv CartView
	sh.req("GET", "/api/cart", "").json(t, &cv)
	if len(cv.Lines) != 0 {
		t.Errorf("cart still holds %d lines after payment", len(cv.Lines))
	}

	// The owner ships with a tracking link: page and e-mail show it.
	o, err := sh.sc.store.Orders.OrderByPaymentID(id)
	if err != nil {
		t.Fatal(err)
	}
	r = sh.admin("POST", "/api/admin/orders/"+o.ID+"/ship", `{"tracking_url":"https://jouw.postnl.nl/track-and-trace/3SABC"}`)
	if r.StatusCode != 200 {
		t.Fatalf("ship: %d %s", r.StatusCode, r.body)
	}
	page = sh.req("GET", path(t, back), "")
	if !strings.Contains(page.body, "https://jouw.postnl.nl/track-and-trace/3SABC") || !strings.Contains(page.body, "onderweg") {
		t.Errorf("order page lacks the tracking link after shipping")
	}
	sh.flushMail()
	shipped := sh.outboxFiles("shipped")
	if len(shipped) != 1 || len(sh.outboxFiles("confirmation")) != 1 {
		t.Fatalf("outbox: %d shipped, %d confirmation; want 1 and 1", len(shipped), len(sh.outboxFiles("confirmation")))
	}
	if eml, _ := os.ReadFile(shipped[0]); !strings.Contains(string(eml), "3SABC") {
		t.Error("shipped e-mail lacks the tracking link")
	}
	var v OrderView
	sh.admin("GET", "/api/admin/orders/"+o.ID, "").json(t, &v)
	if v.State != "shipped" || len(v.History) < 3 || v.History[len(v.History)-1].By != "admin" {
		t.Errorf("admin view: state %s, history %+v", v.State, v.History)
	}
}

// TestCheckoutIdempotent: retries and concurrent double clicks with one key
// give one order and one payment.
func TestCheckoutIdempotent(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	sh.addToCart("BOEK-001", 1)
	var wg sync.WaitGroup
	answers := make([]CheckoutAnswer, 8)
	statuses := make([]int, 8)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, a := sh.checkout("key-1")
			answers[i], statuses[i] = a, r.StatusCode
		}()
	}
	wg.Wait()
	created := 0
	for i, a := range answers {
		if statuses[i] == 201 {
			created++
		}
		if statuses[i]/100 != 2 || a.Order.ID != answers[0].Order.ID || a.CheckoutURL != answers[0].CheckoutURL || a.CheckoutURL == "" {
			t.Errorf("answer %d: %d %+v, want the same order and payment as answer 0", i, statuses[i], a)
		}
	}
	if created != 1 {
		t.Errorf("%d answers say created, want 1", created)
	}
	if n := f.PaymentCount(); n != 1 {
		t.Errorf("%d payments at Mollie, want 1", n)
	}
	orders, _ := sh.sc.store.Orders.ListOrders(storeFilterAll())
	if len(orders) != 1 {
		t.Errorf("%d orders, want 1", len(orders))
	}
	// Tampering: the amount asked of Mollie comes from the catalog.
	mp, _ := f.Payment(orders[0].PaymentID)
	if mp.Value != "29.90" || mp.Currency != "EUR" {
		t.Errorf("Mollie was asked %s %s, want EUR 29.90", mp.Currency, mp.Value)
	}
	if !strings.HasSuffix(mp.RedirectURL, "/order/"+orders[0].Token) || !strings.HasSuffix(mp.WebhookURL, "/api/webhooks/mollie") {
		t.Errorf("redirect %q, webhook %q", mp.RedirectURL, mp.WebhookURL)
	}
	// A different checkout with the same key is refused.
	r := sh.req("POST", "/api/checkout", strings.Replace(validCheckout, "Eva", "Ada", 1), "Idempotency-Key", "key-1")
	if r.StatusCode != 422 {
		t.Errorf("same key, other request: %d %s", r.StatusCode, r.body)
	}
}

// TestPriceTampering: prices sent by the browser count for nothing.
func TestPriceTampering(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	if r := sh.req("POST", "/api/cart/items", `{"sku":"MOK-001","quantity":1,"price":1,"price_seen":1,"unit_price":1}`); r.StatusCode != 422 {
		t.Fatalf("add with prices: %d %s", r.StatusCode, r.body)
	}
	sh.addToCart("MOK-001", 1)
	body := strings.Replace(validCheckout, `{`, `{"total":100,"grand_total":100,"amount":"1.00","shipping":0,`, 1)
	if r := sh.req("POST", "/api/checkout", body, "Idempotency-Key", "tamper"); r.StatusCode != 422 || f.PaymentCount() != 0 {
		t.Fatalf("checkout with prices: %d %s", r.StatusCode, r.body)
	}
	r := sh.req("POST", "/api/checkout", validCheckout, "Idempotency-Key", "tamper2")
	if r.StatusCode != 201 {
		t.Fatalf("checkout: %d %s", r.StatusCode, r.body)
	}
	var a CheckoutAnswer
	r.json(t, &a)
	if a.Order.Total != 1295+495 {
		t.Errorf("order total %d, want %d", a.Order.Total, 1295+495)
	}
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if mp, _ := f.Payment(o.PaymentID); mp.Value != "17.90" {
		t.Errorf("Mollie was asked %s, want 17.90", mp.Value)
	}
}

// TestConcurrentNews: webhook, return page and reconciler arrive at once
// with the news that the payment is paid: one state change, one e-mail.
func TestConcurrentNews(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	sh.addToCart("KOF-GUJI-250-BO", 1)
	_, a := sh.checkout("concurrent")
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if err := f.SetStatusQuiet(o.PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 18 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch i % 3 {
			case 0:
				r := sh.req("POST", "/api/webhooks/mollie", "id="+o.PaymentID, "Origin", "-")
				if r.StatusCode != 200 {
					t.Errorf("webhook: %d %s", r.StatusCode, r.body)
				}
			case 1:
				sh.req("GET", "/order/"+o.Token, "")
			case 2:
				sh.sc.payments.ReconcileOnce(context.Background())
			}
		}()
	}
	wg.Wait()
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if o.State != order.Paid {
		t.Fatalf("state %s, want paid", o.State)
	}
	toPaid := 0
	for _, h := range o.History {
		if h.To == order.Paid {
			toPaid++
		}
	}
	if toPaid != 1 {
		t.Errorf("%d transitions to paid in history, want 1: %+v", toPaid, o.History)
	}
	sh.flushMail()
	sh.flushMail()
	if n := len(sh.outboxFiles("confirmation")); n != 1 {
		t.Errorf("%d confirmation e-mails, want 1", n)
	}
	av, _ := sh.sc.store.Stock.Availability(sh.sc.Catalog.Current(), "KOF-GUJI-250-BO")
	if av[0].Sold != 1 || av[0].Reserved != 0 {
		t.Errorf("stock after one paid unit: %+v", av[0])
	}
}

// TestWebhook: unknown ids are answered 200 without asking Mollie; real ones
// move the order to what Mollie says.
func TestWebhook(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	r := sh.req("POST", "/api/webhooks/mollie", "id=tr_unknown123", "Origin", "-")
	if r.StatusCode != 200 || f.Calls(molliefake.GetPayment) != 0 {
		t.Errorf("unknown id: %d, %d calls to Mollie", r.StatusCode, f.Calls(molliefake.GetPayment))
	}
	sh.addToCart("MOK-001", 1)
	_, a := sh.checkout("wh")
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	// A webhook saying nothing new changes nothing.
	sh.req("POST", "/api/webhooks/mollie", "id="+o.PaymentID, "Origin", "-")
	if o2, _ := sh.sc.store.Orders.GetOrder(o.ID); o2.State != order.AwaitingPayment {
		t.Fatalf("state %s after a webhook for an open payment", o2.State)
	}
	// Mollie unreachable: 503 so that Mollie retries.
	f.Fail(molliefake.GetPayment, molliefake.Fault{Status: 500, Times: 10})
	r = sh.req("POST", "/api/webhooks/mollie", "id="+o.PaymentID, "Origin", "-")
	if r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("webhook with Mollie down: %d", r.StatusCode)
	}
	f.ClearFaults()
	// Mollie's own webhook call (the fake posts to our webhook URL).
	if err := f.SetStatus(o.PaymentID, "failed"); err != nil {
		t.Fatal(err)
	}
	o2, _ := sh.sc.store.Orders.GetOrder(o.ID)
	if o2.State != order.PaymentFailed {
		t.Fatalf("state %s after failed webhook, want payment_failed", o2.State)
	}
	// A final payment is not fetched again, however often the webhook comes.
	calls := f.Calls(molliefake.GetPayment)
	for range 5 {
		if r := sh.req("POST", "/api/webhooks/mollie", "id="+o.PaymentID, "Origin", "-"); r.StatusCode != 200 {
			t.Fatalf("webhook for a final payment: %d", r.StatusCode)
		}
	}
	if n := f.Calls(molliefake.GetPayment) - calls; n != 0 {
		t.Errorf("%d provider calls for webhooks of a failed payment, want 0", n)
	}
}

// TestPayAgain: failed, canceled and expired payments leave the order and
// cart; paying again with a new attempt succeeds; one e-mail in the end.
func TestPayAgain(t *testing.T) {
	sh := newShop(t)
	sh.addToCart("BOEK-001", 1)
	_, a := sh.checkout("again")
	url := a.CheckoutURL
	for _, st := range []struct{ status, says string }{
		{"failed", "did not go through"}, {"canceled", "canceled the payment"}, {"expired", "ran out"},
	} {
		back := sh.choose(url, st.status).Header.Get("Location")
		page := sh.req("GET", path(t, back)+"?lang=en", "")
		if !strings.Contains(page.body, st.says) || !strings.Contains(page.body, "Pay again") || strings.Contains(strings.ToLower(page.body), "error") {
			t.Fatalf("after %s the page does not explain or offer to pay again:\n%s", st.status, page.body)
		}
		var cv CartView
		sh.req("GET", "/api/cart", "").json(t, &cv)
		if len(cv.Lines) != 1 {
			t.Fatalf("cart lost after %s", st.status)
		}
		r := sh.form(path(t, back)+"/pay", nil)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") == url {
			t.Fatalf("pay again after %s: %d to %q", st.status, r.StatusCode, r.Header.Get("Location"))
		}
		url = r.Header.Get("Location")
	}
	back := sh.choose(url, "paid").Header.Get("Location")
	if page := sh.req("GET", path(t, back)+"?lang=en", ""); !strings.Contains(page.body, "Thank you") {
		t.Errorf("not paid after paying again")
	}
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if len(o.Attempts) != 4 || o.State != order.Paid {
		t.Errorf("%d attempts, state %s; want 4 and paid", len(o.Attempts), o.State)
	}
	sh.flushMail()
	if n := len(sh.outboxFiles("confirmation")); n != 1 {
		t.Errorf("%d confirmation e-mails, want 1", n)
	}
}

// TestPendingThenPaid: the customer returns while the payment is pending;
// the page says it is being confirmed and refreshes; the page's own check
// with the provider shows paid without any webhook.
func TestPendingThenPaid(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	sh.addToCart("MOK-001", 2)
	_, a := sh.checkout("pending")
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if err := f.SetStatusQuiet(o.PaymentID, "pending"); err != nil {
		t.Fatal(err)
	}
	page := sh.req("GET", "/order/"+o.Token+"?lang=en", "")
	if page.StatusCode != 200 || !strings.Contains(page.body, "confirming your payment") || page.Header.Get("Refresh") == "" ||
		!strings.Contains(page.body, `http-equiv="refresh"`) {
		t.Fatalf("pending page: %d refresh=%q\n%s", page.StatusCode, page.Header.Get("Refresh"), page.body)
	}
	// A retry of the checkout while the payment is pending makes no second payment.
	if r, a2 := sh.checkout("pending"); r.StatusCode != 200 || a2.Order.ID != o.ID || f.PaymentCount() != 1 {
		t.Errorf("checkout retry while pending: %d, order %s, %d payments", r.StatusCode, a2.Order.ID, f.PaymentCount())
	}
	if r := sh.form("/order/"+o.Token+"/pay", nil); r.StatusCode != http.StatusSeeOther || f.PaymentCount() != 1 {
		t.Errorf("pay again while pending: %d, %d payments", r.StatusCode, f.PaymentCount())
	}
	for _, bad := range []string{"error", "failed", "fout"} {
		if strings.Contains(strings.ToLower(page.body), bad) {
			t.Errorf("pending page says %q", bad)
		}
	}
	if err := f.SetStatusQuiet(o.PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}
	page = sh.req("GET", "/order/"+o.Token+"?lang=en", "")
	if !strings.Contains(page.body, "Thank you") || page.Header.Get("Refresh") != "" {
		t.Errorf("page after paid (no webhook) does not say paid")
	}
	var v OrderView
	sh.req("GET", "/api/orders/"+o.Token, "").json(t, &v)
	if v.State != "paid" || len(v.Steps) != 5 || !v.Steps[1].Done || !v.Steps[2].Current || v.Steps[4].Expected == "" {
		t.Errorf("order JSON: %+v", v)
	}
}

// TestProviderDown: Mollie failing at checkout gives a clear "try again",
// keeps the cart and the order; the retry reuses the order, one payment.
func TestProviderDown(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	sh.addToCart("KOF-GUJI-250-BO", 1)
	f.Fail(molliefake.CreatePayment, molliefake.Fault{Status: 503, Times: 20})
	r, _ := sh.checkout("down")
	if r.StatusCode != http.StatusBadGateway || !strings.Contains(r.errorMessage(t), "try again") {
		t.Fatalf("checkout with Mollie down: %d %s", r.StatusCode, r.body)
	}
	orders, _ := sh.sc.store.Orders.ListOrders(storeFilterAll())
	if len(orders) != 1 || orders[0].State != order.AwaitingPayment || orders[0].PaymentID != "" {
		t.Fatalf("orders after failure: %+v", orders)
	}
	var cv CartView
	sh.req("GET", "/api/cart", "").json(t, &cv)
	if len(cv.Lines) != 1 {
		t.Fatal("cart lost")
	}
	f.ClearFaults()
	r, a := sh.checkout("down")
	if r.StatusCode/100 != 2 || a.Order.ID != orders[0].ID || a.CheckoutURL == "" {
		t.Fatalf("retry: %d %s", r.StatusCode, r.body)
	}
	if n := f.PaymentCount(); n != 1 {
		t.Errorf("%d payments at Mollie, want 1", n)
	}
}

// TestReconciler: a lost webhook is made good by the reconciler.
func TestReconciler(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	sh.addToCart("MOK-001", 1)
	_, a := sh.checkout("recon")
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if err := f.SetStatusQuiet(o.PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}
	if n := sh.sc.payments.ReconcileOnce(context.Background()); n != 1 {
		t.Errorf("reconciler asked about %d orders, want 1", n)
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if o.State != order.Paid || o.History[len(o.History)-1].By != "reconciler" {
		t.Errorf("state %s, history %+v", o.State, o.History)
	}
	if n := sh.sc.payments.ReconcileOnce(context.Background()); n != 0 {
		t.Errorf("reconciler asked again about %d paid orders", n)
	}
}

// TestAdmin: owner's API: list, pack, cancel with refund, backup.
func TestAdmin(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	sh.addToCart("BOEK-001", 2)
	_, a := sh.checkout("admin")
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if err := f.SetStatus(o.PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}
	var list OrderList
	sh.admin("GET", "/api/admin/orders?state=paid", "").json(t, &list)
	if len(list.Orders) != 1 || list.Orders[0].ID != o.ID || list.Orders[0].Token == "" {
		t.Fatalf("list: %+v", list)
	}
	if r := sh.admin("GET", "/api/admin/orders?state=nonsense", ""); r.StatusCode != 400 {
		t.Errorf("unknown state: %d", r.StatusCode)
	}
	if r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/deliver", ""); r.StatusCode != 409 || !strings.Contains(r.errorMessage(t), "paid") {
		t.Errorf("deliver a paid order: %d %s", r.StatusCode, r.body)
	}
	if r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/pack", ""); r.StatusCode != 200 {
		t.Fatalf("pack: %d %s", r.StatusCode, r.body)
	}
	r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/cancel", "")
	if r.StatusCode != 200 {
		t.Fatalf("cancel: %d %s", r.StatusCode, r.body)
	}
	var v OrderView
	r.json(t, &v)
	mp, _ := f.Payment(o.PaymentID)
	if v.State != "canceled" || v.Refunded != 5485 || len(mp.Refunds) != 1 || mp.Refunds[0].Value != "54.85" {
		t.Errorf("cancel of a paid order: state %s refunded %d, refunds at Mollie %+v", v.State, v.Refunded, mp.Refunds)
	}
	// Stock comes back.
	av, _ := sh.sc.store.Stock.Availability(sh.sc.Catalog.Current(), "BOEK-001")
	if av[0].Remaining != 3 {
		t.Errorf("stock after cancel: %+v", av[0])
	}
	if r := sh.admin("POST", "/api/admin/orders/NOPE-1/pack", ""); r.StatusCode != 404 {
		t.Errorf("unknown order: %d", r.StatusCode)
	}
}

// TestStockNeverOversold: concurrent checkouts for the last units.
func TestStockNeverOversold(t *testing.T) {
	sh := newShop(t)
	shops := make([]*testShop, 6)
	for i := range shops {
		c := *sh
		c.jar, _ = newJar()
		c.client = &http.Client{Jar: c.jar, CheckRedirect: sh.client.CheckRedirect}
		c.addToCart("BOEK-001", 1)
		shops[i] = &c
	}
	var wg sync.WaitGroup
	codes := make([]int, len(shops))
	for i, c := range shops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, _ := c.checkout(fmt.Sprint("stock-", i))
			codes[i] = r.StatusCode
		}()
	}
	wg.Wait()
	ok, conflict := 0, 0
	for _, c := range codes {
		switch c {
		case 201:
			ok++
		case 409:
			conflict++
		}
	}
	if ok != 3 || conflict != 3 {
		t.Errorf("codes %v: %d placed, %d refused; want 3 and 3", codes, ok, conflict)
	}
}

// TestStrayPayment: the provider created the payment but its answer was
// lost; the reconciler asks again with the same idempotency key and gets
// that very payment, so its news counts and no second payment is made.
func TestStrayPayment(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	sh.addToCart("MOK-001", 1)
	f.Fail(molliefake.CreatePayment, molliefake.Fault{Status: 500, AfterHandling: true, Times: 20})
	if r, _ := sh.checkout("stray"); r.StatusCode != http.StatusBadGateway {
		t.Fatalf("checkout with the answer lost: %d %s", r.StatusCode, r.body)
	}
	f.ClearFaults()
	if n := f.PaymentCount(); n != 1 {
		t.Fatalf("%d payments at Mollie, want 1 (created, answer lost)", n)
	}
	sh.sc.payments.ReconcileOnce(context.Background())
	orders, _ := sh.sc.store.Orders.ListOrders(storeFilterAll())
	if len(orders) != 1 || orders[0].PaymentID == "" {
		t.Fatalf("order not given its payment: %+v", orders)
	}
	if n := f.PaymentCount(); n != 1 {
		t.Errorf("%d payments at Mollie after reconciling, want still 1", n)
	}
	if err := f.SetStatusQuiet(orders[0].PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}
	sh.sc.payments.ReconcileOnce(context.Background())
	if o, _ := sh.sc.store.Orders.GetOrder(orders[0].ID); o.State != order.Paid {
		t.Errorf("state %s, want paid", o.State)
	}
}

// TestReturnChecksEachNewPayment: the order page's provider check is
// throttled per payment, so coming back from a new attempt shows its outcome
// at once even right after the last attempt was checked.
func TestReturnChecksEachNewPayment(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f), func(o *Options) {
		o.tune = func(s *Sidecar) { s.reconcileAfter, s.payments.PageCheckEvery = 0, time.Hour }
	})
	sh.addToCart("MOK-001", 1)
	_, a := sh.checkout("throttle")
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if err := f.SetStatusQuiet(o.PaymentID, "failed"); err != nil {
		t.Fatal(err)
	}
	if p := sh.req("GET", "/order/"+o.Token+"?lang=en", ""); !strings.Contains(p.body, "did not go through") {
		t.Fatalf("failed payment not shown:\n%s", p.body)
	}
	r := sh.form("/order/"+o.Token+"/pay", nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("pay again: %d", r.StatusCode)
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if err := f.SetStatusQuiet(o.PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}
	if p := sh.req("GET", "/order/"+o.Token+"?lang=en", ""); !strings.Contains(p.body, "Thank you") {
		t.Errorf("the new payment's outcome is not shown on return:\n%s", p.body)
	}
}
