package site

import (
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/cart"
	shopcatalog "github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/words"
)

// TestDemoCountriesHaveShipping: every country the demo shop's checkout
// offers (catalog.Countries, the country list of the checkout page) has a
// shipping method, a name in Dutch and English, and prices any product
// with any of its methods — so a customer who picks Germany, or any other
// country in the list, can finish the order. Germany is offered.
func TestDemoCountriesHaveShipping(t *testing.T) {
	_, cat := builtCatalog(t)
	countries := cat.Countries()
	if demoDir(t) == ".." && !slices.Contains(countries, "DE") {
		t.Errorf("the demo shop offers %v at checkout, not Germany", countries)
	}
	if !slices.Contains(countries, cat.Shop.Country) {
		t.Errorf("the checkout starts with the shop's country %s, which no method delivers to (offered: %v)", cat.Shop.Country, countries)
	}
	for _, co := range countries {
		if len(cat.MethodsFor(co)) == 0 {
			t.Errorf("%s is offered at checkout but no shipping method delivers there", co)
		}
		for _, lang := range []string{"nl", "en"} {
			if _, ok := words.Lookup(lang, "country."+co); !ok {
				t.Errorf("%s has no %s name (country.%s in the theme's i18n/%s.toml)", co, lang, co, lang)
			}
		}
	}
	var goods []shopcatalog.Item
	for _, it := range cat.Items {
		if !it.GiftCard {
			goods = append(goods, it)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		co := rapid.SampledFrom(countries).Draw(t, "country")
		ms := cat.MethodsFor(co)
		if len(ms) == 0 {
			t.Fatalf("%s is offered but has no method", co)
		}
		m := rapid.SampledFrom(ms).Draw(t, "method")
		it := rapid.SampledFrom(goods).Draw(t, "item")
		n := rapid.IntRange(1, 5).Draw(t, "quantity")
		tot, err := cart.ComputeItem(cat, it, n, m.ID, co)
		if err != nil {
			t.Fatalf("%d × %s to %s by %s: %v", n, it.SKU, co, m.ID, err)
		}
		if tot.ShippingMethod != m.ID || tot.GrandTotal <= 0 {
			t.Fatalf("%d × %s to %s by %s: method %q, total %d", n, it.SKU, co, m.ID, tot.ShippingMethod, tot.GrandTotal)
		}
	})
}
