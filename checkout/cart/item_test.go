package cart

import (
	"reflect"
	"testing"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/catalog"
)

// TestComputeItemIsCompute: one item priced alone (a standing order's
// delivery) costs exactly what a cart holding only it costs, for every
// country, method and quantity, with OSS on and off.
func TestComputeItemIsCompute(t *testing.T) {
	base := testCatalog(t)
	rapid.Check(t, func(rt *rapid.T) {
		cat := *base
		if rapid.Bool().Draw(rt, "oss") {
			cat.VAT = catalog.VAT{OSS: true, Rates: map[string]map[string]int{"BE": {"reduced": 6, "standard": 21, "zero": 0}, "DE": {"reduced": 7, "standard": 19, "zero": 0}}}
			cat.Items = append([]catalog.Item(nil), base.Items...)
			for i := range cat.Items {
				cat.Items[i].VATClass = map[int]string{9: "reduced", 21: "standard", 0: "zero"}[cat.Items[i].VATRate]
			}
		}
		it := rapid.SampledFrom(cat.Items).Draw(rt, "item")
		country := rapid.SampledFrom([]string{"", "NL", "BE", "DE", "be"}).Draw(rt, "country")
		method := rapid.SampledFrom([]string{"", "postnl", "dhl-eu"}).Draw(rt, "method")
		qty := rapid.IntRange(1, 40).Draw(rt, "quantity")
		want, werr := Compute(&Cart{Lines: []Line{{SKU: it.SKU, Quantity: qty}}}, &cat, method, country)
		got, gerr := ComputeItem(&cat, it, qty, method, country)
		if (werr == nil) != (gerr == nil) {
			rt.Fatalf("errors differ: cart %v, item %v", werr, gerr)
		}
		if werr == nil && !reflect.DeepEqual(got, want) {
			rt.Fatalf("item:\n%+v\ncart:\n%+v", got, want)
		}
	})
}
