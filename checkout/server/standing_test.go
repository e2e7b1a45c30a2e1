package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/recurring"
)

type standingClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *standingClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *standingClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// withSubscription offers the coffee on subscription (every 2, 4 or 6
// weeks at 13.50) and runs the shop on clock.
func withSubscription(clock *standingClock) shopOpt {
	sub := catalogOpt(func(c map[string]any) {
		for _, it := range c["items"].([]any) {
			if m := it.(map[string]any); m["sku"] == "KOF-GUJI-250-BO" {
				m["subscription"] = map[string]any{"intervals": []int{2, 4, 6}, "price": 1350}
			}
		}
	})
	return func(o *Options) {
		sub(o)
		o.Now = clock.now
	}
}

const standingBody = `{"email":"eva@example.nl","name":"Eva de Vries","street":"Markt 1","postal_code":"3511 AA","city":"Utrecht","country":"NL","sku":"KOF-GUJI-250-BO","quantity":1,"weeks":4}`

// TestStandingOrderThroughTheSidecar: the customer's journey through the
// HTTP layer with the built-in provider: quote (the amount shown), begin,
// pay the first payment, the pre-charge mail in the outbox, skip from the
// standing order's page, the next delivery charged and turned into an
// order, and the owner's list, figures and cancel.
func TestStandingOrderThroughTheSidecar(t *testing.T) {
	clock := &standingClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	sh := newShop(t, withSubscription(clock))
	ctx := context.Background()

	r := sh.req(http.MethodPost, "/api/standing/quote", standingBody)
	var q StandingQuote
	r.json(t, &q)
	if r.StatusCode != http.StatusOK || q.ChargedNow != 1845 || q.PerDelivery != 1845 || q.SecondCharge != "2026-12-29" {
		t.Fatalf("quote %d %+v", r.StatusCode, q)
	}
	if r := sh.req(http.MethodPost, "/api/standing/quote", strings.Replace(standingBody, `"weeks":4`, `"weeks":3`, 1)); r.StatusCode != http.StatusUnprocessableEntity || r.errorMessage(t) == "" {
		t.Fatalf("interval not offered: %d %s", r.StatusCode, r.body)
	}
	if r := sh.req(http.MethodPost, "/api/standing", strings.Replace(standingBody, "eva@example.nl", "nope", 1)); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad e-mail: %d %s", r.StatusCode, r.body)
	}

	r = sh.req(http.MethodPost, "/api/standing", standingBody)
	var b StandingBegun
	r.json(t, &b)
	if r.StatusCode != http.StatusCreated || b.CheckoutURL == "" || b.Quote.ChargedNow != 1845 {
		t.Fatalf("begin %d %s", r.StatusCode, r.body)
	}
	o, err := sh.sc.store.Orders.OrderByToken(b.OrderToken)
	if err != nil || o.Total() != q.ChargedNow {
		t.Fatalf("first order %v: total %d, shown %d", err, o.Total(), q.ChargedNow)
	}
	if _, err := sh.sc.local.SetStatus(ctx, o.PaymentID, payment.StatusPaid); err != nil {
		t.Fatal(err)
	}
	if err := sh.sc.payments.SyncPayment(ctx, o.PaymentID, "test"); err != nil {
		t.Fatal(err)
	}
	token := strings.TrimPrefix(b.Standing.Page, sh.url+"/standing/")
	var v StandingView
	r = sh.req(http.MethodGet, "/api/standing/"+token, "")
	r.json(t, &v)
	if v.State != recurring.Active || v.NextCharge != "2026-12-29" || v.NextAmount != 1845 {
		t.Fatalf("after the first payment: %s", r.body)
	}

	// Three days ahead: the pre-charge mail.
	clock.set(time.Date(2026, 12, 26, 9, 0, 0, 0, time.UTC))
	sh.sc.standing.Tick(ctx)
	sh.flushMail()
	notices := sh.outboxFiles("standing_notice")
	if len(notices) != 1 {
		t.Fatalf("%d pre-charge mails", len(notices))
	}
	eml, _ := bodies(sh.mails("standing_notice")[0]) // its links carry the standing order's language
	if !strings.Contains(eml, "/standing/"+token+"?lang=en#skip") || !strings.Contains(eml, "/standing/"+token+"?lang=en#stop") || !strings.Contains(eml, "18.45") {
		t.Fatalf("pre-charge mail lacks the link or the amount:\n%s", eml)
	}

	// Skip this one from the page the mail links to.
	page := sh.req(http.MethodGet, "/standing/"+token, "")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.body, "/standing/"+token+"/skip") {
		t.Fatalf("page %d", page.StatusCode)
	}
	r = sh.form("/standing/"+token+"/skip", url.Values{"lang": {"nl"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("skip %d %s", r.StatusCode, r.body)
	}
	clock.set(time.Date(2026, 12, 29, 9, 0, 0, 0, time.UTC))
	sh.sc.standing.Tick(ctx)
	r = sh.req(http.MethodGet, "/api/standing/"+token, "")
	r.json(t, &v)
	if v.NextCharge != "2027-01-26" || len(v.Orders) != 1 || len(v.Skipped) != 1 {
		t.Fatalf("after the skip: %s", r.body)
	}
	if page := sh.req(http.MethodGet, "/standing/"+token, ""); !strings.Contains(page.body, `data-skipped="1"`) {
		t.Fatal("the standing order's page does not show the skipped delivery")
	}

	// The next one: notice, charge, order.
	clock.set(time.Date(2027, 1, 23, 9, 0, 0, 0, time.UTC))
	sh.sc.standing.Tick(ctx)
	clock.set(time.Date(2027, 1, 26, 9, 0, 0, 0, time.UTC))
	sh.sc.standing.Tick(ctx)
	r = sh.req(http.MethodGet, "/api/standing/"+token, "")
	r.json(t, &v)
	if len(v.Orders) != 2 || v.Orders[3] == "" {
		t.Fatalf("third period not delivered: %s", r.body)
	}
	d, err := sh.sc.store.Orders.GetOrder(v.Orders[3])
	if err != nil || d.Total() != 1845 || d.State != "paid" {
		t.Fatalf("delivery order %+v %v", d, err)
	}

	// The owner.
	r = sh.admin(http.MethodGet, "/api/admin/standing?state=active", "")
	var l StandingList
	r.json(t, &l)
	if len(l.Standing) != 1 || l.Figures.ByState[recurring.Active] != 1 || l.Figures.MRR == 0 {
		t.Fatalf("admin list: %s", r.body)
	}
	if r := sh.admin(http.MethodGet, "/api/admin/standing?state=nope", ""); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad state: %d", r.StatusCode)
	}
	// The owner's page: logged out nothing; logged in the list and a pause button.
	if r := sh.req(http.MethodGet, "/admin/subscriptions/", ""); r.StatusCode != http.StatusUnauthorized || strings.Contains(r.body, v.ID) {
		t.Fatalf("admin page without a session: %d", r.StatusCode)
	}
	sh.adminLogin()
	page = sh.req(http.MethodGet, "/admin/subscriptions/", "")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.body, v.ID) || !strings.Contains(page.body, sh.says("standing.state.active")+" (1)") {
		t.Fatalf("admin page %d:\n%s", page.StatusCode, page.body)
	}
	if r := sh.form("/admin/subscriptions/"+v.ID+"/pause", url.Values{"csrf": {"forged"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("pause without the CSRF token: %d", r.StatusCode)
	}
	if r := sh.form("/admin/subscriptions/"+v.ID+"/pause", url.Values{"csrf": {csrfOf(t, page.body)}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("pause from the admin page: %d %s", r.StatusCode, r.body)
	}
	if st, _ := sh.sc.store.Standing.GetStanding(v.ID); st.State != recurring.Paused {
		t.Fatalf("after the owner's pause: %s", st.State)
	}
	r = sh.admin(http.MethodPost, "/api/admin/standing/"+v.ID+"/cancel", "")
	r.json(t, &v)
	if r.StatusCode != http.StatusOK || v.State != recurring.Canceled {
		t.Fatalf("cancel: %d %s", r.StatusCode, r.body)
	}
	if r := sh.req(http.MethodPost, "/api/standing/"+token+"/skip", "{}"); r.StatusCode != http.StatusConflict {
		t.Fatalf("skip after stop: %d %s", r.StatusCode, r.body)
	}
	if r := sh.req(http.MethodPost, "/api/standing/"+token+"/dance", "{}"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown action: %d", r.StatusCode)
	}
	if r := sh.req(http.MethodGet, "/api/standing/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", ""); r.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown token: %d", r.StatusCode)
	}
}

// TestStandingCheckoutPage: the subscription checkout without JavaScript:
// the page shows what is charged now and per delivery, the amount shown
// travels with the form, a changed amount comes back instead of charging,
// and the right one goes to the first payment.
func TestStandingCheckoutPage(t *testing.T) {
	clock := &standingClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	sh := newShop(t, withSubscription(clock))
	page := sh.req(http.MethodGet, "/standing/new/?sku=KOF-GUJI-250-BO&weeks=4&lang=en", "")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.body, `data-charged-now="1845"`) ||
		!strings.Contains(page.body, "every 4 weeks") || !strings.Contains(page.body, "29 December") {
		t.Fatalf("page %d:\n%s", page.StatusCode, page.body)
	}
	if r := sh.req(http.MethodGet, "/standing/new/?sku=BOEK-001", ""); r.StatusCode != http.StatusNotFound {
		t.Fatalf("a product not on subscription: %d", r.StatusCode)
	}
	form := url.Values{"lang": {"en"}, "sku": {"KOF-GUJI-250-BO"}, "weeks": {"4"}, "quantity": {"1"}, "email": {"eva@example.nl"},
		"name": {"Eva"}, "street": {"Markt 1"}, "postal_code": {"3511 AA"}, "city": {"Utrecht"}, "country": {"NL"}, "shown_total": {"1450"}}
	if r := sh.form("/standing/new/", form); r.StatusCode != http.StatusConflict || !strings.Contains(r.body, `data-charged-now="1845"`) {
		t.Fatalf("another amount shown: %d", r.StatusCode)
	}
	form.Set("weeks", "2") // the interval does not change the amount per delivery
	form.Set("shown_total", "1845")
	r := sh.form("/standing/new/", form)
	if r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "/pay/tr_") {
		t.Fatalf("begin: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	id := r.Header.Get("Location")[strings.Index(r.Header.Get("Location"), "/pay/")+5:]
	p, err := sh.sc.local.GetPayment(context.Background(), id)
	if err != nil || p.Amount != 1845 || p.SequenceType != payment.SequenceFirst {
		t.Fatalf("first payment %+v %v", p, err)
	}
	form.Set("email", "")
	if r := sh.form("/standing/new/", form); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("no e-mail: %d", r.StatusCode)
	}
}

