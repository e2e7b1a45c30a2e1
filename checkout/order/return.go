package order

import (
	"errors"
	"fmt"
	"time"

	"github.com/storefront/storefront/checkout/giftcard"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/payment"
)

// After the sale: returns the customer asks for and refunds the shop sends.
// Both live on the order, so a change and its e-mail are one transaction.
//
// A return goes requested -> received -> refunded. A refund is recorded
// (status "recorded") before it is sent to the provider; from then on it
// counts against what may still be refunded, so no two refunds can together
// exceed what was paid, whatever runs at the same time.

// ReturnState is where a return is.
type ReturnState string

const (
	ReturnRequested ReturnState = "requested" // the customer asked; the parcel is on its way to us
	ReturnReceived  ReturnState = "received"  // the shop has the parcel
	ReturnRefunded  ReturnState = "refunded"  // the money went back
)

// ReturnLine is a number of units of one bought line sent back.
type ReturnLine struct {
	SKU       string       `json:"sku"`
	Title     string       `json:"title"`
	Variant   string       `json:"variant,omitempty"`
	Quantity  int          `json:"quantity"`
	UnitPrice money.Amount `json:"unit_price"`
}

// Total is what the units cost the customer.
func (l ReturnLine) Total() money.Amount { return l.UnitPrice * money.Amount(l.Quantity) }

// Return is one return of (part of) the order.
type Return struct {
	Code        string       `json:"code"` // written on the parcel, e.g. SF-2026-000012-R1
	State       ReturnState  `json:"state"`
	Lines       []ReturnLine `json:"lines"`
	Reason      string       `json:"reason,omitempty"` // optional, the customer's words
	Amount      money.Amount `json:"amount"`           // the refund expected when asked (items, shipping per policy)
	Shipping    money.Amount `json:"shipping,omitempty"`
	RequestedAt time.Time    `json:"requested_at"`
	ReceivedAt  time.Time    `json:"received_at,omitzero"`
	RefundedAt  time.Time    `json:"refunded_at,omitzero"`
	RefundID    string       `json:"refund_id,omitempty"` // our refund that paid it back
}

// Items is the value of the returned units.
func (r Return) Items() money.Amount {
	var t money.Amount
	for _, l := range r.Lines {
		t += l.Total()
	}
	return t
}

// Refund statuses: ours ("recorded": stored, not yet confirmed by the
// provider) and Mollie's.
const (
	RefundRecorded   = "recorded"
	RefundQueued     = "queued"
	RefundPending    = "pending"
	RefundProcessing = "processing"
	RefundRefunded   = "refunded"
	RefundFailed     = "failed"
	RefundCanceled   = "canceled"
)

// refundRank orders refund statuses by progress; news with a lower rank is
// stale. Final statuses share the top rank and never change.
func refundRank(status string) int {
	switch status {
	case RefundRecorded:
		return 0
	case RefundQueued:
		return 1
	case RefundPending:
		return 2
	case RefundProcessing:
		return 3
	case RefundRefunded, RefundFailed, RefundCanceled:
		return 4
	}
	return -1
}

// RefundFinal reports whether a refund status never changes again.
func RefundFinal(status string) bool { return refundRank(status) == 4 }

// RefundVoid reports whether a refund status means no money went back.
func RefundVoid(status string) bool { return status == RefundFailed || status == RefundCanceled }

// Refund is money sent back through the provider, or on its way there.
type Refund struct {
	ID         string       `json:"id"` // ours, also the provider idempotency key: SF-2026-000012-RF1
	PaymentID  string       `json:"payment_id"`
	Amount     money.Amount `json:"amount"`             // everything, shipping included
	Shipping   money.Amount `json:"shipping,omitempty"` // the part of Amount that is shipping
	Reason     string       `json:"reason"`             // cancel, return, owner
	ReturnCode string       `json:"return_code,omitempty"`
	Lines      []ReturnLine `json:"lines,omitempty"` // what it pays back, by item
	ProviderID string       `json:"provider_id,omitempty"`
	Status     string       `json:"status"`
	Attempts   int          `json:"attempts"` // sends started; >0 means: list at the provider before sending again
	LastError  string       `json:"last_error,omitempty"`
	By         string       `json:"by"`
	CreatedAt  time.Time    `json:"created_at"`
	UpdatedAt  time.Time    `json:"updated_at"`
	AcceptedAt time.Time    `json:"accepted_at,omitzero"` // when the provider took it
	// CreditNote is the number of the credit note for this refund, in the
	// invoice sequence; set by the store in the transaction in which the
	// provider takes the refund (a refund that fails moved no money and
	// gets none). Refunds of a stray payment get none: it was never invoiced.
	CreditNote     string    `json:"credit_note,omitempty"`
	CreditNoteDate time.Time `json:"credit_note_date,omitzero"`
	// GiftCard is the part of Amount that went back to the gift card that
	// paid the order (the card first; the provider gets Amount - GiftCard).
	GiftCard money.Amount `json:"gift_card,omitempty"`
}

