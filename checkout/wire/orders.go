package wire

import "time"

// OrderView is an order as the JSON API shows it: to the customer at
// /api/orders/{token}, and to the owner under /api/admin/orders.
type OrderView struct {
	ID            string       `json:"id"`
	Number        string       `json:"number"`
	Token         string       `json:"token,omitempty"` // admin only
	URL           string       `json:"url"`             // the order page
	State         string       `json:"state"`
	PaymentStatus string       `json:"payment_status,omitempty"`
	CheckoutURL   string       `json:"checkout_url,omitempty"` // while the payment is open
	CreatedAt     time.Time    `json:"created_at"`
	Customer      CustomerView `json:"customer"`
	Lines         []LineView   `json:"lines"`
	Currency      string       `json:"currency"`
	Subtotal      int64        `json:"subtotal"`
	Shipping      int64        `json:"shipping"`
	ShippingName  string       `json:"shipping_method"`
	VAT           []VATView    `json:"vat"`
	Total         int64        `json:"total"`
	TotalText     string       `json:"total_text"` // "€ 24,95"
	Steps         []StepView   `json:"steps"`
	TrackingURL   string       `json:"tracking_url,omitempty"`
	TrackingCode  string       `json:"tracking_code,omitempty"`
	PickupPoint   string       `json:"pickup_point,omitempty"` // a pick-up point method's point (carrier.go)
	Refunded      int64        `json:"refunded,omitempty"`
	History       []EventView  `json:"history,omitempty"` // admin only
	// TimeZone is the shop's time zone (IANA name, data/delivery.toml
	// timezone; admin only): the CLI shows the times above in it.
	TimeZone string `json:"time_zone,omitempty"`
	// Loyalty points (loyalty.go): the discount lines (negative amounts,
	// per VAT rate) and the order's points in words.
	Adjustments  []AdjustmentView `json:"adjustments,omitempty"`
	Points       string           `json:"points,omitempty"`
	DiscountCode string           `json:"discount_code,omitempty"` // the code the customer entered`
	// MailProblems are the order's e-mails that could not be sent (admin
	// GET /api/admin/orders/{id} only; mailfail.go).
	MailProblems []MailProblemView `json:"mail_problems,omitempty"`
	// Invoices (invoices.go): the invoice and credit notes as PDF links.
	Invoices []InvoiceView `json:"invoices,omitempty"`
}

// InvoiceView is one invoice or credit note of the order.
type InvoiceView struct {
	Number string `json:"number"`
	Kind   string `json:"kind"` // invoice, credit_note
	URL    string `json:"url"`  // the PDF, behind the order's token
}

// AdjustmentView is a discount line of the order (amount negative, minor units).
type AdjustmentView struct {
	Kind    string `json:"kind"` // points, code
	Label   string `json:"label,omitempty"`
	Amount  int64  `json:"amount"`
	VATRate int    `json:"vat_rate"`
}

// CustomerView is who the order goes to.
type CustomerView struct {
	Name       string `json:"name"`
	Email      string `json:"email"`
	Street     string `json:"street"`
	PostalCode string `json:"postal_code"`
	City       string `json:"city"`
	Country    string `json:"country"`
}

// LineView is one ordered product at the price paid.
type LineView struct {
	SKU       string `json:"sku"`
	Title     string `json:"title"`
	Variant   string `json:"variant,omitempty"`
	Quantity  int    `json:"quantity"`
	UnitPrice int64  `json:"unit_price"`
	LineTotal int64  `json:"line_total"`
	VATRate   int    `json:"vat_rate"`
}

// VATView is the VAT included at one rate.
type VATView struct {
	Rate int   `json:"rate"`
	VAT  int64 `json:"vat"`
}

// StepView is one step of the plan ordered → paid → packed → shipped → delivered.
type StepView struct {
	Step     string    `json:"step"`
	Label    string    `json:"label"`
	Done     bool      `json:"done"`
	Current  bool      `json:"current"`
	At       time.Time `json:"at,omitzero"`        // when it happened
	Expected string    `json:"expected,omitempty"` // honest expected date(s), e.g. "2026-11-27"
}

// EventView is one change in the order's history.
type EventView struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	What   string    `json:"what"`
	Detail string    `json:"detail,omitempty"`
}

// OrderList is the admin list answer.
type OrderList struct {
	Orders []OrderView `json:"orders"`
}

// LabelResult is one order's label, as the API answers it.
type LabelResult struct {
	Order        string `json:"order"`
	State        string `json:"state,omitempty"`
	TrackingCode string `json:"tracking_code,omitempty"`
	TrackingURL  string `json:"tracking_url,omitempty"`
	LabelA6      string `json:"label_a6,omitempty"`
	LabelA4      string `json:"label_a4,omitempty"`
	Existing     bool   `json:"existing,omitempty"` // the parcel was made before (a retry)
	Error        string `json:"error,omitempty"`
}
