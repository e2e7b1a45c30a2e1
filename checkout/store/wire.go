package store

import "github.com/storefront/storefront/checkout/wire"

// NotifyResult says what one notify run did (checkout/wire, shared with the CLI).
type NotifyResult = wire.NotifyResult
