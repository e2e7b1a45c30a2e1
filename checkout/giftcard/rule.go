package giftcard

import "time"

// Rule is how long a card sold by the shop stays valid, from data/shop.toml
// [giftcards] through catalog.json.
//
// The law (docs/giftcards.md): a voucher is a claim to performance and
// lapses after five years (BW 3:307), counted from the issue date; a shop may
// set a shorter term printed on the voucher, but a term under one year in
// general terms is unreasonably onerous and voidable (BW 6:236 sub g, 6:233
// sub a). A bill to raise that minimum to two years (Kamerstukken 35 755)
// and the Keurmerk Cadeaukaarten (three years) go further. The default is
// therefore no expiry at all; a shop that wants one may set at least
// MinYears (2), which meets the law and the bill.
type Rule struct {
	// ValidYears: 0 means the card never expires; otherwise the number of
	// years from the sale, at least MinYears.
	ValidYears int `json:"valid_years,omitempty"`
}

// MinYears is the shortest term the shop may choose.
const MinYears = 2

// Check refuses a term the law would not uphold.
func (r Rule) Check() error {
	if r.ValidYears != 0 && r.ValidYears < MinYears {
		return errShort
	}
	return nil
}

var errShort = errorString("giftcards valid_years: at least 2 years, or 0 for no expiry (Dutch law: BW 6:236 sub g and Kamerstukken 35 755; docs/giftcards.md)")

type errorString string

func (e errorString) Error() string { return string(e) }

// ExpiresAt is when a card sold at now expires; zero for never. A term
// shorter than MinYears is raised to it.
func (r Rule) ExpiresAt(now time.Time) time.Time {
	if r.ValidYears == 0 {
		return time.Time{}
	}
	return now.AddDate(max(r.ValidYears, MinYears), 0, 0)
}
