package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/loyalty"
	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/review"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/store"
)

// withLoyalty gives the test shop a loyalty rule: 1 point per euro, a point
// is worth 5 cents, at least 100 points at once.
func withLoyalty(t *testing.T) shopOpt {
	return withCatalog(t, func(c map[string]any) {
		c["loyalty"] = map[string]any{"points_per_euro": 1, "point_value": 5, "min_redeem": 100}
	})
}

const pointsEmail = "eva@example.nl"

// buy checks out the current cart by JSON for the e-mail address, with
// the given extra JSON fields, and has the fake report it paid.
func (sh *testShop) buy(f *molliefake.Server, key string, items map[string]int, extra string) *order.Order {
	sh.t.Helper()
	for sku, n := range items {
		sh.addToCart(sku, n)
	}
	body := strings.TrimSuffix(validCheckout, "}") + extra + "}"
	r := sh.req(http.MethodPost, "/api/checkout", body, "Idempotency-Key", key)
	if r.StatusCode != http.StatusCreated {
		sh.t.Fatalf("checkout %s: %d %s", key, r.StatusCode, r.body)
	}
	var a CheckoutAnswer
	r.json(sh.t, &a)
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

// returnWindowPast is longer than the test shop's return window
// (window_days after delivery): orders delivered before are settled.
const returnWindowPast = 40 * 24 * time.Hour

// settled delivers o and lets its return window pass, so the points it
// earned are spendable.
func (sh *testShop) settled(clk *offsetClock, o *order.Order) *order.Order {
	sh.t.Helper()
	o = sh.delivered(o)
	clk.advance(returnWindowPast)
	return o
}

func (sh *testShop) balance(email string) loyalty.Account {
	sh.t.Helper()
	acc, _, err := sh.sc.store.Loyalty.PointsAccount(email, sh.sc.loyalty.ReturnWindow)
	if err != nil {
		sh.t.Fatal(err)
	}
	return acc
}

// pointsLink asks for the points link on /points/ and returns its path.
func (sh *testShop) pointsLink(email string) string {
	sh.t.Helper()
	if r := sh.form("/points/", url.Values{"email": {email}, "lang": {"en"}}); r.StatusCode != http.StatusOK || !strings.Contains(r.body, "If we have orders") {
		sh.t.Fatalf("ask for a points link: %d %s", r.StatusCode, r.body)
	}
	sh.flushMail()
	ms := sh.mails("points_link")
	if len(ms) == 0 {
		sh.t.Fatal("no points link e-mail")
	}
	return path(sh.t, link(sh.t, ms[len(ms)-1], "/points/"))
}

var (
	dataTotalRe = regexp.MustCompile(`data-total="(-?\d+)"`)
	idemKeyRe   = regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`)
)

func shownTotal(t *testing.T, page string) string {
	t.Helper()
	m := dataTotalRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no total on the page:\n%s", page)
	}
	return m[1]
}

func checkoutValues(key string) url.Values {
	return url.Values{"name": {"Eva de Vries"}, "email": {pointsEmail}, "street": {"Markt 1"}, "postal_code": {"3511 AA"},
		"city": {"Utrecht"}, "country": {"NL"}, "shipping_method": {"postnl"}, "lang": {"en"}, "idempotency_key": {key}}
}

// TestPointsJourney: points pending when paid, credited when delivered,
// taken back in proportion on two partial refunds, offered at checkout
// only to the browser that opened the points link, never applied unasked,
// applied with the total shown before paying, and given back when the
// order they were spent on is canceled.
func TestPointsJourney(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	var clk offsetClock
	sh := newShop(t, withMollie(f), withLoyalty(t), withOffsetClock(&clk))

	// 30 × 14.50 = 435.00 of coffee (free shipping): 435 points.
	o1 := sh.buy(f, "pts-1", map[string]int{"KOF-GUJI-250-BO": 30}, "")
	if o1.PointsToEarn != 435 || o1.PointsRedeemed != 0 {
		t.Fatalf("order 1: %d points to earn, %d redeemed; want 435, 0", o1.PointsToEarn, o1.PointsRedeemed)
	}
	if acc := sh.balance(pointsEmail); acc.Balance != 0 || acc.Pending != 435 {
		t.Fatalf("paid, not delivered: %+v", acc)
	}
	page := sh.req(http.MethodGet, "/order/"+o1.Token+"?lang=en", "")
	if !strings.Contains(page.body, "This order earns you 435 points") {
		t.Errorf("order page does not show the pending points:\n%s", page.body)
	}
	sh.flushMail()
	conf := sh.mails("confirmation")
	if len(conf) != 1 {
		t.Fatalf("%d confirmations", len(conf))
	}
	if text, _ := bodies(conf[0]); !strings.Contains(text, "435") || !strings.Contains(text, "points") && !strings.Contains(text, "spaarpunten") {
		t.Errorf("confirmation does not mention the points:\n%s", text)
	}

	sh.delivered(o1)
	// Delivered, still returnable: pending, not spendable (issue 10 §4).
	if acc := sh.balance(pointsEmail); acc.Balance != 0 || acc.Pending != 435 {
		t.Fatalf("delivered: %+v", acc)
	}
	// Two partial refunds: 10 units (a third), then 5 more (half in all).
	for i, want := range []int{290, 217} {
		r := sh.admin(http.MethodPost, "/api/admin/orders/"+o1.ID+"/refund", `{"lines":[{"sku":"KOF-GUJI-250-BO","quantity":`+[]string{"10", "5"}[i]+`}]}`)
		if r.StatusCode/100 != 2 {
			t.Fatalf("refund %d: %d %s", i+1, r.StatusCode, r.body)
		}
		if acc := sh.balance(pointsEmail); acc.Pending != want || acc.Balance != 0 {
			t.Fatalf("after refund %d: pending %d, want %d (%+v)", i+1, acc.Pending, want, acc)
		}
	}
	clk.advance(returnWindowPast)
	if acc := sh.balance(pointsEmail); acc.Balance != 217 || acc.Pending != 0 {
		t.Fatalf("return window closed: %+v", acc)
	}

	// A new cart: 1 × 14.50 + 4.95 shipping = 19.45.
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.addToCart("KOF-GUJI-250-BO", 1)
	page = sh.req(http.MethodGet, "/checkout/?lang=en", "")
	if strings.Contains(page.body, `name="use_points"`) || !strings.Contains(page.body, `href="/points/`) {
		t.Fatalf("checkout without the points link offers points, or does not say how to get them")
	}
	// Knowing the address is not enough to spend its points.
	r := sh.req(http.MethodPost, "/api/checkout", strings.TrimSuffix(validCheckout, "}")+`,"use_points":true}`, "Idempotency-Key", "pts-steal")
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "/points/") {
		t.Fatalf("use_points without the link: %d %s", r.StatusCode, r.body)
	}

	linkPath := sh.pointsLink(pointsEmail)
	acct := sh.req(http.MethodGet, linkPath+"?lang=en", "")
	if acct.StatusCode != http.StatusOK || !strings.Contains(acct.body, `data-points="217"`) {
		t.Fatalf("points page: %d\n%s", acct.StatusCode, acct.body)
	}
	page = sh.req(http.MethodGet, "/checkout/?lang=en", "")
	box := regexp.MustCompile(`<input type="checkbox" name="use_points" value="1"[^>]*>`).FindString(page.body)
	if box == "" || strings.Contains(box, "checked") {
		t.Fatalf("points checkbox missing or pre-ticked: %q", box)
	}
	if got := shownTotal(t, page.body); got != "1945" {
		t.Fatalf("total shown before choosing points: %s, want 1945", got)
	}
	// Ticking the box and paying at once: the page first shows the new total.
	key := idemKeyRe.FindStringSubmatch(page.body)[1]
	v := checkoutValues(key)
	v.Set("use_points", "1")
	v.Set("points_shown", "0")
	r = sh.form("/checkout/", v)
	if r.StatusCode != http.StatusConflict || shownTotal(t, r.body) != "860" {
		t.Fatalf("ticked and paid at once: %d, total %s; want 409 and 8.60 shown", r.StatusCode, shownTotal(t, r.body))
	}
	if !strings.Contains(r.body, `name="use_points" value="1" checked`) || !strings.Contains(r.body, "has them taken off") {
		t.Errorf("the page with the new total does not keep the box ticked or say so")
	}
	if orders, _ := sh.sc.store.Loyalty.CustomerOrders(pointsEmail); len(orders) != 1 {
		t.Fatalf("an order was placed before the new total was shown: %d orders", len(orders))
	}
	v = checkoutValues(idemKeyRe.FindStringSubmatch(r.body)[1])
	v.Set("use_points", "1")
	v.Set("points_shown", "1")
	if r = sh.form("/checkout/", v); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("pay with points: %d %s", r.StatusCode, r.body)
	}
	orders, _ := sh.sc.store.Loyalty.CustomerOrders(pointsEmail)
	o2 := orders[0]
	// 217 points = 10.85 off the coffee (9% VAT); shipping 4.95 untouched,
	// at the coffee's 9% (shipping follows the goods, docs/money.md).
	if o2.PointsRedeemed != 217 || o2.Total() != 860 || o2.Totals.Discount(adjPoints) != 1085 || o2.PointsToEarn != 3 {
		t.Fatalf("order 2: %d redeemed, total %d, discount %d, to earn %d", o2.PointsRedeemed, o2.Total(), o2.Totals.Discount(adjPoints), o2.PointsToEarn)
	}
	for _, line := range o2.Totals.VAT {
		if line.Rate != 9 || line.Base != 365+495 {
			t.Errorf("VAT line %+v: the discount must come off the 9%% goods only, shipping at 9%%", line)
		}
	}
	var ov OrderView
	sh.req(http.MethodGet, "/api/orders/"+o2.Token, "").json(t, &ov)
	sum := ov.Subtotal + ov.Shipping
	for _, a := range ov.Adjustments {
		sum += a.Amount
	}
	if len(ov.Adjustments) != 1 || sum != ov.Total || !strings.Contains(ov.Points, "217") {
		t.Errorf("order JSON: adjustments %+v do not explain the total %d (sum %d); points %q", ov.Adjustments, ov.Total, sum, ov.Points)
	}
	if p, _ := f.Payment(o2.PaymentID); p.Value != "8.60" {
		t.Errorf("payment amount %s, want 8.60 (the total shown)", p.Value)
	}
	if acc := sh.balance(pointsEmail); acc.Balance != 0 {
		t.Fatalf("points not held by the order awaiting payment: %+v", acc)
	}
	if err := f.SetStatus(o2.PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}
	sh.adminLogin()
	if page := sh.req(http.MethodGet, "/admin/orders/"+o2.ID, ""); !strings.Contains(page.body, sh.says("order.discount", sh.says("order.adj.points"), 9)) || !strings.Contains(page.body, sh.says("order.points_spent", 217)) {
		t.Errorf("the owner's order page does not show the points discount")
	}
	// The owner cancels the paid order: refunded in full, points back.
	if r := sh.admin(http.MethodPost, "/api/admin/orders/"+o2.ID+"/cancel", ""); r.StatusCode != http.StatusOK {
		t.Fatalf("cancel: %d %s", r.StatusCode, r.body)
	}
	if acc := sh.balance(pointsEmail); acc.Balance != 217 {
		t.Fatalf("after the order the points were spent on was refunded: %+v", acc)
	}
}

