package server

import (
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/web"
)

var csrfRe = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// adminLogin logs the shop's client in on the owner's page and returns the
// session cookie.
func (sh *testShop) adminLogin() *http.Cookie {
	sh.t.Helper()
	r := sh.form("/admin/login", url.Values{"token": {testAdminToken}})
	if r.StatusCode != http.StatusSeeOther {
		sh.t.Fatalf("login: %d %s", r.StatusCode, r.body)
	}
	for _, c := range r.Cookies() {
		if c.Name == adminCookie {
			return c
		}
	}
	sh.t.Fatal("login set no session cookie")
	return nil
}

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no CSRF token on the page")
	}
	return m[1]
}

// TestAdminPageRequiresToken: nothing of the owner's page without the
// token; the session cookie is not the token; forms need the CSRF token and
// the shop's own origin.
func TestAdminPageRequiresToken(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	var clk offsetClock
	sh := newShop(t, withMollie(f), withOffsetClock(&clk))
	o := sh.paidOrder(f, "adm-1", map[string]int{"MOK-001": 1})
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar // the browser of the owner, logged out

	for _, p := range []string{"/admin/", "/admin/orders/" + o.ID, "/admin/orders/" + o.ID + "/packing-slip", "/admin/pick-list"} {
		r := sh.req("GET", p, "")
		if r.StatusCode != http.StatusUnauthorized || strings.Contains(r.body, o.Customer.Name) || !strings.Contains(r.body, `name="token"`) {
			t.Errorf("GET %s without a session: %d (must be the login form, without order data)", p, r.StatusCode)
		}
	}
	if r := sh.form("/admin/orders/"+o.ID+"/pack", url.Values{}); r.StatusCode != http.StatusForbidden {
		t.Errorf("POST pack without a session: %d", r.StatusCode)
	}
	if r := sh.form("/admin/login", url.Values{"token": {"wrong-token-wrong-token-wrong-token"}}); r.StatusCode != http.StatusUnauthorized || len(r.Cookies()) != 0 {
		t.Errorf("wrong token: %d, cookies %v", r.StatusCode, r.Cookies())
	}
	if r := sh.req("POST", "/admin/login", url.Values{"token": {testAdminToken}}.Encode(), "Origin", "https://evil.example"); r.StatusCode != http.StatusForbidden {
		t.Errorf("login from another site: %d", r.StatusCode)
	}

	clk.advance(2 * time.Second) // the wrong token above locks this client for a second
	c := sh.adminLogin()
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/admin/" || strings.Contains(c.Value, testAdminToken) {
		t.Errorf("session cookie: %+v", c)
	}
	home := sh.req("GET", "/admin/", "")
	if home.StatusCode != 200 || !strings.Contains(home.body, o.ID) || strings.Contains(home.body, testAdminToken) {
		t.Fatalf("owner's home: %d", home.StatusCode)
	}
	page := sh.req("GET", "/admin/orders/"+o.ID, "")
	if page.StatusCode != 200 || !strings.Contains(page.body, sh.says("order.pack")) || !strings.Contains(page.body, sh.says("order.history")) {
		t.Fatalf("order page: %d", page.StatusCode)
	}
	csrf := csrfOf(t, page.body)

	// Without or with a wrong CSRF token: refused, nothing changes.
	for _, tok := range []string{"", strings.Repeat("0", 40)} {
		if r := sh.form("/admin/orders/"+o.ID+"/pack", url.Values{"csrf": {tok}}); r.StatusCode != http.StatusForbidden {
			t.Errorf("pack with CSRF %q: %d", tok, r.StatusCode)
		}
	}
	// From another site, even with the right token: refused.
	if r := sh.req("POST", "/admin/orders/"+o.ID+"/pack", url.Values{"csrf": {csrf}}.Encode(), "Origin", "https://evil.example"); r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site pack: %d", r.StatusCode)
	}
	if cur, _ := sh.sc.store.Orders.GetOrder(o.ID); cur.State != order.Paid {
		t.Fatalf("a refused form changed the order: %s", cur.State)
	}

	// The buttons: pack, ship with a tracking code, deliver.
	for _, step := range []struct {
		action string
		form   url.Values
		want   order.State
	}{
		{"pack", url.Values{}, order.Packed},
		{"ship", url.Values{"tracking_code": {"3SABC123"}}, order.Shipped},
		{"deliver", url.Values{}, order.Delivered},
	} {
		step.form.Set("csrf", csrf)
		r := sh.form("/admin/orders/"+o.ID+"/"+step.action, step.form)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", step.action, r.StatusCode, r.body)
		}
		cur, _ := sh.sc.store.Orders.GetOrder(o.ID)
		last := cur.History[len(cur.History)-1]
		if cur.State != step.want || last.By != adminBy || last.At.IsZero() {
			t.Errorf("%s: state %s, history %+v", step.action, cur.State, last)
		}
	}
	cur, _ := sh.sc.store.Orders.GetOrder(o.ID)
	if cur.TrackingURL != "https://jouw.postnl.nl/track-and-trace/3SABC123" {
		t.Errorf("tracking link from the code: %q", cur.TrackingURL)
	}
	if r := sh.form("/admin/orders/"+o.ID+"/pack", url.Values{"csrf": {csrf}}); r.StatusCode != http.StatusConflict || !strings.Contains(r.body, sh.says("err.transition", sh.says("action.pack"), o.ID, strings.ToLower(web.StateWords(sh.sc.OwnerLang(), order.Delivered)))) {
		t.Errorf("pack a delivered order: %d", r.StatusCode)
	}

	// A return, received and refunded from the page.
	if r := sh.req("POST", "/api/orders/"+o.Token+"/returns", `{"lines":[{"sku":"MOK-001","quantity":1}]}`); r.StatusCode != 201 {
		t.Fatalf("return: %d %s", r.StatusCode, r.body)
	}
	page = sh.req("GET", "/admin/orders/"+o.ID, "")
	if !strings.Contains(page.body, sh.says("order.return_received", o.ID+"-R1")) {
		t.Fatal("no return-received button")
	}
	r := sh.form("/admin/orders/"+o.ID+"/return-received", url.Values{"csrf": {csrf}, "code": {o.ID + "-R1"}, "refund": {"1"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("return received + refund: %d %s", r.StatusCode, r.body)
	}
	cur, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if cur.Returns[0].State != order.ReturnRefunded || cur.Refundable() != 0 {
		t.Errorf("after receiving and refunding: %+v, refundable %d", cur.Returns[0], cur.Refundable())
	}
	// Refused in the owner's words, in the shop's language (not the domain's English).
	if r := sh.form("/admin/orders/"+o.ID+"/refund", url.Values{"csrf": {csrf}, "amount": {"1.00"}}); r.StatusCode != 422 ||
		!strings.Contains(r.body, html.EscapeString(sh.says("err.over_refund"))) || strings.Contains(r.body, order.ErrOverRefund.Error()) {
		t.Errorf("over-refund from the page: %d %s", r.StatusCode, r.body)
	}

	// Packing slip and pick list behind the same session.
	if r := sh.req("GET", "/admin/orders/"+o.ID+"/packing-slip", ""); r.StatusCode != 200 || !strings.Contains(r.body, "@media print") {
		t.Errorf("packing slip: %d", r.StatusCode)
	}
	if r := sh.req("GET", "/admin/pick-list", ""); r.StatusCode != 200 || !strings.Contains(r.body, sh.says("pick.title")) {
		t.Errorf("pick list: %d", r.StatusCode)
	}

	// A forged cookie, and one too old: back to the login form.
	forged := &http.Cookie{Name: adminCookie, Value: "v1.1700000000.00.deadbeef", Path: "/admin/"}
	u, _ := url.Parse(sh.url + "/admin/")
	sh.jar.SetCookies(u, []*http.Cookie{forged})
	if r := sh.req("GET", "/admin/", ""); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("forged session: %d", r.StatusCode)
	}
	sh.jar.SetCookies(u, []*http.Cookie{c})
	if r := sh.req("GET", "/admin/", ""); r.StatusCode != 200 {
		t.Errorf("the real session again: %d", r.StatusCode)
	}
	clk.advance(13 * time.Hour)
	if r := sh.req("GET", "/admin/", ""); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("a 13-hour-old session: %d", r.StatusCode)
	}
	// Logging out ends it.
	clk.advance(-13 * time.Hour)
	csrf = csrfOf(t, sh.req("GET", "/admin/", "").body)
	if r := sh.form("/admin/logout", url.Values{"csrf": {csrf}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("logout: %d", r.StatusCode)
	}
	if r := sh.req("GET", "/admin/", ""); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("after logout: %d", r.StatusCode)
	}
}

