package server

import (
	"bytes"
	"context"
	"flag"
	"html"
	"net/http"
	"net/http/cookiejar"
	netmail "net/mail"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/invoice"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
)

// boundRapid gives the property tests of this package a fixed seed and a
// bounded number of cases in `go test ./...`; -rapid.seed and -rapid.checks
// on the command line win (go test ./checkout/server -run MoneyPath -rapid.checks=500).
func boundRapid(checks int) {
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["rapid.seed"] {
		_ = flag.Set("rapid.seed", "20261206")
	}
	if !set["rapid.checks"] {
		_ = flag.Set("rapid.checks", strconv.Itoa(checks))
	}
}

// moneyCatalog gives the test shop every kind of carrier the demo has: a
// second NL carrier, pick-up at no cost, and Belgium (OSS, Belgian rates);
// stock untracked so random carts never run out.
func moneyCatalog(c map[string]any) {
	sh := c["shipping"].(map[string]any)
	ms := sh["methods"].([]any)
	ms = append(ms,
		map[string]any{"id": "dhl", "name": "DHL Parcel", "price": 525, "vat_rate": 21, "transit_days": 1, "countries": []string{"NL"}, "tracking_url": ""},
		map[string]any{"id": "pickup", "name": "Afhalen", "name_en": "Pick up", "price": 0, "vat_rate": 21, "transit_days": 0, "countries": []string{"NL"}, "tracking_url": "", "pickup": true})
	sh["methods"] = ms
	for _, it := range c["items"].([]any) {
		it.(map[string]any)["stock"] = map[string]any{"tracked": false, "quantity": 0}
	}
}

type destination struct{ method, country string }

