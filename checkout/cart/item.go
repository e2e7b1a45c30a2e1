package cart

import (
	"fmt"
	"strings"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
)

// ComputeItem prices quantity units of one catalog item to country with
// shipping method methodID (empty: the first that ships there) exactly as
// Compute prices a cart holding only them: the country's price and VAT
// rate (catalog.PriceFor, RateFor: OSS), shipping free from free_from, the
// shipping's VAT following the goods. A standing order prices its
// deliveries with it (checkout/standing), passing the item with its
// subscription price as Price (the shop country's price incl. VAT).
func ComputeItem(cat *catalog.Catalog, it catalog.Item, quantity int, methodID, country string) (Totals, error) {
	if country == "" {
		country = cat.Shop.Country
	}
	country = strings.ToUpper(country)
	unit := cat.PriceFor(it, country)
	if quantity < 1 {
		return Totals{}, fmt.Errorf("price %s x %d: no quantity", it.SKU, quantity)
	}
	if unit > MaxTotal/money.Amount(quantity) {
		return Totals{}, fmt.Errorf("price %s x %d: %w: more than %d", it.SKU, quantity, ErrTooLarge, MaxTotal)
	}
	m, err := Method(cat, methodID, country)
	if err != nil {
		return Totals{}, err
	}
	line := TotalLine{SKU: it.SKU, Title: it.Title, Variant: it.Variant, URL: it.URL, Image: it.Image,
		UnitPrice: unit, Quantity: quantity, VATRate: cat.RateFor(it, country), DeliveryClass: it.DeliveryClass}
	ship, free := m.Price, cat.Shipping.FreeFrom
	isFree := free > 0 && unit*money.Amount(quantity) >= free
	if isFree {
		ship = 0
	}
	t := Delivery(line, cat.Currency, country, m.ID, m.Name, ship, m.VATRate)
	t.FreeShipping = isFree
	if !isFree && free > 0 && m.Price > 0 {
		t.FreeShippingRemaining = free - t.Subtotal
	}
	return t, nil
}
