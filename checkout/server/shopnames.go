package server

import "github.com/storefront/storefront/checkout/server/shop"

// The shop's JSON answers (checkout/server/shop) under the names the
// integration tests, checkout/cli/clitest and reliability have always used.
type (
	CartView         = shop.CartView
	CartCodeAnswer   = shop.CartCodeAnswer
	CheckoutAnswer   = shop.CheckoutAnswer
	QuoteAnswer      = shop.QuoteAnswer
	AvailabilityView = shop.AvailabilityView
)
