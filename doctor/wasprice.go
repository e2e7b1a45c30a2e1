package doctor

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	toml "github.com/pelletier/go-toml/v2"
)

// The "was" price (docs/codes.md): a product (or a variant) may show the
// price it had before a reduction, struck through, with `was: 44.95` in
// its front matter. EU law (Directive 98/6/EC art. 6a, the Omnibus
// directive; in the Netherlands art. 6:193ga BW and the ACM's guidance) says that
// price must be the lowest price of the 30 days before the reduction. The
// shop keeps the price of every SKU over time in data/pricehistory.toml,
// written by `shop prices record` (one line per change, committed with the
// change), and doctor refuses a "was" price the history does not back.

// PriceHistoryFile is where the price history lives, from the site's root.
const PriceHistoryFile = "data/pricehistory.toml"

// WasWindow is how far back the reference price looks.
const WasWindow = 30 * 24 * time.Hour

// PriceChange is one line of the history: from Date on, SKU cost Price.
type PriceChange struct {
	SKU   string
	Date  time.Time // a day, midnight UTC
	Price int       // cents incl. VAT
}

type historyFile struct {
	Change []struct {
		SKU   string         `toml:"sku"`
		Date  toml.LocalDate `toml:"date"`
		Price float64        `toml:"price"`
	} `toml:"change"`
}

// ParsePriceHistory reads data/pricehistory.toml, sorted by SKU and date.
func ParsePriceHistory(b []byte) ([]PriceChange, error) {
	var f historyFile
	if err := toml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", PriceHistoryFile, err)
	}
	out := make([]PriceChange, 0, len(f.Change))
	for i, c := range f.Change {
		if c.SKU == "" || c.Price <= 0 || c.Date.Year == 0 {
			return nil, fmt.Errorf("%s: change[%d]: needs sku, date (2026-12-01) and price (euros)", PriceHistoryFile, i)
		}
		out = append(out, PriceChange{SKU: c.SKU, Date: time.Date(c.Date.Year, time.Month(c.Date.Month), c.Date.Day, 0, 0, 0, 0, time.UTC),
			Price: int(math.Round(c.Price * 100))})
	}
	sortChanges(out)
	return out, nil
}

func sortChanges(cs []PriceChange) {
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].SKU != cs[j].SKU {
			return cs[i].SKU < cs[j].SKU
		}
		return cs[i].Date.Before(cs[j].Date)
	})
}

// FormatPriceHistory writes the history as data/pricehistory.toml.
func FormatPriceHistory(cs []PriceChange) []byte {
	var b strings.Builder
	b.WriteString("# Price history of every SKU, for the \"was\" price (docs/codes.md): from `date` on,\n")
	b.WriteString("# `sku` cost `price` (euros incl. VAT). Written by `shop prices record`; commit it\n")
	b.WriteString("# with the price change. Do not edit old lines: doctor checks \"was\" prices against them.\n")
	sorted := append([]PriceChange(nil), cs...)
	sortChanges(sorted)
	for _, c := range sorted {
		fmt.Fprintf(&b, "\n[[change]]\nsku = %q\ndate = %s\nprice = %d.%02d\n", c.SKU, c.Date.Format("2006-01-02"), c.Price/100, c.Price%100)
	}
	return []byte(b.String())
}

// loadPriceHistory reads the history when there is one.
func (s *Site) loadPriceHistory(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(PriceHistoryFile)))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	s.HasPriceHistory = true
	s.PriceHistory, s.PriceHistoryErr = ParsePriceHistory(b)
	return nil
}

// priceNow is a SKU's price and "was" price in the content, where it is written.
type priceNow struct {
	file, field, sku string
	price, was       int // cents; was 0: none
	wasErr           error
}

// currentPrices lists every SKU of the default language with its price and
// "was" price (front matter `was`, per variant or for the product).
func currentPrices(s *Site) []priceNow {
	var out []priceNow
	for _, p := range s.Pages {
		if _, bad := p.Params["_parseError"]; bad || !p.IsProduct() || p.Lang != s.DefaultLang {
			continue
		}
		topWas, hasTop := p.Param("was")
		uses := productSKUs(p)
		list, _ := asList(func() any { v, _ := p.Param("variants"); return v }())
		for i, u := range uses {
			if u.sku == "" || u.price <= 0 {
				continue
			}
			n := priceNow{file: u.file, field: dotted(u.field, "was"), sku: u.sku, price: u.price}
			var w any
			var has bool
			if i < len(list) && u.field != "" {
				m, _ := asMap(list[i])
				w, has = lookup(m, "was")
			}
			if !has && hasTop {
				w, has, n.field = topWas, true, "was"
			}
			if has {
				n.was, n.wasErr = parsePrice(w)
			}
			out = append(out, n)
		}
	}
	return out
}

