package server

import (
	"github.com/storefront/storefront/checkout/server/invoices"
	"github.com/storefront/storefront/checkout/server/orders"
	"github.com/storefront/storefront/checkout/server/shipping"
	"github.com/storefront/storefront/checkout/server/shop"
	"github.com/storefront/storefront/checkout/server/web"
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
	s.invoices = &invoices.Invoices{Web: s.Web, Orders: s.uc.orders}
	s.carrier = &shipping.Carrier{Web: s.Web, UC: s.uc.carrier, Secret: s.ship.secret}
	s.codes = shop.NewCodes(s.Web, s.store, s.opts.CodesFile)
	s.payments = &orders.Payments{Web: s.Web, Store: s.store, MollieBaseURL: s.opts.MollieBaseURL, Provider: s.provider, Local: s.local,
		Refunds: s.uc.refunds, UC: s.uc.orders, Gift: s.gifts, Schedule: s, Effects: s.handleEffects,
		BG: s.bg, WG: &s.wg, Hooks: orders.NewHookThrottle(orders.DefaultWebhookBurst, orders.DefaultWebhookEvery),
		PageCheckEvery: orders.DefaultPageCheckEvery, PageCheckWait: orders.DefaultPageCheckWait}
	s.openStanding()                     // standing.go: payments pass a standing order's charges on
	s.payments.Standing = s.standingHTTP // before any worker runs
	s.orders = &orders.Orders{Web: s.Web, Payments: s.payments, Points: s.loyalty, Invoices: s.invoices,
		ExtraDays: s.promises.ExtraDays, GiftSteps: s.gifts.GiftOnlySteps}
	s.returns = &orders.Returns{Web: s.Web, UC: s.uc.orders, Orders: s.orders, RefundViews: refundViews}
	// The order page shows the after-sale section; a refused cancel shows
	// the order page: the one pair of resources that point at each other.
	s.orders.AfterSale = s.returns.AfterSaleHTML
	s.cart = &shop.Cart{Web: s.Web, Store: s.store, Codes: s.codes, ExtraDays: s.promises.ExtraDays}
	s.checkout = &shop.Checkout{Web: s.Web, UC: s.uc.orders, Cart: s.cart, Codes: s.codes,
		Payments: s.payments, Orders: s.orders, Points: s.loyalty, Gifts: s.gifts, Pickup: s.carrier,
		ReverseCharge: s.invoices.ReverseCharge, SetPickup: setPickup, GiftStoreErr: web.GiftStoreErr}
	s.availability = &shop.Availability{Web: s.Web, Store: s.store}
}
