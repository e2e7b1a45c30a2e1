package orders

import (
	"strings"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/store"
)

// The checkout errors of paying again; placing an order (shop) says a
// product that ran short the same way.

// OutOfStock is the checkout error of a product that ran short; o is the
// order when it is stored.
func OutOfStock(cat *catalog.Catalog, oos *store.OutOfStockError, o *order.Order) *web.CheckoutError {
	return &web.CheckoutError{Err: web.ErrOutOfStock, Order: o, Say: func(lang string) string { return StockMsg(cat, oos, lang) }}
}

// StockMsg says which product ran short, by its name.
func StockMsg(cat *catalog.Catalog, oos *store.OutOfStockError, lang string) string {
	name := oos.SKU
	if it, ok := cat.Lookup(oos.SKU); ok {
		name = strings.TrimSpace(it.Name(lang) + " " + it.VariantName(lang))
	}
	if oos.Available <= 0 {
		return web.TF(lang, "err.sold_out", name)
	}
	return web.TF(lang, "err.stock", oos.Available, name)
}

// payAgainCodeErr says that an order cannot be paid again at its price:
// its code is used up (for this address), nothing was charged.
func payAgainCodeErr(o *order.Order, perCustomer bool) *web.CheckoutError {
	key := "code.pay_again_used_up"
	if perCustomer {
		key = "code.pay_again_used_up_you"
	}
	return &web.CheckoutError{Err: web.ErrCodeRefused, Say: func(lang string) string { return web.TF(lang, key, o.DiscountCode) }}
}
