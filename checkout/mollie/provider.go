package mollie

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/storefront/storefront/checkout/payment"
)

// Provider adapts a Client to payment.Provider. Its errors wrap
// payment.ErrNotFound (404), payment.ErrInvalid (other 4xx and bad ids) and
// payment.ErrUncertain (see ErrUncertain), besides the client's own error.
type Provider struct{ c *Client }

// NewProvider returns the Mollie payment.Provider backed by c.
func NewProvider(c *Client) *Provider { return &Provider{c: c} }

var _ payment.Provider = (*Provider)(nil)

// Name is "mollie".
func (p *Provider) Name() string { return "mollie" }

// Client returns the underlying API client.
func (p *Provider) Client() *Client { return p.c }

// CreatePayment creates a Mollie payment with req.IdempotencyKey.
func (p *Provider) CreatePayment(ctx context.Context, req payment.CreateRequest) (*payment.Payment, error) {
	if req.Amount <= 0 {
		return nil, fmt.Errorf("create payment: amount %d: %w", req.Amount, payment.ErrInvalid)
	}
	body := CreatePayment{
		Amount:      formatAmount(req.Amount, req.Currency),
		Description: truncate(req.Description, 255),
		RedirectURL: req.RedirectURL,
		WebhookURL:  req.WebhookURL,
		Locale:      req.Locale,
	}
	if req.SequenceType != "" && req.SequenceType != payment.SequenceOneOff {
		if !ValidCustomerID(req.CustomerID) {
			return nil, fmt.Errorf("create %s payment: customer id %q: %w", req.SequenceType, req.CustomerID, payment.ErrInvalid)
		}
		body.SequenceType = string(req.SequenceType)
		body.CustomerID = req.CustomerID
		body.MandateID = req.MandateID
	}
	if req.SequenceType == payment.SequenceRecurring {
		body.RedirectURL = "" // Mollie charges in the background
	}
	if len(req.Metadata) > 0 {
		body.Metadata = req.Metadata
	}
	mp, err := p.c.Payments.Create(ctx, body, req.IdempotencyKey)
	var be *BaseError
	if err != nil && req.SequenceType == payment.SequenceRecurring && errors.As(err, &be) &&
		be.Status == http.StatusUnprocessableEntity && strings.Contains(strings.ToLower(be.Detail), "mandate") {
		return nil, fmt.Errorf("mollie create recurring payment: %w: %w", payment.ErrNoMandate, err)
	}
	if err != nil {
		return nil, providerErr("create payment", err)
	}
	return toPayment(mp)
}

// GetPayment fetches a payment.
func (p *Provider) GetPayment(ctx context.Context, id string) (*payment.Payment, error) {
	mp, err := p.c.Payments.Get(ctx, id)
	if err != nil {
		return nil, providerErr("get payment", err)
	}
	return toPayment(mp)
}

// CancelPayment cancels a payment that is still cancelable. When Mollie
// refuses because the payment is already final, the error wraps
// payment.ErrFinal, as the local provider's does.
func (p *Provider) CancelPayment(ctx context.Context, id string) (*payment.Payment, error) {
	mp, err := p.c.Payments.Cancel(ctx, id)
	if err == nil {
		return toPayment(mp)
	}
	if errors.Is(err, ErrCancelAccepted) {
		return nil, fmt.Errorf("mollie cancel payment: %w: %w", payment.ErrCancelPending, err)
	}
	var be *BaseError
	if errors.As(err, &be) && be.Status == http.StatusUnprocessableEntity {
		cur, gerr := p.c.Payments.Get(ctx, id)
		switch {
		case gerr == nil && payment.Status(cur.Status).Final():
			return nil, fmt.Errorf("mollie cancel payment: payment is %s: %w: %w", cur.Status, payment.ErrFinal, err)
		case gerr == nil && !cur.IsCancelable:
			return nil, fmt.Errorf("mollie cancel payment: payment is %s and not cancelable: %w: %w", cur.Status, payment.ErrNotCancelable, err)
		}
	}
	return nil, providerErr("cancel payment", err)
}

// CreateRefund refunds (part of) a paid payment.
func (p *Provider) CreateRefund(ctx context.Context, paymentID string, req payment.RefundRequest) (*payment.Refund, error) {
	if req.Amount <= 0 {
		return nil, fmt.Errorf("create refund: amount %d: %w", req.Amount, payment.ErrInvalid)
	}
	body := CreatePaymentRefund{
		Amount:      formatAmount(req.Amount, req.Currency),
		Description: truncate(req.Description, 140),
	}
	if len(req.Metadata) > 0 {
		body.Metadata = req.Metadata
	}
	r, err := p.c.Refunds.Create(ctx, paymentID, body, req.IdempotencyKey)
	if err != nil {
		return nil, providerErr("create refund", err)
	}
	return toRefund(r)
}

