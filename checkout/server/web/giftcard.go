package web

import (
	"errors"

	"github.com/storefront/storefront/checkout/giftcard"
)

// GiftCardErr is the checkout error of a card the store could not hold.
func GiftCardErr(msg func(string) string) *CheckoutError {
	return &CheckoutError{Err: ErrGiftCard, Say: msg, Fields: map[string]string{"gift_code": msg("nl")}}
}

// GiftStoreErr words a *store.GiftCardError (the card was spent or expired
// between the page and the order).
func GiftStoreErr(err error) *CheckoutError {
	key := "gift.empty"
	if errors.Is(err, giftcard.ErrExpired) {
		key = "gift.expired_now"
	}
	ce := GiftCardErr(Phrase(key))
	return ce
}
