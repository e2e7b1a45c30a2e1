package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The back button after paying lands on the cart or checkout page, which
// the paid order emptied: it links to the order this browser showed last,
// in the page's language, instead of only saying the cart is empty. Another
// browser, or a forged cookie, sees no link.
func TestEmptyCartLinksTheLastOrder(t *testing.T) {
	sh := newShop(t)
	sh.addToCart("KOF-GUJI-250-BO", 1)
	r := sh.req(http.MethodPost, "/api/checkout", validCheckout, "Idempotency-Key", "k-last")
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("checkout: %d %s", r.StatusCode, r.body)
	}
	var a CheckoutAnswer
	r.json(t, &a)
	back := sh.choose(a.CheckoutURL, "paid").Header.Get("Location")
	if p := sh.req(http.MethodGet, path(t, back), ""); p.StatusCode != http.StatusOK {
		t.Fatalf("order page: %d", p.StatusCode)
	}
	orderPath := path(t, back)
	for _, page := range []string{"/cart/?lang=en", "/checkout/?lang=en", "/cart/?lang=nl"} {
		p := sh.req(http.MethodGet, page, "")
		if p.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", page, p.StatusCode)
		}
		if !strings.Contains(p.body, `class="sf-empty"`) {
			t.Fatalf("%s: the paid order's cart is not empty:\n%s", page, p.body)
		}
		want := map[bool]string{true: "Your last order here is " + a.Order.ID, false: "Je laatste bestelling hier is " + a.Order.ID}[strings.HasSuffix(page, "en")]
		if !strings.Contains(p.body, want) || !strings.Contains(p.body, orderPath+`"`) {
			t.Errorf("%s does not link the last order (%s, %s):\n%s", page, want, orderPath, p.body)
		}
	}
	// Another browser: nothing; a forged cookie: nothing.
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	u, _ := url.Parse(sh.url)
	for _, value := range []string{"", "not-a-token-but-long-enough-to-look-like-one"} {
		if value != "" {
			jar.SetCookies(u, []*http.Cookie{{Name: "sf_last_order", Value: value, Path: "/"}})
		}
		if p := sh.req(http.MethodGet, "/cart/?lang=en", ""); strings.Contains(p.body, "sf-last-order") {
			t.Errorf("cookie %q: a link to an order:\n%s", value, p.body)
		}
	}
}
