package cart

import (
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/storefront/storefront/checkout/money"
)

// ErrDiscount is returned by ApplyDiscount for a discount the goods cannot carry.
var ErrDiscount = errors.New("discount out of range")

// GoodsVAT is the goods total (available lines, no shipping) per VAT rate.
func (t Totals) GoodsVAT() map[int]money.Amount {
	by := map[int]money.Amount{}
	for _, l := range t.Lines {
		if !l.Unavailable {
			by[l.VATRate] += l.LineTotal
		}
	}
	return by
}

// ApplyDiscount takes amount (positive, incl. VAT) off the goods as one
// adjustment line per VAT rate, split over the rates in proportion to the
// goods at each rate (the remainder of the rounding goes to the largest
// rate), and recomputes VAT and grand total. Shipping is untouched. The
// discount must leave something of the goods to pay.
func ApplyDiscount(t *Totals, kind, label string, amount money.Amount) error {
	if amount <= 0 {
		return nil
	}
	by := t.GoodsVAT() // what is left of the goods at each rate (after a code)
	for _, a := range t.Adjustments {
		by[a.VATRate] += a.Amount
	}
	return applyDiscountOn(t, kind, label, amount, by, nil)
}

// applyDiscountOn is ApplyDiscount over the goods by (incl. VAT per rate):
// all goods for points, the goods a code is for (skus names them, kept on
// the adjustment so a refund knows which lines carried it).
func applyDiscountOn(t *Totals, kind, label string, amount money.Amount, by map[int]money.Amount, skus []string) error {
	goods := t.Subtotal
	for _, a := range t.Adjustments {
		goods += a.Amount
	}
	if amount >= goods {
		return fmt.Errorf("%w: %d off goods of %d", ErrDiscount, amount, goods)
	}
	var base money.Amount
	rates := make([]int, 0, len(by))
	for r, v := range by {
		if v > 0 {
			rates = append(rates, r)
			base += v
		}
	}
	if base <= 0 {
		return fmt.Errorf("%w: no goods to take %d off", ErrDiscount, amount)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(rates))) // largest rate first
	split := make([]Adjustment, 0, len(rates))
	var given money.Amount
	for _, r := range rates {
		part := money.Amount(int64(amount) * int64(by[r]) / int64(base)) // rounded down
		given += part
		split = append(split, Adjustment{Kind: kind, Label: label, Amount: -part, VATRate: r, SKUs: skus})
	}
	split[0].Amount -= amount - given // the rounding remainder (a few cents at most)
	split = slices.DeleteFunc(split, func(a Adjustment) bool { return a.Amount == 0 })
	t.Adjustments = append(t.Adjustments, split...)
	t.recompute()
	return nil
}

// Discount is the sum of the adjustments of kind (positive for a discount).
func (t Totals) Discount(kind string) money.Amount {
	var d money.Amount
	for _, a := range t.Adjustments {
		if a.Kind == kind {
			d -= a.Amount
		}
	}
	return d
}

// PaidShare is what goods worth a (at the prices on the lines) cost the
// customer after the discounts: a × (subtotal − discounts) / subtotal,
// rounded down. A refund of returned items uses it, so a customer who paid
// part with loyalty points gets back the money they paid for those items
// (and their points in proportion), not the full price in money.
func (t Totals) PaidShare(a money.Amount) money.Amount {
	var off money.Amount
	for _, adj := range t.Adjustments {
		off -= adj.Amount
	}
	if off <= 0 || t.Subtotal <= 0 || a <= 0 {
		return a
	}
	return money.Amount(int64(a) * int64(t.Subtotal-off) / int64(t.Subtotal))
}

// PaidFor is what goods worth parts (SKU → amount at the prices on the
// lines, units being refunded) cost the customer after the discounts: less
// each code's share of the lines it was for (its amount at a rate in
// proportion to the goods it was for at that rate, rounded up), then less
// the share of the discounts on the whole order (points, taken off what
// the code left) as PaidShare does, rounded down. A partial refund thus
// takes back a code's discount from the lines that carried it and no more;
// parts adding up to the whole order never come to more than was paid.
func (t Totals) PaidFor(parts map[string]money.Amount) money.Amount {
	rate := map[string]int{}
	for _, l := range t.Lines {
		rate[l.SKU] = l.VATRate
	}
	var whole, codeOff, allCodeOff, rest money.Amount
	for _, a := range parts {
		whole += a
	}
	for _, adj := range t.Adjustments {
		if len(adj.SKUs) == 0 {
			rest -= adj.Amount
			continue
		}
		allCodeOff -= adj.Amount
		var base, part int64
		for _, l := range t.Lines {
			if !l.Unavailable && l.VATRate == adj.VATRate && slices.Contains(adj.SKUs, l.SKU) {
				base += int64(l.LineTotal)
			}
		}
		for sku, a := range parts {
			if rate[sku] == adj.VATRate && slices.Contains(adj.SKUs, sku) {
				part += int64(a)
			}
		}
		if base > 0 && part > 0 {
			off := -int64(adj.Amount)
			codeOff += money.Amount((off*part + base - 1) / base)
		}
	}
	left := max(0, whole-codeOff)
	goods := t.Subtotal - allCodeOff // what the code left of the goods
	if rest <= 0 || goods <= 0 {
		return left
	}
	return max(0, money.Amount(int64(left)*int64(goods-rest)/int64(goods)))
}
