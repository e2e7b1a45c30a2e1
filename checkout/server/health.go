package server

import (
	"context"
	"net/http"

	"github.com/storefront/storefront/checkout/payment"
)

// MetricsHandler serves the metrics (cli: on SHOP_METRICS_ADDR).
func (s *Sidecar) MetricsHandler() http.Handler { return s.metrics.Handler() }

// watchedProvider counts provider calls for metrics and readiness, and
// tells the alerting about paid payments.
type watchedProvider struct {
	payment.Provider
	s *Sidecar
}

func (w watchedProvider) note(op string, err error) {
	outcome := w.s.uc.health.ProviderCall(err)
	if w.s.metrics != nil {
		w.s.metrics.ProviderCall(op, outcome)
	}
}

func (w watchedProvider) CreatePayment(ctx context.Context, req payment.CreateRequest) (*payment.Payment, error) {
	p, err := w.Provider.CreatePayment(ctx, req)
	w.note("create_payment", err)
	return p, err
}

func (w watchedProvider) GetPayment(ctx context.Context, id string) (*payment.Payment, error) {
	p, err := w.Provider.GetPayment(ctx, id)
	w.note("get_payment", err)
	if err == nil && p != nil {
		w.s.alerts.NotePaid(p.ID, p.Status)
	}
	return p, err
}

func (w watchedProvider) CancelPayment(ctx context.Context, id string) (*payment.Payment, error) {
	p, err := w.Provider.CancelPayment(ctx, id)
	w.note("cancel_payment", err)
	return p, err
}

func (w watchedProvider) CreateRefund(ctx context.Context, paymentID string, req payment.RefundRequest) (*payment.Refund, error) {
	r, err := w.Provider.CreateRefund(ctx, paymentID, req)
	w.note("create_refund", err)
	return r, err
}

func (w watchedProvider) ListRefunds(ctx context.Context, paymentID string) ([]payment.Refund, error) {
	r, err := w.Provider.ListRefunds(ctx, paymentID)
	w.note("list_refunds", err)
	return r, err
}
