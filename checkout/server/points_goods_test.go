package server

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/catalog"
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
	sh, f := pointsGiftShop(t) // 1282,05: 1282 points
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

var pointsOfferRe = regexp.MustCompile(`name="use_points" value="1"[^>]*> Use my (\d+) points: ([^<]*) off<`)

// TestPointsOfferIsChargedProperty: over random carts of goods (9 and 21 %)
// and gift cards, a code or not, as many points as possible or a number
// asked: the checkout page's offer, the script's quote and the order agree
// (the total shown is the total charged; the page, asked for no number,
// offers as many as possible), and the points never pay for a
// gift card: at most the goods less the code less a cent, the cards charged
// in full. Each order is canceled unpaid, which gives the points back for
// the next case.
func TestPointsOfferIsChargedProperty(t *testing.T) {
	boundRapid(15)
	clk := &testClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	sh := newShop(t, withClock(clk), withCatalog(t, func(c map[string]any) {
		moneyCatalog(c)
		giftCatalog(c)
		c["loyalty"] = map[string]any{"points_per_euro": 1, "point_value": 5, "min_redeem": 100}
	}))
	link := pointsToSpend(t, sh, clk)
	balance := sh.balance(pointsEmail).Balance
	sh.makeCode(`{"code":"ALLES10","percent":10}`)
	sh.makeCode(`{"code":"VIJF","amount":500}`)
	var goods, cards []catalog.Item
	for _, it := range sh.sc.Catalog.Current().Items {
		if it.GiftCard {
			cards = append(cards, it)
		} else {
			goods = append(goods, it)
		}
	}
	used, beside := 0, 0
	rapid.Check(t, func(rt *rapid.T) {
		jar, _ := newJar()
		sh.jar, sh.client.Jar = jar, jar
		sh.req(http.MethodGet, link+"?lang=en", "") // this browser proves the address
		lines := 0
		for _, it := range rapid.SliceOfNDistinct(rapid.SampledFrom(goods), 0, 3, func(it catalog.Item) string { return it.SKU }).Draw(rt, "goods") {
			sh.addToCart(it.SKU, rapid.IntRange(1, 3).Draw(rt, "qty "+it.SKU))
			lines++
		}
		for _, it := range cards {
			if q := rapid.IntRange(0, 2).Draw(rt, "cards "+it.SKU); q > 0 {
				sh.addToCart(it.SKU, q)
				lines++
			}
		}
		if lines == 0 {
			sh.addToCart(cards[0].SKU, 1)
		}
		code := rapid.SampledFrom([]string{"", "ALLES10", "VIJF"}).Draw(rt, "code")
		want := rapid.SampledFrom([]int{0, 100, 150}).Draw(rt, "points wanted") // 0: as many as possible
		d := destination{"postnl", "NL"}
		q := quote(t, sh, d, "en", true, want, code)
		if q.CodeError != "" {
			code = ""
			q = quote(t, sh, d, "en", true, want, code)
		}
		discount := q.Totals.Discount(adjPoints)
		page := sh.req(http.MethodGet, "/checkout/?lang=en", "")
		offer := pointsOfferRe.FindStringSubmatch(page.body)
		if want == 0 && ((offer != nil) != (discount > 0) || offer != nil && (offer[1] != strconv.Itoa(int(discount/5)) || offer[2] != money.Display(discount, "EUR", "en"))) {
			rt.Fatalf("the page offers %q; the quote with the box ticked takes %d off", offer, discount)
		}
		body := strings.TrimSuffix(validCheckout, "}") + `,"gift_to":"ben@example.nl","use_points":true,"points":` + strconv.Itoa(want) +
			`,"code":"` + code + `","expected_total":` + amountText(q.Total) + `}`
		r := sh.req(http.MethodPost, "/api/checkout", body, "Idempotency-Key", "pq-"+strconv.Itoa(int(clk.Now().UnixNano())))
		clk.Add(time.Second)
		if r.StatusCode != http.StatusCreated {
			rt.Fatalf("checkout at the quoted %d: %d %s", q.Total, r.StatusCode, r.body)
		}
		var a CheckoutAnswer
		r.json(sh.t, &a)
		o, err := sh.sc.store.Orders.GetOrder(a.Order.ID)
		if err != nil {
			rt.Fatal(err)
		}
		tt := o.Totals
		cardsSum := tt.Subtotal - tt.Goods()
		pts, codeOff := tt.Discount(adjPoints), tt.Discount(cart.KindCode)
		if o.Total() != q.Total || pts != discount || money.Amount(o.PointsRedeemed)*5 != pts {
			rt.Fatalf("charged %d with %d points (%d off); quoted %d with %d off", o.Total(), o.PointsRedeemed, pts, q.Total, discount)
		}
		if pts > 0 && pts > tt.Goods()-codeOff-1 {
			rt.Fatalf("%d of points off goods of %d less a code of %d (gift cards %d aside)", pts, tt.Goods(), codeOff, cardsSum)
		}
		if tt.GrandTotal != tt.Goods()-codeOff-pts+cardsSum+tt.Shipping {
			rt.Fatalf("charged %d: goods %d - code %d - points %d + gift cards %d + shipping %d", tt.GrandTotal, tt.Goods(), codeOff, pts, cardsSum, tt.Shipping)
		}
		for _, adj := range tt.Adjustments {
			for _, l := range tt.Lines {
				if l.GiftCard && slices.Contains(adj.SKUs, l.SKU) {
					rt.Fatalf("a %s discount on gift card %s", adj.Kind, l.SKU)
				}
			}
		}
		if pts > 0 {
			used++
			if cardsSum > 0 {
				beside++
			}
		}
		if r := sh.admin(http.MethodPost, "/api/admin/orders/"+o.ID+"/cancel", ""); r.StatusCode != http.StatusOK {
			rt.Fatalf("cancel: %d %s", r.StatusCode, r.body)
		}
		if acc := sh.balance(pointsEmail); acc.Balance != balance {
			rt.Fatalf("balance after the unpaid order was canceled: %d, want %d", acc.Balance, balance)
		}
	})
	t.Logf("%d cases used points, %d of them beside gift cards", used, beside)
	if beside == 0 {
		t.Error("no case used points beside a gift card: the property did not walk that path")
	}
}