// RecordPrices adds to the history a change for every SKU whose price in
// the content is not its latest price there (new SKUs included), dated
// today. It returns the new history and what was added.
func RecordPrices(s *Site, hist []PriceChange, today time.Time) ([]PriceChange, []PriceChange) {
	last := map[string]int{}
	for _, c := range hist { // sorted by date per SKU
		last[c.SKU] = c.Price
	}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	var added []PriceChange
	for _, n := range currentPrices(s) {
		if p, ok := last[n.sku]; ok && p == n.price {
			continue
		}
		c := PriceChange{SKU: n.sku, Date: day, Price: n.price}
		added = append(added, c)
		last[n.sku] = n.price
	}
	out := append(append([]PriceChange(nil), hist...), added...)
	sortChanges(out)
	return out, added
}

// WasReference is the price a "was" price must show for sku: the lowest
// price in the WasWindow before the current price began (the reduction).
// It says why there is none: no history, the history does not have the
// current price, or it does not reach back far enough.
func WasReference(hist []PriceChange, sku string, price int) (int, time.Time, error) {
	var own []PriceChange
	for _, c := range hist {
		if c.SKU == sku {
			own = append(own, c)
		}
	}
	if len(own) == 0 {
		return 0, time.Time{}, fmt.Errorf("%s has no history of SKU %s", PriceHistoryFile, sku)
	}
	if own[len(own)-1].Price != price {
		return 0, time.Time{}, fmt.Errorf("in %s the latest price of SKU %s is %s, not %s", PriceHistoryFile, sku, eurText(own[len(own)-1].Price), eurText(price))
	}
	start := len(own) - 1 // the first line of the current price's run
	for start > 0 && own[start-1].Price == price {
		start--
	}
	began := own[start].Date
	from := began.Add(-WasWindow)
	lowest := -1
	for i := start - 1; i >= 0; i-- {
		if lowest < 0 || own[i].Price < lowest {
			lowest = own[i].Price
		}
		if !own[i].Date.After(from) {
			return lowest, began, nil // in force when the window opened
		}
	}
	return 0, began, fmt.Errorf("%s does not say what SKU %s cost in the 30 days before %s", PriceHistoryFile, sku, began.Format("2006-01-02"))
}

func eurText(cents int) string { return fmt.Sprintf("€ %d,%02d", cents/100, cents%100) }

// checkWasPrices refuses a "was" price the price history does not back.
func checkWasPrices(s *Site) []Finding {
	var out []Finding
	for _, n := range currentPrices(s) {
		if n.was == 0 && n.wasErr == nil {
			continue
		}
		bad := func(format string, args ...any) {
			out = append(out, Finding{Severity: Error, File: n.file, Field: n.field, Message: fmt.Sprintf(format, args...)})
		}
		switch {
		case n.wasErr != nil:
			bad("the \"was\" price: %v", n.wasErr)
		case n.was <= n.price:
			bad("the \"was\" price %s is not higher than the price %s: remove it", eurText(n.was), eurText(n.price))
		case !s.HasPriceHistory:
			bad("a \"was\" price needs the price history (%s) to show it is the lowest price of the 30 days before the reduction; run `shop prices record` when a price changes", PriceHistoryFile)
		case s.PriceHistoryErr != nil:
			bad("%v", s.PriceHistoryErr)
		default:
			ref, began, err := WasReference(s.PriceHistory, n.sku, n.price)
			switch {
			case err != nil:
				bad("a \"was\" price must be the lowest price of the 30 days before the reduction, and %v; run `shop prices record` on the day the price changes", err)
			case ref != n.was:
				bad("the \"was\" price is %s, but the lowest price of SKU %s in the 30 days before the reduction on %s was %s (EU rule): write was: %d.%02d, or remove it",
					eurText(n.was), n.sku, began.Format("2006-01-02"), eurText(ref), ref/100, ref%100)
			}
		}
	}
	return out
}
