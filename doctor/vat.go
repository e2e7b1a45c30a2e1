package doctor

import (
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// dataPath is the data file of name as it exists (data/vat.toml, …), or
// its TOML name when there is none.
func dataPath(dir, name string) string {
	for _, ext := range []string{"toml", "yaml", "yml", "json"} {
		rel := path.Join("data", name+"."+ext)
		if _, err := os.Stat(filepath.Join(dir, rel)); err == nil {
			return rel
		}
	}
	return path.Join("data", name+".toml")
}

// loadVAT reads data/vat.toml and the countries of data/shipping.toml.
func (s *Site) loadVAT(dir string) error {
	s.VATFile, s.ShippingFile = dataPath(dir, "vat"), dataPath(dir, "shipping")
	vat, err := readData(dir, "vat")
	if err != nil {
		return err
	}
	if vat != nil {
		s.OSS, _ = first(vat, "oss").(bool)
		s.VATRates = map[string]map[string]bool{}
		if m, ok := asMap(first(vat, "rates")); ok {
			for co, r := range m {
				s.VATRates[strings.ToUpper(co)] = keysOf(r)
			}
		}
	}
	ship, err := readData(dir, "shipping")
	if err != nil || ship == nil {
		return err
	}
	seen := map[string]bool{}
	methods, _ := asList(first(ship, "methods"))
	for _, m := range methods {
		mm, ok := asMap(m)
		if !ok {
			continue
		}
		cs, _ := asList(mm["countries"])
		id, _ := mm["id"].(string)
		sm := ShipMethod{ID: id}
		for _, c := range cs {
			co, _ := c.(string)
			sm.Countries = append(sm.Countries, co)
			co = strings.ToUpper(co)
			if co != "" && !seen[co] {
				seen[co] = true
				s.ShipCountries = append(s.ShipCountries, co)
			}
		}
		s.ShipMethods = append(s.ShipMethods, sm)
	}
	sort.Strings(s.ShipCountries)
	return nil
}

// checkVAT refuses, when the shop is registered for OSS, a country the
// shop ships to without that country's rate for every VAT class: the
// checkout could not say what VAT an order there pays.
func checkVAT(s *Site) []Finding {
	if !s.OSS {
		return nil
	}
	home := s.ShopCountry
	if home == "" {
		home = "NL" // the theme's catalog and the checkout assume a Dutch shop without one
	}
	var out []Finding
	for _, co := range s.ShipCountries {
		if strings.EqualFold(co, home) {
			continue
		}
		rates, ok := s.VATRates[co]
		if !ok {
			out = append(out, Finding{Severity: Error, File: s.VATFile, Field: "rates." + co,
				Message: "the shop ships to " + co + " (" + s.ShippingFile + ") and is registered for OSS (oss = true), but has no VAT rates for " + co + "; add [rates." + co + "] with a rate for every VAT class (" + known(s.VATClasses) + "), or set oss = false while under the EU threshold"})
			continue
		}
		classes := make([]string, 0, len(s.VATClasses))
		for c := range s.VATClasses {
			classes = append(classes, c)
		}
		sort.Strings(classes)
		for _, c := range classes {
			if !rates[c] {
				out = append(out, Finding{Severity: Error, File: s.VATFile, Field: "rates." + co + "." + c,
					Message: "no rate for VAT class " + c + " in " + co + "; products of that class cannot be sold there under OSS"})
			}
		}
	}
	return out
}
