package standingorders

import (
	"strings"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/recurring"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
)

// addressErrors checks a subscriber's e-mail and delivery address as the
// checkout checks an order's (view.CheckoutForm.Validate): the country's
// postal code format, plain text without bidi or zero-width characters,
// lengths, a country some method ships to. Every delivery of the standing
// order goes to this address, so a German "10 115" or a Dutch "1234" is
// refused here as at checkout, not by the carrier weeks later. It puts the
// normalized postal code into a (NL "3511aa" → "3511 AA"); the shipping
// method is the standing order's own business (standing.Price).
func addressErrors(cat *catalog.Catalog, email string, a *recurring.Address, lang string) map[string]string {
	f := view.CheckoutForm{Name: a.Name, Email: email, Street: a.Street, PostalCode: a.PostalCode, City: a.City, Country: a.Country}
	errs := f.Validate(cat, lang)
	delete(errs, "shipping_method")
	if len(errs) == 0 {
		a.PostalCode = f.PostalCode
	}
	return errs
}

// addressMessage says the fields' messages in one sentence for the pages
// that show one notice ("Postal code: Give a valid German postal code: …").
func addressMessage(errs map[string]string, lang string) string {
	var parts []string
	for _, k := range []string{"email", "name", "street", "postal_code", "city", "country"} {
		if m, ok := errs[k]; ok {
			parts = append(parts, web.T(lang, "co."+k)+": "+m)
		}
	}
	return strings.Join(parts, " ")
}
