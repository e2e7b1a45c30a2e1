package web

import (
	"errors"

	"github.com/storefront/storefront/checkout/usecase"
)

// Domain errors of the use cases. They name what went wrong, not how a
// surface shows it. The mappers to a status and words, one per surface:
// CheckoutStatus (respond.go) with CheckoutError.Words for placing an order
// and paying again (JSON API and pages); customerError (returns.go) for the
// customer's cancel and return, JSON and pages, in the customer's language;
// ownerError (refunds.go) for the owner's actions, admin API and page.
var (
	// The order actions' errors (usecase.Orders).
	ErrBadTrackingLink    = usecase.ErrBadTrackingLink
	ErrNoTrackingTemplate = usecase.ErrNoTrackingTemplate
	ErrCancelRefund       = usecase.ErrCancelRefund
)

// Why a checkout (placing an order, paying again) could not go on. They are
// the Err of a CheckoutError, which also carries the customer's words.
var (
	ErrCheckoutForm     = errors.New("checkout form incomplete or invalid")
	ErrCartEmpty        = errors.New("cart empty")
	ErrCartTooLarge     = errors.New("cart too large")
	ErrUnavailable      = errors.New("an item is no longer sold")
	ErrPointsChanged    = errors.New("points changed since the page was shown")
	ErrPricesChanged    = errors.New("prices changed since the page was shown")
	ErrTotalChanged     = errors.New("total differs from the one shown")
	ErrIdempotencyReuse = usecase.ErrIdempotencyReuse
	ErrOutOfStock       = errors.New("out of stock")
	ErrPaymentKept      = usecase.ErrPaymentKept
	ErrEarlierPaid      = usecase.ErrEarlierPaid
	ErrProvider         = usecase.ErrProvider
	ErrCodeRefused      = errors.New("discount code does not apply")
	ErrCodeTries        = errors.New("too many discount codes tried")
	ErrInternal         = errors.New("internal error")
)

// ErrGiftCard: the gift card code is unknown, spent, expired or tried too
// often; the checkout goes no further (422, the field says why).
var ErrGiftCard = errors.New("gift card cannot pay")

// ErrGiftCardShort: paying again, the order's gift card no longer has the
// part of the order it pays (spent or expired since the last attempt gave
// its hold back); no payment is made (409, the page says what to do).
var ErrGiftCardShort = errors.New("gift card no longer covers its part")
