package standingorders

import (
	"slices"
	"testing"

	"github.com/storefront/storefront/checkout/catalog"
)

// TestCountriesWith: a subscription's country list is the checkout's; an
// address in a country no method goes to any more stays in it, so the
// form does not quietly move the subscriber.
func TestCountriesWith(t *testing.T) {
	cat := &catalog.Catalog{Shipping: catalog.Shipping{Methods: []catalog.ShippingMethod{
		{ID: "postnl", Countries: []string{"NL"}}, {ID: "dhl-de", Countries: []string{"de"}}, {ID: "postnl-be", Countries: []string{"BE"}},
	}}}
	if got := countriesWith(cat, "NL"); !slices.Equal(got, []string{"BE", "DE", "NL"}) {
		t.Errorf("countriesWith(NL) = %v", got)
	}
	if got := countriesWith(cat, "FR"); !slices.Equal(got, []string{"BE", "DE", "FR", "NL"}) {
		t.Errorf("countriesWith(FR) = %v", got)
	}
}
