package server

import (
	"github.com/storefront/storefront/checkout/server/orders"
	"github.com/storefront/storefront/checkout/server/shop"
)

// The customer's shop: the cart, the discount code on it, the checkout,
// the order page, payments and the customer's cancel and returns. Each
// resource is a type holding *web.Web and what it needs as explicit fields.
// A resource's collaborators of other resources (gift cards, standing
// orders, loyalty, carrier, invoices) are small interfaces or funcs; the
// reconciler's schedule (recheck.go) is still Sidecar's.

// openShop builds the shop's handler types, once the store, the provider
// and the mailer are open (and before a test's tune and the workers).
func (s *Sidecar) openShop() {
	// Also called by the owner's side (ownerhttp.go, built after this).
	s.invoices = &invoicesHTTP{Web: s.Web, orders: s.uc.orders}
	s.carrier = &carrierHTTP{Web: s.Web, uc: s.uc.carrier, secret: s.ship.secret}
	s.codes = shop.NewCodes(s.Web, s.store, s.opts.CodesFile)
	s.payments = &orders.Payments{Web: s.Web, Store: s.store, MollieBaseURL: s.opts.MollieBaseURL, Provider: s.provider, Local: s.local,
		Refunds: s.uc.refunds, UC: s.uc.orders, Gift: giftsBridge{s.gifts}, Schedule: s, Effects: s.handleEffects,
		BG: s.bg, WG: &s.wg, Hooks: orders.NewHookThrottle(orders.DefaultWebhookBurst, orders.DefaultWebhookEvery),
		PageCheckEvery: orders.DefaultPageCheckEvery, PageCheckWait: orders.DefaultPageCheckWait}
	s.openStanding()                                     // standing.go: payments pass a standing order's charges on
	s.payments.Standing = standingBridge{s.standingHTTP} // before any worker runs
	s.orders = &orders.Orders{Web: s.Web, Payments: s.payments, Points: loyaltyBridge{s.loyalty}, Invoices: invoicesBridge{s.invoices},
		ExtraDays: s.promises.extraDays, GiftSteps: s.gifts.giftOnlySteps}
	s.returns = &orders.Returns{Web: s.Web, UC: s.uc.orders, Orders: s.orders, RefundViews: refundViews}
	// The order page shows the after-sale section; a refused cancel shows
	// the order page: the one pair of resources that point at each other.
	s.orders.AfterSale = s.returns.AfterSaleHTML
	s.cart = &shop.Cart{Web: s.Web, Store: s.store, Codes: s.codes, ExtraDays: s.promises.extraDays}
	s.checkout = &shop.Checkout{Web: s.Web, UC: s.uc.orders, Cart: s.cart, Codes: s.codes,
		Payments: s.payments, Orders: s.orders, Points: loyaltyBridge{s.loyalty}, Gifts: giftsBridge{s.gifts}, Pickup: carrierBridge{s.carrier},
		ReverseCharge: s.invoices.reverseCharge, SetPickup: setPickup, GiftStoreErr: giftStoreErr}
	s.availability = &shop.Availability{Web: s.Web, Store: s.store}
}
