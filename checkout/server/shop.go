package server

import (
	"time"

	"github.com/storefront/storefront/checkout/server/invoices"
	"github.com/storefront/storefront/checkout/server/shipping"
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
	s.codes = newCodesHTTP(s.Web, s.store, s.opts.CodesFile)
	s.payments = &paymentsHTTP{Web: s.Web, store: s.store, mollieBaseURL: s.opts.MollieBaseURL, provider: s.provider, local: s.local,
		refunds: s.uc.refunds, uc: s.uc.orders, gift: s.gifts, schedule: s, effects: s.handleEffects,
		bg: s.bg, wg: &s.wg, hooks: newHookThrottle(defaultWebhookBurst, defaultWebhookEvery),
		lastCheck: map[string]time.Time{}, pageCheckEvery: defaultPageCheckEvery, pageCheckWait: defaultPageCheckWait}
	s.openStanding()                     // standing.go: payments pass a standing order's charges on
	s.payments.standing = s.standingHTTP // before any worker runs
	s.orders = &orderHTTP{Web: s.Web, payments: s.payments, points: s.loyalty, invoices: s.invoices,
		extraDays: s.promises.ExtraDays, giftSteps: s.gifts.GiftOnlySteps}
	s.returns = &returnsHTTP{Web: s.Web, uc: s.uc.orders, orders: s.orders, policy: s.Policy}
	// The order page shows the after-sale section; a refused cancel shows
	// the order page: the one pair of resources that point at each other.
	s.orders.afterSale = s.returns.afterSaleHTML
	s.cart = &cartHTTP{Web: s.Web, store: s.store, codes: s.codes, extraDays: s.promises.ExtraDays}
	s.checkout = &checkoutHTTP{Web: s.Web, uc: s.uc.orders, cart: s.cart, codes: s.codes,
		payments: s.payments, orders: s.orders, points: s.loyalty, gifts: s.gifts, pickup: s.carrier, reverseCharge: s.invoices.ReverseCharge}
	s.availability = &availabilityHTTP{Web: s.Web, store: s.store}
}
