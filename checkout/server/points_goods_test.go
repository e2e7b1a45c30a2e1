package server

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/money"
)

// TestPointsBesideGiftCardCheckout: a customer with € 64.10 of points buys
// a book (€ 24.95, 9 %) and a € 50 gift card. Points are never money in
// another form: the page offers only what the book can carry (498 points,
// € 24.90, a cent of the book stays payable), shows the total that is then
// charged (book − points + gift card + shipping), and the order, the VAT
// and Mollie's amount agree. A refund of the card gives back its € 50 and
// no points; a refund of the book what was paid for it and the points.
func TestPointsBesideGiftCardCheckout(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	var clk offsetClock
	sh := newShop(t, withMollie(f), withOffsetClock(&clk), withCatalog(t, func(c map[string]any) {
		giftCatalog(c)
		c["loyalty"] = map[string]any{"points_per_euro": 1, "point_value": 5, "min_redeem": 100}
	}))
	sh.settled(&clk, sh.buy(f, "pg-seed", map[string]int{"MOK-001": 99}, "")) // 1282,05: 1282 points
	if acc := sh.balance(pointsEmail); acc.Balance != 1282 {
		t.Fatalf("points to spend: %+v", acc)
	}

	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.addToCart("BOEK-001", 1)
	sh.addToCart("CADEAU-50", 1)
	sh.req(http.MethodGet, sh.pointsLink(pointsEmail)+"?lang=en", "")
	const book, card, shipping, points = 2495, 5000, 495, 498 // (2495 − 1) / 5 points
	page := sh.req(http.MethodGet, "/checkout/?lang=en", "")
	if got := shownTotal(t, page.body); got != amountText(book+card+shipping) {
		t.Fatalf("total before points: %s, want %d", got, book+card+shipping)
	}
	offer := regexp.MustCompile(`name="use_points" value="1"[^>]*>([^<]*)<`).FindStringSubmatch(page.body)
	if offer == nil || !strings.Contains(offer[1], "498 points") || !strings.Contains(offer[1], money.Display(points*5, "EUR", "en")) {
		t.Fatalf("points offer %q, want 498 points, %s off (the book less a cent, never the gift card)", offer, money.Display(points*5, "EUR", "en"))
	}

	// Tick the box: the page shows the new total first, then it is paid.
	v := checkoutValues(idemKeyRe.FindStringSubmatch(page.body)[1])
	v.Set("gift_to", "ben@example.nl")
	v.Set("use_points", "1")
	v.Set("points_shown", "0")
	r := sh.form("/checkout/", v)
	want := money.Amount(book - points*5 + card + shipping)
	if r.StatusCode != http.StatusConflict || shownTotal(t, r.body) != amountText(want) || !strings.Contains(r.body, money.Display(want, "EUR", "en")) {
		t.Fatalf("ticked: %d, total %s; want 409 and %d shown", r.StatusCode, shownTotal(t, r.body), want)
	}
	v.Set("idempotency_key", idemKeyRe.FindStringSubmatch(r.body)[1])
	v.Set("points_shown", "1")
	if r = sh.form("/checkout/", v); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("pay with points: %d %s", r.StatusCode, r.body)
	}
	orders, _ := sh.sc.store.Loyalty.CustomerOrders(pointsEmail)
	o := orders[0]
	if o.PointsRedeemed != points || o.Total() != want || o.Totals.Discount(adjPoints) != points*5 {
		t.Fatalf("order: %d points, total %d, discount %d; want %d, %d, %d", o.PointsRedeemed, o.Total(), o.Totals.Discount(adjPoints), points, want, points*5)
	}
	for _, a := range o.Totals.Adjustments {
		if a.VATRate != 9 || !slices.Equal(a.SKUs, []string{"BOEK-001"}) {
			t.Fatalf("points adjustment %+v: on the book's 9 %% only", a)
		}
	}
	for _, l := range o.Totals.VAT {
		if base := map[int]money.Amount{9: book - points*5 + shipping, 0: card}[l.Rate]; l.Base != base {
			t.Errorf("VAT line %+v, base want %d: the card is charged in full", l, base)
		}
	}
	if p, _ := f.Payment(o.PaymentID); p.Value != money.Format(want, "EUR") {
		t.Fatalf("Mollie asked %s, the page showed %s", p.Value, money.Format(want, "EUR"))
	}
	if err := f.SetStatus(o.PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}

	// The card back: its € 50, and no points (it carried none).
	refund := func(sku string, amount money.Amount, balance int) {
		t.Helper()
		r := sh.admin(http.MethodPost, "/api/admin/orders/"+o.ID+"/refund", `{"lines":[{"sku":"`+sku+`","quantity":1}]}`)
		if r.StatusCode/100 != 2 {
			t.Fatalf("refund %s: %d %s", sku, r.StatusCode, r.body)
		}
		got, _ := sh.sc.store.Orders.GetOrder(o.ID)
		if rf := got.Refunds[len(got.Refunds)-1]; rf.Amount != amount {
			t.Fatalf("refund of %s: %d, want %d", sku, rf.Amount, amount)
		}
		if acc := sh.balance(pointsEmail); acc.Balance != balance {
			t.Fatalf("after the refund of %s: balance %d, want %d (%+v)", sku, acc.Balance, balance, acc.History)
		}
	}
	refund("CADEAU-50", card, 1282-points)
	refund("BOEK-001", book-points*5, 1282) // a cent paid: the cent and the points back
}
