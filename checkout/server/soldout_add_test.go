package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// withStock sets the tracked stock of sku in the test catalog.
func withStock(sku string, n int) shopOpt {
	return catalogOpt(func(c map[string]any) {
		for _, it := range c["items"].([]any) {
			if m := it.(map[string]any); m["sku"] == sku {
				m["stock"] = map[string]any{"tracked": true, "quantity": n}
			}
		}
	})
}

// A product page built while the item was in stock, the item sold out
// since: adding it answered "… is sold out; remove it from your cart to go
// on" (it was never in the cart), and without JavaScript the cart page said
// only "We do not have that many left in stock", naming nothing. Both now
// say which product, that it is sold out and that nothing was added, or how
// many are left; raising a line's quantity keeps its own message, and a
// notice query that names no product of the catalog falls back to the
// general sentence.
func TestAddingSoldOutSaysNothingWasAdded(t *testing.T) {
	sh := newShop(t, withStock("BOEK-001", 0))
	r := sh.req(http.MethodPost, "/api/cart/items", `{"sku":"BOEK-001","quantity":1,"lang":"en"}`)
	if msg := r.errorMessage(t); r.StatusCode != http.StatusConflict || !strings.Contains(msg, "The coffee book is sold out; nothing was added to your cart.") {
		t.Errorf("API add of a sold-out book: %d %q", r.StatusCode, msg)
	}
	for lang, want := range map[string]string{
		"en": "The coffee book is sold out; nothing was added to your cart.",
		"nl": "is uitverkocht; er is niets aan je winkelmand toegevoegd.",
	} {
		r = sh.form("/cart/add", url.Values{"sku": {"BOEK-001"}, "quantity": {"1"}, "lang": {lang}})
		loc := r.Header.Get("Location")
		if r.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "notice=stock") {
			t.Fatalf("%s: form add of a sold-out book: %d %s", lang, r.StatusCode, loc)
		}
		page := sh.req(http.MethodGet, loc, "")
		if !strings.Contains(page.body, want) || strings.Contains(page.body, "remove it from your cart") {
			t.Errorf("%s: the cart page after adding a sold-out book does not say %q", lang, want)
		}
	}
	r = sh.form("/cart/add", url.Values{"sku": {"KOF-GUJI-250-BO"}, "quantity": {"50"}, "lang": {"en"}})
	if page := sh.req(http.MethodGet, r.Header.Get("Location"), ""); !strings.Contains(page.body, "Only 40 left of Ethiopia Guji 250 g · whole beans.") {
		t.Errorf("the cart page after adding 50 of 40 does not say how many are left")
	}
	forged := sh.req(http.MethodGet, "/cart/?lang=en&notice=stock&sku=%3Cb%3E&left=-3&add=1", "")
	if !strings.Contains(forged.body, "We do not have that many left in stock.") || strings.Contains(forged.body, "<b>") {
		t.Errorf("a notice naming no product of the catalog is not the general sentence")
	}
}
