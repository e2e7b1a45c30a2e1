package mollie

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Customer is a Mollie customer, to whom mandates and recurring payments
// belong (https://docs.mollie.com/reference/create-customer,
// https://docs.mollie.com/reference/get-customer).
type Customer struct {
	Resource  string        `json:"resource,omitempty"`
	ID        string        `json:"id"`
	Mode      string        `json:"mode,omitempty"`
	Name      string        `json:"name,omitempty"`
	Email     string        `json:"email,omitempty"`
	Locale    string        `json:"locale,omitempty"`
	Metadata  any           `json:"metadata,omitempty"`
	CreatedAt *time.Time    `json:"createdAt,omitempty"`
	Links     CustomerLinks `json:"_links"`
}

// CustomerLinks are a customer's _links.
type CustomerLinks struct {
	Self          *URL `json:"self,omitempty"`
	Dashboard     *URL `json:"dashboard,omitempty"`
	Mandates      *URL `json:"mandates,omitempty"`
	Payments      *URL `json:"payments,omitempty"`
	Documentation *URL `json:"documentation,omitempty"`
}

// CreateCustomer is the body of POST /v2/customers
// (https://docs.mollie.com/reference/create-customer). All fields are
// optional.
type CreateCustomer struct {
	Name     string `json:"name,omitempty"`
	Email    string `json:"email,omitempty"`
	Locale   string `json:"locale,omitempty"`
	Metadata any    `json:"metadata,omitempty"`
}

// CustomersService holds the calls on /v2/customers.
type CustomersService struct{ c *Client }

// Create creates a customer. With an idempotency key retries never make a
// second customer.
func (s *CustomersService) Create(ctx context.Context, req CreateCustomer, idempotencyKey string) (*Customer, error) {
	cu := &Customer{}
	if err := s.c.do(ctx, call{method: http.MethodPost, path: "customers", body: req, idemKey: idempotencyKey}, cu); err != nil {
		return nil, err
	}
	return cu, nil
}

// Get fetches a customer.
func (s *CustomersService) Get(ctx context.Context, id string) (*Customer, error) {
	if !ValidCustomerID(id) {
		return nil, fmt.Errorf("get customer %q: %w", id, ErrInvalidID)
	}
	cu := &Customer{}
	if err := s.c.do(ctx, call{method: http.MethodGet, path: "customers/" + id}, cu); err != nil {
		return nil, err
	}
	return cu, nil
}

// Mandate statuses (https://docs.mollie.com/reference/get-mandate): pending
// while the first payment is not final or the IBAN is not yet known,
// valid, invalid once revoked or failed.
const (
	MandateStatusValid   = "valid"
	MandateStatusPending = "pending"
	MandateStatusInvalid = "invalid"
)

// Mandate is a customer's mandate (https://docs.mollie.com/reference/mandates-api,
// https://docs.mollie.com/reference/get-mandate). A first payment that is
// paid creates one; recurring payments charge it.
type Mandate struct {
	Resource         string         `json:"resource,omitempty"`
	ID               string         `json:"id"`
	Mode             string         `json:"mode,omitempty"`
	Status           string         `json:"status"`
	Method           string         `json:"method"` // creditcard, directdebit, paypal
	Details          map[string]any `json:"details,omitempty"`
	MandateReference string         `json:"mandateReference,omitempty"`
	SignatureDate    string         `json:"signatureDate,omitempty"` // YYYY-MM-DD
	CreatedAt        *time.Time     `json:"createdAt,omitempty"`
	Links            MandateLinks   `json:"_links"`
}

// MandateLinks are a mandate's _links.
type MandateLinks struct {
	Self          *URL `json:"self,omitempty"`
	Customer      *URL `json:"customer,omitempty"`
	Documentation *URL `json:"documentation,omitempty"`
}

// MandateList is one page of GET /v2/customers/{id}/mandates
// (https://docs.mollie.com/reference/list-mandates), newest first.
type MandateList struct {
	Count    int `json:"count"`
	Embedded struct {
		Mandates []Mandate `json:"mandates"`
	} `json:"_embedded"`
	Links ListLinks `json:"_links"`
}

// MandatesService holds the calls on /v2/customers/{id}/mandates.
type MandatesService struct{ c *Client }

// List returns all mandates of a customer (following _links.next).
func (s *MandatesService) List(ctx context.Context, customerID string) ([]Mandate, error) {
	if !ValidCustomerID(customerID) {
		return nil, fmt.Errorf("list mandates of %q: %w", customerID, ErrInvalidID)
	}
	var out []Mandate
	path := "customers/" + customerID + "/mandates?limit=250"
	for range 100 {
		l := &MandateList{}
		if err := s.c.do(ctx, call{method: http.MethodGet, path: path}, l); err != nil {
			return nil, err
		}
		out = append(out, l.Embedded.Mandates...)
		if l.Links.Next == nil || l.Links.Next.Href == "" {
			return out, nil
		}
		path = l.Links.Next.Href
	}
	return out, fmt.Errorf("list mandates of %s: more than 100 pages", customerID)
}

// Get fetches one mandate.
func (s *MandatesService) Get(ctx context.Context, customerID, id string) (*Mandate, error) {
	if !ValidCustomerID(customerID) || !ValidMandateID(id) {
		return nil, fmt.Errorf("get mandate %q of %q: %w", id, customerID, ErrInvalidID)
	}
	m := &Mandate{}
	if err := s.c.do(ctx, call{method: http.MethodGet, path: "customers/" + customerID + "/mandates/" + id}, m); err != nil {
		return nil, err
	}
	return m, nil
}

// Revoke revokes a mandate (DELETE, 204 without a body;
// https://docs.mollie.com/reference/revoke-mandate): it can no longer be
// charged.
func (s *MandatesService) Revoke(ctx context.Context, customerID, id string) error {
	if !ValidCustomerID(customerID) || !ValidMandateID(id) {
		return fmt.Errorf("revoke mandate %q of %q: %w", id, customerID, ErrInvalidID)
	}
	return s.c.do(ctx, call{method: http.MethodDelete, path: "customers/" + customerID + "/mandates/" + id}, nil)
}

// ValidCustomerID reports whether id is "cst_" followed by letters and digits.
func ValidCustomerID(id string) bool { return validID(id, "cst_") }

// ValidMandateID reports whether id is "mdt_" followed by letters and digits.
func ValidMandateID(id string) bool { return validID(id, "mdt_") }
