package server

import (
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/usecase"
)

// The refund use cases are usecase.Refunds: refunds that never go twice
// (see the top of checkout/usecase/refunds.go); their admin API is
// owner.Refunds. Here are the refund of a stray payment the payments start
// and the refunds' JSON of the customer's after-sale view.

// errRefundUncertain says a refund may or may not have reached the provider.
var errRefundUncertain = usecase.ErrRefundUncertain

// refundViews are the order's refunds for the after-sale view.
func refundViews(o *order.Order, lang string) []RefundView {
	out := []RefundView{}
	for _, r := range o.Refunds {
		out = append(out, RefundView{ID: r.ID, Amount: int64(r.Amount), AmountText: money.Display(r.Amount, o.Currency, lang),
			Shipping: int64(r.Shipping), Reason: r.Reason, ReturnCode: r.ReturnCode, Status: r.Status,
			ProviderID: r.ProviderID, LastError: r.LastError, CreatedAt: r.CreatedAt})
	}
	return out
}

// refundStrayLater gives back, in the background, a payment the order could
// not count: paid after the order was canceled, or a second paid attempt.
// The store logged it as an anomaly; the refund takes the same safe path as
// every other. Other refund-due effects (the owner's cancel of a paid order,
// refunded by its handler) are not stray and are left alone.
func (s *Sidecar) refundStrayLater(o *order.Order, paymentID string) {
	if o == nil || paymentID == "" || s.bg.Err() != nil {
		return
	}
	if a := o.Attempt(paymentID); a == nil || a.Anomaly == "" || a.Status != payment.StatusPaid {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if _, err := s.uc.refunds.Stray(s.bg, o.ID, paymentID, "system"); err != nil {
			s.Log.Error("refund of a stray payment", "order", o.ID, "payment", paymentID, "err", err)
		}
	}()
}
