package catalog

import (
	"fmt"
	"sort"
	"strings"

	"github.com/storefront/storefront/checkout/money"
)

// VAT says which VAT an order to another EU country pays (data/vat.toml,
// docs/money.md). Under the EU distance-sales threshold (OSS false) every
// order pays the shop country's rates. Registered for the One-Stop-Shop
// (OSS true), an order to another country pays that country's rate of the
// item's VAT class; Rates holds them per country (ISO alpha-2) and class.
type VAT struct {
	OSS   bool                      `json:"oss"`
	Rates map[string]map[string]int `json:"rates,omitempty"`
	// ReverseCharge: a business buyer in another EU country with a valid
	// VAT number pays no VAT (intra-Community supply, reverse charged);
	// see docs/invoices.md.
	ReverseCharge bool `json:"reverse_charge,omitempty"`
}

// foreign reports whether an order to country pays another country's VAT.
func (c *Catalog) foreign(country string) bool {
	return c.VAT.OSS && country != "" && !strings.EqualFold(country, c.Shop.Country)
}

// RateFor is the VAT rate (percent) of it in an order to country.
func (c *Catalog) RateFor(it Item, country string) int {
	if !c.foreign(country) {
		return it.VATRate
	}
	if r, ok := c.VAT.Rates[strings.ToUpper(country)][it.VATClass]; ok {
		return r
	}
	return it.VATRate // refused by validate for a country the shop ships to
}

// PriceFor is the unit price incl. VAT of it in an order to country. The
// catalog's price is the shop country's consumer price; an order that pays
// another country's VAT (OSS) keeps the price excluding VAT and adds that
// country's rate: price × (100+rate) / (100+home rate), rounded half away
// from zero to a minor unit, per unit.
func (c *Catalog) PriceFor(it Item, country string) money.Amount {
	r := c.RateFor(it, country)
	if r == it.VATRate {
		return it.Price
	}
	num := int64(it.Price) * int64(100+r)
	den := int64(100 + it.VATRate)
	return money.Amount((2*num + den) / (2 * den))
}

// validateVAT checks the rates of every country the shop ships to when OSS
// is on: each item's class must have a rate there.
func (c *Catalog) validateVAT() []error {
	var errs []error
	add := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, a...)...))
	}
	upper := make(map[string]map[string]int, len(c.VAT.Rates))
	for co, rates := range c.VAT.Rates {
		upper[strings.ToUpper(co)] = rates
	}
	c.VAT.Rates = upper
	for co, rates := range c.VAT.Rates {
		for class, r := range rates {
			if !validVAT(r) {
				add("vat.rates.%s.%s: %d is not a percentage between 0 and 100", co, class, r)
			}
		}
	}
	if !c.VAT.OSS {
		return errs
	}
	seen := map[string]bool{}
	var countries []string
	for _, m := range c.Shipping.Methods {
		for _, co := range m.Countries {
			co = strings.ToUpper(co)
			if !seen[co] && c.foreign(co) {
				seen[co] = true
				countries = append(countries, co)
			}
		}
	}
	sort.Strings(countries)
	for _, co := range countries {
		rates, ok := c.VAT.Rates[co]
		if !ok {
			add("vat.rates.%s is missing: the shop ships to %s and is registered for OSS; add [rates.%s] to data/vat.toml", co, co, co)
			continue
		}
		missing := map[string]bool{}
		for _, it := range c.Items {
			if _, ok := rates[it.VATClass]; !ok && !missing[it.VATClass] {
				missing[it.VATClass] = true
				add("vat.rates.%s has no rate for VAT class %q (item %s); add it to data/vat.toml", co, it.VATClass, it.SKU)
			}
		}
	}
	return errs
}
