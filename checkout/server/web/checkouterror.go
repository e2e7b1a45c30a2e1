package web

import (
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
)

// CheckoutError is a checkout that could not go on: the domain error (Err,
// one of the ErrCheckout… values in errors.go), the facts a surface needs,
// and the words to tell the customer in their language. It carries no HTTP
// status: CheckoutStatus (respond.go) maps Err for the JSON API and the pages.
type CheckoutError struct {
	Err    error
	Say    func(lang string) string // the words for the customer
	Fields map[string]string
	Order  *order.Order  // set when the order exists (the provider failed)
	Total  *money.Amount // the total now, when it differs from what the customer saw
	// Kept: Order is the cart's earlier order, kept with its payment that
	// can still be paid and could not be canceled; no new payment was made.
	Kept bool
}

func (e *CheckoutError) Error() string { return e.Err.Error() + ": " + e.Say("en") }

func (e *CheckoutError) Unwrap() error { return e.Err }

// Words are the words for the customer, in lang.
func (e *CheckoutError) Words(lang string) string { return e.Say(lang) }

// phrase is the words of one phrase of i18n.go, in the language asked for.
func Phrase(key string) func(lang string) string {
	return func(lang string) string { return T(lang, key) }
}

// internalErr logs err and is the checkout error that says only "something
// went wrong on our side"; a web method because checkout, codes, gift cards
// and loyalty points all stop a checkout with it.
func (w *Web) InternalErr(lang, what string, err error) *CheckoutError {
	w.Log.Error(what, "err", err)
	return &CheckoutError{Err: ErrInternal, Say: Phrase("err.internal")}
}
