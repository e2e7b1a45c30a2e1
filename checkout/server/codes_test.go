package server

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/invoice"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/web"
)

// makeCode makes a code through the admin API.
func (sh *testShop) makeCode(body string) CodeView {
	sh.t.Helper()
	r := sh.admin(http.MethodPost, "/api/admin/codes", body)
	if r.StatusCode != http.StatusCreated {
		sh.t.Fatalf("make code %s: %d %s", body, r.StatusCode, r.body)
	}
	var v CodeView
	r.json(sh.t, &v)
	return v
}

func codeQuote(t *testing.T, sh *testShop, code, email string) QuoteAnswer {
	t.Helper()
	var q QuoteAnswer
	r := sh.req(http.MethodPost, "/api/checkout/quote?lang=nl", `{"country":"NL","shipping_method":"postnl","lang":"nl","email":"`+email+`","code":"`+code+`"}`)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("quote: %d %s", r.StatusCode, r.body)
	}
	r.json(t, &q)
	return q
}

// TestCheckoutCodeNoScript: a customer without JavaScript types a code,
// presses "Apply code", sees the discount as its own line and the new
// total, pays that total; the order, its page, the e-mail, the invoice and
// the packing slip show the same line and total.
func TestCheckoutCodeNoScript(t *testing.T) {
	sh := newShop(t)
	sh.makeCode(`{"code":"herfst10","percent":10,"categories":["koffie"]}`)
	sh.addToCart("KOF-GUJI-250-BO", 2) // 29,00 at 9 %
	sh.addToCart("MOK-001", 1)         // 12,95 at 21 %: not for the code
	co := sh.req(http.MethodGet, "/checkout/", "")
	shown, _, key := checkoutFields(t, co.body)
	if shown != "4690" || strings.Contains(co.body, `data-kind="code"`) {
		t.Fatalf("before a code: shown %s", shown)
	}
	f := customerForm(destination{"postnl", "NL"}, "nl")
	f.Set("code", " Herfst10 ")
	f.Set("idempotency_key", key)
	f.Set("apply_code", "1")
	page := sh.form("/checkout/", f)
	shown, _, key = checkoutFields(t, page.body)
	if page.StatusCode != http.StatusOK || shown != "4400" {
		t.Fatalf("after the code: %d shown %s", page.StatusCode, shown)
	}
	for _, want := range []string{`data-kind="code"`, "Kortingscode HERFST10", "Code HERFST10: € 2,90 korting.", `value="HERFST10"`} {
		if !strings.Contains(page.body, want) {
			t.Fatalf("page lacks %q", want)
		}
	}
	f.Del("apply_code")
	f.Set("idempotency_key", key)
	f.Set("shown_total", shown)
	r := sh.form("/checkout/", f)
	if r.StatusCode != http.StatusSeeOther || !payIDRe.MatchString(r.Header.Get("Location")) {
		t.Fatalf("pay: %d %s", r.StatusCode, r.body)
	}
	back := sh.choose(r.Header.Get("Location"), "paid").Header.Get("Location")
	op := sh.req(http.MethodGet, path(t, back), "")
	orders, _ := sh.sc.store.Orders.ListOrders(storeFilterAll())
	o, _ := sh.sc.store.Orders.GetOrder(orders[0].ID)
	if o.DiscountCode != "HERFST10" || o.Total() != 4400 || o.Totals.Discount(cart.KindCode) != 290 || o.State != order.Paid {
		t.Fatalf("order %+v", o)
	}
	for _, a := range o.Totals.Adjustments {
		if a.Kind == cart.KindCode && a.VATRate != 9 {
			t.Fatalf("a coffee code at %d%%", a.VATRate)
		}
	}
	if !strings.Contains(op.body, "Kortingscode HERFST10") || !strings.Contains(op.body, `data-total="4400"`) {
		t.Fatal("order page lacks the code line or total")
	}
	sh.flushMail()
	if !mailHas(t, sh, o.ID, "Kortingscode HERFST10") || !mailHas(t, sh, o.ID, "€ 44,00") {
		t.Fatal("confirmation e-mail lacks the code line or total")
	}
	doc, err := invoice.FromOrder(o, sh.sc.Catalog.Current().Shop)
	if err != nil || doc.Total != o.Total() {
		t.Fatalf("invoice: %v, %+v", err, doc)
	}
	slip := sh.admin(http.MethodGet, "/api/admin/orders/"+o.ID+"/packing-slip", "")
	if !strings.Contains(slip.body, "Kortingscode HERFST10") {
		t.Fatal("packing slip lacks the code line")
	}
	var ov OrderView
	sh.req(http.MethodGet, "/api/orders/"+o.Token, "").json(t, &ov)
	if ov.DiscountCode != "HERFST10" || len(ov.Adjustments) != 1 || ov.Adjustments[0].Amount != -290 {
		t.Fatalf("order JSON %+v", ov.Adjustments)
	}
	// Returning the mug (not for the code) gives back its full price;
	// returning one coffee gives back what it cost after the code.
	var as AfterSaleView
	sh.admin(http.MethodGet, "/api/admin/orders/"+o.ID+"/returns", "").json(t, &as)
	if as.Paid != 4400 {
		t.Fatalf("paid %d", as.Paid)
	}
	if got := o.Totals.PaidFor(map[string]money.Amount{"MOK-001": 1295}); got != 1295 {
		t.Fatalf("mug refund %d", got)
	}
	if got := o.Totals.PaidFor(map[string]money.Amount{"KOF-GUJI-250-BO": 1450}); got != 1305 {
		t.Fatalf("coffee refund %d, want 13,05", got)
	}
}