// TestStandingFailedChargeMail: a declined recurring charge mails the
// customer a link to the page, where the button to pay this delivery by
// hand is (the standing order still runs and retries).
func TestStandingFailedChargeMail(t *testing.T) {
	clock := &standingClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	sh := newShop(t, withSubscription(clock))
	ctx := context.Background()
	token := paidStanding(t, sh)
	if page := sh.req(http.MethodGet, "/standing/"+token, ""); strings.Contains(page.body, `id="pay"`) {
		t.Fatal("a running standing order without a failed charge offers to pay by hand")
	}
	sh.sc.local.FailRecurring(true)
	clock.set(time.Date(2026, 12, 26, 9, 0, 0, 0, time.UTC))
	sh.sc.standing.Tick(ctx)
	clock.set(time.Date(2026, 12, 29, 9, 0, 0, 0, time.UTC))
	sh.sc.standing.Tick(ctx)
	sh.flushMail()
	failed := sh.outboxFiles("standing_failed")
	if len(failed) != 1 {
		t.Fatalf("%d failed-charge mails", len(failed))
	}
	if eml, _ := bodies(sh.mails("standing_failed")[0]); !strings.Contains(eml, "/standing/"+token+"?lang=en#pay") {
		t.Fatalf("the failed-charge mail has no pay link:\n%s", eml)
	}
	page := sh.req(http.MethodGet, "/standing/"+token, "")
	if !strings.Contains(page.body, `id="pay"`) || !strings.Contains(page.body, "/standing/"+token+"/pay") {
		t.Fatal("after a failed charge the page offers no way to pay by hand")
	}
	r := sh.form("/standing/"+token+"/pay", url.Values{"lang": {"nl"}})
	if r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "/pay/tr_") {
		t.Fatalf("pay by hand: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
}

// paidStanding begins a standing order (standingBody) and has its first
// payment paid; it returns the standing order's page token.
func paidStanding(t *testing.T, sh *testShop) string {
	t.Helper()
	ctx := context.Background()
	var b StandingBegun
	sh.req(http.MethodPost, "/api/standing", standingBody).json(t, &b)
	o, err := sh.sc.store.Orders.OrderByToken(b.OrderToken)
	if err != nil {
		t.Fatal(err)
	}
	sh.sc.local.SetStatus(ctx, o.PaymentID, payment.StatusPaid)
	if err := sh.sc.payments.SyncPayment(ctx, o.PaymentID, "test"); err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(b.Standing.Page, sh.url+"/standing/")
}
