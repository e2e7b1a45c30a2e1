package cart

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
)

// TestLocalizeOnlyChangesWords: any cart priced in any language costs the
// same; its lines and shipping method carry that language's names (the
// default language's where an item has no translation).
func TestLocalizeOnlyChangesWords(t *testing.T) {
	base := testCatalog(t)
	rapid.Check(t, func(rt *rapid.T) {
		c := *base
		c.Items = nil
		for i := range rapid.IntRange(1, 8).Draw(rt, "items") {
			it := catalog.Item{SKU: fmt.Sprintf("SKU-%d", i), Title: "Koffie ü " + fmt.Sprint(i), Variant: rapid.SampledFrom([]string{"", "250 g · bonen"}).Draw(rt, "variant"),
				URL: "/producten/p/", Price: money.Amount(rapid.IntRange(1, 10000).Draw(rt, "price")), Currency: "EUR", VATRate: 9, DeliveryClass: "standard"}
			if rapid.Bool().Draw(rt, "translated") {
				it.TitleEN, it.URLEN = `Coffee "é" `+fmt.Sprint(i), "/en/products/p/"
				if it.Variant != "" {
					it.VariantEN = "250 g · beans"
				}
			}
			c.Items = append(c.Items, it)
		}
		b, _ := jsonMarshal(&c)
		cat, err := catalog.Parse(b)
		if err != nil {
			rt.Fatal(err)
		}
		ct := &Cart{}
		for _, it := range cat.Items {
			if err := Add(ct, cat, it.SKU, rapid.IntRange(1, 3).Draw(rt, "qty"), t0); err != nil {
				rt.Fatal(err)
			}
		}
		ms := cat.MethodsFor("NL")
		m := ms[rapid.IntRange(0, len(ms)-1).Draw(rt, "method")]
		lang := rapid.SampledFrom([]string{"nl", "en"}).Draw(rt, "lang")
		want, err := Compute(ct, cat, m.ID, "NL")
		if err != nil {
			rt.Fatal(err)
		}
		got, _ := Compute(ct, cat, m.ID, "NL")
		got.Localize(cat, lang)
		if got.GrandTotal != want.GrandTotal || got.Subtotal != want.Subtotal || got.VATTotal != want.VATTotal {
			rt.Fatalf("the %s cart costs %d, not %d", lang, got.GrandTotal, want.GrandTotal)
		}
		for i, l := range got.Lines {
			it, _ := cat.Lookup(l.SKU)
			wantTitle, wantVariant, wantURL := it.Title, it.Variant, it.URL
			if lang == "en" && it.TitleEN != "" {
				wantTitle, wantURL = it.TitleEN, it.URLEN
			}
			if lang == "en" && it.VariantEN != "" {
				wantVariant = it.VariantEN
			}
			if l.Title != wantTitle || l.Variant != wantVariant || l.URL != wantURL || l.LineTotal != want.Lines[i].LineTotal {
				rt.Fatalf("%s line %+v, want %q %q %q", lang, l, wantTitle, wantVariant, wantURL)
			}
		}
		if got.ShippingName != m.Label(lang) {
			rt.Fatalf("%s shipping %q, want %q", lang, got.ShippingName, m.Label(lang))
		}
	})
}
