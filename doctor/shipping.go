package doctor

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ShipMethod is one method of data/shipping.toml as doctor sees it.
type ShipMethod struct {
	ID        string
	Countries []string // as written
}

var countryCode = regexp.MustCompile(`^[A-Za-z]{2}$`)

// checkShipping: the checkout offers exactly the countries the shipping
// methods name and starts with the shop's own country, so every country a
// customer can choose has a method only when each country is written as a
// code the checkout understands and the shop's country is one of them.
func checkShipping(s *Site) []Finding {
	if len(s.ShipMethods) == 0 {
		return nil // no data/shipping.toml: the theme's default methods
	}
	var out []Finding
	for i, m := range s.ShipMethods {
		field := fmt.Sprintf("methods[%d] (%s).countries", i, m.ID)
		if len(m.Countries) == 0 {
			out = append(out, Finding{Severity: Error, File: s.ShippingFile, Field: field,
				Message: "this method delivers nowhere; list the countries it delivers to, e.g. countries = [\"NL\"]"})
		}
		for _, co := range m.Countries {
			if !countryCode.MatchString(co) {
				out = append(out, Finding{Severity: Error, File: s.ShippingFile, Field: field,
					Message: fmt.Sprintf("%q is not a two-letter country code (ISO 3166), such as NL, BE or DE; the checkout would offer a country no method delivers to", co)})
			}
		}
	}
	home := strings.ToUpper(s.ShopCountry)
	if home == "" {
		home = "NL" // the theme's catalog and the checkout assume a Dutch shop without one
	}
	if !slices.Contains(s.ShipCountries, home) {
		out = append(out, Finding{Severity: Error, File: s.ShippingFile, Field: "methods",
			Message: "no shipping method delivers to the shop's own country " + home + " (data/shop.toml country), the country the checkout starts with; add " + home + " to a method's countries"})
	}
	return out
}
