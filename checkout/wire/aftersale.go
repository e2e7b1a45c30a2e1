package wire

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// RefundRequest is the body of POST /api/admin/orders/{id}/refund. Give one
// of: return_code (refund that return by the policy), lines (by item, with
// shipping when "shipping" is true), amount (minor units), or full.
type RefundRequest struct {
	ReturnCode string     `json:"return_code"`
	Lines      []WantLine `json:"lines"`
	Shipping   bool       `json:"shipping"`
	Amount     int64      `json:"amount"`
	Full       bool       `json:"full"`
	Note       string     `json:"note"`
}

// WantLine is a SKU and a number of units.
type WantLine struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

// RefundView is a refund as the API shows it.
type RefundView struct {
	ID         string    `json:"id"`
	Amount     int64     `json:"amount"`
	AmountText string    `json:"amount_text"`
	Shipping   int64     `json:"shipping,omitempty"`
	Reason     string    `json:"reason"`
	ReturnCode string    `json:"return_code,omitempty"`
	Status     string    `json:"status"`
	ProviderID string    `json:"provider_id,omitempty"`
	LastError  string    `json:"last_error,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// AfterSaleView is an order's returns and refunds (GET .../returns).
type AfterSaleView struct {
	Order         string       `json:"order"`
	State         string       `json:"state"`
	Currency      string       `json:"currency"`
	Paid          int64        `json:"paid"`
	Refunded      int64        `json:"refunded"`
	Refundable    int64        `json:"refundable"`
	ReturnOpen    bool         `json:"return_open"`
	ReturnUntil   string       `json:"return_until,omitempty"`
	ReturnClosed  string       `json:"return_closed,omitempty"` // why not, in words
	Returnable    []WantLine   `json:"returnable,omitempty"`
	CanCancel     bool         `json:"can_cancel"`
	Returns       []ReturnView `json:"returns"`
	Refunds       []RefundView `json:"refunds"`
	GiftNote      string       `json:"gift_note,omitempty"`
	ReturnAddress string       `json:"return_address,omitempty"`
	ReturnFree    bool         `json:"return_free"`
	RefundDays    int          `json:"refund_days"`
}

// ReceivedRequest is the body of POST /api/admin/orders/{id}/return-received.
type ReceivedRequest struct {
	Code   string `json:"code"`   // the return code; may be left out when the order has one open return
	Refund bool   `json:"refund"` // refund it by the policy at once
}

// ErrRefundRequest is a refund body that does not say one thing (422).
var ErrRefundRequest = errors.New("refund request")

// Validate refuses a body that is ambiguous or names nothing: exactly one
// of return_code, lines, amount, full; shipping only with lines; every line
// a SKU and at least one unit; an amount above zero. {"amount": 500,
// "full": true} refunded € 5 and {"lines":[{"sku":"X","quantity":0}]}
// answered 200 with nothing refunded before.
func (r RefundRequest) Validate() error {
	var given []string
	if r.ReturnCode != "" {
		given = append(given, "return_code")
	}
	if len(r.Lines) > 0 {
		given = append(given, "lines")
	}
	if r.Amount != 0 {
		given = append(given, "amount")
	}
	if r.Full {
		given = append(given, "full")
	}
	switch {
	case len(given) == 0:
		return fmt.Errorf("%w: say what to refund: one of return_code, lines, amount or full", ErrRefundRequest)
	case len(given) > 1:
		return fmt.Errorf("%w: give one of return_code, lines, amount or full, not %s", ErrRefundRequest, strings.Join(given, " and "))
	case r.Amount < 0:
		return fmt.Errorf("%w: amount must be above zero (minor units: 500 is 5.00)", ErrRefundRequest)
	case r.Shipping && len(r.Lines) == 0:
		return fmt.Errorf("%w: shipping goes with lines only", ErrRefundRequest)
	}
	for i, l := range r.Lines {
		if l.SKU == "" {
			return fmt.Errorf("%w: lines[%d] has no sku", ErrRefundRequest, i)
		}
		if l.Quantity <= 0 {
			return fmt.Errorf("%w: lines[%d] (%s) quantity must be 1 or more, not %d", ErrRefundRequest, i, l.SKU, l.Quantity)
		}
	}
	return nil
}

// ReturnView is one return as the customer and the owner see it.
type ReturnView struct {
	Code        string         `json:"code"`
	State       string         `json:"state"`
	Lines       []WantLineView `json:"lines"`
	Reason      string         `json:"reason,omitempty"`
	Amount      int64          `json:"amount"`
	AmountText  string         `json:"amount_text"`
	RequestedAt time.Time      `json:"requested_at"`
	ReceivedAt  time.Time      `json:"received_at,omitzero"`
	RefundedAt  time.Time      `json:"refunded_at,omitzero"`
}

// WantLineView is a returned line with its name.
type WantLineView struct {
	SKU      string `json:"sku"`
	Title    string `json:"title"`
	Variant  string `json:"variant,omitempty"`
	Quantity int    `json:"quantity"`
}
