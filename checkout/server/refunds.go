package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/returns"
	"github.com/storefront/storefront/checkout/usecase"
)

// The refund use cases are usecase.Refunds (s.uc.refunds): refunds that
// never go twice (see the top of checkout/usecase/refunds.go). Here are
// their HTTP surfaces (the admin API) and the one mapper of the owner's
// errors.

// lockOrder serialises refund work per order.
func (s *Sidecar) lockOrder(id string) func() { return s.orderLocks.lock(id) }

// errRefundUncertain says a refund may or may not have reached the provider.
var errRefundUncertain = usecase.ErrRefundUncertain

// policy is the return policy in force.
func (s *Sidecar) policy() returns.Policy { return returns.PolicyFrom(s.catalog.Current().Returns) }

// syncRefunds asks the provider about an order's open refunds now (the
// owner's "check now", the reconciler).
func (s *Sidecar) syncRefunds(ctx context.Context, orderID, by string) error {
	return s.uc.refunds.Sync(ctx, orderID, by)
}

// reconcileRefunds is the reconciler's pass over every order with a
// refund whose status may still change.
func (s *Sidecar) reconcileRefunds(ctx context.Context) int { return s.uc.refunds.Reconcile(ctx) }

// Admin API.

func refundViews(o *order.Order, lang string) []RefundView {
	out := []RefundView{}
	for _, r := range o.Refunds {
		out = append(out, RefundView{ID: r.ID, Amount: int64(r.Amount), AmountText: money.Display(r.Amount, o.Currency, lang),
			Shipping: int64(r.Shipping), Reason: r.Reason, ReturnCode: r.ReturnCode, Status: r.Status,
			ProviderID: r.ProviderID, LastError: r.LastError, CreatedAt: r.CreatedAt})
	}
	return out
}

// ownerError is the owner's surfaces' one mapper (admin API, the owner's
// page) from an owner use case's domain error (owneractions.go) to a
// status and a message. A transition that does not apply is said by each
// surface with the order's state (admin.go, adminpage.go).
func ownerError(err error) (int, string) {
	var msg = err.Error()
	switch {
	case errors.Is(err, ErrCancelRefund):
		return http.StatusBadGateway, msg + "; run cancel again to retry the refund"
	case errors.Is(err, ErrBadTrackingLink), errors.Is(err, ErrNoTrackingTemplate):
		return http.StatusUnprocessableEntity, msg
	case errors.Is(err, order.ErrOverRefund):
		return http.StatusUnprocessableEntity, msg
	case errors.Is(err, order.ErrNoReturn), errors.Is(err, returns.ErrNothing), errors.Is(err, returns.ErrQuantity),
		errors.Is(err, returns.ErrUnknownItem):
		return http.StatusUnprocessableEntity, msg
	case errors.Is(err, order.ErrTransition):
		return http.StatusConflict, msg
	case errors.Is(err, errRefundUncertain):
		return http.StatusAccepted, msg
	case errors.Is(err, payment.ErrInvalid):
		// Refused by the provider (Mollie refuses e.g. a second refund of the
		// same amount within an hour); nothing moved.
		return http.StatusUnprocessableEntity, msg
	case errors.Is(err, usecase.ErrNotFound):
		return http.StatusNotFound, msg
	case errors.Is(err, usecase.ErrGiftCardsIssued):
		return http.StatusConflict, msg
	case errors.Is(err, usecase.ErrConflict): // e.g. restocking a return not received yet
		return http.StatusConflict, msg
	}
	return http.StatusBadGateway, msg
}

func (s *Sidecar) adminRefund(c *gin.Context) {
	var req RefundRequest
	if !decodeJSON(c, &req) {
		return
	}
	if err := req.Validate(); err != nil {
		fail(c, http.StatusUnprocessableEntity, err.Error())
		return
	}
	if _, found := s.adminOrder(c); !found {
		return
	}
	o, _, err := s.uc.refunds.Owner(c.Request.Context(), c.Param("id"), req, actor(c))
	if err != nil && (o == nil || !errors.Is(err, errRefundUncertain)) {
		st, msg := ownerError(err)
		fail(c, st, msg)
		return
	}
	status := http.StatusOK
	if err != nil {
		status = http.StatusAccepted
	}
	ok(c, status, s.returns.afterSaleView(o, "en"))
}

func (s *Sidecar) adminReturnReceived(c *gin.Context) {
	var req ReceivedRequest
	if c.Request.ContentLength != 0 && !decodeJSON(c, &req) {
		return
	}
	if _, found := s.adminOrder(c); !found {
		return
	}
	o, err := s.uc.refunds.ReceiveReturn(c.Request.Context(), c.Param("id"), req.Code, req.Refund, actor(c))
	if err != nil && (o == nil || !errors.Is(err, errRefundUncertain)) {
		st, msg := ownerError(err)
		fail(c, st, msg)
		return
	}
	ok(c, http.StatusOK, s.returns.afterSaleView(o, "en"))
}

func (s *Sidecar) adminAfterSale(c *gin.Context) {
	if o, found := s.adminOrder(c); found {
		ok(c, http.StatusOK, s.returns.afterSaleView(o, "en"))
	}
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
			s.log.Error("refund of a stray payment", "order", o.ID, "payment", paymentID, "err", err)
		}
	}()
}