// TestCodeMessages: every reason a code does not apply is said plainly,
// in the quote (the page's script) and at pay (422, nothing made).
func TestCodeMessages(t *testing.T) {
	clk := &testClock{t: time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC)}
	sh := newShop(t, withClock(clk))
	sh.makeCode(`{"code":"OUD","percent":10,"to":"2026-11-30"}`)
	sh.makeCode(`{"code":"LATER","percent":10,"from":"2027-01-01"}`)
	sh.makeCode(`{"code":"VANAF50","amount":500,"min_order":5000}`)
	sh.makeCode(`{"code":"BOEK","percent":10,"categories":["boeken"]}`)
	sh.makeCode(`{"code":"EENMAAL","amount":300,"max_per_customer":1}`)
	sh.makeCode(`{"code":"UIT","amount":300}`)
	if r := sh.admin(http.MethodPost, "/api/admin/codes/uit/disable", ""); r.StatusCode != http.StatusOK {
		t.Fatalf("disable: %d %s", r.StatusCode, r.body)
	}
	sh.addToCart("KOF-GUJI-250-BO", 1)
	for code, want := range map[string]string{
		"OUD": "verlopen", "LATER": "pas vanaf vr 1 januari", "VANAF50": "vanaf € 50,00", "BOEK": "niet voor de producten",
		"NOPE": "kennen we niet", "UIT": "kennen we niet", "X'<b>": "kennen we niet",
	} {
		q := codeQuote(t, sh, code, "eva@example.nl")
		if !strings.Contains(q.CodeError, want) || q.Total != 1945 {
			t.Errorf("%s: %q (total %d), want %q", code, q.CodeError, q.Total, want)
		}
	}
	// Paying with a code that does not apply: 422 naming the field.
	body := strings.TrimSuffix(validCheckout, "}") + `,"code":"BOEK"}`
	r := sh.req(http.MethodPost, "/api/checkout", body, "Idempotency-Key", "k-boek")
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, `"code"`) {
		t.Fatalf("pay with a code not for the cart: %d %s", r.StatusCode, r.body)
	}
	// Once per address: the second order of eva is refused, another address is not.
	body = strings.TrimSuffix(validCheckout, "}") + `,"code":"eenmaal"}`
	r = sh.req(http.MethodPost, "/api/checkout", body, "Idempotency-Key", "k-1")
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("first use: %d %s", r.StatusCode, r.body)
	}
	var a CheckoutAnswer
	r.json(t, &a)
	if a.Order.Total != 1645 {
		t.Fatalf("total with € 3 off: %d", a.Order.Total)
	}
	// The same cart again (a resubmit) replaces its order: not a second use.
	r = sh.req(http.MethodPost, "/api/checkout", strings.Replace(body, "Markt 1", "Markt 2", 1), "Idempotency-Key", "k-2")
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("resubmit of the same cart: %d %s", r.StatusCode, r.body)
	}
	back := sh.choose(mustCheckoutURL(t, r), "paid").Header.Get("Location")
	// Back on the order page, as the customer is sent: the order is paid and
	// its cart emptied before the next line goes in (the webhook is async).
	if p := sh.req(http.MethodGet, path(t, back), ""); p.StatusCode != http.StatusOK {
		t.Fatalf("order page: %d", p.StatusCode)
	}
	sh.addToCart("KOF-GUJI-250-BO", 1) // a new cart (the paid one is emptied)
	if q := codeQuote(t, sh, "EENMAAL", "eva@example.nl"); !strings.Contains(q.CodeError, "al zo vaak gebruikt") {
		t.Fatalf("second use by eva: %+v", q.CodeError)
	}
	r = sh.req(http.MethodPost, "/api/checkout", body, "Idempotency-Key", "k-3")
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("second use by eva at pay: %d %s", r.StatusCode, r.body)
	}
	// The refusal at pay says how to go on: the checkout stopped for the code alone.
	if !strings.Contains(r.body, "as often as allowed") || !strings.Contains(r.body, "empty the code field") {
		t.Errorf("second use by eva at pay does not say how to go on without the code: %s", r.body)
	}
	if q := codeQuote(t, sh, "EENMAAL", "piet@example.nl"); q.CodeError != "" || q.Totals.Discount(cart.KindCode) != 300 {
		t.Fatalf("piet: %+v", q)
	}
}

