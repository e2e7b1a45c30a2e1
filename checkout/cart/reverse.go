package cart

import "github.com/storefront/storefront/checkout/money"

// ApplyReverseCharge turns t into an intra-Community supply to a business
// buyer with VAT reverse charged (art. 138 and 196 Directive 2006/112/EC;
// the caller decides that it applies, see invoice.ReverseCharge): every
// line, the shipping and any adjustment is charged at its amount excluding
// the VAT it held (per unit, as on the consumer price), and the VAT of
// every rate is 0. Apply it right after Compute and before discounts, on
// the page the customer sees as on the order, so the amount shown is the
// amount charged. Applying it twice changes nothing.
func (t *Totals) ApplyReverseCharge() {
	if t.ReverseCharge {
		return
	}
	t.ReverseCharge = true
	t.Subtotal = 0
	for i := range t.Lines {
		l := &t.Lines[i]
		if l.Unavailable {
			continue
		}
		l.UnitPrice -= IncludedVAT(l.UnitPrice, l.VATRate)
		l.LineTotal = l.UnitPrice * money.Amount(l.Quantity)
		l.VATRate = 0
		t.Subtotal += l.LineTotal
	}
	if t.Shipping != 0 {
		net := t.Shipping
		for _, v := range t.ShippingVAT {
			net -= v.VAT
		}
		t.Shipping = net
	}
	t.ShippingVATRate = 0
	for i := range t.Adjustments {
		a := &t.Adjustments[i]
		a.Amount -= IncludedVAT(a.Amount, a.VATRate)
		a.VATRate = 0
	}
	t.recompute()
}
