package owner

import (
	"errors"
	"net/http"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/recurring"
	"github.com/storefront/storefront/checkout/returns"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/standing"
	"github.com/storefront/storefront/checkout/store"
	"github.com/storefront/storefront/checkout/usecase"
)

// errorWords are the owner's words (key owner.err.* in the theme's
// i18n/*.toml) for the domain errors the owner's actions can meet. With
// detail, the phrase has a %s for the error's own text (a provider's
// answer, which is in its own language anyway, or the thing not found).
var errorWords = []struct {
	err    error
	key    string
	detail bool
}{
	{web.ErrCancelRefund, "err.cancel_refund", false},
	{order.ErrNothingToShip, "err.nothing_to_ship", false},
	{web.ErrBadTrackingLink, "err.tracking", false},
	{web.ErrNoTrackingTemplate, "err.no_tracking_template", false},
	{order.ErrOverRefund, "err.over_refund", false},
	{order.ErrNoReturn, "err.no_return", false},
	{returns.ErrNothing, "err.return_nothing", false},
	{returns.ErrQuantity, "err.return_quantity", false},
	{returns.ErrUnknownItem, "err.unknown_item", false},
	{usecase.ErrRefundUncertain, "err.refund_uncertain", false},
	{usecase.ErrGiftCardsIssued, "err.gift_cards_issued", false},
	{usecase.ErrMailNotRetryable, "err.mail_not_retryable", false},
	{standing.ErrAction, "err.no_action", false},
	{standing.ErrNotOffered, "err.not_offered", false},
	{recurring.ErrState, "err.standing_state", false},
	{recurring.ErrInterval, "err.interval", false},
	{store.ErrCodeExists, "err.code_exists", false},
	{payment.ErrInvalid, "err.provider_refused", true},
	{usecase.ErrNotFound, "err.not_found", true},
	{usecase.ErrConflict, "err.conflict", true},
}

// ownerWords says err to the owner in lang, for the owner's pages (the
// JSON API keeps ownerError's English, which the CLI prints). An error the
// table does not know is a provider's failure when ownerError says so, else
// it is shown as it is.
func ownerWords(lang string, err error) string {
	var rules codeRules
	if errors.As(err, &rules) {
		return rules.words(lang) // a discount code's rules (codes.go)
	}
	for _, w := range errorWords {
		if errors.Is(err, w.err) {
			if w.detail {
				return web.OwnerT(lang, w.key, err.Error())
			}
			return web.OwnerT(lang, w.key)
		}
	}
	if st, _ := ownerError(err); st == http.StatusBadGateway {
		return web.OwnerT(lang, "err.provider", err.Error())
	}
	return err.Error()
}
