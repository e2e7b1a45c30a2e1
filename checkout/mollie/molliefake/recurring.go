package molliefake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Routes of the recurring flow: customers and their mandates
// (https://docs.mollie.com/reference/create-customer,
// https://docs.mollie.com/reference/get-customer,
// https://docs.mollie.com/reference/list-mandates,
// https://docs.mollie.com/reference/get-mandate,
// https://docs.mollie.com/reference/revoke-mandate).
const (
	CreateCustomer Route = "POST /v2/customers"
	GetCustomer    Route = "GET /v2/customers/{id}"
	ListMandates   Route = "GET /v2/customers/{id}/mandates"
	GetMandate     Route = "GET /v2/customers/{id}/mandates/{mandateID}"
	RevokeMandate  Route = "DELETE /v2/customers/{id}/mandates/{mandateID}"
)

// Customer is the fake's record of a customer.
type Customer struct {
	ID, Name, Email, Locale string
	Metadata                json.RawMessage
	CreatedAt               time.Time
}

// Mandate is the fake's record of a mandate.
type Mandate struct {
	ID, CustomerID, Status, Method string
	CreatedAt                      time.Time
}

// FailRecurring makes recurring payments fail at the next Tick instead of
// being paid (a card that is declined, a direct debit that bounces: the
// mandate stays valid, the charge fails and the webhook says so).
func (s *Server) FailRecurring(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failRecurring = on
}

// Mandates returns a copy of a customer's mandates, oldest first.
func (s *Server) Mandates(customerID string) []Mandate {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Mandate
	for _, id := range s.mandateOrder {
		if m := s.mandates[id]; m.CustomerID == customerID {
			out = append(out, *m)
		}
	}
	return out
}

// InvalidateMandate makes a mandate invalid as if the customer revoked it
// at the bank (no API call from the shop).
func (s *Server) InvalidateMandate(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.mandates[id]
	if !ok {
		return fmt.Errorf("molliefake: no mandate %s", id)
	}
	m.Status = "invalid"
	return nil
}

// settleRecurring moves pending recurring payments to paid, or failed
// under FailRecurring, and owes their webhooks; s.mu is held. Mollie
// charges recurring payments in the background and calls the webhook when
// the status is known (https://docs.mollie.com/docs/recurring-payments).
func (s *Server) settleRecurring(p *Payment) {
	if p.SequenceType != "recurring" || p.Status != "pending" {
		return
	}
	if s.failRecurring {
		s.apply(p, "failed")
	} else {
		s.apply(p, "paid")
	}
	s.owe(p)
}

// firstPaid creates the mandate of a paid first payment; s.mu is held.
// "After the first payment is completed successfully, the customer's
// account or card will immediately be chargeable on-demand"
// (https://docs.mollie.com/docs/recurring-payments); an iDEAL first
// payment gives a directdebit mandate.
func (s *Server) firstPaid(p *Payment) {
	if p.SequenceType != "first" || p.Status != "paid" || p.MandateID != "" {
		return
	}
	method := p.Method
	if method == "" || method == "ideal" || method == "bancontact" {
		method = "directdebit"
	}
	m := &Mandate{ID: "mdt_" + randomID(10), CustomerID: p.CustomerID, Status: "valid", Method: method, CreatedAt: s.now().UTC().Truncate(time.Second)}
	s.mandates[m.ID] = m
	s.mandateOrder = append(s.mandateOrder, m.ID)
	p.MandateID = m.ID
}

// validMandate finds the mandate a recurring payment charges: the given one
// when valid, else the customer's newest valid one; s.mu is held.
func (s *Server) validMandate(customerID, mandateID string) (*Mandate, bool) {
	if mandateID != "" {
		m, ok := s.mandates[mandateID]
		return m, ok && m.CustomerID == customerID && m.Status == "valid"
	}
	for i := len(s.mandateOrder) - 1; i >= 0; i-- {
		m := s.mandates[s.mandateOrder[i]]
		if m.CustomerID == customerID && m.Status == "valid" {
			return m, true
		}
	}
	return nil, false
}

// checkSequence validates the recurring fields of a create-payment body;
// it returns an error detail and field, or "". s.mu is held.
func (s *Server) checkSequence(in *createPaymentIn) (string, string) {
	switch in.SequenceType {
	case "", "oneoff":
		return "", ""
	case "first", "recurring":
	default:
		return "The sequence type is invalid", "sequenceType"
	}
	if _, ok := s.customers[in.CustomerID]; !ok {
		return "The customer id is invalid", "customerId"
	}
	if in.SequenceType == "recurring" {
		if _, ok := s.validMandate(in.CustomerID, in.MandateID); !ok {
			return "The customer does not have a valid mandate", "customerId"
		}
	}
	return "", ""
}

type createCustomerIn struct {
	Name     string          `json:"name"`
	Email    string          `json:"email"`
	Locale   string          `json:"locale"`
	Metadata json.RawMessage `json:"metadata"`
}

