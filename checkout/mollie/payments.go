package mollie

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// PaymentsService holds the calls on /v2/payments.
type PaymentsService struct{ c *Client }

// Create creates a payment. idempotencyKey (a UUID per logical payment,
// may be empty) is sent on every attempt, so retries never make a second
// payment; without a key the call is not retried.
func (s *PaymentsService) Create(ctx context.Context, req CreatePayment, idempotencyKey string) (*Payment, error) {
	p := &Payment{}
	err := s.c.do(ctx, call{method: http.MethodPost, path: "payments", body: req, idemKey: idempotencyKey}, p)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Get fetches a payment.
func (s *PaymentsService) Get(ctx context.Context, id string) (*Payment, error) {
	if !ValidPaymentID(id) {
		return nil, fmt.Errorf("get payment %q: %w", id, ErrInvalidID)
	}
	p := &Payment{}
	if err := s.c.do(ctx, call{method: http.MethodGet, path: "payments/" + id}, p); err != nil {
		return nil, err
	}
	return p, nil
}

// ErrCancelAccepted is returned by Cancel when Mollie accepted the cancel
// of an authorized payment (202, no body): the payment is canceled later
// and the webhook tells (https://docs.mollie.com/reference/cancel-payment).
var ErrCancelAccepted = errors.New("mollie: cancel accepted, the payment changes later")

// Cancel cancels a payment (DELETE), allowed while its isCancelable is true.
// An open payment comes back canceled; for an authorized one Mollie answers
// 202 without a body and Cancel returns ErrCancelAccepted.
func (s *PaymentsService) Cancel(ctx context.Context, id string) (*Payment, error) {
	if !ValidPaymentID(id) {
		return nil, fmt.Errorf("cancel payment %q: %w", id, ErrInvalidID)
	}
	p := &Payment{}
	if err := s.c.do(ctx, call{method: http.MethodDelete, path: "payments/" + id}, p); err != nil {
		var ea *EmptyAnswerError
		if errors.As(err, &ea) && ea.Status == http.StatusAccepted {
			return nil, fmt.Errorf("cancel payment %s: %w", id, ErrCancelAccepted)
		}
		return nil, err
	}
	return p, nil
}

// List returns one page of payments, newest first. Follow the page's
// Links.Next with ListNext.
func (s *PaymentsService) List(ctx context.Context, opts *ListPaymentsOptions) (*PaymentList, error) {
	q := url.Values{}
	if opts != nil {
		if opts.From != "" {
			if !ValidPaymentID(opts.From) {
				return nil, fmt.Errorf("list payments from %q: %w", opts.From, ErrInvalidID)
			}
			q.Set("from", opts.From)
		}
		if opts.Limit > 0 {
			q.Set("limit", strconv.Itoa(opts.Limit))
		}
	}
	path := "payments"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	l := &PaymentList{}
	if err := s.c.do(ctx, call{method: http.MethodGet, path: path}, l); err != nil {
		return nil, err
	}
	return l, nil
}

// ErrNoNextPage is returned by ListNext on the last page.
var ErrNoNextPage = errors.New("mollie: no next page")

// ListNext returns the page after page (its _links.next), or ErrNoNextPage.
// The link must point at the client's BaseURL host.
func (s *PaymentsService) ListNext(ctx context.Context, page *PaymentList) (*PaymentList, error) {
	if page == nil || page.Links.Next == nil || page.Links.Next.Href == "" {
		return nil, ErrNoNextPage
	}
	l := &PaymentList{}
	if err := s.c.do(ctx, call{method: http.MethodGet, path: page.Links.Next.Href}, l); err != nil {
		return nil, err
	}
	return l, nil
}
