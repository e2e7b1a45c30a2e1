package server

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/server/web"
)

// switchLinkRe finds the shell's language switch links (data-sf-switch).
var switchLinkRe = regexp.MustCompile(`<a href="([^"]*)" data-sf-switch="([a-z]*)"`)

// switchOf is the href (unescaped) of the one switch link on a page and its language.
func switchOf(t interface {
	Helper()
	Fatalf(string, ...any)
}, body string) (string, string) {
	t.Helper()
	m := switchLinkRe.FindAllStringSubmatch(body, -1)
	if len(m) != 1 {
		t.Fatalf("%d language switch links on the page:\n%.900s", len(m), body)
	}
	return html.UnescapeString(m[0][1]), m[0][2]
}

var shellHeader = map[string]string{"nl": "THEME-HEADER-NL", "en": "THEME-HEADER-EN"}

// TestLanguageSwitchStaysOnThePage: on any sidecar page (the built-in
// provider's payment page too), asked for with any query, the header's
// switch leads to the same page (path and the other parameters in order) in
// the other language, and following it shows that page in that language;
// the query cannot write markup into the link.
func TestLanguageSwitchStaysOnThePage(t *testing.T) {
	sh := newShop(t)
	sh.addToCart("MOK-001", 1)
	_, a := sh.checkout("switch-order")
	order := a.OrderURL // the order's language is nl; ?lang= chooses the page's
	if u, err := url.Parse(order); err == nil {
		order = u.Path
	}
	if order == "" {
		t.Fatal("no order to look at")
	}
	// The built-in provider's payment page (the customer is paying there).
	pay := a.CheckoutURL
	if u, err := url.Parse(pay); err == nil {
		pay = u.Path
	}
	if !strings.HasPrefix(pay, "/pay/") {
		t.Fatalf("no built-in payment page to look at: %q", a.CheckoutURL)
	}
	rapid.Check(t, func(rt *rapid.T) {
		path := rapid.SampledFrom([]string{"/cart/", "/checkout/", "/search/", order, pay}).Draw(rt, "path")
		lang := rapid.SampledFrom(web.Langs).Draw(rt, "lang")
		other := map[string]string{"nl": "en", "en": "nl"}[lang]
		word := rapid.StringOfN(rapid.SampledFrom([]rune(`ab "'<>&=?#%+;/é漢`)), 0, 8, -1)
		q := url.Values{}
		var keys []string
		for _, k := range rapid.SliceOfNDistinct(word, 0, 3, func(s string) string { return s }).Draw(rt, "keys") {
			if k == "" || k == "lang" {
				continue
			}
			keys = append(keys, k)
			q.Set(k, word.Draw(rt, "value"))
		}
		raw := ""
		for _, k := range keys {
			raw += url.QueryEscape(k) + "=" + url.QueryEscape(q.Get(k)) + "&"
		}
		raw += "lang=" + lang
		page := sh.req(http.MethodGet, path+"?"+raw, "")
		if page.StatusCode != http.StatusOK || !strings.Contains(page.body, shellHeader[lang]) {
			rt.Fatalf("GET %s?%s: %d, not in %s", path, raw, page.StatusCode, lang)
		}
		href, to := switchOf(rt, page.body)
		if to != other {
			rt.Fatalf("the switch on a %s page goes to %q", lang, to)
		}
		u, err := url.Parse(href)
		if err != nil || u.Host != "" || u.Scheme != "" || u.Path != path {
			rt.Fatalf("switch %q (from %s?%s) is not the same page: %v", href, path, raw, err)
		}
		// The same parameters in the same order, lang last and the other one.
		var gotKeys []string
		got := u.Query()
		for _, kv := range strings.Split(u.RawQuery, "&") {
			k, _, _ := strings.Cut(kv, "=")
			k, _ = url.QueryUnescape(k)
			gotKeys = append(gotKeys, k)
		}
		if want := append(append([]string{}, keys...), "lang"); strings.Join(gotKeys, "\x00") != strings.Join(want, "\x00") {
			rt.Fatalf("switch %q keeps the parameters %q, not %q", href, gotKeys, want)
		}
		for _, k := range keys {
			if got.Get(k) != q.Get(k) {
				rt.Fatalf("switch %q: %s=%q, want %q", href, k, got.Get(k), q.Get(k))
			}
		}
		if got["lang"][0] != other || len(got["lang"]) != 1 {
			rt.Fatalf("switch %q: lang %q, want %s", href, got["lang"], other)
		}
		// Following it shows the page in the other language, its switch back.
		next := sh.req(http.MethodGet, href, "")
		if next.StatusCode != http.StatusOK || !strings.Contains(next.body, shellHeader[other]) {
			rt.Fatalf("GET %s: %d, not in %s", href, next.StatusCode, other)
		}
		if back, to := switchOf(rt, next.body); to != lang || !strings.HasSuffix(back, "lang="+lang) {
			rt.Fatalf("the switch back from %s is %q (%s)", href, back, to)
		}
	})
}

// TestLanguageSwitchAfterAForm: a page that answers a form (POST) cannot be
// asked for again; its switch goes to the other language's home page.
func TestLanguageSwitchAfterAForm(t *testing.T) {
	sh := newShop(t)
	sh.addToCart("MOK-001", 1)
	r := sh.form("/checkout/", url.Values{"name": {""}, "lang": {"nl"}})
	if !strings.Contains(r.body, shellHeader["nl"]) {
		t.Fatalf("the checkout form's answer (%d) is not a Dutch page:\n%.600s", r.StatusCode, r.body)
	}
	if href, to := switchOf(t, r.body); href != "/en/" || to != "en" {
		t.Errorf("switch after a form: %q (%s), want the English home /en/", href, to)
	}
}

// TestCheckoutBackToCartKeepsTheLanguage: the checkout page's "back to the
// cart" link says the page's language, so the cart answers in it even when
// the remembered choice has changed since (another tab).
func TestCheckoutBackToCartKeepsTheLanguage(t *testing.T) {
	sh := newShop(t)
	sh.addToCart("MOK-001", 1)
	back := regexp.MustCompile(`<a href="([^"]*)">([^<]*)</a></p>\s*<script src="/checkout/checkout.js"`)
	for _, lang := range web.Langs {
		other := map[string]string{"nl": "en", "en": "nl"}[lang]
		co := sh.req(http.MethodGet, "/checkout/?lang="+lang, "")
		m := back.FindStringSubmatch(co.body)
		if m == nil || m[2] != web.T(lang, "co.back") {
			t.Fatalf("no back link on the %s checkout page:\n%s", lang, co.body)
		}
		href := html.UnescapeString(m[1])
		if href != "/cart/?lang="+lang {
			t.Errorf("the %s checkout page's back link is %q", lang, href)
		}
		sh.jar.SetCookies(mustURL(sh.url), []*http.Cookie{{Name: web.LangCookie, Value: other, Path: "/"}})
		if cart := sh.req(http.MethodGet, href, ""); !strings.Contains(cart.body, shellHeader[lang]) {
			t.Errorf("back from the %s checkout page, the cart is not in %s", lang, lang)
		}
	}
}
