package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
)

// cartJSON is GET /api/cart (with an optional query).
func cartJSON(t *testing.T, sh *testShop, query string) CartView {
	t.Helper()
	var v CartView
	r := sh.req(http.MethodGet, "/api/cart"+query, "")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("cart: %d %s", r.StatusCode, r.body)
	}
	r.json(t, &v)
	return v
}

// TestCartCodeJourney: a customer without JavaScript types a code on the
// cart page; it is below the code's minimum (said plainly, no discount),
// applies once the quantity goes up (its own line, the note that the
// per-address limit is checked at checkout), and the checkout page arrives
// with it filled in and applied. Lowering the quantity again stops it
// (said on both pages; pay refuses rather than drop it), removing it on the
// checkout page takes it off the cart too, and the total paid is the
// cart's. The header count and GET /api/cart follow every step.
func TestCartCodeJourney(t *testing.T) {
	sh := newShop(t)
	sh.makeCode(`{"code":"KOFFIE5","amount":500,"min_order":3000,"categories":["koffie"],"max_per_customer":1}`)
	sh.addToCart("KOF-GUJI-250-BO", 1) // 14,50

	// Applied below the minimum: kept, not applied, said why.
	r := sh.form("/cart/code", url.Values{"code": {" koffie5 "}, "lang": {"nl"}})
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/cart/") {
		t.Fatalf("apply: %d %s", r.StatusCode, r.body)
	}
	page := sh.req(http.MethodGet, "/cart/?lang=nl", "")
	for _, want := range []string{`value="KOFFIE5"`, "Deze code geldt vanaf € 30,00 aan producten; je winkelmand heeft nu € 14,50.", `data-total="1945"`, `aria-invalid="true"`} {
		if !strings.Contains(page.body, want) {
			t.Fatalf("cart page lacks %q:\n%s", want, page.body)
		}
	}
	if strings.Contains(page.body, `data-kind="code"`) {
		t.Fatal("a code below its minimum shows a discount line")
	}

	// Three bags: 43,50, the code applies as its own line.
	if r := sh.req(http.MethodPatch, "/api/cart/items/KOF-GUJI-250-BO", `{"quantity":3}`); r.StatusCode != http.StatusOK {
		t.Fatalf("patch: %d %s", r.StatusCode, r.body)
	}
	v := cartJSON(t, sh, "?lang=nl")
	if v.Count != 3 || v.Code != "KOFFIE5" || v.CodeError != "" || v.Discount(cart.KindCode) != 500 || v.GrandTotal != 4350+495-500 ||
		v.TotalText != "€ 43,45" || !strings.Contains(v.CodeNote, "1 keer per e-mailadres") {
		t.Fatalf("cart JSON: count %d code %q error %q note %q discount %d total %d %q", v.Count, v.Code, v.CodeError, v.CodeNote, v.Discount(cart.KindCode), v.GrandTotal, v.TotalText)
	}
	page = sh.req(http.MethodGet, "/cart/?lang=nl", "")
	for _, want := range []string{`data-kind="code"`, "Kortingscode KOFFIE5", `data-total="4345"`, "Code KOFFIE5: € 5,00 korting.", "Code verwijderen"} {
		if !strings.Contains(page.body, want) {
			t.Fatalf("cart page lacks %q", want)
		}
	}
	// A Belgian address with its carrier: the cart quote and the checkout agree.
	be := cartJSON(t, sh, "?country=BE&shipping_method=postnl-be&lang=nl")
	if be.Discount(cart.KindCode) == 0 || be.Code != "KOFFIE5" {
		t.Fatalf("Belgian cart quote without the code: %+v", be)
	}
	co := sh.req(http.MethodGet, "/checkout/?lang=nl", "")
	shown, _, key := checkoutFields(t, co.body)
	if shown != "4345" || !strings.Contains(co.body, `id="f-code" name="code" type="text" value="KOFFIE5"`) || !strings.Contains(co.body, "Kortingscode KOFFIE5") {
		t.Fatalf("checkout arrives with shown %s, code field filled: %v", shown, strings.Contains(co.body, `value="KOFFIE5"`))
	}
	f := belgianAddress()
	f.Set("lang", "nl")
	f.Set("code", "KOFFIE5")
	f.Set("idempotency_key", key)
	f.Set("update", "1")
	co = sh.form("/checkout/", f)
	shown, _, _ = checkoutFields(t, co.body)
	if shown != amountText(be.GrandTotal) {
		t.Fatalf("checkout for Belgium shows %s, the cart quote %d", shown, be.GrandTotal)
	}

	// Back to the cart: two bags (29,00) is below the minimum again.
	if r := sh.form("/cart/update", url.Values{"sku": {"KOF-GUJI-250-BO"}, "quantity": {"2"}, "lang": {"nl"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d", r.StatusCode)
	}
	v = cartJSON(t, sh, "?lang=nl")
	if v.Count != 2 || v.Discount(cart.KindCode) != 0 || !strings.Contains(v.CodeError, "€ 30,00") || v.GrandTotal != 2900+495 {
		t.Fatalf("below the minimum: %+v", v)
	}
	co = sh.req(http.MethodGet, "/checkout/?lang=nl", "")
	shown, _, key = checkoutFields(t, co.body)
	if shown != "3395" || !strings.Contains(co.body, "je winkelmand heeft nu € 29,00") {
		t.Fatalf("checkout below the minimum shows %s", shown)
	}
	f.Del("update")
	f.Set("idempotency_key", key)
	be = cartJSON(t, sh, "?country=BE&shipping_method=postnl-be")
	f.Set("shown_total", amountText(be.GrandTotal))
	if r := sh.form("/checkout/", f); r.StatusCode != http.StatusUnprocessableEntity || len(sh.allOrders()) != 0 {
		t.Fatalf("paying with a code that does not apply: %d, %d orders", r.StatusCode, len(sh.allOrders()))
	}
	// The customer takes the code out on the checkout page: the cart follows.
	f.Set("code", "")
	f.Set("update", "1")
	co = sh.form("/checkout/", f)
	shown, _, _ = checkoutFields(t, co.body)
	if v := cartJSON(t, sh, ""); v.Code != "" || shown != amountText(be.GrandTotal) {
		t.Fatalf("removed at checkout: the cart keeps %q; shown %s", v.Code, shown)
	}

	// An unknown code on the cart page: said, not kept; the JSON API alike.
	r = sh.form("/cart/code", url.Values{"code": {"GEENCODE"}, "lang": {"nl"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Deze code kennen we niet") || !strings.Contains(r.body, `value="GEENCODE"`) {
		t.Fatalf("unknown code: %d", r.StatusCode)
	}
	if r := sh.req(http.MethodPost, "/api/cart/code", `{"code":"OOKNIET","lang":"en"}`); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.errorMessage(t), "We do not know this code") {
		t.Fatalf("unknown code (API): %d %s", r.StatusCode, r.body)
	}
	if v := cartJSON(t, sh, ""); v.Code != "" {
		t.Fatalf("an unknown code was kept: %q", v.Code)
	}

	// With the script: three bags again, the code through the API, pay.
	sh.req(http.MethodPatch, "/api/cart/items/KOF-GUJI-250-BO", `{"quantity":3}`)
	var a CartCodeAnswer
	r = sh.req(http.MethodPost, "/api/cart/code", `{"code":"koffie5","lang":"en"}`)
	r.json(t, &a)
	if r.StatusCode != http.StatusOK || a.Code != "KOFFIE5" || a.Discount(cart.KindCode) != 500 || !strings.Contains(a.SummaryHTML, `data-kind="code"`) ||
		!strings.Contains(a.SummaryHTML, "Remove code") {
		t.Fatalf("apply (API): %d %+v", r.StatusCode, a.CartView)
	}
	co = sh.req(http.MethodGet, "/checkout/?lang=nl", "")
	shown, _, key = checkoutFields(t, co.body)
	f = customerForm(destination{"postnl", "NL"}, "nl")
	f.Set("code", "KOFFIE5")
	f.Set("idempotency_key", key)
	f.Set("shown_total", shown)
	r = sh.form("/checkout/", f)
	if shown != "4345" || r.StatusCode != http.StatusSeeOther || !payIDRe.MatchString(r.Header.Get("Location")) {
		t.Fatalf("pay %s: %d %s", shown, r.StatusCode, r.body)
	}
	p, err := sh.sc.provider.GetPayment(context.Background(), payIDRe.FindStringSubmatch(r.Header.Get("Location"))[1])
	if err != nil || p.Amount != 4345 {
		t.Fatalf("provider asks %v (%v)", p, err)
	}
	back := sh.choose(r.Header.Get("Location"), "paid").Header.Get("Location")
	sh.req(http.MethodGet, path(t, back), "") // the return page checks the payment
	o, _ := sh.sc.store.Orders.OrderByPaymentID(p.ID)
	if o.DiscountCode != "KOFFIE5" || o.Total() != 4345 || o.State != order.Paid {
		t.Fatalf("order %s: code %q total %d %s", o.ID, o.DiscountCode, o.Total(), o.State)
	}
	if v := cartJSON(t, sh, ""); v.Count != 0 || v.Code != "" {
		t.Fatalf("the paid cart keeps count %d code %q", v.Count, v.Code)
	}
	// Removing on the cart page (no script) says so.
	sh.addToCart("KOF-GUJI-250-BO", 3)
	sh.req(http.MethodPost, "/api/cart/code", `{"code":"koffie5"}`)
	r = sh.form("/cart/code", url.Values{"code": {"KOFFIE5"}, "remove": {"1"}, "lang": {"en"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.StatusCode)
	}
	if page := sh.req(http.MethodGet, r.Header.Get("Location"), ""); !strings.Contains(page.body, "The discount code has been taken off your cart.") ||
		strings.Contains(page.body, `data-kind="code"`) {
		t.Fatalf("the cart page does not say the code was removed (%s):\n%s", r.Header.Get("Location"), page.body)
	}
}

// TestPayAgainCodeLimits: paying an order again from its page (its
// payment failed or was canceled) takes its code's use back under the
// limits of the first checkout: the same order paid again and again is one
// use; once another order has the last use, or the customer's address has
// used it up, the order page says so and no payment is made.
func TestPayAgainCodeLimits(t *testing.T) {
	sh := newShop(t)
	sh.makeCode(`{"code":"EENKEER","amount":300,"max_uses":1}`)
	sh.makeCode(`{"code":"PERADRES","amount":300,"max_per_customer":1}`)
	// checkoutWith places an order for a new customer (a new cart) with
	// code, by the JSON API, and lets its payment end as status.
	checkoutWith := func(code, email, status string) *order.Order {
		t.Helper()
		jar, _ := newJar()
		sh.client.Jar = jar
		sh.addToCart("MOK-001", 1)
		body := strings.Replace(strings.TrimSuffix(validCheckout, "}")+`,"code":"`+code+`"}`, "eva@example.nl", email, 1)
		r := sh.req(http.MethodPost, "/api/checkout", body, "Idempotency-Key", "k-"+code+email)
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("checkout %s %s: %d %s", code, email, r.StatusCode, r.body)
		}
		back := sh.choose(mustCheckoutURL(t, r), status).Header.Get("Location")
		sh.req(http.MethodGet, path(t, back), "")
		o, err := sh.sc.store.Orders.OrderByToken(strings.TrimPrefix(path(t, back), "/order/"))
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	payAgain := func(o *order.Order) response {
		t.Helper()
		return sh.form("/order/"+o.Token+"/pay", url.Values{"lang": {"nl"}})
	}
	uses := func(code string) int { n, _, _ := sh.sc.store.CodeUses(code, "", ""); return n }

	a := checkoutWith("EENKEER", "a@example.nl", "failed")
	if a.State != order.PaymentFailed || uses("EENKEER") != 0 {
		t.Fatalf("a: %s, %d uses", a.State, uses("EENKEER"))
	}
	if v := cartJSON(t, sh, ""); v.Code != "EENKEER" || v.Count != 1 {
		t.Fatalf("the failed order's cart keeps code %q (typed at checkout), count %d", v.Code, v.Count)
	}
	for i := range 3 { // paid again, canceled at the provider, again: one use
		r := payAgain(a)
		if r.StatusCode != http.StatusSeeOther || !payIDRe.MatchString(r.Header.Get("Location")) || uses("EENKEER") != 1 {
			t.Fatalf("pay again %d: %d %s, %d uses", i, r.StatusCode, r.Header.Get("Location"), uses("EENKEER"))
		}
		sh.req(http.MethodGet, path(t, sh.choose(r.Header.Get("Location"), "canceled").Header.Get("Location")), "")
	}
	b := checkoutWith("EENKEER", "b@example.nl", "paid") // the last use, while a's payment failed
	if b.State != order.Paid || uses("EENKEER") != 1 {
		t.Fatalf("b: %s, %d uses", b.State, uses("EENKEER"))
	}
	before, _ := sh.sc.store.Orders.GetOrder(a.ID)
	r := payAgain(a)
	after, _ := sh.sc.store.Orders.GetOrder(a.ID)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "De kortingscode EENKEER is intussen zo vaak gebruikt als mag") ||
		len(after.Attempts) != len(before.Attempts) || after.State != order.PaymentFailed || uses("EENKEER") != 1 {
		t.Fatalf("pay again with the code used up: %d, attempts %d → %d, %s, %d uses", r.StatusCode, len(before.Attempts), len(after.Attempts), after.State, uses("EENKEER"))
	}

	// Per address: eva's failed order cannot come back once her other
	// order (another cart) has her one use; piet's can.
	c := checkoutWith("PERADRES", "eva@example.nl", "expired")
	checkoutWith("PERADRES", "eva@example.nl", "paid")
	p := checkoutWith("PERADRES", "piet@example.nl", "failed")
	if r := payAgain(c); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "per e-mailadres") {
		t.Fatalf("eva pays again: %d", r.StatusCode)
	}
	if r := payAgain(p); r.StatusCode != http.StatusSeeOther || uses("PERADRES") != 2 {
		t.Fatalf("piet pays again: %d, %d uses", r.StatusCode, uses("PERADRES"))
	}
}

// TestCartCodeTries: unknown codes typed on the cart page count as failed
// tries like at checkout: after codeTriesBurst the API answers 429 and the
// form shows the cart with the reason (429); the same wrong code again is
// not a new try. Removing works without a body.
func TestCartCodeTries(t *testing.T) {
	sh := newShop(t)
	sh.makeCode(`{"code":"ECHT","percent":10}`)
	sh.addToCart("KOF-GUJI-250-BO", 1)
	for range 3 {
		if r := sh.req(http.MethodPost, "/api/cart/code", `{"code":"FOUT"}`); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("unknown: %d", r.StatusCode)
		}
	}
	for i := range codeTriesBurst - 1 {
		if r := sh.req(http.MethodPost, "/api/cart/code", `{"code":"GOK`+itoa(i)+`"}`); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("guess %d: %d %s", i, r.StatusCode, r.body)
		}
	}
	if r := sh.req(http.MethodPost, "/api/cart/code", `{"code":"ECHT","lang":"nl"}`); r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.errorMessage(t), "te veel codes") {
		t.Fatalf("after %d guesses: %d %s", codeTriesBurst, r.StatusCode, r.body)
	}
	if r := sh.form("/cart/code", url.Values{"code": {"ECHT"}, "lang": {"nl"}}); r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.body, "te veel codes") {
		t.Fatalf("form after %d guesses: %d", codeTriesBurst, r.StatusCode)
	}
	if r := sh.req(http.MethodDelete, "/api/cart/code", ""); r.StatusCode != http.StatusOK {
		t.Fatalf("remove: %d %s", r.StatusCode, r.body)
	}
	if v := cartJSON(t, sh, ""); v.Code != "" || v.Count != 1 {
		t.Fatalf("cart %+v", v)
	}
	// The cart page's script is the sidecar's, not in shop.js.
	if r := sh.req(http.MethodGet, "/cart/code.js", ""); r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/javascript") ||
		!strings.Contains(r.body, "/api/cart/code") && !strings.Contains(r.body, "form.dataset.api") {
		t.Fatalf("code.js: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	if page := sh.req(http.MethodGet, "/cart/", ""); !strings.Contains(page.body, `<script src="/cart/code.js" defer></script>`) {
		t.Fatal("the cart page does not load its code script")
	}
	// Without a cart there is nothing to keep a code with.
	jar, _ := newJar()
	sh.client.Jar = jar
	if r := sh.req(http.MethodPost, "/api/cart/code", `{"code":"ECHT"}`); r.StatusCode != http.StatusNotFound {
		t.Fatalf("no cart: %d", r.StatusCode)
	}
}

