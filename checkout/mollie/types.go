package mollie

import (
	"fmt"
	"strings"
	"time"
)

// Amount is Mollie's money form: a currency code and a decimal string with
// exactly the currency's number of decimals ("10.00", JPY "1000").
type Amount struct {
	Currency string `json:"currency"`
	Value    string `json:"value"`
}

// URL is a HAL link.
type URL struct {
	Href string `json:"href,omitempty"`
	Type string `json:"type,omitempty"`
}

// PaymentLinks are a payment's _links. Checkout is set while the customer
// can still pay; the others appear when they apply.
type PaymentLinks struct {
	Self               *URL `json:"self,omitempty"`
	Checkout           *URL `json:"checkout,omitempty"`
	ChangePaymentState *URL `json:"changePaymentState,omitempty"` // test mode only
	Dashboard          *URL `json:"dashboard,omitempty"`
	Refunds            *URL `json:"refunds,omitempty"`
	Chargebacks        *URL `json:"chargebacks,omitempty"`
	Captures           *URL `json:"captures,omitempty"`
	Settlement         *URL `json:"settlement,omitempty"`
	Documentation      *URL `json:"documentation,omitempty"`
}

// Payment statuses (Mollie's names).
const (
	StatusOpen       = "open"
	StatusPending    = "pending"
	StatusAuthorized = "authorized"
	StatusPaid       = "paid"
	StatusCanceled   = "canceled"
	StatusExpired    = "expired"
	StatusFailed     = "failed"
)

// Payment is a Mollie payment as GET /v2/payments/{id} returns it. Fields
// Mollie omits until they apply are pointers.
type Payment struct {
	Resource                        string         `json:"resource,omitempty"`
	ID                              string         `json:"id"`
	Mode                            string         `json:"mode,omitempty"` // test | live
	CreatedAt                       *time.Time     `json:"createdAt,omitempty"`
	Status                          string         `json:"status"`
	IsCancelable                    bool           `json:"isCancelable"`
	AuthorizedAt                    *time.Time     `json:"authorizedAt,omitempty"`
	PaidAt                          *time.Time     `json:"paidAt,omitempty"`
	CanceledAt                      *time.Time     `json:"canceledAt,omitempty"`
	ExpiresAt                       *time.Time     `json:"expiresAt,omitempty"`
	ExpiredAt                       *time.Time     `json:"expiredAt,omitempty"`
	FailedAt                        *time.Time     `json:"failedAt,omitempty"`
	Amount                          *Amount        `json:"amount"`
	AmountRefunded                  *Amount        `json:"amountRefunded,omitempty"`
	AmountRemaining                 *Amount        `json:"amountRemaining,omitempty"`
	AmountCaptured                  *Amount        `json:"amountCaptured,omitempty"`
	AmountChargedBack               *Amount        `json:"amountChargedBack,omitempty"`
	SettlementAmount                *Amount        `json:"settlementAmount,omitempty"`
	Description                     string         `json:"description"`
	RedirectURL                     string         `json:"redirectUrl,omitempty"`
	CancelURL                       string         `json:"cancelUrl,omitempty"`
	WebhookURL                      string         `json:"webhookUrl,omitempty"`
	Locale                          string         `json:"locale,omitempty"`
	CountryCode                     string         `json:"countryCode,omitempty"`
	Method                          string         `json:"method,omitempty"` // null until chosen
	RestrictPaymentMethodsToCountry string         `json:"restrictPaymentMethodsToCountry,omitempty"`
	Metadata                        any            `json:"metadata,omitempty"`
	ProfileID                       string         `json:"profileId,omitempty"`
	SettlementID                    string         `json:"settlementId,omitempty"`
	SequenceType                    string         `json:"sequenceType,omitempty"`
	CustomerID                      string         `json:"customerId,omitempty"`
	MandateID                       string         `json:"mandateId,omitempty"`
	Details                         map[string]any `json:"details,omitempty"`
	Links                           PaymentLinks   `json:"_links"`
}

