package doctor

import (
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/storefront/storefront/checkout/cart"
)

// Discount codes that live in git (data/codes.toml, docs/codes.md): the
// file is parsed by the same code as the sidecar's (cart.ParseCodes), and
// a category, product or SKU a code is for must exist, or the code would
// never apply.

// loadCodes reads data/codes.toml when there is one.
func (s *Site) loadCodes(dir string) error {
	s.CodesFile = "data/codes.toml"
	b, err := os.ReadFile(filepath.Join(dir, "data", "codes.toml"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	s.CodesData = b
	return nil
}

// shopZone is where the days of data files begin and end.
func shopZone() *time.Location {
	if z, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		return z
	}
	return time.UTC
}

func checkCodes(s *Site) []Finding {
	if s.CodesData == nil {
		return nil
	}
	codes, probs := cart.ParseCodes(s.CodesData, shopZone())
	var out []Finding
	for _, p := range probs {
		out = append(out, Finding{Severity: Error, File: s.CodesFile, Field: p.Field, Message: p.Message})
	}
	products, skus := map[string]bool{}, map[string]bool{}
	for _, p := range s.Pages {
		if p.IsProduct() && p.Lang == s.DefaultLang {
			products[p.Name()] = true
			for _, u := range productSKUs(p) {
				skus[u.sku] = true
			}
		}
	}
	for _, c := range codes {
		at := c.At
		for _, f := range []struct {
			field string
			names []string
			known map[string]bool
			what  string
		}{{"categories", c.Categories, s.Categories, "category in data/shop.toml"},
			{"products", c.Products, products, "product folder in content/products"},
			{"skus", c.SKUs, skus, "SKU of a product"}} {
			for _, n := range f.names {
				if f.known != nil && !f.known[n] {
					out = append(out, Finding{Severity: Error, File: s.CodesFile, Field: at + "." + f.field,
						Message: "\"" + n + "\" is not a " + f.what + ": the code would never apply"})
				}
			}
		}
	}
	return out
}