// TestMoneyPathProperty walks random customers through the whole money path
// (issue 10 §1, §2, §5): a random cart of catalog items and quantities,
// every carrier and every country served, Dutch or English, sometimes a
// price change between the quote and the press on pay. Everything the
// customer and the owner see of one order is one amount: cart quote =
// checkout page (total and pay button) = script quote = amount asked by the
// provider = stored order = order page and JSON = confirmation e-mail =
// packing slip = invoice = what the owner may refund, with or without a
// discount code the customer typed. The VAT lines add up to the VAT
// total and follow the rules: each line the rate of its country and class,
// shipping split over the goods' rates only.
func TestMoneyPathProperty(t *testing.T) {
	boundRapid(12)
	clk := &testClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	sh := newShop(t, withClock(clk), withCatalog(t, func(c map[string]any) {
		moneyCatalog(c)
		giftCatalog(c) // points and codes beside gift cards: never on them
		c["loyalty"] = map[string]any{"points_per_euro": 1, "point_value": 5, "min_redeem": 100}
	}))
	catFile := sh.sc.Catalog.Location()
	linkPath := pointsToSpend(t, sh, clk)
	var dests []destination
	for _, m := range sh.sc.Catalog.Current().Shipping.Methods {
		for _, co := range m.Countries {
			dests = append(dests, destination{m.ID, co})
		}
	}
	// Codes the owner made (codes.go): for everything, a fixed amount, one
	// category, one SKU with a minimum; the customer types one or none.
	for _, body := range []string{`{"code":"ALLES10","percent":10}`, `{"code":"VIJF","amount":500}`,
		`{"code":"KOFFIE25","percent":25,"categories":["koffie"]}`, `{"code":"MOKHALF","percent":50,"skus":["MOK-001"],"min_order":2000}`} {
		sh.makeCode(body)
	}
	redeemed, changedPrices, coded := 0, 0, 0 // the paths less taken must be taken
	rapid.Check(t, func(rt *rapid.T) {
		jar, _ := cookiejar.New(nil)
		sh.client.Jar = jar // a new customer, a new cart
		cat := sh.sc.Catalog.Current()
		skus := make([]string, 0, len(cat.Items))
		for _, it := range cat.Items {
			skus = append(skus, it.SKU)
		}
		lang := rapid.SampledFrom([]string{"nl", "en"}).Draw(rt, "lang")
		chosen := rapid.SliceOfNDistinct(rapid.SampledFrom(skus), 1, len(skus), rapid.ID[string]).Draw(rt, "skus")
		for _, sku := range chosen {
			sh.addToCart(sku, rapid.IntRange(1, 5).Draw(rt, "qty "+sku))
		}
		d := rapid.SampledFrom(dests).Draw(rt, "destination")
		usePoints := rapid.Bool().Draw(rt, "use points")
		want := rapid.SampledFrom([]int{100, 0}).Draw(rt, "points wanted") // 0: as many as the goods carry
		code := rapid.SampledFrom([]string{"", "alles10", "VIJF", "Koffie25", "MOKHALF"}).Draw(rt, "code")
		if code != "" && quote(t, sh, d, lang, false, 0, code).CodeError != "" {
			code = "" // not for this cart: the customer takes it out again
		}
		if usePoints {
			sh.req(http.MethodGet, linkPath+"?lang="+lang, "") // this browser proves the address
		}

		// The cart's quote for the choice.
		var cv CartView
		r := sh.req(http.MethodGet, "/api/cart?country="+d.country+"&shipping_method="+d.method+"&lang="+lang, "")
		r.json(t, &cv)
		if r.StatusCode != http.StatusOK {
			rt.Fatalf("cart quote: %d %s", r.StatusCode, r.body)
		}
		// The checkout page, after the no-script "update" step.
		co := sh.req(http.MethodGet, "/checkout/?lang="+lang, "")
		_, _, key := checkoutFields(t, co.body)
		f := customerForm(d, lang)
		if usePoints {
			f.Set("use_points", "1")
			f.Set("points", strconv.Itoa(want))
		}
		if code != "" {
			f.Set("code", code)
		}
		f.Set("idempotency_key", key)
		f.Set("update", "1")
		page := sh.form("/checkout/", f)
		if page.StatusCode != http.StatusOK {
			rt.Fatalf("update step: %d %s", page.StatusCode, page.body)
		}
		shown, shownFor, key := checkoutFields(t, page.body)
		// The quote the page's script shows (with the points box as ticked).
		q := quote(t, sh, d, lang, usePoints, want, code)
		// The cart keeps the code typed at checkout (cartcode.go): its quote
		// has the code's line already; the checkout adds the points.
		discount := q.Totals.Discount(adjPoints) + q.Totals.Discount(cart.KindCode) - cv.Discount(cart.KindCode)
		if (code != "") != (q.Totals.Discount(cart.KindCode) > 0) || q.CodeError != "" {
			rt.Fatalf("code %q: discount %d, error %q", code, q.Totals.Discount(cart.KindCode), q.CodeError)
		}
		if !strings.HasPrefix(shownFor, d.method+"|"+d.country+"|") || shown != amountText(cv.GrandTotal-discount) {
			rt.Fatalf("page shows %s for %s; cart quote %d less points %d for %v", shown, shownFor, cv.GrandTotal, discount, d)
		}
		checkPageTotal(rt, page.body, shown, lang)
		if amountText(q.Total) != shown || !strings.Contains(q.PayText, display(shown, lang)) {
			rt.Fatalf("script quote %d (%q), page %s", q.Total, q.PayText, shown)
		}
		if q.Totals.Discount(adjPoints) > 0 != (pointsShownRe.FindStringSubmatch(page.body) != nil && pointsShownRe.FindStringSubmatch(page.body)[1] == "1") {
			rt.Fatalf("quote takes %d off for points; the page's points_shown says otherwise", discount)
		}
		setPointsShown(f, page.body)

		// Sometimes the shop changes a price between the quote and the press on pay.
		changed := false
		if rapid.Bool().Draw(rt, "price change") {
			sku := rapid.SampledFrom(chosen).Draw(rt, "changed sku")
			delta := rapid.IntRange(-400, 400).Draw(rt, "delta")
			changed = setPrice(t, sh, catFile, sku, delta)
		}
		f.Del("update")
		f.Set("idempotency_key", key)
		f.Set("shown_total", shown)
		f.Set("shown_for", shownFor)
		r = sh.form("/checkout/", f)
		if changed && code != "" {
			if codeErr := quote(t, sh, d, lang, usePoints, want, code).CodeError; codeErr != "" {
				// The change took the cart out of the code's reach (below
				// MOKHALF's minimum): pay stops at the code field, with the
				// code's reason, and nothing is made.
				if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, html.EscapeString(codeErr)) {
					rt.Fatalf("price change took code %s out of reach (%q), pay pressed: %d", code, codeErr, r.StatusCode)
				}
				return
			}
		}
		if changed {
			// Not charged: the page comes back with the new total and why.
			if r.StatusCode != http.StatusConflict {
				rt.Fatalf("price changed, pay pressed: %d %s", r.StatusCode, r.Header.Get("Location"))
			}
			newShown, _, newKey := checkoutFields(t, r.body)
			var cv2 CartView
			sh.req(http.MethodGet, "/api/cart?country="+d.country+"&shipping_method="+d.method, "").json(t, &cv2)
			q2 := quote(t, sh, d, lang, usePoints, want, code)
			if newShown != amountText(cv2.GrandTotal-q2.Totals.Discount(adjPoints)-q2.Totals.Discount(cart.KindCode)+cv2.Discount(cart.KindCode)) || newShown != amountText(q2.Total) {
				rt.Fatalf("page after the change shows %s, cart quote %d, script quote %d", newShown, cv2.GrandTotal, q2.Total)
			}
			checkPageTotal(rt, r.body, newShown, lang)
			setPointsShown(f, r.body)
			shown = newShown
			f.Set("idempotency_key", newKey)
			f.Set("shown_total", shown)
			r = sh.form("/checkout/", f)
		}
		if r.StatusCode != http.StatusSeeOther || !payIDRe.MatchString(r.Header.Get("Location")) {
			rt.Fatalf("pay %s: %d %s", shown, r.StatusCode, r.body)
		}
		payURL := r.Header.Get("Location")
		p, err := sh.sc.provider.GetPayment(context.Background(), payIDRe.FindStringSubmatch(payURL)[1])
		if err != nil || amountText(p.Amount) != shown {
			rt.Fatalf("provider asks %v (%v); the page showed %s", p, err, shown)
		}
		// The local provider's page asks the same amount.
		if pp := sh.req(http.MethodGet, path(t, payURL), ""); !strings.Contains(pp.body, strings.TrimSpace(money.Format(p.Amount, "EUR"))) &&
			!strings.Contains(pp.body, display(shown, lang)) {
			rt.Fatalf("payment page does not ask %s:\n%s", shown, pp.body)
		}
		back := sh.choose(payURL, "paid").Header.Get("Location")

		op := sh.req(http.MethodGet, path(t, back), "") // the return page checks the payment
		o, err := sh.sc.store.Orders.OrderByPaymentID(p.ID)
		if err != nil {
			rt.Fatal(err)
		}
		if amountText(o.Total()) != shown || o.State != order.Paid {
			rt.Fatalf("stored order %s: total %d, state %s; shown %s", o.ID, o.Total(), o.State, shown)
		}
		if o.PointsRedeemed > 0 {
			redeemed++
		}
		if changed {
			changedPrices++
		}
		if (o.DiscountCode != "") != (code != "") || o.DiscountCode != cart.NormalizeCode(code) {
			rt.Fatalf("order %s has code %q; the customer typed %q", o.ID, o.DiscountCode, code)
		}
		if code != "" {
			coded++
		}
		if doc, err := invoice.FromOrder(o, cat.Shop); err != nil || amountText(doc.Total) != shown {
			rt.Fatalf("invoice of %s: %v, total %v; shown %s", o.ID, err, doc, shown)
		}
		if (o.PointsRedeemed > 0) != (f.Get("points_shown") == "1") {
			rt.Fatalf("order %s redeemed %d points; the page showed points_shown=%s", o.ID, o.PointsRedeemed, f.Get("points_shown"))
		}
		checkVAT(rt, cat, o)
		// Points pay for goods only: a gift card is charged in full.
		if pts, due := o.Totals.Discount(adjPoints), o.Totals.Goods()-o.Totals.Discount(cart.KindCode); pts > 0 && pts > due-1 {
			rt.Fatalf("order %s: %d of points off goods of %d (gift cards %d aside)", o.ID, pts, due, o.Totals.Subtotal-o.Totals.Goods())
		}
		for _, a := range o.Totals.Adjustments {
			for _, l := range o.Totals.Lines {
				if l.GiftCard && slices.Contains(a.SKUs, l.SKU) {
					rt.Fatalf("order %s: a %s discount on gift card %s", o.ID, a.Kind, l.SKU)
				}
			}
		}
		checkPageTotal(rt, op.body, shown, lang)
		var ov OrderView
		sh.req(http.MethodGet, "/api/orders/"+o.Token, "").json(t, &ov)
		if amountText(money.Amount(ov.Total)) != shown {
			rt.Fatalf("order JSON total %d, shown %s", ov.Total, shown)
		}
		sh.flushMail()
		if !mailHas(t, sh, o.ID, display(shown, lang)) {
			rt.Fatalf("no confirmation e-mail for %s with the total %s", o.ID, display(shown, lang))
		}
		slip := sh.admin(http.MethodGet, "/api/admin/orders/"+o.ID+"/packing-slip", "")
		checkPageTotal(rt, slip.body, shown, lang)
		var as AfterSaleView
		sh.admin(http.MethodGet, "/api/admin/orders/"+o.ID+"/returns", "").json(t, &as)
		if amountText(money.Amount(as.Paid)) != shown || amountText(money.Amount(as.Refundable)) != shown {
			rt.Fatalf("refund ceiling: paid %d refundable %d, shown %s", as.Paid, as.Refundable, shown)
		}
	})
	t.Logf("%d cases paid with points, %d met a price change, %d used a code", redeemed, changedPrices, coded)
	if redeemed == 0 || changedPrices == 0 || coded == 0 {
		t.Errorf("no case paid with points (%d) or met a price change (%d): the property did not walk those paths", redeemed, changedPrices)
	}
}

