package cart

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	toml "github.com/pelletier/go-toml/v2"

	"github.com/storefront/storefront/checkout/money"
)

// CodeProblem is something wrong in a codes file: the field (code[2].percent)
// and what to fix.
type CodeProblem struct {
	Field   string
	Message string
}

// codeFile is data/codes.toml as the owner writes it (docs/codes.md).
type codeFile struct {
	Code []fileCode `toml:"code"`
}

type fileCode struct {
	Code           string   `toml:"code"`
	Percent        *int64   `toml:"percent"`
	Amount         *float64 `toml:"amount"`    // euros, incl. VAT
	MinOrder       float64  `toml:"min_order"` // euros, incl. VAT, goods before discounts
	From           any      `toml:"from"`      // a date (from its first moment) or a date-time
	To             any      `toml:"to"`        // a date (to its last moment) or a date-time
	Categories     []string `toml:"categories"`
	Products       []string `toml:"products"`
	SKUs           []string `toml:"skus"`
	MaxUses        int      `toml:"max_uses"`
	MaxPerCustomer int      `toml:"max_per_customer"`
	Disabled       bool     `toml:"disabled"`
}

// ParseCodes reads a codes file (data/codes.toml). Dates without a time are
// whole days in zone. It returns the codes that are right and a problem per
// field that is not; a code with a problem is left out.
func ParseCodes(b []byte, zone *time.Location) ([]Code, []CodeProblem) {
	var f codeFile
	d := toml.NewDecoder(strings.NewReader(string(b)))
	d.DisallowUnknownFields()
	if err := d.Decode(&f); err != nil {
		var se *toml.StrictMissingError
		if errors.As(err, &se) && len(se.Errors) > 0 {
			return nil, []CodeProblem{{Field: strings.Join(se.Errors[0].Key(), "."), Message: "unknown field: the fields are code, percent, amount, min_order, from, to, categories, products, skus, max_uses, max_per_customer, disabled"}}
		}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, _ := de.Position()
			return nil, []CodeProblem{{Field: fmt.Sprintf("line %d", row), Message: de.Error()}}
		}
		return nil, []CodeProblem{{Field: "code", Message: err.Error()}}
	}
	var out []Code
	var probs []CodeProblem
	seen := map[string]bool{}
	for i, fc := range f.Code {
		at := fmt.Sprintf("code[%d]", i)
		if n := NormalizeCode(fc.Code); n != "" {
			at = fmt.Sprintf("code[%d] (%s)", i, n)
		}
		bad := func(field, msg string) { probs = append(probs, CodeProblem{Field: at + "." + field, Message: msg}) }
		c := Code{Code: NormalizeCode(fc.Code), Categories: fc.Categories, Products: fc.Products, SKUs: fc.SKUs,
			MaxUses: fc.MaxUses, MaxPerUser: fc.MaxPerCustomer, Disabled: fc.Disabled, Source: "file", At: at}
		switch {
		case fc.Percent != nil && fc.Amount != nil:
			bad("percent", "give percent or amount, not both")
			continue
		case fc.Percent != nil:
			c.Kind, c.Value = CodePercent, *fc.Percent
		case fc.Amount != nil:
			c.Kind, c.Value = CodeFixed, int64(math.Round(*fc.Amount*100))
		}
		c.MinOrder = money.Amount(math.Round(fc.MinOrder * 100))
		var err error
		if c.From, err = codeTime(fc.From, zone, false); err != nil {
			bad("from", err.Error())
		}
		if c.To, err = codeTime(fc.To, zone, true); err != nil {
			bad("to", err.Error())
		}
		n := len(probs)
		for _, p := range c.Check() {
			field, msg, _ := strings.Cut(p, ": ")
			bad(field, msg)
		}
		if seen[c.Code] && c.Code != "" {
			bad("code", "this code is in the file twice")
		}
		seen[c.Code] = true
		if len(probs) == n {
			out = append(out, c)
		}
	}
	return out, probs
}

// codeTime reads a from/to value: a TOML date (whole day in zone; end says
// its last moment) or date-time.
func codeTime(v any, zone *time.Location, end bool) (time.Time, error) {
	switch t := v.(type) {
	case nil:
		return time.Time{}, nil
	case toml.LocalDate:
		d := time.Date(t.Year, time.Month(t.Month), t.Day, 0, 0, 0, 0, zone)
		if end {
			d = d.AddDate(0, 0, 1).Add(-time.Nanosecond)
		}
		return d, nil
	case toml.LocalDateTime:
		return t.AsTime(zone), nil
	case time.Time:
		return t, nil
	default:
		return time.Time{}, fmt.Errorf("%v is not a date: write it as 2026-12-31 (no quotes) or 2026-12-31T18:00:00+01:00", v)
	}
}
