package usecase

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/store"
)

// Placing an order for a cart: the store's and the provider's side of the
// checkout. The handler (checkout/server, checkout.go) checks the form,
// prices the cart and builds the order; Place stores it so that one cart
// never has two payments that can be paid, and answers in domain errors
// that each surface words.

// Errors of placing an order.
var (
	// ErrIdempotencyReuse: the idempotency key was used before for another
	// checkout of the cart.
	ErrIdempotencyReuse = errors.New("idempotency key reused for another checkout")
	// ErrPaymentKept: the cart's earlier order keeps a payment that can
	// still be paid (the provider would not cancel it, or not yet); no new
	// order and no new payment were made. In a *OrderError.
	ErrPaymentKept = errors.New("the cart's earlier order keeps a payment that can still be paid")
	// ErrEarlierPaid: the cart's earlier order was paid meanwhile; that is
	// what the customer bought. In a *OrderError.
	ErrEarlierPaid = errors.New("the cart's earlier order was paid")
	// ErrProvider: the payment provider did not make the payment; the
	// order is stored and can be paid again. In a *OrderError.
	ErrProvider = errors.New("payment provider failed")
)

// CodeUsedUpError: the order's discount code has no use left (for its
// address, PerCustomer), so it cannot be paid again at its price.
type CodeUsedUpError = store.CodeUsedUpError

// OutOfStockError names the product that ran short and how many are left.
type OutOfStockError = store.OutOfStockError

// GiftCardError is a gift card that could not hold the amount it was to
// pay (spent or expired meanwhile).
type GiftCardError = store.GiftCardError

// OrderError is a checkout or a payment that stopped at an order that
// exists: Err says why (ErrPaymentKept, ErrEarlierPaid, ErrProvider, an
// *OutOfStockError), Order is that order as it is now.
type OrderError struct {
	Err   error
	Order *order.Order
}

func (e *OrderError) Error() string { return e.Err.Error() + ": order " + e.Order.ID }
func (e *OrderError) Unwrap() error { return e.Err }

// PlaceRequest is an order built by the checkout, to be stored for its cart
// (Order.CartID).
type PlaceRequest struct {
	Order   *order.Order
	Key     string // the idempotency key, scoped to the cart
	Hash    string // identifies the checkout request behind Key
	Catalog *catalog.Catalog
	Code    *cart.Code // the discount code the order uses, or nil
}

// ByIdempotencyKey is the order stored under a (scoped) idempotency key, or
// nil: one lookup in the store's key index, not a scan of every order
// (anyone with a cart cookie can send these). Keys are forgotten after 24
// hours, which is long enough for retries.
func (u Orders) ByIdempotencyKey(key string) *order.Order {
	o, err := u.Store.Orders.OrderByIdempotencyKey(key)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			u.Log.Warn("order by idempotency key", "err", err)
		}
		return nil
	}
	return o
}

// CartOrder is the cart's order awaiting payment, or nil.
func (u Orders) CartOrder(cartID string) (*order.Order, error) {
	return u.Store.Orders.CartOrder(cartID)
}

// Place stores the order for its cart, or finds the one stored before under
// the same key. One cart, one order awaiting payment: a resubmit (a new
// form key after the back button) gets the cart's open order when nothing
// changed, and otherwise replaces it, so the customer never has two
// payments to pay. Its payment is canceled at the provider first; one the
// provider will not cancel (or not yet) keeps its order (a *OrderError).
// created is false when an order stored before is the answer. Errors:
// *OrderError, ErrIdempotencyReuse, *OutOfStockError, *GiftCardError,
// cart.ErrCodeUsedUp (the code's last use went to another checkout), or
// ErrStore.
func (u Orders) Place(ctx context.Context, r PlaceRequest) (*order.Order, bool, error) {
	var canceled *payment.Payment
	if u.ByIdempotencyKey(r.Key) == nil { // a retry of a stored checkout changes nothing
		var err error
		if canceled, err = u.freeCartOrder(ctx, r.Order); err != nil {
			return nil, false, err
		}
	}
	next := r.Order
	kept := false
	keep := func(prev, next *order.Order) bool {
		kept = false
		if SameCheckout(prev, next) {
			return true
		}
		if LivePayment(prev) && (canceled == nil || canceled.ID != prev.PaymentID) {
			kept = true // a payment appeared meanwhile: never replace it
			return true
		}
		return false
	}
	o, created, replacedEff, err := u.Store.Orders.PlaceCartOrder(store.NewOrder{IdempotencyKey: r.Key, RequestHash: r.Hash,
		Order: r.Order, Catalog: r.Catalog, Code: r.Code}, keep)
	if canceled != nil {
		// Whether or not the new order could be stored, the earlier
		// payment is canceled at the provider: its order says so.
		u.ApplyCanceled(*canceled)
	}
	if err == nil && !created && kept && !SameCheckout(o, next) {
		return nil, false, &OrderError{Err: ErrPaymentKept, Order: o}
	}
	var gce *GiftCardError
	var oos *OutOfStockError
	switch {
	case errors.As(err, &gce), errors.As(err, &oos), errors.Is(err, cart.ErrCodeUsedUp):
		return nil, false, err
	case errors.Is(err, store.ErrIdempotencyConflict):
		return nil, false, ErrIdempotencyReuse
	case err != nil:
		return nil, false, fmt.Errorf("%w: create order: %w", ErrStore, err)
	}
	u.Effects(o, replacedEff)
	if created {
		u.Log.Info("order placed", "order", o.ID, "total", money.Format(o.Total(), o.Currency), "lines", len(o.Lines))
	}
	return o, created, nil
}