func mustCheckoutURL(t *testing.T, r response) string {
	t.Helper()
	var a CheckoutAnswer
	r.json(t, &a)
	if a.CheckoutURL == "" {
		t.Fatalf("no checkout URL: %s", r.body)
	}
	return a.CheckoutURL
}

// TestCodeGuessesLimited: a client that tries unknown codes one after the
// other is stopped after codeTriesBurst; the same wrong code asked again
// (the page re-prices on every change) is not a new guess; a real code
// is not looked up any more either; another client is not affected.
func TestCodeGuessesLimited(t *testing.T) {
	clk := &testClock{t: time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC)}
	sh := newShop(t, withClock(clk))
	sh.makeCode(`{"code":"ECHT","percent":10}`)
	sh.addToCart("KOF-GUJI-250-BO", 1)
	for range 5 {
		codeQuote(t, sh, "FOUT", "")
	}
	for i := range codeTriesBurst - 1 {
		if q := codeQuote(t, sh, fmt.Sprintf("GOK%d", i), ""); !strings.Contains(q.CodeError, "kennen we niet") {
			t.Fatalf("guess %d: %q", i, q.CodeError)
		}
	}
	if q := codeQuote(t, sh, "ECHT", ""); !strings.Contains(q.CodeError, "te veel codes") || q.Total != 1945 {
		t.Fatalf("after %d guesses the real code: %q", codeTriesBurst, q.CodeError)
	}
	body := strings.TrimSuffix(validCheckout, "}") + `,"code":"ECHT"}`
	if r := sh.req(http.MethodPost, "/api/checkout", body, "Idempotency-Key", "k"); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("pay while blocked: %d %s", r.StatusCode, r.body)
	}
	clk.Add(time.Hour) // tries come back
	if q := codeQuote(t, sh, "ECHT", ""); q.CodeError != "" {
		t.Fatalf("an hour later: %q", q.CodeError)
	}
}

