package e2e

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// euroPattern finds an amount next to a euro sign or the word EUR:
// "€ 14,50", "€14.50", "€ 1.234,56", "EUR 9,95", "14,50 €".
var euroPattern = regexp.MustCompile(`(?:€|EUR)\s*(-?[0-9][0-9.,\s]*[0-9]|[0-9])|(-?[0-9][0-9.,]*[0-9])\s*(?:€|EUR)`)

// ParseEuro reads the first euro amount in s and returns it in cents.
// It accepts Dutch (1.234,56) and English (1,234.56) separators; a
// trailing ",-" or ",–" means whole euros.
func ParseEuro(s string) (int64, error) {
	s = strings.NewReplacer("\u00a0", " ", "\u202f", " ", ",-", "", ",–", "").Replace(s)
	m := euroPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("no euro amount in %q", s)
	}
	num := m[1]
	if num == "" {
		num = m[2]
	}
	return parseDecimal(strings.ReplaceAll(num, " ", ""))
}

// parseDecimal reads "1.234,56", "1,234.56", "14,5", "14" as cents.
func parseDecimal(num string) (int64, error) {
	neg := strings.HasPrefix(num, "-")
	num = strings.TrimPrefix(num, "-")
	whole, frac := num, ""
	if i := strings.LastIndexAny(num, ".,"); i >= 0 && len(num)-i-1 <= 2 {
		whole, frac = num[:i], num[i+1:]
	}
	whole = strings.NewReplacer(".", "", ",", "").Replace(whole)
	if whole == "" {
		whole = "0"
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", num, err)
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", num, err)
	}
	c := w*100 + f
	if neg {
		c = -c
	}
	return c, nil
}

// Monotonic reports the first place where vals breaks the order: ascending
// (each value at least the one before it) or descending (at most). Equal
// neighbours are allowed: two products may cost the same.
func Monotonic(vals []int64, ascending bool) error {
	for i := 1; i < len(vals); i++ {
		a, b := vals[i-1], vals[i]
		if ascending && b < a || !ascending && b > a {
			dir := "ascending"
			if !ascending {
				dir = "descending"
			}
			return fmt.Errorf("order is not %s at position %d: %d then %d (all: %v)", dir, i, a, b, vals)
		}
	}
	return nil
}

// LocalURL reports whether a request URL stays on this machine: http(s) and
// ws(s) to localhost or a loopback address, or a URL that needs no network
// (data:, blob:, about:).
func LocalURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "blob", "about":
		return true
	case "http", "https", "ws", "wss":
		h := strings.ToLower(u.Hostname())
		if h == "localhost" {
			return true
		}
		ip := net.ParseIP(h)
		return ip != nil && ip.IsLoopback()
	}
	return false
}