func (s *Server) createCustomer(w http.ResponseWriter, r *http.Request) {
	var in createCustomerIn
	hash, ok := readBody(w, r, &in)
	if !ok {
		return
	}
	if in.Email != "" && !strings.Contains(in.Email, "@") {
		writeError(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "The email address is invalid", "email")
		return
	}
	if in.Locale != "" && !localeRe.MatchString(in.Locale) {
		writeError(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "The locale is invalid", "locale")
		return
	}
	key := r.Header.Get("Idempotency-Key")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.replay(w, CreateCustomer, key, hash) {
		return
	}
	c := &Customer{ID: "cst_" + randomID(10), Name: in.Name, Email: in.Email, Locale: in.Locale, CreatedAt: s.now().UTC().Truncate(time.Second)}
	if len(in.Metadata) > 0 && string(in.Metadata) != "null" {
		c.Metadata = in.Metadata
	}
	s.customers[c.ID] = c
	writeRaw(w, http.StatusCreated, s.remember(CreateCustomer, key, hash, http.StatusCreated, s.customerJSON(c)))
}

func (s *Server) getCustomer(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.customers[r.PathValue("id")]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found", "No customer exists with token "+r.PathValue("id")+".", "")
		return
	}
	writeJSON(w, http.StatusOK, s.customerJSON(c))
}

func (s *Server) customerJSON(c *Customer) map[string]any {
	m := map[string]any{
		"resource":  "customer",
		"id":        c.ID,
		"mode":      "test",
		"name":      c.Name,
		"email":     c.Email,
		"locale":    nil,
		"metadata":  nil,
		"createdAt": c.CreatedAt.Format("2006-01-02T15:04:05+00:00"),
		"_links": map[string]any{
			"self":          link(s.URL+"/v2/customers/"+c.ID, "application/hal+json"),
			"dashboard":     link("https://my.mollie.com/dashboard/customers/"+c.ID, "text/html"),
			"documentation": link("https://docs.mollie.com/reference/get-customer", "text/html"),
		},
	}
	if c.Locale != "" {
		m["locale"] = c.Locale
	}
	if c.Metadata != nil {
		m["metadata"] = c.Metadata
	}
	return m
}

func (s *Server) mandateJSON(md *Mandate) map[string]any {
	var details map[string]any
	if md.Method == "directdebit" {
		details = map[string]any{"consumerName": "T. TEST", "consumerAccount": "NL55INGB0000000000", "consumerBic": "INGBNL2A"}
	} else {
		details = map[string]any{"cardHolder": "T. TEST", "cardNumber": "6787", "cardLabel": "Mastercard", "cardExpiryDate": "2030-12-31"}
	}
	return map[string]any{
		"resource":         "mandate",
		"id":               md.ID,
		"mode":             "test",
		"status":           md.Status,
		"method":           md.Method,
		"details":          details,
		"mandateReference": nil,
		"signatureDate":    md.CreatedAt.Format("2006-01-02"),
		"createdAt":        md.CreatedAt.Format("2006-01-02T15:04:05+00:00"),
		"_links": map[string]any{
			"self":          link(s.URL+"/v2/customers/"+md.CustomerID+"/mandates/"+md.ID, "application/hal+json"),
			"customer":      link(s.URL+"/v2/customers/"+md.CustomerID, "application/hal+json"),
			"documentation": link("https://docs.mollie.com/reference/get-mandate", "text/html"),
		},
	}
}

func (s *Server) listMandates(w http.ResponseWriter, r *http.Request) {
	limit, ok := parseLimit(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cid := r.PathValue("id")
	if _, ok := s.customers[cid]; !ok {
		writeError(w, http.StatusNotFound, "Not Found", "No customer exists with token "+cid+".", "")
		return
	}
	var page []any
	for i := len(s.mandateOrder) - 1; i >= 0 && len(page) < limit; i-- { // newest first
		if md := s.mandates[s.mandateOrder[i]]; md.CustomerID == cid {
			page = append(page, s.mandateJSON(md))
		}
	}
	if page == nil {
		page = []any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"count":     len(page),
		"_embedded": map[string]any{"mandates": page},
		"_links": map[string]any{
			"self":          link(s.URL+"/v2/customers/"+cid+"/mandates", "application/hal+json"),
			"previous":      nil,
			"next":          nil,
			"documentation": link("https://docs.mollie.com/reference/list-mandates", "text/html"),
		},
	})
}

func (s *Server) mandateOf(w http.ResponseWriter, r *http.Request) (*Mandate, bool) {
	md, ok := s.mandates[r.PathValue("mandateID")]
	if !ok || md.CustomerID != r.PathValue("id") {
		writeError(w, http.StatusNotFound, "Not Found", "No mandate exists with token "+r.PathValue("mandateID")+".", "")
		return nil, false
	}
	return md, true
}

func (s *Server) getMandate(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if md, ok := s.mandateOf(w, r); ok {
		writeJSON(w, http.StatusOK, s.mandateJSON(md))
	}
}

// revokeMandate answers 204 without a body; the mandate becomes invalid
// (https://docs.mollie.com/reference/revoke-mandate).
func (s *Server) revokeMandate(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if md, ok := s.mandateOf(w, r); ok {
		md.Status = "invalid"
		w.WriteHeader(http.StatusNoContent)
	}
}
