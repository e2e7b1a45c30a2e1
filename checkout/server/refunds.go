package server

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/returns"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
)

// The refund use cases are usecase.Refunds (refundsHTTP.uc): refunds that
// never go twice (see the top of checkout/usecase/refunds.go). Here are
// their HTTP surfaces (the admin API) and the one mapper of the owner's
// errors.

// refundsHTTP is the admin API of refunds and returns received.
type refundsHTTP struct {
	*web.Web
	uc            usecase.Refunds
	admin         *adminAPI // the order of the request, or its 404
	afterSaleView func(o *order.Order, lang string) AfterSaleView
}

// errRefundUncertain says a refund may or may not have reached the provider.
var errRefundUncertain = usecase.ErrRefundUncertain

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
	case errors.Is(err, web.ErrCancelRefund):
		return http.StatusBadGateway, msg + "; run cancel again to retry the refund"
	case errors.Is(err, web.ErrBadTrackingLink), errors.Is(err, web.ErrNoTrackingTemplate):
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

func (h *refundsHTTP) adminRefund(c *gin.Context) {
	var req RefundRequest
	if !web.DecodeJSON(c, &req) {
		return
	}
	if err := req.Validate(); err != nil {
		web.Fail(c, http.StatusUnprocessableEntity, err.Error())
		return
	}
	if _, found := h.admin.adminOrder(c); !found {
		return
	}
	o, _, err := h.uc.Owner(c.Request.Context(), c.Param("id"), req, web.Actor(c))
	if err != nil && (o == nil || !errors.Is(err, errRefundUncertain)) {
		st, msg := ownerError(err)
		web.Fail(c, st, msg)
		return
	}
	status := http.StatusOK
	if err != nil {
		status = http.StatusAccepted
	}
	web.OK(c, status, h.afterSaleView(o, "en"))
}

func (h *refundsHTTP) adminReturnReceived(c *gin.Context) {
	var req ReceivedRequest
	if c.Request.ContentLength != 0 && !web.DecodeJSON(c, &req) {
		return
	}
	if _, found := h.admin.adminOrder(c); !found {
		return
	}
	o, err := h.uc.ReceiveReturn(c.Request.Context(), c.Param("id"), req.Code, req.Refund, web.Actor(c))
	if err != nil && (o == nil || !errors.Is(err, errRefundUncertain)) {
		st, msg := ownerError(err)
		web.Fail(c, st, msg)
		return
	}
	web.OK(c, http.StatusOK, h.afterSaleView(o, "en"))
}

func (h *refundsHTTP) adminAfterSale(c *gin.Context) {
	if o, found := h.admin.adminOrder(c); found {
		web.OK(c, http.StatusOK, h.afterSaleView(o, "en"))
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
			s.Log.Error("refund of a stray payment", "order", o.ID, "payment", paymentID, "err", err)
		}
	}()
}
