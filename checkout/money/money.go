// Package money holds amounts as integer minor units and the one place where
// they are turned into (and read from) Mollie's decimal string form.
package money

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Amount is an amount of money in minor units (cents for EUR).
type Amount int64

// ErrSyntax is wrapped by every error Parse returns.
var ErrSyntax = errors.New("invalid amount")

// Decimals is the number of minor-unit digits of an ISO 4217 currency as Mollie
// expects them: 0 for JPY and ISK, 2 for everything else Mollie accepts.
func Decimals(currency string) int {
	switch strings.ToUpper(currency) {
	case "JPY", "ISK":
		return 0
	}
	return 2
}

// Format writes a in Mollie's string form for currency: exactly the currency's
// number of decimals, a dot, no thousands separator ("10.00", "-3.50", "1000").
func Format(a Amount, currency string) string {
	d := Decimals(currency)
	neg := a < 0
	// Work in uint64 so the most negative int64 does not overflow.
	u := uint64(a)
	if neg {
		u = -u
	}
	s := strconv.FormatUint(u, 10)
	if d > 0 {
		if len(s) <= d {
			s = strings.Repeat("0", d-len(s)+1) + s
		}
		s = s[:len(s)-d] + "." + s[len(s)-d:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Parse reads Mollie's string form strictly: an optional leading "-", digits
// without leading zeros (except a single "0"), and then exactly the
// currency's number of decimals after a dot. Anything else ("16.1", "1,000.00",
// "+1", "1e3", " 1.00") is refused with an error wrapping ErrSyntax.
func Parse(s, currency string) (Amount, error) {
	d := Decimals(currency)
	bad := func(why string) (Amount, error) {
		return 0, fmt.Errorf("%w %q for %s: %s", ErrSyntax, s, currency, why)
	}
	body := s
	neg := false
	if strings.HasPrefix(body, "-") {
		neg = true
		body = body[1:]
	}
	intPart, frac := body, ""
	if i := strings.IndexByte(body, '.'); i >= 0 {
		intPart, frac = body[:i], body[i+1:]
		if d == 0 {
			return bad("this currency has no decimals")
		}
	}
	if d > 0 && len(frac) != d {
		return bad(fmt.Sprintf("want exactly %d decimals", d))
	}
	if intPart == "" {
		return bad("missing digits before the decimal point")
	}
	if len(intPart) > 1 && intPart[0] == '0' {
		return bad("leading zero")
	}
	for _, c := range intPart + frac {
		if c < '0' || c > '9' {
			return bad(fmt.Sprintf("unexpected character %q", c))
		}
	}
	u, err := strconv.ParseUint(intPart+frac, 10, 64)
	if err != nil || u > 1<<63-1 {
		return bad("out of range")
	}
	a := Amount(u)
	if neg {
		if a == 0 {
			return bad("negative zero")
		}
		a = -a
	}
	return a, nil
}

// Display formats a for people: "€ 14,50" in Dutch, "€14.50" in English,
// with thousands grouped ("€ 1.234,50", "€1,234.50"). Unknown languages get
// the English form.
func Display(a Amount, currency, lang string) string {
	d := Decimals(currency)
	neg := a < 0
	u := uint64(a)
	if neg {
		u = -u
	}
	digits := strconv.FormatUint(u, 10)
	if len(digits) <= d {
		digits = strings.Repeat("0", d-len(digits)+1) + digits
	}
	intPart, frac := digits[:len(digits)-d], digits[len(digits)-d:]

	group, point := ",", "."
	if lang == "nl" {
		group, point = ".", ","
	}
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(c)
	}
	num := b.String()
	if d > 0 {
		num += point + frac
	}
	sym := Symbol(currency)
	sep := ""
	if lang == "nl" || len(sym) > 1 && sym == strings.ToUpper(currency) {
		sep = " "
	}
	if neg {
		if lang == "nl" {
			return sym + sep + "-" + num
		}
		return "-" + sym + sep + num
	}
	return sym + sep + num
}

// Symbol is the currency sign used by Display ("€" for EUR); currencies
// without a well-known sign are shown by their code.
func Symbol(currency string) string {
	switch strings.ToUpper(currency) {
	case "EUR":
		return "€"
	case "USD":
		return "$"
	case "GBP":
		return "£"
	case "JPY":
		return "¥"
	}
	return strings.ToUpper(currency)
}
