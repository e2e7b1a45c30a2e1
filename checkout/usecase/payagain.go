package usecase

import (
	"context"
	"errors"
	"fmt"
	"time"

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
	p, err := u.Provider().CreatePayment(pctx, req)
	if err != nil {
		u.Log.Error("create payment", "order", o.ID, "attempt", n, "err", err)
		return nil, "", &OrderError{Err: ErrProvider, Order: o}
	}
	o2, effects, err := u.Store.Orders.AttachPaymentCode(o.ID, o.PaymentID, *p, u.Provider().Name(), code)
	var oos *OutOfStockError
	var used *CodeUsedUpError
	switch {
	case errors.As(err, &used):
		// The last use went to another order meanwhile.
		u.CancelPayment(p.ID, "code used up")
		return nil, "", err
	case errors.Is(err, store.ErrConflict):
		// Someone else (a double click) attached a payment first: use theirs.
		cur, gerr := u.Store.Orders.GetOrder(o.ID)
		if gerr != nil {
			return nil, "", fmt.Errorf("%w: reload order: %w", ErrStore, gerr)
		}
		u.CancelPayment(p.ID, "lost a race for order "+o.ID)
		if a := cur.Attempt(cur.PaymentID); a != nil && !a.Status.Final() && a.CheckoutURL != "" {
			return cur, a.CheckoutURL, nil
		}
		return cur, "", nil
	case errors.As(err, &oos):
		u.CancelPayment(p.ID, "out of stock")
		return nil, "", &OrderError{Err: oos, Order: o}
	case errors.As(err, new(*GiftCardError)):
		// The card was spent between GiftCovers and the hold.
		u.CancelPayment(p.ID, "gift card spent")
		if gerr := u.GiftCovers(o); gerr != nil {
			return nil, "", gerr
		}
		return nil, "", fmt.Errorf("%w: attach payment: %w", ErrStore, err)
	case err != nil:
		u.CancelPayment(p.ID, "could not attach")
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
