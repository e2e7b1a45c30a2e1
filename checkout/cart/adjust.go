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

// GoodsVAT is what the available lines (no shipping) cost per VAT rate,
// gift cards included (at their rate 0): what the VAT is computed on.
func (t Totals) GoodsVAT() map[int]money.Amount {
	by := map[int]money.Amount{}
	for _, l := range t.Lines {
		if !l.Unavailable {
			by[l.VATRate] += l.LineTotal
		}
	}
	return by
}

// goodsLines are the available lines that are goods (gift cards aside,
// a card is money) per VAT rate, and their SKUs: what a discount may go on.
func (t Totals) goodsLines() (map[int]money.Amount, []string) {
	by := map[int]money.Amount{}
	var skus []string
	for _, l := range t.Lines {
		if !l.Unavailable && !l.GiftCard && l.LineTotal > 0 {
			by[l.VATRate] += l.LineTotal
			if !slices.Contains(skus, l.SKU) {
				skus = append(skus, l.SKU)
			}
		}
	}
	return by, skus
}

// GoodsDue is what is left to pay of the goods after the discounts so far
// (a code, points), gift cards aside: the most points can take off is one
// minor unit less (loyalty.Rule.Redeem). A discount never goes on a gift
// card, so the adjustments all come off the goods.
func (t Totals) GoodsDue() money.Amount {
	g := t.Goods()
	for _, a := range t.Adjustments {
		g += a.Amount
	}
	return g
}

// ApplyDiscount takes amount (positive, incl. VAT) off the goods (gift
// cards aside: a discount never turns into a cash-like card) as one
// adjustment line per VAT rate, split over the rates in proportion to what
// is left of the goods at each rate after a code (the remainder of the
// rounding goes to the largest rate), and recomputes VAT and grand total.
// Shipping and gift cards are untouched. The discount must leave something
// of the goods to pay (GoodsDue). The adjustments name the goods' SKUs, so
// a refund knows the discount sat on them only (PaidFor).
func ApplyDiscount(t *Totals, kind, label string, amount money.Amount) error {
	if amount <= 0 {
		return nil
	}
	if due := t.GoodsDue(); amount >= due {
		return fmt.Errorf("%w: %d off goods of %d", ErrDiscount, amount, due)
	}
	by, skus := t.goodsLines() // what is left of the goods at each rate (after a code)
	for _, a := range t.Adjustments {
		by[a.VATRate] += a.Amount
	}
	return applyDiscountOn(t, kind, label, amount, by, skus)
}

// applyDiscountOn is ApplyDiscount over the goods by (incl. VAT per rate):
// the goods for points, the goods a code is for; skus names them, kept on
// the adjustment so a refund knows which lines carried it. The amount must
// not pass the goods it is split over.
func applyDiscountOn(t *Totals, kind, label string, amount money.Amount, by map[int]money.Amount, skus []string) error {
	var base money.Amount
	rates := make([]int, 0, len(by))
	for r, v := range by {
		if v > 0 {
			rates = append(rates, r)
			base += v
		}
	}
	if base <= 0 || amount > base {
		return fmt.Errorf("%w: %d off goods of %d", ErrDiscount, amount, base)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(rates))) // largest rate first
	split := make([]Adjustment, 0, len(rates))
	var given money.Amount
	for _, r := range rates {
		part := money.Amount(int64(amount) * int64(by[r]) / int64(base)) // rounded down
		given += part
		split = append(split, Adjustment{Kind: kind, Label: label, Amount: -part, VATRate: r, SKUs: skus})
	}
	// The rounding remainder (a few cents at most) goes to the largest rate
	// that has room for it: never more off a rate than its goods (a
	// discount of all but a cent would otherwise push a rate below zero).
	for i := 0; given < amount && i < len(split); i++ {
		room := by[rates[i]] + split[i].Amount
		c := min(amount-given, room)
		split[i].Amount -= c
		given += c
	}
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

// PaidFor is what goods worth parts (SKU → amount at the prices on the
// lines, units being refunded) cost the customer after the discounts: less
// each code's share of the lines it was for (its amount at a rate in
// proportion to the lines it was for at that rate, rounded up), then less
// the share of the discounts on all the goods (points, taken off what the
// code left) in proportion, rounded down. A partial refund thus takes back
// a code's discount from the lines that carried it and no more; parts
// adding up to the whole order never come to more than was paid.
//
// Points name the goods they were split over (ApplyDiscount): only those
// parts carry them, a gift card comes back in full. An order stored before
// points left gift cards alone has points adjustments without SKUs, split
// over everything the code left, gift cards included: those spread over
// every part as they did then, so an old order refunds as it was paid.
func (t Totals) PaidFor(parts map[string]money.Amount) money.Amount {
	rate := map[string]int{}
	for _, l := range t.Lines {
		rate[l.SKU] = l.VATRate
	}
	var whole, codeOff, allCodeOff, rest, oldRest money.Amount
	var restSKUs []string // the goods the points were split over (an order since they leave gift cards alone)
	for _, a := range parts {
		whole += a
	}
	for _, adj := range t.Adjustments {
		switch {
		case len(adj.SKUs) == 0: // points of an old order: over everything
			oldRest -= adj.Amount
			continue
		case adj.Kind != KindCode: // points: over the goods named
			rest -= adj.Amount
			for _, s := range adj.SKUs {
				if !slices.Contains(restSKUs, s) {
					restSKUs = append(restSKUs, s)
				}
			}
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
	if rest > 0 {
		// The points came off what the code left of the goods they name:
		// those parts (less their code share, all of codeOff: a code is
		// never on a gift card) pay in proportion, the rest in full.
		var named, goods money.Amount
		for sku, a := range parts {
			if slices.Contains(restSKUs, sku) {
				named += a
			}
		}
		for _, l := range t.Lines {
			if !l.Unavailable && slices.Contains(restSKUs, l.SKU) {
				goods += l.LineTotal
			}
		}
		goods -= allCodeOff
		onGoods := max(0, min(left, named-codeOff))
		if goods > 0 {
			left = left - onGoods + max(0, money.Amount(int64(onGoods)*int64(goods-rest)/int64(goods)))
		}
	}
	goods := t.Subtotal - allCodeOff - rest // what the code and new points left of the order
	if oldRest <= 0 || goods <= 0 {
		return left
	}
	return max(0, money.Amount(int64(left)*int64(goods-oldRest)/int64(goods)))
}
