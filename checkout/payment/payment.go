// Package payment defines what the checkout needs from a payment provider and
// holds the built-in local provider that behaves like Mollie's test mode.
package payment

import (
	"context"
	"time"

	"github.com/storefront/storefront/checkout/money"
)

// Status is a payment status with Mollie's names.
type Status string

const (
	StatusOpen       Status = "open"
	StatusPending    Status = "pending"
	StatusAuthorized Status = "authorized"
	StatusPaid       Status = "paid"
	StatusCanceled   Status = "canceled"
	StatusExpired    Status = "expired"
	StatusFailed     Status = "failed"
)

// Final reports whether the status can never change again.
func (s Status) Final() bool {
	switch s {
	case StatusPaid, StatusCanceled, StatusExpired, StatusFailed:
		return true
	}
	return false
}

// CreateRequest is what the checkout asks a provider to create.
type CreateRequest struct {
	Amount         money.Amount
	Currency       string
	Description    string
	RedirectURL    string
	WebhookURL     string // empty when the provider cannot reach us (e.g. localhost)
	Locale         string // nl_NL, en_US
	Metadata       map[string]string
	IdempotencyKey string // same key, same payment
}

// Payment is a provider's view of one payment.
type Payment struct {
	ID             string
	Status         Status
	Amount         money.Amount
	Currency       string
	CheckoutURL    string // where to send the customer; empty once final
	Metadata       map[string]string
	CreatedAt      time.Time
	ExpiresAt      time.Time
	PaidAt         time.Time
	AmountRefunded money.Amount
}

// Refund is a provider's view of one refund.
type Refund struct {
	ID        string
	PaymentID string
	Amount    money.Amount
	Currency  string
	Status    string // queued, pending, processing, refunded, failed, canceled
	Metadata  map[string]string
	CreatedAt time.Time
}

// RefundRequest asks for (part of) a payment back.
type RefundRequest struct {
	Amount         money.Amount
	Currency       string
	Description    string
	Metadata       map[string]string
	IdempotencyKey string
}

// Provider is a payment service provider: Mollie, or the built-in local one.
type Provider interface {
	Name() string
	CreatePayment(ctx context.Context, req CreateRequest) (*Payment, error)
	GetPayment(ctx context.Context, id string) (*Payment, error)
	CancelPayment(ctx context.Context, id string) (*Payment, error)
	CreateRefund(ctx context.Context, paymentID string, req RefundRequest) (*Refund, error)
	ListRefunds(ctx context.Context, paymentID string) ([]Refund, error)
}