// ToProvider is the part of the refund the payment provider pays back.
func (r Refund) ToProvider() money.Amount { return r.Amount - r.GiftCard }

// NeedsCreditNote reports whether r should have a credit note and has none
// yet: the order was invoiced, the provider took the refund, it is not the
// refund of a stray payment.
func (o *Order) NeedsCreditNote(r Refund) bool {
	return o.InvoiceNumber != "" && r.CreditNote == "" && r.Reason != ReasonStray &&
		r.Status != RefundRecorded && !RefundVoid(r.Status) && r.Status != ""
}

// Errors of returns and refunds.
var (
	ErrOverRefund = errors.New("refund is more than what was paid and not yet refunded")
	ErrNoReturn   = errors.New("no such return")
)

// PaidAmount is what the customer paid: the total once paid, else 0.
func (o *Order) PaidAmount() money.Amount {
	if o.PaidAt.IsZero() {
		return 0
	}
	return o.Total()
}

// RefundedAmount is what has gone back of the order's payment or is on its
// way (recorded refunds included: they may have reached the provider).
// Refunds of a stray payment (see AddStrayRefund) do not count here. A
// refund made before refunds were kept on the order (Meta refund_id)
// counts too.
func (o *Order) RefundedAmount() money.Amount {
	var t money.Amount
	legacy := o.Meta["refund_id"]
	for _, r := range o.Refunds {
		if !RefundVoid(r.Status) && r.Reason != ReasonStray {
			t += r.Amount
		}
		if legacy != "" && r.ProviderID == legacy {
			legacy = ""
		}
	}
	if legacy != "" {
		if a, err := money.Parse(o.Meta["refunded"], o.Currency); err == nil {
			t += a
		}
	}
	return t
}

// Refundable is what may still be refunded: paid minus refunded.
func (o *Order) Refundable() money.Amount {
	return max(0, o.PaidAmount()-o.RefundedAmount())
}

// ShippingRefunded is the shipping cost refunded (or on its way) so far.
func (o *Order) ShippingRefunded() money.Amount {
	var t money.Amount
	for _, r := range o.Refunds {
		if !RefundVoid(r.Status) {
			t += r.Shipping
		}
	}
	return t
}

// ReturnedQuantities counts units per SKU already in a return.
func (o *Order) ReturnedQuantities() map[string]int {
	out := map[string]int{}
	for _, r := range o.Returns {
		for _, l := range r.Lines {
			out[l.SKU] += l.Quantity
		}
	}
	return out
}

// RefundedQuantities counts units per SKU paid back by refunds by item
// (returns' refunds included).
func (o *Order) RefundedQuantities() map[string]int {
	out := map[string]int{}
	for _, r := range o.Refunds {
		if RefundVoid(r.Status) {
			continue
		}
		for _, l := range r.Lines {
			out[l.SKU] += l.Quantity
		}
	}
	return out
}

// Return finds a return by its code, or nil.
func (o *Order) Return(code string) *Return {
	for i := range o.Returns {
		if o.Returns[i].Code == code {
			return &o.Returns[i]
		}
	}
	return nil
}

// RefundByID finds a refund by our id, or nil.
func (o *Order) RefundByID(id string) *Refund {
	for i := range o.Refunds {
		if o.Refunds[i].ID == id {
			return &o.Refunds[i]
		}
	}
	return nil
}

// OpenRefunds lists refunds whose status may still change.
func (o *Order) OpenRefunds() []Refund {
	var out []Refund
	for _, r := range o.Refunds {
		if !RefundFinal(r.Status) {
			out = append(out, r)
		}
	}
	return out
}