// quote asks what the checkout page's script asks.
func quote(t *testing.T, sh *testShop, d destination, lang string, usePoints bool, points int, code string) QuoteAnswer {
	var q QuoteAnswer
	r := sh.req(http.MethodPost, "/api/checkout/quote", `{"country":"`+d.country+`","shipping_method":"`+d.method+`","lang":"`+lang+
		`","email":"eva@example.nl","use_points":`+strconv.FormatBool(usePoints)+`,"points":`+strconv.Itoa(points)+`,"code":"`+code+`"}`)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("quote: %d %s", r.StatusCode, r.body)
	}
	r.json(t, &q)
	return q
}

var pointsShownRe = regexp.MustCompile(`name="points_shown" value="([01])"`)

// setPointsShown copies the page's points_shown into the form, as the browser posts it.
func setPointsShown(f url.Values, page string) {
	if m := pointsShownRe.FindStringSubmatch(page); m != nil {
		f.Set("points_shown", m[1])
	} else {
		f.Del("points_shown")
	}
}

// pointsToSpend gives eva@example.nl points to spend (a big order, paid and
// delivered, its return window long past) and returns her points link.
func pointsToSpend(t *testing.T, sh *testShop, clk *testClock) string {
	t.Helper()
	sh.addToCart("MOK-001", 99) // 1282,05: 1282 points
	r, a := sh.checkout("points-seed")
	if r.StatusCode != http.StatusCreated || a.CheckoutURL == "" {
		t.Fatalf("seed order: %d %s", r.StatusCode, r.body)
	}
	sh.choose(a.CheckoutURL, "paid")
	sh.req(http.MethodGet, "/api/orders/"+orderToken(t, a.OrderURL), "")
	o, err := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if err != nil {
		t.Fatal(err)
	}
	sh.delivered(o)
	clk.Add(90 * 24 * time.Hour)
	if acc := sh.balance(pointsEmail); acc.Balance < 1000 {
		t.Fatalf("the points customer has %+v", acc)
	}
	return sh.pointsLink(pointsEmail)
}