// TestCartCodeMessages: every reason a kept code does not apply is said on
// the cart page and in the cart JSON, in the customer's language, with the
// total untouched: expired, not yet valid, below the minimum, not for these
// products, used up (another order has its last use).
func TestCartCodeMessages(t *testing.T) {
	clk := &testClock{t: time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC)}
	sh := newShop(t, withClock(clk))
	for _, body := range []string{`{"code":"OUD","percent":10,"to":"2026-11-30"}`, `{"code":"LATER","percent":10,"from":"2027-01-01"}`,
		`{"code":"VANAF50","amount":500,"min_order":5000}`, `{"code":"BOEK","percent":10,"categories":["boeken"]}`, `{"code":"VOL","amount":300,"max_uses":1}`} {
		sh.makeCode(body)
	}
	sh.addToCart("MOK-001", 1)
	r := sh.req(http.MethodPost, "/api/checkout", strings.TrimSuffix(validCheckout, "}")+`,"code":"VOL"}`, "Idempotency-Key", "k-vol")
	back := sh.choose(mustCheckoutURL(t, r), "paid").Header.Get("Location")
	sh.req(http.MethodGet, path(t, back), "") // paid: VOL's one use is taken, the cart emptied
	sh.addToCart("KOF-GUJI-250-BO", 1)
	for _, c := range []struct{ code, nl, en string }{
		{"OUD", "verlopen", "expired"}, {"LATER", "pas vanaf", "valid from"}, {"VANAF50", "vanaf € 50,00", "€50.00"},
		{"BOEK", "niet voor de producten", "not for the products"}, {"VOL", "Deze code is op", "used up"},
	} {
		for _, lang := range []string{"nl", "en"} {
			want := c.nl
			if lang == "en" {
				want = c.en
			}
			var a CartCodeAnswer
			r := sh.req(http.MethodPost, "/api/cart/code", `{"code":"`+c.code+`","lang":"`+lang+`"}`)
			r.json(t, &a)
			if r.StatusCode != http.StatusOK || a.Code != c.code || !strings.Contains(a.CodeError, want) || a.GrandTotal != 1945 ||
				!strings.Contains(a.SummaryHTML, html.EscapeString(a.CodeError)) {
				t.Errorf("%s (%s): %d, kept %q, says %q, total %d; want %q", c.code, lang, r.StatusCode, a.Code, a.CodeError, a.GrandTotal, want)
			}
			page := sh.req(http.MethodGet, "/cart/?lang="+lang, "")
			if !strings.Contains(page.body, html.EscapeString(a.CodeError)) || strings.Contains(page.body, `data-kind="code"`) {
				t.Errorf("%s (%s): the cart page does not say %q", c.code, lang, a.CodeError)
			}
		}
	}
}