// freeCartOrder makes way for a changed checkout of the cart: when the
// cart's order awaiting payment (prev) is another checkout and its payment
// can still be paid, that payment is canceled at the provider before prev
// is replaced. Only a cancel the provider confirms (the payment is canceled,
// or already final and not paid) lets the new checkout go on; the canceled
// payment is returned so prev shows it. When the provider refuses (Mollie:
// isCancelable false, e.g. iDEAL once started), accepts only for later (an
// authorized payment) or cannot be reached, prev keeps its payment and the
// customer is told to pay or finish it, or to wait until it is final: no
// second payment is ever made beside one that can still be paid.
func (u Orders) freeCartOrder(ctx context.Context, next *order.Order) (*payment.Payment, error) {
	prev, err := u.Store.Orders.CartOrder(next.CartID)
	if err != nil {
		return nil, fmt.Errorf("%w: order of cart: %w", ErrStore, err)
	}
	if prev == nil || SameCheckout(prev, next) || !LivePayment(prev) {
		return nil, nil
	}
	pctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	p, err := u.Provider().CancelPayment(pctx, prev.PaymentID)
	switch {
	case err == nil && p.Status == payment.StatusCanceled:
		u.Log.Info("payment canceled for a changed cart", "order", prev.ID, "payment", p.ID)
		return p, nil
	case errors.Is(err, payment.ErrFinal):
		// Paid, expired or failed meanwhile: bring the news to prev first.
		if serr := u.SyncPayment(ctx, prev.PaymentID, "checkout"); serr != nil {
			u.Log.Warn("sync payment of a changed cart", "order", prev.ID, "err", serr)
			return nil, &OrderError{Err: ErrPaymentKept, Order: prev}
		}
		cur, gerr := u.Store.Orders.GetOrder(prev.ID)
		if gerr != nil {
			return nil, fmt.Errorf("%w: reload order: %w", ErrStore, gerr)
		}
		if cur.State == order.AwaitingPayment && LivePayment(cur) {
			return nil, &OrderError{Err: ErrPaymentKept, Order: cur}
		}
		if cur.State != order.AwaitingPayment && cur.State != order.PaymentFailed && cur.State != order.Canceled {
			return nil, &OrderError{Err: ErrEarlierPaid, Order: cur}
		}
		return nil, nil
	default:
		u.Log.Info("payment of a changed cart not canceled; the earlier order keeps it", "order", prev.ID, "payment", prev.PaymentID, "err", err)
		return nil, &OrderError{Err: ErrPaymentKept, Order: prev}
	}
}

// ApplyCanceled records a payment the provider confirmed canceled on its
// order, so a canceled order never shows payment_status "open".
func (u Orders) ApplyCanceled(p payment.Payment) {
	o, _, eff, err := u.Store.Orders.ApplyPayment(p, "checkout")
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			u.Log.Warn("record canceled payment", "payment", p.ID, "err", err)
		}
		return
	}
	u.Effects(o, eff)
}

// SameCheckout reports whether two orders are the same checkout: lines,
// prices, customer, shipping, note, points, code, pick-up point and gift
// cards.
func SameCheckout(prev, next *order.Order) bool {
	if prev.Customer != next.Customer || prev.ShippingMethod != next.ShippingMethod || prev.GiftNote != next.GiftNote ||
		prev.PointsRedeemed != next.PointsRedeemed || prev.DiscountCode != next.DiscountCode || prev.Total() != next.Total() || prev.Currency != next.Currency ||
		len(prev.Lines) != len(next.Lines) || prev.Meta[MetaPickupID] != next.Meta[MetaPickupID] ||
		prev.GiftCard.Paying() != next.GiftCard.Paying() || prev.GiftCard.Card() != next.GiftCard.Card() ||
		!prev.GiftSend.Same(next.GiftSend) {
		return false
	}
	for i, l := range prev.Lines {
		n := next.Lines[i]
		if l.SKU != n.SKU || l.Quantity != n.Quantity || l.UnitPrice != n.UnitPrice {
			return false
		}
	}
	return true
}

// LivePayment reports whether the order's current payment can still be
// paid (open, pending or authorized).
func LivePayment(o *order.Order) bool {
	a := o.Attempt(o.PaymentID)
	return a != nil && !a.Status.Final()
}