// TestPointsOfferSaysWhyNotForGiftCards: with enough points and only a
// gift card in the cart, the checkout says points pay for products, not
// "from 100 points" (which the customer has).
func TestPointsOfferSaysWhyNotForGiftCards(t *testing.T) {
	sh, _ := pointsGiftShop(t)
	for _, lang := range []string{"nl", "en"} {
		jar, _ := newJar()
		sh.jar, sh.client.Jar = jar, jar
		sh.addToCart("CADEAU-50", 1)
		sh.req(http.MethodGet, sh.pointsLink(pointsEmail)+"?lang="+lang, "")
		page := sh.req(http.MethodGet, "/checkout/?lang="+lang, "").body
		if !strings.Contains(page, "data-points-no-goods") || strings.Contains(page, `name="use_points"`) {
			t.Errorf("%s: a gift card only with 1282 points does not say points pay for products", lang)
		}
		sh.addToCart("BOEK-001", 1)
		if page = sh.req(http.MethodGet, "/checkout/?lang="+lang, "").body; strings.Contains(page, "data-points-no-goods") || !strings.Contains(page, `name="use_points"`) {
			t.Errorf("%s: a book beside the card: no points offered", lang)
		}
	}
}

// pointsGiftShop is a shop selling gift cards with points (1 a euro, 5
// cents each, 100 at least), whose pointsEmail customer has 1282 points to
// spend (99 mugs bought, delivered and past the return window).
func pointsGiftShop(t *testing.T) (*testShop, *molliefake.Server) {
	t.Helper()
	f := molliefake.New()
	t.Cleanup(f.Close)
	var clk offsetClock
	sh := newShop(t, withMollie(f), withOffsetClock(&clk), withCatalog(t, func(c map[string]any) {
		giftCatalog(c)
		c["loyalty"] = map[string]any{"points_per_euro": 1, "point_value": 5, "min_redeem": 100}
	}))
	sh.settled(&clk, sh.buy(f, "pg-seed", map[string]int{"MOK-001": 99}, ""))
	return sh, f
}