// CreatePayment is the body of POST /v2/payments.
type CreatePayment struct {
	Amount                          Amount `json:"amount"`
	Description                     string `json:"description"`
	RedirectURL                     string `json:"redirectUrl,omitempty"`
	CancelURL                       string `json:"cancelUrl,omitempty"`
	WebhookURL                      string `json:"webhookUrl,omitempty"`
	Locale                          string `json:"locale,omitempty"`
	Method                          any    `json:"method,omitempty"` // a string or a list of strings
	RestrictPaymentMethodsToCountry string `json:"restrictPaymentMethodsToCountry,omitempty"`
	Metadata                        any    `json:"metadata,omitempty"`
	// Recurring flow (https://docs.mollie.com/docs/recurring-payments):
	// sequenceType "first" with customerId asks for a mandate; "recurring"
	// with customerId (and optionally mandateId) charges it in the
	// background, without redirectUrl.
	SequenceType string `json:"sequenceType,omitempty"`
	CustomerID   string `json:"customerId,omitempty"`
	MandateID    string `json:"mandateId,omitempty"`
}

// ListLinks are the paging links of a list answer.
type ListLinks struct {
	Self          *URL `json:"self,omitempty"`
	Previous      *URL `json:"previous,omitempty"`
	Next          *URL `json:"next,omitempty"`
	Documentation *URL `json:"documentation,omitempty"`
}

// PaymentList is one page of GET /v2/payments.
type PaymentList struct {
	Count    int `json:"count"`
	Embedded struct {
		Payments []Payment `json:"payments"`
	} `json:"_embedded"`
	Links ListLinks `json:"_links"`
}

// ListPaymentsOptions are the query parameters of GET /v2/payments.
type ListPaymentsOptions struct {
	From  string // payment id to start from (inclusive)
	Limit int    // 1..250; 0 leaves Mollie's default
}

// Refund is a Mollie refund.
type Refund struct {
	Resource         string      `json:"resource,omitempty"`
	ID               string      `json:"id"`
	Amount           *Amount     `json:"amount"`
	SettlementAmount *Amount     `json:"settlementAmount,omitempty"`
	Description      string      `json:"description,omitempty"`
	Metadata         any         `json:"metadata,omitempty"`
	Status           string      `json:"status"` // queued, pending, processing, refunded, failed, canceled
	PaymentID        string      `json:"paymentId"`
	CreatedAt        *time.Time  `json:"createdAt,omitempty"`
	Links            RefundLinks `json:"_links"`
}

// RefundLinks are a refund's _links.
type RefundLinks struct {
	Self          *URL `json:"self,omitempty"`
	Payment       *URL `json:"payment,omitempty"`
	Settlement    *URL `json:"settlement,omitempty"`
	Documentation *URL `json:"documentation,omitempty"`
}

// CreatePaymentRefund is the body of POST /v2/payments/{id}/refunds.
type CreatePaymentRefund struct {
	Amount      Amount `json:"amount"`
	Description string `json:"description,omitempty"` // max 140 characters
	Metadata    any    `json:"metadata,omitempty"`
}

// RefundList is one page of GET /v2/payments/{id}/refunds.
type RefundList struct {
	Count    int `json:"count"`
	Embedded struct {
		Refunds []Refund `json:"refunds"`
	} `json:"_embedded"`
	Links ListLinks `json:"_links"`
}

// ErrorLinks are the _links of an error body.
type ErrorLinks struct {
	Documentation *URL `json:"documentation,omitempty"`
}

// BaseError is Mollie's HAL error body, also made up for errors whose body
// is not JSON (then Title is the HTTP status text and Detail the body's
// start).
type BaseError struct {
	Status int        `json:"status"`
	Title  string     `json:"title"`
	Detail string     `json:"detail"`
	Field  string     `json:"field,omitempty"`
	Links  ErrorLinks `json:"_links"`
}

func (e *BaseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mollie: %d %s", e.Status, e.Title)
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, " (field %s)", e.Field)
	}
	return b.String()
}