// ListRefunds lists all refunds of a payment.
func (p *Provider) ListRefunds(ctx context.Context, paymentID string) ([]payment.Refund, error) {
	rs, err := p.c.Refunds.List(ctx, paymentID)
	if err != nil {
		return nil, providerErr("list refunds", err)
	}
	out := make([]payment.Refund, 0, len(rs))
	for i := range rs {
		r, err := toRefund(&rs[i])
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, nil
}

var _ payment.Recurring = (*Provider)(nil)

// CreateCustomer creates a Mollie customer for a standing order.
func (p *Provider) CreateCustomer(ctx context.Context, name, email, idempotencyKey string) (*payment.Customer, error) {
	cu, err := p.c.Customers.Create(ctx, CreateCustomer{Name: truncate(name, 255), Email: email}, idempotencyKey)
	if err != nil {
		return nil, providerErr("create customer", err)
	}
	return &payment.Customer{ID: cu.ID, Name: cu.Name, Email: cu.Email}, nil
}

// ListMandates lists a customer's mandates.
func (p *Provider) ListMandates(ctx context.Context, customerID string) ([]payment.Mandate, error) {
	ms, err := p.c.Mandates.List(ctx, customerID)
	if err != nil {
		return nil, providerErr("list mandates", err)
	}
	out := make([]payment.Mandate, 0, len(ms))
	for _, m := range ms {
		out = append(out, payment.Mandate{ID: m.ID, CustomerID: customerID, Status: m.Status, Method: m.Method, CreatedAt: timeOf(m.CreatedAt)})
	}
	return out, nil
}

// RevokeMandate revokes a mandate.
func (p *Provider) RevokeMandate(ctx context.Context, customerID, mandateID string) error {
	if err := p.c.Mandates.Revoke(ctx, customerID, mandateID); err != nil {
		return providerErr("revoke mandate", err)
	}
	return nil
}

// providerErr adds the payment package's sentinels to a client error.
func providerErr(op string, err error) error {
	var be *BaseError
	switch {
	case errors.Is(err, ErrUncertain):
		return fmt.Errorf("mollie %s: %w: %w", op, payment.ErrUncertain, err)
	case errors.Is(err, ErrInvalidID):
		return fmt.Errorf("mollie %s: %w: %w", op, payment.ErrNotFound, err)
	case errors.As(err, &be) && be.Status == http.StatusNotFound:
		return fmt.Errorf("mollie %s: %w: %w", op, payment.ErrNotFound, err)
	case errors.As(err, &be) && be.Status >= 400 && be.Status < 500 && be.Status != http.StatusTooManyRequests && be.Status != http.StatusUnauthorized:
		return fmt.Errorf("mollie %s: %w: %w", op, payment.ErrInvalid, err)
	}
	return fmt.Errorf("mollie %s: %w", op, err)
}

func toPayment(mp *Payment) (*payment.Payment, error) {
	amount, currency, err := parseAmount(mp.Amount)
	if err != nil {
		return nil, fmt.Errorf("payment %s: %w", mp.ID, err)
	}
	refunded, _, err := parseAmount(mp.AmountRefunded)
	if err != nil {
		return nil, fmt.Errorf("payment %s refunded: %w", mp.ID, err)
	}
	out := &payment.Payment{
		ID:             mp.ID,
		Status:         payment.Status(mp.Status),
		Amount:         amount,
		Currency:       currency,
		Description:    mp.Description,
		Method:         mp.Method,
		Metadata:       stringMap(mp.Metadata),
		CreatedAt:      timeOf(mp.CreatedAt),
		ExpiresAt:      timeOf(mp.ExpiresAt),
		PaidAt:         timeOf(mp.PaidAt),
		AmountRefunded: refunded,
		CustomerID:     mp.CustomerID,
		SequenceType:   payment.SequenceType(mp.SequenceType),
		MandateID:      mp.MandateID,
	}
	if mp.Links.Checkout != nil && !out.Status.Final() {
		out.CheckoutURL = mp.Links.Checkout.Href
	}
	return out, nil
}

func toRefund(r *Refund) (*payment.Refund, error) {
	amount, currency, err := parseAmount(r.Amount)
	if err != nil {
		return nil, fmt.Errorf("refund %s: %w", r.ID, err)
	}
	return &payment.Refund{
		ID:        r.ID,
		PaymentID: r.PaymentID,
		Amount:    amount,
		Currency:  currency,
		Status:    r.Status,
		Metadata:  stringMap(r.Metadata),
		CreatedAt: timeOf(r.CreatedAt),
	}, nil
}

// stringMap keeps the string values of decoded JSON metadata.
func stringMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		if sm, ok := v.(map[string]string); ok {
			return sm
		}
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		if s, ok := x.(string); ok {
			out[k] = s
		}
	}
	return out
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