func customerForm(d destination, lang string) url.Values {
	f := url.Values{"name": {"Eva de Vries"}, "email": {"eva@example.nl"}, "street": {"Markt 1"}, "postal_code": {"3511 AA"},
		"city": {"Utrecht"}, "country": {d.country}, "shipping_method": {d.method}, "lang": {lang}}
	if d.country == "BE" {
		f.Set("postal_code", "1000")
		f.Set("city", "Brussel")
	}
	return f
}

func amountText(a money.Amount) string { return strconv.FormatInt(int64(a), 10) }

func display(cents, lang string) string {
	n, _ := strconv.ParseInt(cents, 10, 64)
	return money.Display(money.Amount(n), "EUR", lang)
}

// checkPageTotal: the page's total (data-total) is the amount, written as the customer reads it.
func checkPageTotal(rt *rapid.T, body, cents, lang string) {
	m := dataTotalRe.FindStringSubmatch(body)
	if m == nil || m[1] != cents || !strings.Contains(body, display(cents, lang)) {
		rt.Fatalf("page total %v, want %s (%s)", m, cents, display(cents, lang))
	}
	if pb := payButtonRe.FindStringSubmatch(body); pb != nil && !strings.Contains(pb[1], display(cents, lang)) {
		rt.Fatalf("pay button %q, want %s", pb[1], display(cents, lang))
	}
}

