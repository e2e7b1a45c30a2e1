package cart

import "github.com/storefront/storefront/checkout/money"

// Delivery prices one delivery of a standing order (checkout/recurring):
// one line at the subscription's price plus shipping, with VAT per rate
// and the shipping's VAT following the goods, exactly as Compute does. It
// needs no catalog, so a delivery paid after its product left the catalog
// still becomes an order with the amount that was charged.
func Delivery(line TotalLine, currency, country, methodID, methodName string, shipping money.Amount, shippingVATRate int) Totals {
	line.LineTotal = line.UnitPrice * money.Amount(line.Quantity)
	t := Totals{
		Currency: currency, Country: country, Lines: []TotalLine{line}, Subtotal: line.LineTotal,
		ShippingMethod: methodID, ShippingName: methodName, Shipping: shipping, ShippingVATRate: shippingVATRate,
		Adjustments: []Adjustment{},
	}
	t.recompute()
	return t
}
