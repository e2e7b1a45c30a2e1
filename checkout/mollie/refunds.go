package mollie

import (
	"context"
	"fmt"
	"net/http"
)

// RefundsService holds the calls on /v2/payments/{id}/refunds.
type RefundsService struct{ c *Client }

// Create refunds (part of) a payment. With an idempotency key it is retried
// on 429 and 503 (Mollie did not perform it) with the same key; after a
// timeout, a dropped connection, 502 or 504 it returns an error wrapping
// ErrUncertain: list the refunds before deciding to try again.
func (s *RefundsService) Create(ctx context.Context, paymentID string, req CreatePaymentRefund, idempotencyKey string) (*Refund, error) {
	if !ValidPaymentID(paymentID) {
		return nil, fmt.Errorf("refund payment %q: %w", paymentID, ErrInvalidID)
	}
	r := &Refund{}
	err := s.c.do(ctx, call{method: http.MethodPost, path: "payments/" + paymentID + "/refunds", body: req, idemKey: idempotencyKey, isRefund: true}, r)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// CreatePaymentRefund is Create under the community client's name.
func (s *RefundsService) CreatePaymentRefund(ctx context.Context, paymentID string, req CreatePaymentRefund, idempotencyKey string) (*Refund, error) {
	return s.Create(ctx, paymentID, req, idempotencyKey)
}

// List returns all refunds of a payment, following _links.next.
func (s *RefundsService) List(ctx context.Context, paymentID string) ([]Refund, error) {
	if !ValidPaymentID(paymentID) {
		return nil, fmt.Errorf("list refunds of %q: %w", paymentID, ErrInvalidID)
	}
	var all []Refund
	path := "payments/" + paymentID + "/refunds"
	for pages := 0; path != ""; pages++ {
		if pages >= 100 {
			return nil, fmt.Errorf("list refunds of %s: more than 100 pages", paymentID)
		}
		l := &RefundList{}
		if err := s.c.do(ctx, call{method: http.MethodGet, path: path}, l); err != nil {
			return nil, err
		}
		all = append(all, l.Embedded.Refunds...)
		path = ""
		if l.Links.Next != nil {
			path = l.Links.Next.Href
		}
	}
	return all, nil
}