// NextReturnCode is the code the next return gets.
func (o *Order) NextReturnCode() string { return fmt.Sprintf("%s-R%d", o.ID, len(o.Returns)+1) }

// NextRefundID is the id the next refund gets.
func (o *Order) NextRefundID() string { return fmt.Sprintf("%s-RF%d", o.ID, len(o.Refunds)+1) }

// AddReturn records a return the customer asked for (validated by package
// returns) and notes it in the history.
func (o *Order) AddReturn(r Return, by string, now time.Time) error {
	if r.Code == "" || o.Return(r.Code) != nil {
		return fmt.Errorf("order %s: return code %q is empty or taken", o.ID, r.Code)
	}
	if len(r.Lines) == 0 {
		return fmt.Errorf("order %s: a return needs at least one item", o.ID)
	}
	r.State, r.RequestedAt = ReturnRequested, now
	o.Returns = append(o.Returns, r)
	o.note(by, Note(NoteReturnRequested, r.Code, returnUnits(r)), now)
	return nil
}

func returnUnits(r Return) int {
	n := 0
	for _, l := range r.Lines {
		n += l.Quantity
	}
	return n
}

// ReceiveReturn records that the shop has the parcel. changed is false when
// it was received already.
func (o *Order) ReceiveReturn(code, by string, now time.Time) (changed bool, err error) {
	r := o.Return(code)
	if r == nil {
		return false, fmt.Errorf("order %s: %w %q", o.ID, ErrNoReturn, code)
	}
	if r.State != ReturnRequested {
		return false, nil
	}
	r.State, r.ReceivedAt = ReturnReceived, now
	o.note(by, Note(NoteReturnReceived, code), now)
	return true, nil
}

// AddRefund records a refund before it is sent. It refuses a refund that
// is not positive or more than Refundable (ErrOverRefund), and an order
// without a paid payment.
func (o *Order) AddRefund(r Refund, by string, now time.Time) (*Refund, error) {
	if o.PaidAt.IsZero() || o.PaymentID == "" && (o.GiftCard == nil || o.Due() != 0) {
		return nil, fmt.Errorf("order %s: refund: %w: nothing was paid", o.ID, ErrTransition)
	}
	if r.Amount <= 0 {
		return nil, fmt.Errorf("order %s: refund of %s: nothing to refund", o.ID, money.Format(r.Amount, o.Currency))
	}
	if left := o.Refundable(); r.Amount > left {
		return nil, fmt.Errorf("order %s: %w: asked %s, left %s", o.ID, ErrOverRefund,
			money.Format(r.Amount, o.Currency), money.Format(left, o.Currency))
	}
	var ret *Return
	if r.ReturnCode != "" {
		if ret = o.Return(r.ReturnCode); ret == nil {
			return nil, fmt.Errorf("order %s: %w %q", o.ID, ErrNoReturn, r.ReturnCode)
		}
	}
	r.PaymentID = o.PaymentID
	r.Status, r.By, r.CreatedAt, r.UpdatedAt = RefundRecorded, by, now, now
	if o.GiftCard != nil && o.GiftCard.Hold == GiftSpent {
		// The gift card first, up to what it paid; the provider the rest,
		// as a refund of its own (so a refund the provider refuses never
		// takes the card's part with it). The card's part is done at once.
		toCard, toProvider := giftcard.RefundSplit(r.Amount, o.GiftCard.Amount, o.GiftCard.Refunded)
		if toCard > 0 {
			o.GiftCard.Refunded += toCard
			cr := r
			cr.ID, cr.Amount, cr.GiftCard = o.NextRefundID(), toCard, toCard
			cr.Status, cr.AcceptedAt, cr.ProviderID = RefundRefunded, now, "giftcard:"+o.GiftCard.CardID
			cr.Shipping = max(0, r.Shipping-toProvider)
			if toProvider > 0 {
				cr.Lines, cr.ReturnCode = nil, ""
			} else if ret != nil {
				ret.RefundID = cr.ID
				if ret.ReceivedAt.IsZero() {
					ret.ReceivedAt = now
				}
				ret.State, ret.RefundedAt = ReturnRefunded, now
			}
			o.Refunds = append(o.Refunds, cr)
			o.note(by, Note(NoteRefundGiftCard, cr.ID, money.Format(toCard, o.Currency), o.GiftCard.Last4), now)
			if toProvider == 0 {
				return &o.Refunds[len(o.Refunds)-1], nil
			}
			r.Amount, r.Shipping = toProvider, min(r.Shipping, toProvider)
		}
	}
	r.ID = o.NextRefundID()
	if ret != nil {
		ret.RefundID = r.ID
	}
	o.Refunds = append(o.Refunds, r)
	o.note(by, Note(NoteRefundRecorded, r.ID, money.Format(r.Amount, o.Currency), r.Reason), now)
	return &o.Refunds[len(o.Refunds)-1], nil
}

