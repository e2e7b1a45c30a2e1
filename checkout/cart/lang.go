package cart

import "github.com/storefront/storefront/checkout/catalog"

// Localize puts the customer's words into t: each line's product and
// variant name and link, and the shipping method's name, in lang (nl or
// en) from the catalog's translations. Amounts are untouched, so the same
// cart costs the same in every language. Compute gives the default
// language's words; the order freezes whatever t says (order.New).
func (t *Totals) Localize(cat *catalog.Catalog, lang string) {
	for i, l := range t.Lines {
		it, ok := cat.Lookup(l.SKU)
		if !ok || l.Unavailable {
			continue
		}
		t.Lines[i].Title, t.Lines[i].Variant, t.Lines[i].URL = it.Name(lang), it.VariantName(lang), it.Link(lang)
	}
	if m, ok := cat.Method(t.ShippingMethod); ok {
		t.ShippingName = m.Label(lang)
	}
}
