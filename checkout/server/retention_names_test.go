package server

import (
	"github.com/storefront/storefront/checkout/server/retention"
	"github.com/storefront/storefront/checkout/usecase"
)

// Names the integration tests read of the retention resources, which live
// in checkout/server/retention since issue 11.
const (
	adjPoints       = retention.AdjPoints
	maxVotersPerNet = usecase.MaxVotersPerNet
)
