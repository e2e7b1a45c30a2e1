package server

// The customer's shop: the cart, the discount code on it, the checkout,
// the order page, payments and the customer's cancel and returns. Each
// resource is a type holding *web and what it needs as explicit fields;
// openShop builds them once the store, the provider and the mailer are
// open (and before a test's tune and the workers).

// openShop builds the shop's handler types.
func (s *Sidecar) openShop() {
	s.codes = newCodesHTTP(s.web, s.store)
	s.cart = &cartHTTP{web: s.web, store: s.store, codes: s.codes, extraDays: s.extraDays}
	s.availability = &availabilityHTTP{web: s.web, store: s.store}
}