// TestPointsAPIOtherAddress: the browser's points link is for one address;
// an order for another address cannot spend them.
func TestPointsAPIOtherAddress(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	var clk offsetClock
	sh := newShop(t, withMollie(f), withLoyalty(t), withOffsetClock(&clk))
	sh.settled(&clk, sh.buy(f, "oth-1", map[string]int{"KOF-GUJI-250-BO": 10}, ""))
	sh.pointsLink(pointsEmail)
	sh.req(http.MethodGet, sh.pointsLink(pointsEmail), "") // a second request within minutes sends nothing new
	sh.addToCart("KOF-GUJI-250-BO", 1)
	body := strings.Replace(validCheckout, pointsEmail, "someone@example.nl", 1)
	body = strings.TrimSuffix(body, "}") + `,"use_points":true}`
	r := sh.req(http.MethodPost, "/api/checkout", body, "Idempotency-Key", "oth-2")
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, pointsEmail) {
		t.Fatalf("points of another address: %d %s", r.StatusCode, r.body)
	}
	if n := len(sh.mails("points_link")); n != 1 {
		t.Errorf("%d link e-mails for two requests in a minute, want 1", n)
	}
	// Without use_points nothing is taken off, whatever the balance.
	r = sh.req(http.MethodPost, "/api/checkout", validCheckout, "Idempotency-Key", "oth-3")
	var a CheckoutAnswer
	r.json(t, &a)
	if a.Order.Total != 1450+495 {
		t.Fatalf("checkout without use_points: total %d", a.Order.Total)
	}
}

