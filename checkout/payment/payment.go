// Package payment defines what the checkout needs from a payment provider and
// holds the built-in local provider that behaves like Mollie's test mode.
package payment

import (
	"context"
	"errors"
	"time"

	"github.com/storefront/storefront/checkout/money"
)

// Errors a provider wraps so callers can act on them with errors.Is.
var (
	// ErrNotFound: the provider does not know the payment (or refund) id.
	// A webhook for an unknown id should still be answered with 200.
	ErrNotFound = errors.New("payment not found")
	// ErrUncertain: a call that changes money (create payment or refund)
	// may or may not have been performed (timeout, dropped connection).
	// Do not blindly retry: list the payment's refunds (or get the payment)
	// first and retry only with the same idempotency key.
	ErrUncertain = errors.New("payment call outcome uncertain")
	// ErrFinal: the payment's status is final and cannot change.
	ErrFinal = errors.New("payment status is final")
	// ErrInvalid: the request was refused as invalid (bad amount, refund
	// larger than what remains, a status change the provider does not make,
	// an idempotency key reused with another request). Not worth retrying.
	// A malformed id gives ErrNotFound instead.
	ErrInvalid = errors.New("invalid payment request")
	// ErrNotCancelable: the payment is not final but the provider refuses
	// to cancel it (Mollie: isCancelable false, e.g. iDEAL once started).
	// It can still be paid: never start a second payment beside it.
	ErrNotCancelable = errors.New("payment cannot be canceled")
	// ErrCancelPending: the provider accepted the cancel but the payment
	// changes later (Mollie: 202 for an authorized payment); its webhook
	// brings the final status. Until then it is not final.
	ErrCancelPending = errors.New("payment cancel accepted, not yet done")
)

// ValidID reports whether id looks like a payment id ("tr_" followed by
// one or more ASCII letters and digits, 64 characters at most). Ids from outside (webhooks, URLs)
// must pass this check before they are used in a URL or a lookup. Mollie's
// ids vary in length, so only the prefix and the character set are checked.
func ValidID(id string) bool {
	const prefix = "tr_"
	if len(id) <= len(prefix) || len(id) > 64 || id[:len(prefix)] != prefix {
		return false
	}
	for i := len(prefix); i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

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
	// Recurring flow (see Recurring). Empty SequenceType is a one-off
	// payment. SequenceFirst with CustomerID asks the customer's consent
	// (a mandate); SequenceRecurring with CustomerID charges that mandate
	// in the background, without a RedirectURL.
	CustomerID   string
	SequenceType SequenceType
	MandateID    string // optional with SequenceRecurring: which mandate
}

// SequenceType is Mollie's sequenceType of a payment.
type SequenceType string

const (
	SequenceOneOff    SequenceType = "oneoff"
	SequenceFirst     SequenceType = "first"
	SequenceRecurring SequenceType = "recurring"
)

// Payment is a provider's view of one payment.
type Payment struct {
	ID             string
	Status         Status
	Amount         money.Amount
	Currency       string
	Description    string
	Method         string // ideal, creditcard, ...; empty until chosen
	CheckoutURL    string // where to send the customer; empty once final
	Metadata       map[string]string
	CreatedAt      time.Time
	ExpiresAt      time.Time
	PaidAt         time.Time
	AmountRefunded money.Amount
	CustomerID     string
	SequenceType   SequenceType
	MandateID      string
}

// Customer is a provider's customer, to whom mandates belong.
type Customer struct {
	ID    string
	Name  string
	Email string
}

// Mandate statuses (Mollie's names).
const (
	MandateValid   = "valid"
	MandatePending = "pending"
	MandateInvalid = "invalid"
)

// Mandate is a customer's consent to be charged in the background.
type Mandate struct {
	ID         string
	CustomerID string
	Status     string // valid, pending, invalid (revoked or failed)
	Method     string // creditcard, directdebit, ...
	CreatedAt  time.Time
}

// Recurring is what a provider adds for standing orders: customers and
// their mandates. Payments of the recurring flow go through
// Provider.CreatePayment with CustomerID and SequenceType set.
type Recurring interface {
	CreateCustomer(ctx context.Context, name, email, idempotencyKey string) (*Customer, error)
	ListMandates(ctx context.Context, customerID string) ([]Mandate, error)
	RevokeMandate(ctx context.Context, customerID, mandateID string) error
}

// ValidMandate returns the newest valid mandate of ms, if any.
func ValidMandate(ms []Mandate) (Mandate, bool) {
	var best Mandate
	ok := false
	for _, m := range ms {
		if m.Status == MandateValid && (!ok || m.CreatedAt.After(best.CreatedAt)) {
			best, ok = m, true
		}
	}
	return best, ok
}

// ErrNoMandate: a recurring payment was asked for a customer without a
// valid mandate (never given, or revoked). Ask for a first payment again.
var ErrNoMandate = errors.New("no valid mandate")

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
