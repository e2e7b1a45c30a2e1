package server

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
)

// TestCartCodeProperty: random carts, random codes (percent or fixed,
// with or without a minimum, for some categories or all), applied on the
// cart page (form or script), then quantities changed or lines removed.
// The cart says what the code takes off, computed here from the catalog
// prices (or plainly why it does not apply: below the minimum, not for
// these products); the cart page, GET /api/cart, the checkout page (for a
// random carrier and country, the code filled in) and the amount the
// provider is asked are one total. A code that stopped applying is never
// dropped silently: pay is refused until the customer takes it out.
func TestCartCodeProperty(t *testing.T) {
	boundRapid(15)
	clk := &testClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	sh := newShop(t, withClock(clk), withCatalog(t, moneyCatalog))
	cat := sh.sc.Catalog.Current()
	var dests []destination
	for _, m := range cat.Shipping.Methods {
		for _, co := range m.Countries {
			dests = append(dests, destination{m.ID, co})
		}
	}
	var skus, cats []string
	for _, it := range cat.Items {
		skus = append(skus, it.SKU)
		if !slices.Contains(cats, it.Category) {
			cats = append(cats, it.Category)
		}
	}
	made, applied, belowMin, notFor, refused := 0, 0, 0, 0, 0
	rapid.Check(t, func(rt *rapid.T) {
		jar, _ := cookiejar.New(nil)
		sh.client.Jar = jar // a new customer, a new cart
		lang := rapid.SampledFrom([]string{"nl", "en"}).Draw(rt, "lang")

		// The owner's code.
		made++
		name := fmt.Sprintf("PROP%d", made)
		percent := rapid.Bool().Draw(rt, "percent")
		value := int64(rapid.IntRange(1, 100).Draw(rt, "percent value"))
		body := fmt.Sprintf(`{"code":%q,"percent":%d`, name, value)
		if !percent {
			value = int64(rapid.IntRange(50, 6000).Draw(rt, "amount"))
			body = fmt.Sprintf(`{"code":%q,"amount":%d`, name, value)
		}
		minOrder := money.Amount(rapid.SampledFrom([]int{0, 0, 1500, 3000, 6000}).Draw(rt, "min order"))
		if minOrder > 0 {
			body += fmt.Sprintf(`,"min_order":%d`, minOrder)
		}
		forCats := rapid.SliceOfDistinct(rapid.SampledFrom(cats), rapid.ID[string]).Draw(rt, "categories")
		if len(forCats) > 0 {
			body += `,"categories":["` + strings.Join(forCats, `","`) + `"]`
		}
		sh.makeCode(body + "}")

		// The cart, the code applied on the cart page, then changes.
		chosen := rapid.SliceOfNDistinct(rapid.SampledFrom(skus), 1, len(skus), rapid.ID[string]).Draw(rt, "skus")
		qty := map[string]int{}
		for _, sku := range chosen {
			qty[sku] = rapid.IntRange(1, 5).Draw(rt, "qty "+sku)
			sh.addToCart(sku, qty[sku])
		}
		typed := rapid.SampledFrom([]string{name, strings.ToLower(name), " " + name + " "}).Draw(rt, "typed")
		if rapid.Bool().Draw(rt, "script") {
			if r := sh.req(http.MethodPost, "/api/cart/code", `{"code":"`+typed+`","lang":"`+lang+`"}`); r.StatusCode != http.StatusOK {
				rt.Fatalf("apply (API): %d %s", r.StatusCode, r.body)
			}
		} else if r := sh.form("/cart/code", url.Values{"code": {typed}, "lang": {lang}}); r.StatusCode != http.StatusSeeOther {
			rt.Fatalf("apply (form): %d %s", r.StatusCode, r.body)
		}
		for _, sku := range chosen {
			n := rapid.IntRange(-1, 5).Draw(rt, "new qty "+sku) // -1: unchanged, 0: removed
			if n < 0 || n == 0 && len(qty) == 1 {
				continue
			}
			byForm := rapid.Bool().Draw(rt, "by form "+sku)
			var r response
			switch {
			case byForm:
				r = sh.form("/cart/update", url.Values{"sku": {sku}, "quantity": {strconv.Itoa(n)}, "lang": {lang}})
			case n == 0:
				r = sh.req(http.MethodDelete, "/api/cart/items/"+sku, "")
			default:
				r = sh.req(http.MethodPatch, "/api/cart/items/"+sku, `{"quantity":`+strconv.Itoa(n)+`}`)
			}
			if r.StatusCode != http.StatusOK && r.StatusCode != http.StatusSeeOther {
				rt.Fatalf("change %s to %d: %d %s", sku, n, r.StatusCode, r.body)
			}
			if n == 0 {
				delete(qty, sku)
			} else {
				qty[sku] = n
			}
		}

		// What the code takes off, from the catalog prices.
		var subtotal, eligible money.Amount
		for sku, n := range qty {
			it, _ := cat.Lookup(sku)
			subtotal += it.Price * money.Amount(n)
			if len(forCats) == 0 || slices.Contains(forCats, it.Category) {
				eligible += it.Price * money.Amount(n)
			}
		}
		want := money.Amount(value)
		if percent {
			want = money.Amount((int64(eligible)*value*2 + 100) / 200)
		}
		want = min(want, eligible, subtotal-1)
		applies := subtotal >= minOrder && want > 0
		cv := cartJSON(t, sh, "?lang="+lang)
		switch {
		case cv.Code != name:
			rt.Fatalf("the cart keeps code %q, the customer applied %q", cv.Code, name)
		case applies && (cv.Discount(cart.KindCode) != want || cv.CodeError != "" || cv.CodeNote == ""):
			rt.Fatalf("subtotal %d, for %d: the cart takes %d off (want %d), error %q", subtotal, eligible, cv.Discount(cart.KindCode), want, cv.CodeError)
		case !applies && (cv.Discount(cart.KindCode) != 0 || cv.CodeError == ""):
			rt.Fatalf("subtotal %d, min %d, for %d: the cart takes %d off, says %q", subtotal, minOrder, eligible, cv.Discount(cart.KindCode), cv.CodeError)
		case subtotal < minOrder && !strings.Contains(cv.CodeError, money.Display(minOrder, "EUR", lang)):
			rt.Fatalf("below the minimum %d, the cart says %q", minOrder, cv.CodeError)
		case cv.GrandTotal != cv.Subtotal+cv.Shipping-cv.Discount(cart.KindCode):
			rt.Fatalf("cart total %d = %d + %d - %d?", cv.GrandTotal, cv.Subtotal, cv.Shipping, cv.Discount(cart.KindCode))
		}
		switch {
		case applies:
			applied++
		case subtotal < minOrder:
			belowMin++
		default:
			notFor++
		}
		page := sh.req(http.MethodGet, "/cart/?lang="+lang, "")
		if m := dataTotalRe.FindStringSubmatch(page.body); m == nil || m[1] != amountText(cv.GrandTotal) {
			rt.Fatalf("cart page total %v, cart JSON %d", m, cv.GrandTotal)
		}
		if applies != strings.Contains(page.body, `data-kind="code"`) || !applies && !strings.Contains(page.body, html.EscapeString(cv.CodeError)) {
			rt.Fatalf("cart page: code line %v, applies %v, message %q", strings.Contains(page.body, `data-kind="code"`), applies, cv.CodeError)
		}

		// Checkout for a random carrier and country: the cart's quote for
		// it is the page's total is what the provider asks.
		d := rapid.SampledFrom(dests).Draw(rt, "destination")
		cq := cartJSON(t, sh, "?country="+d.country+"&shipping_method="+d.method+"&lang="+lang)
		co := sh.req(http.MethodGet, "/checkout/?lang="+lang, "")
		if !strings.Contains(co.body, `name="code" type="text" value="`+name+`"`) {
			rt.Fatalf("the checkout page arrives without the cart's code %s", name)
		}
		_, _, key := checkoutFields(t, co.body)
		f := customerForm(d, lang)
		f.Set("code", name)
		f.Set("idempotency_key", key)
		f.Set("update", "1")
		co = sh.form("/checkout/", f)
		shown, shownFor, key := checkoutFields(t, co.body)
		if shown != amountText(cq.GrandTotal) || !strings.HasPrefix(shownFor, d.method+"|"+d.country+"|") {
			rt.Fatalf("checkout shows %s for %s; the cart's quote %d for %v", shown, shownFor, cq.GrandTotal, d)
		}
		f.Del("update")
		f.Set("idempotency_key", key)
		f.Set("shown_total", shown)
		f.Set("shown_for", shownFor)
		r := sh.form("/checkout/", f)
		if !applies {
			if r.StatusCode != http.StatusUnprocessableEntity {
				rt.Fatalf("pay with a code that does not apply: %d", r.StatusCode)
			}
			refused++
			f.Set("code", "") // the customer takes it out; the cart follows
			f.Set("update", "1")
			co = sh.form("/checkout/", f)
			shown, shownFor, key = checkoutFields(t, co.body)
			if v := cartJSON(t, sh, ""); v.Code != "" || shown != amountText(cq.GrandTotal) || !strings.HasPrefix(shownFor, d.method+"|"+d.country+"|") {
				rt.Fatalf("code taken out at checkout: cart keeps %q, shows %s, quote %d", v.Code, shown, cq.GrandTotal)
			}
			f.Del("update")
			f.Set("idempotency_key", key)
			f.Set("shown_total", shown)
			r = sh.form("/checkout/", f)
		}
		if r.StatusCode != http.StatusSeeOther || !payIDRe.MatchString(r.Header.Get("Location")) {
			rt.Fatalf("pay %s: %d %s", shown, r.StatusCode, r.body)
		}
		p, err := sh.sc.provider.GetPayment(context.Background(), payIDRe.FindStringSubmatch(r.Header.Get("Location"))[1])
		if err != nil || amountText(p.Amount) != shown {
			rt.Fatalf("the provider asks %v (%v); the page showed %s", p, err, shown)
		}
		back := sh.choose(r.Header.Get("Location"), "paid").Header.Get("Location")
		sh.req(http.MethodGet, path(t, back), "")
		o, err := sh.sc.store.Orders.OrderByPaymentID(p.ID)
		if err != nil || amountText(o.Total()) != shown || o.State != order.Paid || (o.DiscountCode == name) != applies {
			rt.Fatalf("order: %v, total %d, %s, code %q (applies %v); shown %s", err, o.Total(), o.State, o.DiscountCode, applies, shown)
		}
	})
	t.Logf("%d codes applied, %d below the minimum, %d not for the cart; %d refused at pay", applied, belowMin, notFor, refused)
	if applied == 0 || belowMin == 0 || refused == 0 {
		t.Errorf("the property did not walk every path: applied %d, below the minimum %d, refused %d", applied, belowMin, refused)
	}
}