// TestCodesFile: codes in data/codes.toml work without the admin, are
// read again when the file changes, and cannot be changed through the API.
func TestCodesFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "codes.toml")
	if err := os.WriteFile(file, []byte("[[code]]\ncode = \"GIT5\"\namount = 5.00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sh := newShop(t, func(o *Options) { o.CodesFile = file })
	sh.addToCart("BOEK-001", 1)
	if q := codeQuote(t, sh, "git5", ""); q.Totals.Discount(cart.KindCode) != 500 {
		t.Fatalf("file code: %+v", q.CodeError)
	}
	if r := sh.admin(http.MethodPost, "/api/admin/codes", `{"code":"GIT5","percent":5}`); r.StatusCode != http.StatusConflict {
		t.Fatalf("admin code over a file code: %d %s", r.StatusCode, r.body)
	}
	if r := sh.admin(http.MethodPost, "/api/admin/codes/GIT5/disable", ""); r.StatusCode != http.StatusConflict {
		t.Fatalf("disable a file code: %d %s", r.StatusCode, r.body)
	}
	later := time.Now().Add(2 * time.Second)
	if err := os.WriteFile(file, []byte("[[code]]\ncode = \"GIT5\"\namount = 5.00\ndisabled = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_ = os.Chtimes(file, later, later)
	if q := codeQuote(t, sh, "GIT5", ""); q.CodeError == "" {
		t.Fatal("a code turned off in the file still applies")
	}
	var l CodeList
	sh.admin(http.MethodGet, "/api/admin/codes", "").json(t, &l)
	if len(l.Codes) != 1 || l.Codes[0].Source != "file" || !l.Codes[0].Disabled {
		t.Fatalf("list %+v", l)
	}
	for _, bad := range []string{`{"code":"X","percent":5}`, `{"code":"ABC","percent":500}`, `{"code":"ABC","percent":5,"amount":100}`,
		`{"code":"ABC","percent":5,"categories":["koffi"]}`, `{"code":"ABC","percent":5,"to":"31-12-2026"}`} {
		if r := sh.admin(http.MethodPost, "/api/admin/codes", bad); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, `"error"`) {
			t.Errorf("%s: %d %s", bad, r.StatusCode, r.body)
		}
	}
}

// TestAdminCodesPage: the owner makes and turns off a code on the page.
func TestAdminCodesPage(t *testing.T) {
	sh := newShop(t)
	sh.adminLogin()
	csrf := csrfOf(t, sh.req(http.MethodGet, "/admin/codes/", "").body)
	r := sh.form("/admin/codes/", url.Values{"csrf": {csrf}, "code": {"winter"}, "kind": {"amount"}, "value": {"7,50"}, "max_uses": {"3"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("make: %d %s", r.StatusCode, r.body)
	}
	if loc := r.Header.Get("Location"); loc != "/admin/codes/?code=WINTER&done=made" {
		t.Fatalf("make: to %q", loc)
	}
	page := sh.req(http.MethodGet, "/admin/codes/?code=WINTER&done=made", "")
	if !strings.Contains(page.body, `data-code="WINTER"`) || !strings.Contains(page.body, money.Display(750, "EUR", sh.sc.OwnerLang())) ||
		!strings.Contains(page.body, "0 / 3") || !strings.Contains(page.body, sh.says("codes.done.made", "WINTER")) ||
		!strings.Contains(page.body, sh.says("codes.turn_off")) {
		t.Fatalf("page:\n%s", page.body)
	}
	// The green box names only a code on the page, in the page's own words.
	for _, q := range []string{"?code=NOPE&done=made", "?code=WINTER&done=hacked"} {
		if p := sh.req(http.MethodGet, "/admin/codes/"+q, ""); strings.Contains(p.body, "notice--success") {
			t.Errorf("%s: a notice:\n%s", q, p.body)
		}
	}
	r = sh.form("/admin/codes/", url.Values{"csrf": {csrf}, "disable": {"WINTER"}})
	if c, _ := sh.sc.store.Codes.Get("WINTER"); r.StatusCode != http.StatusSeeOther || !c.Disabled {
		t.Fatalf("disable: %d %+v", r.StatusCode, c)
	}
	if p := sh.req(http.MethodGet, r.Header.Get("Location"), ""); !strings.Contains(p.body, sh.says("codes.done.disabled", "WINTER")) ||
		!strings.Contains(p.body, sh.says("codes.turn_on")) {
		t.Fatalf("after disable:\n%s", p.body)
	}
	r = sh.form("/admin/codes/", url.Values{"csrf": {csrf}, "code": {"lente"}, "kind": {"amount"}, "value": {"7,5x"}, "max_uses": {"drie"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, htmlText(sh.says("codes.err.amount", sh.says("codes.value"), "7,5x"))) ||
		!strings.Contains(r.body, htmlText(sh.says("codes.err.number", sh.says("codes.max_uses"), "drie"))) {
		t.Fatalf("bad amount and number: %d\n%s", r.StatusCode, r.body)
	}
	r = sh.form("/admin/codes/", url.Values{"csrf": {csrf}, "code": {"z"}, "kind": {"percent"}, "value": {"10"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, htmlText(sh.says("codes.err.name", "Z", cart.MaxCodeLen))) {
		t.Fatalf("bad code: %d\n%s", r.StatusCode, r.body)
	}
	// The code's rules in the owner's words, never the domain's English
	// on a Dutch page; the JSON API keeps its English for the CLI.
	r = sh.form("/admin/codes/", url.Values{"csrf": {csrf}, "code": {"zomer"}, "kind": {"percent"}, "value": {"150"},
		"from": {"2026-12-31"}, "to": {"2026-12-01"}, "products": {"bestaat-niet"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, htmlText(sh.says("codes.err.percent", 150))) ||
		!strings.Contains(r.body, htmlText(sh.says("codes.err.to_before_from"))) || strings.Contains(r.body, "must be 1 to 100") {
		t.Fatalf("percent 150, to before from: %d\n%s", r.StatusCode, r.body)
	}
	r = sh.form("/admin/codes/", url.Values{"csrf": {csrf}, "code": {"zomer"}, "kind": {"percent"}, "value": {"15"}, "products": {"bestaat-niet"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, htmlText(sh.says("codes.err.scope_products", "bestaat-niet"))) {
		t.Fatalf("unknown product: %d\n%s", r.StatusCode, r.body)
	}
	if api := sh.admin(http.MethodPost, "/api/admin/codes", `{"code":"zomer","percent":150}`); api.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(api.body, "percent: 150 must be 1 to 100") {
		t.Errorf("the API's answer to percent 150: %d %s", api.StatusCode, api.body)
	}
}

// TestCodeRefundProperty: random carts with a random code, paid, then
// refunded line by line in random order and amounts through the owner's
// API. Each refund gives back what the units cost after the code (the
// code's discount is taken back only from the lines it was for), the
// refunds together never pass what was paid for the goods, and refunding
// everything gives back exactly that; each credit note's VAT split adds up
// to its refund.
func TestCodeRefundProperty(t *testing.T) {
	boundRapid(10)
	clk := &testClock{t: time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC)}
	sh := newShop(t, withClock(clk), withCatalog(t, moneyCatalog))
	codes := []string{"ALLES15", "VIJF", "KOFFIE25", "MOKHALF"}
	for _, body := range []string{`{"code":"ALLES15","percent":15}`, `{"code":"VIJF","amount":500}`,
		`{"code":"KOFFIE25","percent":25,"categories":["koffie"]}`, `{"code":"MOKHALF","percent":50,"skus":["MOK-001"]}`} {
		sh.makeCode(body)
	}
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		n++
		jar, _ := newJar()
		sh.jar, sh.client.Jar = jar, jar
		qty := map[string]int{}
		for _, sku := range []string{"KOF-GUJI-250-BO", "BOEK-001", "MOK-001"} {
			if q := rapid.IntRange(0, 3).Draw(rt, sku); q > 0 {
				sh.addToCart(sku, q)
				qty[sku] = q
			}
		}
		if len(qty) == 0 {
			sh.addToCart("MOK-001", 1)
			qty["MOK-001"] = 1
		}
		code := rapid.SampledFrom(codes).Draw(rt, "code")
		body := strings.TrimSuffix(validCheckout, "}") + `,"code":"` + code + `"}`
		r := sh.req(http.MethodPost, "/api/checkout", body, "Idempotency-Key", fmt.Sprintf("refund-%d", n))
		if r.StatusCode == http.StatusUnprocessableEntity {
			return // not for this cart
		}
		if r.StatusCode != http.StatusCreated {
			rt.Fatalf("checkout: %d %s", r.StatusCode, r.body)
		}
		var a CheckoutAnswer
		r.json(t, &a)
		sh.choose(a.CheckoutURL, "paid")
		sh.req(http.MethodGet, "/api/orders/"+orderToken(t, a.OrderURL), "")
		o, err := sh.sc.store.Orders.GetOrder(a.Order.ID)
		if err != nil || o.State != order.Paid {
			rt.Fatalf("order %v %v", o, err)
		}
		goodsPaid := o.Total() - o.Totals.Shipping
		var refunded money.Amount
		for len(qty) > 0 {
			skus := make([]string, 0, len(qty))
			for s := range qty {
				skus = append(skus, s)
			}
			sort.Strings(skus)
			sku := rapid.SampledFrom(skus).Draw(rt, "refund sku")
			q := rapid.IntRange(1, qty[sku]).Draw(rt, "refund qty")
			want := o.Totals.PaidFor(map[string]money.Amount{sku: o.Lines[lineOf(o, sku)].UnitPrice * money.Amount(q)})
			clk.Add(3 * time.Minute) // not a double click of the refund before
			rr := sh.admin(http.MethodPost, "/api/admin/orders/"+o.ID+"/refund", fmt.Sprintf(`{"lines":[{"sku":%q,"quantity":%d}]}`, sku, q))
			if rr.StatusCode/100 != 2 {
				rt.Fatalf("refund %d × %s: %d %s", q, sku, rr.StatusCode, rr.body)
			}
			cur, _ := sh.sc.store.Orders.GetOrder(o.ID)
			last := cur.Refunds[len(cur.Refunds)-1]
			if last.Amount != want {
				rt.Fatalf("refund of %d × %s: %d, want %d (code %s)", q, sku, last.Amount, want, code)
			}
			var split money.Amount
			for _, v := range invoice.SplitRefund(cur, last) {
				split += v
			}
			if split != last.Amount {
				rt.Fatalf("credit note split adds up to %d, refund %d", split, last.Amount)
			}
			refunded += last.Amount
			if refunded > goodsPaid {
				rt.Fatalf("refunded %d of goods paid %d", refunded, goodsPaid)
			}
			if qty[sku] -= q; qty[sku] == 0 {
				delete(qty, sku)
			}
		}
		// Everything back: what the goods cost, less the rounding (at most
		// a cent or two per line and refund, never more than was paid).
		if refunded < goodsPaid-money.Amount(2*len(o.Lines)) {
			rt.Fatalf("all units refunded: %d of goods paid %d", refunded, goodsPaid)
		}
	})
}

func lineOf(o *order.Order, sku string) int {
	for i, l := range o.Lines {
		if l.SKU == sku {
			return i
		}
	}
	return -1
}

// TestDiscountLineSaysItsVATRate: a discount split over VAT rates names
// the rate as VAT ("op producten met 9% btw"), so "(9%)" is never read as
// the size of a 10 % code (a tester did).
func TestDiscountLineSaysItsVATRate(t *testing.T) {
	sh := newShop(t)
	sh.makeCode(`{"code":"TIEN","percent":10}`)
	sh.addToCart("KOF-GUJI-250-BO", 1) // 9 %
	sh.addToCart("MOK-001", 1)         // 21 %
	for _, lang := range []string{"nl", "en"} {
		q := codeQuote(t, sh, "TIEN", "eva@example.nl")
		if lang == "en" {
			r := sh.req(http.MethodPost, "/api/checkout/quote?lang=en", `{"country":"NL","shipping_method":"postnl","lang":"en","email":"eva@example.nl","code":"TIEN"}`)
			r.json(t, &q)
		}
		for _, rate := range []int{9, 21} {
			if want := htmlText(fmt.Sprintf(web.T(lang, "sum.adj_rate"), rate)); !strings.Contains(q.SummaryHTML, want) {
				t.Errorf("%s summary lacks %q:\n%s", lang, want, q.SummaryHTML)
			}
		}
		if strings.Contains(q.SummaryHTML, "(9%)") {
			t.Errorf("%s summary still says a bare (9%%)", lang)
		}
	}
}