// TestAdminPageOffWithoutToken: no admin token, no owner's page.
func TestAdminPageOffWithoutToken(t *testing.T) {
	sh := newShop(t, func(o *Options) { o.AdminToken = "" })
	if r := sh.req("GET", "/admin/", ""); r.StatusCode != http.StatusForbidden {
		t.Errorf("GET /admin/: %d", r.StatusCode)
	}
	if r := sh.form("/admin/login", url.Values{"token": {""}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("login with an empty token when none is set: %d", r.StatusCode)
	}
}

// TestPackingSlipThankYou: the thank-you line from data/shop.toml (through
// the catalog) in the customer's language, the gift note, no prices.
func TestPackingSlipThankYou(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	cat := filepath.Join(sh.site, "catalog.json")
	b, _ := os.ReadFile(cat)
	b = []byte(strings.Replace(string(b), `"country": "NL"},`, `"country": "NL", "thank_you_nl": "Dank je wel!", "thank_you_en": "Thank you & enjoy!"},`, 1))
	b = []byte(strings.Replace(string(b), `"test-1"`, `"test-thanks"`, 1))
	if err := os.WriteFile(cat, b, 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for sh.sc.Catalog.Current().Shop.ThankYouEN == "" && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	body := strings.Replace(validCheckout, `"shipping_method":"postnl"`, `"shipping_method":"postnl","gift_note":"Gefeliciteerd, Jan!","lang":"en"`, 1)
	sh.addToCart("MOK-001", 2)
	r := sh.req("POST", "/api/checkout", body, "Idempotency-Key", "slip-1")
	if r.StatusCode != 201 {
		t.Fatalf("checkout: %d %s", r.StatusCode, r.body)
	}
	var a CheckoutAnswer
	r.json(t, &a)
	slip := sh.admin("GET", "/api/admin/orders/"+a.Order.ID+"/packing-slip", "")
	for _, want := range []string{"Thank you &amp; enjoy!", "Gefeliciteerd, Jan!", "2 ×", "Mug &lt;Brandpunt&gt;", "Packing slip", "@media print"} {
		if !strings.Contains(slip.body, want) {
			t.Errorf("packing slip lacks %q", want)
		}
	}
	if strings.Contains(slip.body, "€") {
		t.Error("a packing slip (a gift) shows prices")
	}
	if r := sh.req("GET", "/api/admin/orders/"+a.Order.ID+"/packing-slip", ""); r.StatusCode != 401 {
		t.Errorf("packing slip without the token: %d", r.StatusCode)
	}
}