// checkVAT: the VAT lines add up, each is the VAT in its base, the bases
// add up to the total, every rate is the country's rate of a class in the
// order, and shipping is split over the goods' rates only.
func checkVAT(rt *rapid.T, cat *catalog.Catalog, o *order.Order) {
	t := o.Totals
	var sumVAT, sumBase money.Amount
	for _, v := range t.VAT {
		if v.VAT != cart.IncludedVAT(v.Base, v.Rate) {
			rt.Fatalf("VAT line %+v is not the VAT in its base", v)
		}
		sumVAT += v.VAT
		sumBase += v.Base
	}
	if sumVAT != t.VATTotal || sumBase != t.GrandTotal {
		rt.Fatalf("VAT lines %+v: sum %d (total %d), bases %d (grand total %d)", t.VAT, sumVAT, t.VATTotal, sumBase, t.GrandTotal)
	}
	goodsRates := map[int]bool{}
	for _, l := range t.Lines {
		it, _ := cat.Lookup(l.SKU)
		if want := cat.RateFor(it, o.Customer.Country); l.VATRate != want {
			rt.Fatalf("line %s to %s at %d%%, want %d%%", l.SKU, o.Customer.Country, l.VATRate, want)
		}
		goodsRates[l.VATRate] = true
	}
	var ship money.Amount
	for _, s := range t.ShippingVAT {
		if !goodsRates[s.Rate] {
			rt.Fatalf("shipping at %d%%, no goods at that rate (%+v)", s.Rate, t.ShippingVAT)
		}
		ship += s.Base
	}
	if ship != t.Shipping {
		rt.Fatalf("shipping split %+v adds up to %d, shipping %d", t.ShippingVAT, ship, t.Shipping)
	}
	if len(goodsRates) == 1 && t.Shipping > 0 && (len(t.ShippingVAT) != 1 || t.ShippingVATRate != t.Lines[0].VATRate) {
		rt.Fatalf("one goods rate, shipping split %+v", t.ShippingVAT)
	}
}

// setPrice changes sku's catalog price by delta (staying at least 1,00) and
// reloads the catalog; it reports whether the price changed.
func setPrice(t *testing.T, sh *testShop, file, sku string, delta int) bool {
	changed := false
	editCatalog(t, file, func(c map[string]any) {
		for _, it := range c["items"].([]any) {
			m := it.(map[string]any)
			if m["sku"] != sku {
				continue
			}
			old := int(m["price"].(float64))
			n := max(100, old+delta)
			m["price"] = n
			changed = n != old
		}
	})
	if err := sh.sc.Catalog.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	return changed
}

// mailHas reports whether a confirmation e-mail of the order holds want.
func mailHas(t *testing.T, sh *testShop, orderID, want string) bool {
	files := sh.outboxFiles("confirmation")
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := decodedMail(t, b)
		if strings.Contains(text, orderID) && strings.Contains(text, want) {
			return true
		}
	}
	return false
}

// decodedMail is an e-mail's subject and text part, decoded.
func decodedMail(t *testing.T, raw []byte) string {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	text, _ := bodies(msg)
	return msg.Header.Get("Subject") + "\n" + text
}