// TestPrivacyDelete: the customer deletes their data from the points page:
// refused while an order is under way, then names and addresses are gone,
// the amounts stay, the points lapse and the link stops working.
func TestPrivacyDelete(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f), withLoyalty(t))
	o1 := sh.delivered(sh.buy(f, "del-1", map[string]int{"KOF-GUJI-250-BO": 10}, ""))
	o2 := sh.buy(f, "del-2", map[string]int{"MOK-001": 1}, `,"gift_note":"Voor jou"`)
	other := sh.buy(f, "del-3", map[string]int{"MOK-001": 1}, "")
	_ = other
	rv, _, err := sh.sc.store.Reviews.Save(review.Review{OrderID: o1.ID, Product: "ethiopie-guji", Rating: 4, Text: "Lekker", Author: "Eva", Email: pointsEmail, Lang: "nl"})
	if err != nil {
		t.Fatal(err)
	}
	linkPath := sh.pointsLink(pointsEmail)
	if r := sh.req(http.MethodGet, linkPath+"?lang=en", ""); !strings.Contains(r.body, "Markt 1") || !strings.Contains(r.body, o2.ID) {
		t.Fatalf("the points page does not show the data held:\n%s", r.body)
	}
	if r := sh.form(linkPath+"/delete", url.Values{"lang": {"en"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("delete without confirming: %d", r.StatusCode)
	}
	if r := sh.form(linkPath+"/delete", url.Values{"confirm": {"1"}, "lang": {"en"}}); r.StatusCode != http.StatusConflict {
		t.Fatalf("delete with an order under way: %d", r.StatusCode)
	}
	sh.delivered(o2)
	sh.delivered(other)
	// other is the same address (validCheckout): all three go.
	r := sh.form(linkPath+"/delete", url.Values{"confirm": {"1"}, "lang": {"en"}})
	if r.StatusCode != http.StatusOK || !strings.Contains(r.body, "deleted") {
		t.Fatalf("delete: %d %s", r.StatusCode, r.body)
	}
	for _, id := range []string{o1.ID, o2.ID} {
		o, _ := sh.sc.store.Orders.GetOrder(id)
		if o.Customer.Email != "" || o.Customer.Street != "" || o.Customer.Name != store.AnonymousName || o.GiftNote != "" || o.TrackingURL != "" {
			t.Errorf("order %s keeps personal data: %+v gift %q", id, o.Customer, o.GiftNote)
		}
		if o.Total() == 0 || len(o.Lines) == 0 || o.Customer.Country != "NL" || len(o.Totals.VAT) == 0 {
			t.Errorf("order %s lost what the books need: %+v", id, o)
		}
	}
	if acc := sh.balance(pointsEmail); acc.Balance != 0 || len(acc.History) != 0 {
		t.Errorf("points survive deletion: %+v", acc)
	}
	if r, _ := sh.sc.store.Reviews.Get(rv.ID); r.Email != "" || r.Text != "Lekker" {
		t.Errorf("review after deletion: e-mail %q, text %q (the text stays, the address goes)", r.Email, r.Text)
	}
	if r := sh.req(http.MethodGet, linkPath, ""); r.StatusCode != http.StatusNotFound {
		t.Errorf("the link still works after deletion: %d", r.StatusCode)
	}
	// The owner's figures still count the anonymous orders.
	var st StatsAnswer
	sh.admin(http.MethodGet, "/api/admin/stats", "").json(t, &st)
	if st.Retention.Orders != 3 {
		t.Errorf("figures after deletion count %d orders, want 3", st.Retention.Orders)
	}
}

// TestPromiseLengthened: a carrier that delivers three days late makes the
// sidecar add days to that method's promise (order page, API), and the
// figures show it; deliveries on time again bring the promise back.
func TestPromiseLengthened(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	clk := &offsetClock{}
	sh := newShop(t, withMollie(f), withOffsetClock(clk), withCatalog(t, func(c map[string]any) {
		c["shop"].(map[string]any)["on_time_target"] = 0.9
	}))
	var late []*order.Order
	for i := range 5 {
		o := sh.buy(f, "late-"+itoa(i), map[string]int{"MOK-001": 1}, "")
		late = append(late, o)
	}
	if late[0].PromisedBy.IsZero() || late[0].PromiseExtraDays != 0 {
		t.Fatalf("paid order promise %v extra %d", late[0].PromisedBy, late[0].PromiseExtraDays)
	}
	var p PromiseAnswer
	sh.req(http.MethodGet, "/api/promise", "").json(t, &p)
	if p.Methods["postnl"].ExtraDays != 0 {
		t.Fatalf("extra days before any delivery: %+v", p)
	}
	// Three days after the promised day, each of them.
	for _, o := range late {
		clk.off.Store(int64(time.Until(o.PromisedBy.AddDate(0, 0, 3).Add(12 * time.Hour))))
		sh.delivered(o)
	}
	clk.off.Store(int64(time.Until(late[0].PromisedBy.AddDate(0, 0, 4))))
	sh.sc.promises.Refresh()
	sh.req(http.MethodGet, "/api/promise", "").json(t, &p)
	if p.Methods["postnl"].ExtraDays != 3 || p.Methods["postnl"].Sample != 5 {
		t.Fatalf("after five deliveries three days late: %+v", p)
	}
	// The next order is promised three carrier days later, and keeps it.
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	next := sh.buy(f, "next", map[string]int{"MOK-001": 1}, "")
	if next.PromiseExtraDays != 3 {
		t.Fatalf("next order extra days %d, want 3", next.PromiseExtraDays)
	}
	rules, _ := sh.sc.Rules(sh.sc.Catalog.Current())
	m, _ := sh.sc.Catalog.Current().Method("postnl")
	base, _ := rules.ExpectedDates(next.PaidAt, next.Classes(), m)
	if !next.PromisedBy.After(base.Delivery.Latest.AddDate(0, 0, 2)) {
		t.Fatalf("promised %v; the unadjusted promise was %v", next.PromisedBy, base.Delivery.Latest)
	}
	page := sh.req(http.MethodGet, "/order/"+next.Token+"?lang=en", "")
	if !strings.Contains(page.body, view.DayText(next.PromisedBy, "en")) {
		t.Errorf("order page does not show the lengthened promise %s", view.DayText(next.PromisedBy, "en"))
	}
	var st StatsAnswer
	if r := sh.admin(http.MethodGet, "/api/admin/stats", ""); r.StatusCode != http.StatusOK {
		t.Fatalf("stats: %d %s", r.StatusCode, r.body)
	} else {
		r.json(t, &st)
	}
	if len(st.Methods) != 1 || st.Methods[0].Delivered != 5 || st.Methods[0].OnTime != 0 || st.Methods[0].ExtraDays != 3 || st.Methods[0].MaxLate != 3 {
		t.Fatalf("stats methods: %+v", st.Methods)
	}
	// The carrier recovers: the next five arrive on the base promise day.
	for i := range 5 {
		o := sh.buy(f, "ok-"+itoa(i), map[string]int{"MOK-001": 1}, "")
		basePromise := o.PromisedBy.AddDate(0, 0, -o.PromiseExtraDays-1) // comfortably within the base promise
		clk.off.Store(int64(time.Until(basePromise.Add(10 * time.Hour))))
		if clk.now().Before(o.PaidAt) {
			clk.off.Store(int64(time.Until(o.PaidAt.Add(time.Hour))))
		}
		sh.delivered(o)
	}
	sh.sc.promises.Refresh()
	sh.req(http.MethodGet, "/api/promise", "").json(t, &p)
	if p.Methods["postnl"].ExtraDays >= 3 {
		t.Fatalf("the promise did not come back after on-time deliveries: %+v", p)
	}
}

// TestPointsLineRefund: an order paid partly with points, one of two items
// refunded: the money back is what that item cost after the discount, and
// the points come back in the same proportion, so together they make the
// item's price, not more.
func TestPointsLineRefund(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	var clk offsetClock
	sh := newShop(t, withMollie(f), withLoyalty(t), withOffsetClock(&clk))
	sh.settled(&clk, sh.buy(f, "lr-1", map[string]int{"KOF-GUJI-250-BO": 14}, "")) // 203 points
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.req(http.MethodGet, sh.pointsLink(pointsEmail), "")
	// 2 × 14.50 = 29.00; 200 of the 203 points asked for = 10.00 off; 4.95 shipping.
	o := sh.buy(f, "lr-2", map[string]int{"KOF-GUJI-250-BO": 2}, `,"use_points":true,"points":200`)
	if o.PointsRedeemed != 200 || o.Total() != 1900+495 {
		t.Fatalf("order: %d points, total %d", o.PointsRedeemed, o.Total())
	}
	if acc := sh.balance(pointsEmail); acc.Balance != 3 {
		t.Fatalf("balance after spending 200: %+v", acc)
	}
	r := sh.admin(http.MethodPost, "/api/admin/orders/"+o.ID+"/refund", `{"lines":[{"sku":"KOF-GUJI-250-BO","quantity":1}]}`)
	if r.StatusCode/100 != 2 {
		t.Fatalf("refund: %d %s", r.StatusCode, r.body)
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if len(o.Refunds) != 1 || o.Refunds[0].Amount != 950 {
		t.Fatalf("refund of one item paid 9.50 after points: %+v", o.Refunds)
	}
	// Half the goods back: half the points spent come back (100 = 5.00);
	// 9.50 + 5.00 = 14.50, the item's price.
	if acc := sh.balance(pointsEmail); acc.Balance != 103 {
		t.Fatalf("balance after the refund: %d, want 103 (%+v)", acc.Balance, acc.History)
	}
}

// TestPointsCycleLeaksNothing walks earn → spend → return → refund through
// the shop: order A (435 points) is delivered; while it can be returned its
// points cannot be spent (before, they could: spent on order B, then A
// returned and refunded in full, the take-back was forgiven and the
// customer kept 21.75 of discount on goods they gave back). A return asked
// on the last day keeps the points pending past the window until it is
// refunded; then only the kept goods' points become spendable.
func TestPointsCycleLeaksNothing(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	var clk offsetClock
	sh := newShop(t, withMollie(f), withLoyalty(t), withOffsetClock(&clk))
	a := sh.delivered(sh.buy(f, "cyc-a", map[string]int{"KOF-GUJI-250-BO": 30}, "")) // 435 points
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.req(http.MethodGet, sh.pointsLink(pointsEmail), "")
	if acc := sh.balance(pointsEmail); acc.Balance != 0 || acc.Pending != 435 {
		t.Fatalf("A delivered, returnable: %+v", acc)
	}
	b := sh.buy(f, "cyc-b", map[string]int{"KOF-GUJI-250-BO": 10}, `,"use_points":true`)
	if b.PointsRedeemed != 0 || b.Totals.Discount(adjPoints) != 0 {
		t.Fatalf("points of a returnable order were spent: %d (%d off)", b.PointsRedeemed, b.Totals.Discount(adjPoints))
	}
	// On the window's last day the customer returns 20 of the 30 bags.
	clk.advance(30 * 24 * time.Hour)
	if r := sh.form("/order/"+a.Token+"/return", url.Values{"qty_KOF-GUJI-250-BO": {"20"}, "lang": {"en"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d %s", r.StatusCode, r.body)
	}
	clk.advance(5 * 24 * time.Hour) // the window has closed; the parcel is still on its way
	if acc := sh.balance(pointsEmail); acc.Balance != 0 {
		t.Fatalf("window closed with a return under way: %+v", acc)
	}
	if r := sh.admin(http.MethodPost, "/api/admin/orders/"+a.ID+"/return-received", `{"refund":true}`); r.StatusCode != http.StatusOK {
		t.Fatalf("receive and refund: %d %s", r.StatusCode, r.body)
	}
	acc := sh.balance(pointsEmail)
	// 10 bags kept of 30: 435 × 145/435 = 145 points (B earned 145 more, pending in its own window).
	if acc.Balance != 145 {
		t.Fatalf("after the refund: %+v", acc)
	}
	for _, e := range acc.History {
		if e.Forgiven != 0 {
			t.Errorf("forgiven points: %+v", e)
		}
	}
}
