package usecase

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/store"
)

// PayAgain creates a payment for the order (attempt n+1, with the provider
// idempotency key <order>:<n+1>, so a double click creates one payment) and
// attaches it with a compare-and-set. The checkout (an order without a
// payment that can be paid), paying again from the order page and the
// reconciler (an order whose payment was never stored) all call it. It
// returns the order as stored and where to pay ("" when nothing is to be
// paid there now: another attempt won the race and is pending).
//
// Errors: PayAgainCode's and GiftCovers' errors as they are; a
// *CodeUsedUpError (the code's last use went to another order meanwhile);
// an *OrderError with ErrProvider or an *OutOfStockError; ErrStore.
func (u Orders) PayAgain(ctx context.Context, o *order.Order) (*order.Order, string, error) {
	code, err := u.PayAgainCode(o) // paying again takes the code's use back
	if err != nil {
		return nil, "", err
	}
	n := len(o.Attempts) + 1
	req := u.PaymentRequest(o)
	req.Amount = o.Due() // the total less what a gift card pays
	req.Currency = o.Currency
	req.Metadata = map[string]string{"order_id": o.ID}
	req.IdempotencyKey = fmt.Sprintf("%s:%d", o.ID, n)
	if err := u.GiftCovers(o); err != nil {
		return nil, "", err // no payment for a rest the card no longer covers
	}
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	p, o2, effects, err := u.createAndAttach(pctx, o, req, n, code)
	if p == nil && err == nil {
		return nil, "", &OrderError{Err: ErrProvider, Order: o}
	}
	// cancelNew cancels the payment made for this attempt when it is not
	// used; one made in the store's transaction that failed does not exist.
	cancelNew := func(why string) {
		if p != nil {
			u.CancelPayment(p.ID, why)
		}
	}
	var oos *OutOfStockError
	var used *CodeUsedUpError
	switch {
	case errors.As(err, &used):
		// The last use went to another order meanwhile.
		cancelNew("code used up")
		return nil, "", err
	case errors.Is(err, store.ErrConflict):
		// Someone else (a double click) attached a payment first: use theirs.
		cur, gerr := u.Store.Orders.GetOrder(o.ID)
		if gerr != nil {
			return nil, "", fmt.Errorf("%w: reload order: %w", ErrStore, gerr)
		}
		cancelNew("lost a race for order " + o.ID)
		if a := cur.Attempt(cur.PaymentID); a != nil && !a.Status.Final() && a.CheckoutURL != "" {
			return cur, a.CheckoutURL, nil
		}
		return cur, "", nil
	case errors.As(err, &oos):
		cancelNew("out of stock")
		return nil, "", &OrderError{Err: oos, Order: o}
	case errors.As(err, new(*GiftCardError)):
		// The card was spent between GiftCovers and the hold.
		cancelNew("gift card spent")
		if gerr := u.GiftCovers(o); gerr != nil {
			return nil, "", gerr
		}
		return nil, "", fmt.Errorf("%w: attach payment: %w", ErrStore, err)
	case err != nil:
		cancelNew("could not attach")
		return nil, "", fmt.Errorf("%w: attach payment: %w", ErrStore, err)
	}
	u.Effects(o2, effects)
	if fresh := u.replayedNews(pctx, p); fresh != nil {
		// A replay of an old answer: the payment has moved on since.
		o3, _, eff, err := u.Store.Orders.ApplyPayment(*fresh, "checkout")
		if err != nil {
			return nil, "", fmt.Errorf("%w: apply replayed payment: %w", ErrStore, err)
		}
		u.Effects(o3, eff)
		if fresh.Status.Final() && o3.State == order.PaymentFailed && n < 10 {
			// Expired (or failed) before anyone could pay it: the customer
			// gets a new payment, with the next attempt's key.
			return u.PayAgain(ctx, o3)
		}
		return o3, o3.CheckoutURL, nil
	}
	return o2, p.CheckoutURL, nil
}

// createAndAttach makes the order's payment at the provider and attaches
// it, compare-and-set on the order's current payment. With a provider whose
// payments live in the order database (InStore) both are one transaction,
// so one durable commit; otherwise the payment is created first, then
// attached in a commit of its own (the order was stored before either).
// p is the payment made, nil when none was: then a nil error means the
// provider refused or failed (logged), and a non-nil one is the attach's
// refusal, with nothing to cancel. With a payment, err is the attach's.
func (u Orders) createAndAttach(ctx context.Context, o *order.Order, req payment.CreateRequest, n int, code *cart.Code) (*payment.Payment, *order.Order, []order.Effect, error) {
	if u.InStore != nil {
		if create := u.InStore(); create != nil {
			p, o2, eff, err := u.Store.Orders.CreateAndAttach(o.ID, o.PaymentID, create, req, u.Provider().Name(), code)
			if errors.Is(err, store.ErrCreatePayment) {
				u.Log.Error("create payment", "order", o.ID, "attempt", n, "err", err)
				u.providerCall("create_payment", err)
				return nil, nil, nil, nil
			}
			if p != nil {
				u.providerCall("create_payment", nil)
			}
			return p, o2, eff, err
		}
	}
	p, err := u.Provider().CreatePayment(ctx, req)
	if err != nil {
		u.Log.Error("create payment", "order", o.ID, "attempt", n, "err", err)
		return nil, nil, nil, nil
	}
	o2, eff, err := u.Store.Orders.AttachPaymentCode(o.ID, o.PaymentID, *p, u.Provider().Name(), code)
	return p, o2, eff, err
}

func (u Orders) providerCall(op string, err error) {
	if u.ProviderCall != nil {
		u.ProviderCall(op, err)
	}
}

// replayedNews returns the provider's current view of a payment that was
// just "created" when the answer may be the replay of an old request with
// the same idempotency key (the provider replays the first answer for as
// long as its window lasts, and that answer says "open" even when the
// payment has expired since). It returns nil when the payment is fresh or
// unchanged, or when the provider cannot be asked (the webhook, order page
// and reconciler bring the news later then).
func (u Orders) replayedNews(ctx context.Context, p *payment.Payment) *payment.Payment {
	if !p.CreatedAt.IsZero() && u.Now().Sub(p.CreatedAt) < time.Minute {
		return nil
	}
	cur, err := u.Provider().GetPayment(ctx, p.ID)
	if err != nil || cur.ID != p.ID || cur.Status == p.Status {
		return nil
	}
	return cur
}
