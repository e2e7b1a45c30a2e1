package shop

import (
	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
)

// lineDates says, per SKU, when each line of t is expected if ordered now
// with t's shipping method: the product page's promise (the delivery
// rules of the catalog, the carrier's recent record included), in words
// for the cart and checkout pages. Lines the rules do not know get none; a
// gift card says it comes by e-mail on the day chosen at checkout.
func (h *Cart) lineDates(t cart.Totals, cat *catalog.Catalog, lang string) map[string]string {
	rules, err := h.Rules(cat)
	m, ok := cat.Method(t.ShippingMethod)
	if err != nil || !ok {
		return nil
	}
	m.TransitDays += h.ExtraDays(m.ID)
	key := "line.delivery"
	if m.Pickup {
		key = "line.pickup"
	}
	now := h.Now()
	out := make(map[string]string, len(t.Lines))
	for _, l := range t.Lines {
		if l.Unavailable {
			continue
		}
		if l.GiftCard {
			out[l.SKU] = web.T(lang, "line.giftcard") // by e-mail on the chosen day: no parcel (giftcards.go)
			continue
		}
		w, err := rules.DeliveryWindow(now, l.DeliveryClass, m)
		if err != nil {
			continue
		}
		out[l.SKU] = web.TF(lang, key, view.WindowText(w, lang))
	}
	return out
}
