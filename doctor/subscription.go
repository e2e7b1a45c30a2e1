package doctor

import (
	"fmt"
	"slices"
	"strings"
)

// checkSubscription checks a product's offer on subscription
// (docs/subscriptions.md): subscription: {intervals: [2, 4], price: 13.50,
// skus: [...]}. uses are the product's SKUs with their prices.
func checkSubscription(p *Page, uses []skuUse, add func(Severity, string, string, string, ...any)) {
	raw, ok := p.Param("subscription")
	if !ok {
		return
	}
	f := p.File
	m, isMap := asMap(raw)
	if !isMap {
		add(Error, f, "subscription", "subscription must be a table such as {intervals: [2, 4], price: 13.50}")
		return
	}
	ivs, _ := lookup(m, "intervals")
	list, _ := asList(ivs)
	if len(list) == 0 {
		add(Error, f, "subscription.intervals", "no intervals; list the weeks between deliveries, for example [2, 4, 6]")
	}
	seen := map[int]bool{}
	for i, v := range list {
		n, isInt := toInt(v)
		switch {
		case !isInt || n < 1 || n > 26:
			add(Error, f, fmt.Sprintf("subscription.intervals[%d]", i+1), "%v is not a whole number of weeks between 1 and 26", v)
		case seen[n]:
			add(Error, f, fmt.Sprintf("subscription.intervals[%d]", i+1), "every %d weeks is listed twice", n)
		}
		seen[n] = true
	}
	offered := uses
	if sk, ok := lookup(m, "skus"); ok {
		l, _ := asList(sk)
		offered = nil
		for i, s := range l {
			sku := strings.TrimSpace(fmt.Sprint(orEmpty(s)))
			j := slices.IndexFunc(uses, func(u skuUse) bool { return u.sku == sku })
			if j < 0 {
				add(Error, f, fmt.Sprintf("subscription.skus[%d]", i+1), "SKU %q is not one of this product's SKUs", sku)
				continue
			}
			offered = append(offered, uses[j])
		}
	}
	if pr, ok := lookup(m, "price"); ok {
		c, err := parsePrice(pr)
		if err != nil {
			add(Error, f, "subscription.price", "%s", err)
			return
		}
		for _, u := range offered {
			if u.price > 0 && c > u.price {
				add(Error, f, "subscription.price", "the subscription price %s is more than the price %s of %s; a subscriber never pays more than a one-off buyer",
					euros(c), euros(u.price), u.sku)
			}
		}
		if len(offered) > 1 {
			lo, hi := offered[0].price, offered[0].price
			for _, u := range offered {
				lo, hi = min(lo, u.price), max(hi, u.price)
			}
			if lo != hi {
				add(Warning, f, "subscription.price", "one subscription price for variants priced %s to %s; limit it with skus to variants of one price", euros(lo), euros(hi))
			}
		}
	}
}

func euros(c int) string { return fmt.Sprintf("€%d.%02d", c/100, c%100) }
