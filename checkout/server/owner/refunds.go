package owner

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/returns"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
	"github.com/storefront/storefront/checkout/wire"
)

// The refund use cases are usecase.Refunds (Refunds.UC): refunds that
// never go twice (see the top of checkout/usecase/refunds.go). Here are
// their HTTP surfaces (the admin API) and the one mapper of the owner's
// errors.

// Refunds is the admin API of refunds and returns received.
type Refunds struct {
	*web.Web
	UC            usecase.Refunds
	Admin         *API // the order of the request, or its 404
	AfterSaleView func(o *order.Order, lang string) wire.AfterSaleView
}

// ownerError is the owner's surfaces' one mapper (admin API, the owner's
// page) from an owner use case's domain error (usecase.Orders, usecase.Refunds) to a
// status and a message. A transition that does not apply is said by each
// surface with the order's state (api.go, pages.go).
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
	case errors.Is(err, order.ErrTransition), errors.Is(err, order.ErrNothingToShip):
		return http.StatusConflict, msg
	case errors.Is(err, usecase.ErrRefundUncertain):
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

func (h *Refunds) AdminRefund(c *gin.Context) {
	var req wire.RefundRequest
	if !web.DecodeJSON(c, &req) {
		return
	}
	if err := req.Validate(); err != nil {
		web.Fail(c, http.StatusUnprocessableEntity, err.Error())
		return
	}
	if _, found := h.Admin.adminOrder(c); !found {
		return
	}
	o, _, err := h.UC.Owner(c.Request.Context(), c.Param("id"), req, web.Actor(c))
	if err != nil && (o == nil || !errors.Is(err, usecase.ErrRefundUncertain)) {
		st, msg := ownerError(err)
		web.Fail(c, st, msg)
		return
	}
	status := http.StatusOK
	if err != nil {
		status = http.StatusAccepted
	}
	web.OK(c, status, h.AfterSaleView(o, "en"))
}

func (h *Refunds) AdminReturnReceived(c *gin.Context) {
	var req wire.ReceivedRequest
	if c.Request.ContentLength != 0 && !web.DecodeJSON(c, &req) {
		return
	}
	if _, found := h.Admin.adminOrder(c); !found {
		return
	}
	o, err := h.UC.ReceiveReturn(c.Request.Context(), c.Param("id"), req.Code, req.Refund, web.Actor(c))
	if err != nil && (o == nil || !errors.Is(err, usecase.ErrRefundUncertain)) {
		st, msg := ownerError(err)
		web.Fail(c, st, msg)
		return
	}
	web.OK(c, http.StatusOK, h.AfterSaleView(o, "en"))
}

func (h *Refunds) AdminAfterSale(c *gin.Context) {
	if o, found := h.Admin.adminOrder(c); found {
		web.OK(c, http.StatusOK, h.AfterSaleView(o, "en"))
	}
}
