package mollie

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/storefront/storefront/checkout/money"
)

// TODO(core): use money.Format / money.Parse once checkout/money has them;
// these two are a stopgap with the same rules.

// decimals is the number of minor-unit digits of a currency in Mollie's form.
func decimals(currency string) int {
	switch strings.ToUpper(currency) {
	case "JPY", "ISK":
		return 0
	}
	return 2
}

// formatAmount writes minor units in Mollie's string form ("10.00").
func formatAmount(a money.Amount, currency string) Amount {
	d := decimals(currency)
	neg := a < 0
	u := uint64(a)
	if neg {
		u = uint64(-a)
	}
	s := strconv.FormatUint(u, 10)
	if d > 0 {
		for len(s) <= d {
			s = "0" + s
		}
		s = s[:len(s)-d] + "." + s[len(s)-d:]
	}
	if neg {
		s = "-" + s
	}
	return Amount{Currency: strings.ToUpper(currency), Value: s}
}

// parseAmount reads Mollie's string form into minor units. It accepts
// exactly the currency's number of decimals.
func parseAmount(a *Amount) (money.Amount, string, error) {
	if a == nil {
		return 0, "", nil
	}
	d := decimals(a.Currency)
	v := a.Value
	neg := strings.HasPrefix(v, "-")
	if neg {
		v = v[1:]
	}
	whole, frac, hasDot := strings.Cut(v, ".")
	if whole == "" || hasDot != (d > 0) || len(frac) != d || len(whole) > 15 {
		return 0, "", fmt.Errorf("mollie amount %q %s: want %d decimals", a.Value, a.Currency, d)
	}
	n, err := strconv.ParseUint(whole+frac, 10, 63)
	if err != nil || strings.ContainsAny(whole+frac, "+-") {
		return 0, "", fmt.Errorf("mollie amount %q %s: not a number", a.Value, a.Currency)
	}
	m := money.Amount(n)
	if neg {
		m = -m
	}
	return m, strings.ToUpper(a.Currency), nil
}
