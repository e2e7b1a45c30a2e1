package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
)

// A Belgian or German customer who typed a postal code wrongly ("10 115")
// was told "Give a valid postal code, e.g. 1234 AB.": the Dutch format, so
// the message said nothing about what to fix. The example is now the
// chosen country's, in both languages, on the page form and in the API;
// the Dutch one is unchanged, and a country without a known format names
// the general rule rather than a Dutch example.
func TestPostalCodeMessageFitsTheCountry(t *testing.T) {
	cat := &catalog.Catalog{Shop: catalog.Shop{Country: "NL"}, Shipping: catalog.Shipping{Methods: []catalog.ShippingMethod{
		{ID: "post", Countries: []string{"NL", "BE", "DE", "FR", "LU", "AT"}}}}}
	bad := map[string]string{"NL": "1234", "BE": "10000", "DE": "10 115", "FR": "7500", "LU": "12345", "AT": "!"}
	example := map[string]string{"NL": "1234 AB", "BE": "1000", "DE": "10115", "FR": "75001", "LU": "L-1009"}
	for country, pc := range bad {
		for _, lang := range []string{"nl", "en"} {
			f := view.CheckoutForm{Name: "Zoë \"Ö\" 李", Email: "z@example.de", Street: "Hauptstraße 5", City: "Berlin",
				Country: country, PostalCode: pc, ShippingMethod: "post"}
			msg := f.Validate(cat, lang)["postal_code"]
			if msg == "" || strings.HasPrefix(msg, "field.") {
				t.Errorf("%s %s: %q gives the message %q", country, lang, pc, msg)
				continue
			}
			if ex, ok := example[country]; ok && !strings.Contains(msg, ex) {
				t.Errorf("%s %s: %q: %q does not give the example %s", country, lang, pc, msg, ex)
			}
			if country != "NL" && strings.Contains(msg, "1234 AB") {
				t.Errorf("%s %s: %q: %q gives the Dutch example", country, lang, pc, msg)
			}
		}
	}
	if got := web.T("en", "field.postal_code_DE"); !strings.Contains(got, "10115") {
		t.Fatalf("the German example is missing from the words: %q", got)
	}
	// The same through the API.
	sh := newShop(t)
	sh.addToCart("KOF-GUJI-250-BO", 1)
	body := strings.NewReplacer(`"postal_code":"3511 AA"`, `"postal_code":"10 00"`, `"country":"NL"`, `"country":"BE"`,
		`"shipping_method":"postnl"`, `"shipping_method":"postnl-be","lang":"en"`).Replace(validCheckout)
	r := sh.req(http.MethodPost, "/api/checkout", body, "Idempotency-Key", "pc-be")
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "e.g. 1000") || strings.Contains(r.body, "1234 AB") {
		t.Errorf("a Belgian postal code of the wrong form: %d %s", r.StatusCode, r.body)
	}
}