// ReasonStray marks the refund of a stray payment.
const ReasonStray = "stray payment"

// AddStrayRefund records the refund of a payment of this order that was paid
// but could not count (paid after the order was canceled, or a second paid
// attempt): the attempt must be paid and marked as an anomaly. It refunds
// what of that payment is not refunded yet, once.
func (o *Order) AddStrayRefund(paymentID, by string, now time.Time) (*Refund, error) {
	a := o.Attempt(paymentID)
	if a == nil || a.Status != payment.StatusPaid || a.Anomaly == "" {
		return nil, fmt.Errorf("order %s: payment %s is not a stray paid payment", o.ID, paymentID)
	}
	if paymentID == o.PaymentID && !o.PaidAt.IsZero() {
		return nil, fmt.Errorf("order %s: payment %s is the order's payment", o.ID, paymentID)
	}
	left := a.Amount
	for _, r := range o.Refunds {
		if r.PaymentID == paymentID && !RefundVoid(r.Status) {
			left -= r.Amount
		}
	}
	if left <= 0 {
		return nil, nil
	}
	r := Refund{ID: o.NextRefundID(), PaymentID: paymentID, Amount: left, Reason: ReasonStray,
		Status: RefundRecorded, By: by, CreatedAt: now, UpdatedAt: now}
	o.Refunds = append(o.Refunds, r)
	o.note(by, Note(NoteRefundStray, r.ID, money.Format(r.Amount, o.Currency), paymentID), now)
	return &o.Refunds[len(o.Refunds)-1], nil
}

// StartSend counts a send of the refund before it is made, so that after a
// crash or timeout the next sender lists the provider's refunds first.
func (o *Order) StartSend(id string, now time.Time) error {
	r := o.RefundByID(id)
	if r == nil {
		return fmt.Errorf("order %s: no refund %s", o.ID, id)
	}
	r.Attempts++
	r.UpdatedAt = now
	o.UpdatedAt = now
	return nil
}

// UpdateRefund brings the provider's news of refund id: its provider id and
// status. Stale news (a lower rank, anything after a final status) is
// ignored. The first status that means the provider took it (anything but
// recorded, failed, canceled) marks the return it pays for refunded.
// changed reports whether the order must be stored; accepted whether the
// refund was taken just now (send the e-mail).
func (o *Order) UpdateRefund(id, providerID, status, errText, by string, now time.Time) (changed, accepted bool) {
	r := o.RefundByID(id)
	if r == nil {
		return false, false
	}
	if errText != "" && r.LastError != errText && status == "" {
		r.LastError, r.UpdatedAt = errText, now
		return true, false
	}
	if status == "" || refundRank(status) < 0 || RefundFinal(r.Status) || refundRank(status) < refundRank(r.Status) {
		return false, false
	}
	if status == r.Status && (providerID == "" || providerID == r.ProviderID) {
		return false, false
	}
	if providerID != "" {
		r.ProviderID = providerID
	}
	was := r.Status
	r.Status, r.UpdatedAt, r.LastError = status, now, errText
	o.UpdatedAt = now
	if was == RefundRecorded && !RefundVoid(status) && status != RefundRecorded {
		accepted = true
		r.AcceptedAt = now
		if ret := o.Return(r.ReturnCode); ret != nil && ret.State != ReturnRefunded {
			if ret.ReceivedAt.IsZero() {
				ret.ReceivedAt = now // refunded before it was marked received: the owner had it
			}
			ret.State, ret.RefundedAt = ReturnRefunded, now
		}
	}
	if RefundVoid(status) {
		if ret := o.Return(r.ReturnCode); ret != nil && ret.RefundID == r.ID && ret.State != ReturnRefunded {
			ret.RefundID = "" // may be refunded again
		}
	}
	o.note(by, Note(NoteRefundStatus, r.ID, was, status, r.ProviderID), now)
	return true, accepted
}
