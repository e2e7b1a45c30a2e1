// Package order holds the order and its state machine. It is pure: the store
// persists orders, the server drives them.
//
// States and how payments move them:
//
//	awaiting_payment --paid--> paid --pack--> packed --ship--> shipped --deliver--> delivered
//	awaiting_payment --payment failed/canceled/expired--> payment_failed
//	payment_failed   --retry (new payment attempt)--> awaiting_payment
//	payment_failed   --paid (a late paid attempt)--> paid
//	awaiting_payment, payment_failed, paid, packed --cancel--> canceled
//	paid --ship--> shipped (packing is optional)
//
// payment_failed is its own state so that stock bookkeeping is plain: an
// order holds reserved stock exactly while awaiting_payment, sold stock from
// paid on, and none while payment_failed or canceled before payment. The
// customer can pay again from payment_failed; the cart is kept. delivered
// and canceled are final; paid never goes back to awaiting payment.
package order

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/payment"
)

// State is where an order is.
type State string

const (
	AwaitingPayment State = "awaiting_payment"
	PaymentFailed   State = "payment_failed"
	Paid            State = "paid"
	Packed          State = "packed"
	Shipped         State = "shipped"
	Delivered       State = "delivered"
	Canceled        State = "canceled"
)

// States lists all states in the order of the step plan.
var States = []State{AwaitingPayment, PaymentFailed, Paid, Packed, Shipped, Delivered, Canceled}

// Final reports whether no event can move the order any more.
func (s State) Final() bool { return s == Delivered || s == Canceled }

// Valid reports whether s is a known state.
func (s State) Valid() bool {
	for _, k := range States {
		if s == k {
			return true
		}
	}
	return false
}

// Event is something that happens to an order.
type Event string

const (
	EventPaid          Event = "paid"           // a payment of the order is paid
	EventPaymentFailed Event = "payment_failed" // the current payment failed, was canceled or expired
	EventRetry         Event = "retry"          // the customer starts a new payment attempt
	EventPack          Event = "pack"
	EventShip          Event = "ship"
	EventDeliver       Event = "deliver"
	EventCancel        Event = "cancel"
)

// ErrTransition is wrapped by Transition when an event does not apply.
var ErrTransition = errors.New("transition not allowed")

// ErrNothingToShip: packing or shipping an order of gift cards only, which
// go by e-mail once paid; no parcel, no "on its way" mail.
var ErrNothingToShip = errors.New("nothing to ship: the order holds only gift cards, sent by e-mail")

// OnlyGiftCards reports whether every line is a gift card: nothing to ship.
func (o *Order) OnlyGiftCards() bool {
	for _, l := range o.Lines {
		if !l.GiftCard {
			return false
		}
	}
	return len(o.Lines) > 0
}

var transitions = map[State]map[Event]State{
	AwaitingPayment: {EventPaid: Paid, EventPaymentFailed: PaymentFailed, EventRetry: AwaitingPayment, EventCancel: Canceled},
	PaymentFailed:   {EventPaid: Paid, EventRetry: AwaitingPayment, EventCancel: Canceled},
	Paid:            {EventPack: Packed, EventShip: Shipped, EventCancel: Canceled},
	Packed:          {EventShip: Shipped, EventCancel: Canceled},
	Shipped:         {EventDeliver: Delivered},
}

// Transition is the state machine: the state after ev in from, or an error
// wrapping ErrTransition.
func Transition(from State, ev Event) (State, error) {
	if to, ok := transitions[from][ev]; ok {
		return to, nil
	}
	return from, fmt.Errorf("%w: %s in state %s", ErrTransition, ev, from)
}

// Customer is who pays and where it goes.
type Customer struct {
	Name       string `json:"name"`
	Email      string `json:"email"`
	Street     string `json:"street"`
	PostalCode string `json:"postal_code"`
	City       string `json:"city"`
	Country    string `json:"country"` // ISO alpha-2
	// A business buyer's company name and VAT identification number
	// (optional; checked per country by checkout/invoice.CheckVATID).
	Company string `json:"company,omitempty"`
	VATID   string `json:"vat_id,omitempty"`
}

// Line is a frozen copy of what was bought, at the price charged.
type Line struct {
	SKU           string       `json:"sku"`
	Title         string       `json:"title"`
	Variant       string       `json:"variant"`
	URL           string       `json:"url,omitempty"`
	UnitPrice     money.Amount `json:"unit_price"`
	Quantity      int          `json:"quantity"`
	LineTotal     money.Amount `json:"line_total"`
	VATRate       int          `json:"vat_rate"`
	DeliveryClass string       `json:"delivery_class"`
	GiftCard      bool         `json:"giftcard,omitempty"` // a gift card, sent by e-mail once paid
}

// Attempt is one payment attempt of the order.
type Attempt struct {
	PaymentID   string         `json:"payment_id"`
	Provider    string         `json:"provider,omitempty"`
	Status      payment.Status `json:"status"`
	Amount      money.Amount   `json:"amount"`
	Currency    string         `json:"currency"`
	CheckoutURL string         `json:"checkout_url,omitempty"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
	ExpiresAt   time.Time      `json:"expires_at,omitzero"`
	// Anomaly records why a provider update was refused (e.g. amount
	// mismatch); set once.
	Anomaly string `json:"anomaly,omitempty"`
}

// EventRecord is one line of the order's history.
type EventRecord struct {
	At   time.Time `json:"at"`
	From State     `json:"from"`
	To   State     `json:"to"`
	By   string    `json:"by"` // webhook, return, reconciler, admin, customer, system
	Note string    `json:"note,omitempty"`
}

// StockHold says what the order holds of tracked stock.
type StockHold string

const (
	StockNone     StockHold = ""         // nothing (released, or never held)
	StockReserved StockHold = "reserved" // reserved while awaiting payment
	StockSold     StockHold = "sold"     // counted as sold
)

// Order is one order. Token is the only way a customer can see it.
type Order struct {
	ID             string         `json:"id"`    // human number, e.g. BK-2026-000123
	Token          string         `json:"token"` // >= 128 random bits, base64url
	State          State          `json:"state"`
	Customer       Customer       `json:"customer"`
	ShippingMethod string         `json:"shipping_method"`
	Lines          []Line         `json:"lines"`
	Totals         cart.Totals    `json:"totals"` // frozen at checkout
	Currency       string         `json:"currency"`
	PaymentID      string         `json:"payment_id"`     // current attempt
	PaymentStatus  payment.Status `json:"payment_status"` // of the current attempt
	CheckoutURL    string         `json:"checkout_url"`   // of the current attempt, while open
	Attempts       []Attempt      `json:"attempts"`
	TrackingCode   string         `json:"tracking_code,omitempty"`
	TrackingURL    string         `json:"tracking_url,omitempty"`
	History        []EventRecord  `json:"history"`
	Stock          StockHold      `json:"stock"`
	// Held is the tracked stock the order holds per SKU (reserved or sold, as
	// Stock says); the store keeps it so releasing gives back exactly that.
	Held           map[string]int    `json:"held,omitempty"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
	PaidAt         time.Time         `json:"paid_at,omitzero"`
	PromisedBy     time.Time         `json:"promised_by,omitzero"` // latest promised delivery day
	ShippedAt      time.Time         `json:"shipped_at,omitzero"`
	DeliveredAt    time.Time         `json:"delivered_at,omitzero"`
	CanceledAt     time.Time         `json:"canceled_at,omitzero"`
	Lang           string            `json:"lang"` // nl, en
	CartID         string            `json:"cart_id"`
	IdempotencyKey string            `json:"idempotency_key"`
	Version        int64             `json:"version"` // bumped by the store on every write
	Meta           map[string]string `json:"meta,omitempty"`
	// After the sale (return.go): the customer's gift note, returns and refunds.
	GiftNote string   `json:"gift_note,omitempty"`
	Returns  []Return `json:"returns,omitempty"`
	Refunds  []Refund `json:"refunds,omitempty"`
	// Loyalty points (checkout/loyalty) and the promise's lengthening
	// (checkout/promise), frozen when the order is placed or paid.
	PointsRedeemed int `json:"points_redeemed,omitempty"` // spent at checkout (the "points" adjustment)
	PointsToEarn   int `json:"points_to_earn,omitempty"`  // credited on delivery
	// PointsOnCards: PointsToEarn counted the gift cards bought (the shop's
	// earn_on_gift_cards when placed); else they earned nothing, and a
	// refund takes points back in proportion to the rest (EarnBase).
	PointsOnCards bool `json:"points_on_cards,omitempty"`
	// DiscountCode is the code the customer entered (normalised; the "code"
	// adjustment in Totals is what it took off). The store counts its use
	// with the order; a canceled order or one whose payment failed frees it.
	DiscountCode     string `json:"discount_code,omitempty"`
	PromiseExtraDays int    `json:"promise_extra_days,omitempty"` // extra transit days in PromisedBy
	// The invoice (checkout/invoice): its number in the shop's unbroken
	// yearly sequence (2026-00001) and date, set by the store in the same
	// transaction that marks the order paid. Never changed or freed after.
	InvoiceNumber string    `json:"invoice_number,omitempty"`
	InvoiceDate   time.Time `json:"invoice_date,omitzero"`
	// A gift card that pays part or all of the total (a tender, not a
	// discount: Totals and VAT are unchanged; docs/giftcards.md), and the
	// delivery of the gift cards the order buys.
	GiftCard *GiftTender `json:"gift_card,omitempty"`
	GiftSend *GiftSend   `json:"gift_send,omitempty"`
}

// GiftTender is a gift card paying part of an order. The store holds
// Amount of the card's balance while the order awaits payment (Hold
// "reserved"), spends it when the order is paid ("spent") and gives it back
// when the order is not paid ("": released).
type GiftTender struct {
	CardID   string       `json:"card_id"`
	Last4    string       `json:"last4"`
	Amount   money.Amount `json:"amount"`
	Hold     string       `json:"hold,omitempty"`
	Refunded money.Amount `json:"refunded,omitempty"` // refunds that went back to the card
}

// Paying is what the card pays; 0 for no card.
func (g *GiftTender) Paying() money.Amount {
	if g == nil {
		return 0
	}
	return g.Amount
}

// Card is the card's id; "" for no card.
func (g *GiftTender) Card() string {
	if g == nil {
		return ""
	}
	return g.CardID
}

// Same reports whether two sends say the same (nil-safe).
func (g *GiftSend) Same(h *GiftSend) bool {
	if g == nil || h == nil {
		return g == h
	}
	return g.Recipient == h.Recipient && g.Message == h.Message && g.SendOn.Equal(h.SendOn)
}

// Gift-card holds of an order.
const (
	GiftHeld  = "reserved"
	GiftSpent = "spent"
)

// GiftSend says who gets the gift cards an order buys, with what message
// and from which day on; the cards are made and mailed once it is paid.
type GiftSend struct {
	Recipient string    `json:"recipient"`
	Message   string    `json:"message,omitempty"`
	SendOn    time.Time `json:"send_on"`         // midnight of the day, shop's time zone
	Cards     []string  `json:"cards,omitempty"` // ids of the cards made, once paid
}

// Due is what the payment provider is to be paid: the total less what a
// gift card pays.
func (o *Order) Due() money.Amount {
	if o.GiftCard == nil {
		return o.Total()
	}
	return o.Total() - o.GiftCard.Amount
}

// ErrNothingDue says an order has something to pay at the provider.
var ErrNothingDue = errors.New("order has an amount due at the payment provider")

// PayByGiftCard marks an order the gift card pays in full as paid, with the
// effects of a paid payment; no provider payment exists.
func (o *Order) PayByGiftCard(now time.Time) ([]Effect, error) {
	if o.GiftCard == nil || o.Due() != 0 {
		return nil, fmt.Errorf("order %s: %w", o.ID, ErrNothingDue)
	}
	if err := o.Apply(EventPaid, "giftcard", Note(NoteGiftPaid, o.GiftCard.Last4), now); err != nil {
		return nil, err
	}
	return []Effect{{Kind: EffectCommitStock}, {Kind: EffectConfirmationMail}, {Kind: EffectClearCart}}, nil
}

// Total is the amount to be paid.
func (o *Order) Total() money.Amount { return o.Totals.GrandTotal }

// Attempt returns the attempt for a payment id, or nil.
func (o *Order) Attempt(paymentID string) *Attempt {
	for i := range o.Attempts {
		if o.Attempts[i].PaymentID == paymentID {
			return &o.Attempts[i]
		}
	}
	return nil
}

// Classes lists the delivery classes of the order's lines (for delivery dates).
func (o *Order) Classes() []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range o.Lines {
		if !seen[l.DeliveryClass] {
			seen[l.DeliveryClass] = true
			out = append(out, l.DeliveryClass)
		}
	}
	return out
}

// New builds an order awaiting payment from priced totals. It refuses an
// empty order and totals with unavailable lines. ID and Token are left for
// the store (ID) and NewToken.
func New(customer Customer, t cart.Totals, lang, cartID, idemKey string, now time.Time) (*Order, error) {
	if t.Unavailable {
		return nil, errors.New("new order: the cart holds products that are no longer available")
	}
	o := &Order{
		State: AwaitingPayment, Customer: customer, ShippingMethod: t.ShippingMethod,
		Totals: t, Currency: t.Currency, Lang: lang, CartID: cartID, IdempotencyKey: idemKey,
		CreatedAt: now, UpdatedAt: now,
		History: []EventRecord{{At: now, To: AwaitingPayment, By: "customer", Note: Note(NotePlaced)}},
	}
	for _, l := range t.Lines {
		o.Lines = append(o.Lines, Line{
			SKU: l.SKU, Title: l.Title, Variant: l.Variant, URL: l.URL, UnitPrice: l.UnitPrice,
			Quantity: l.Quantity, LineTotal: l.LineTotal, VATRate: l.VATRate, DeliveryClass: l.DeliveryClass, GiftCard: l.GiftCard,
		})
	}
	if len(o.Lines) == 0 || t.GrandTotal <= 0 {
		return nil, errors.New("new order: the cart is empty")
	}
	return o, nil
}

// NewToken makes a fresh order token: 192 random bits, base64url (32 chars).
func NewToken() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("order token: crypto/rand: %v", err)) // never fails on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Apply moves the order by ev, recording it in History. by says who did it.
func (o *Order) Apply(ev Event, by, note string, now time.Time) error {
	to, err := Transition(o.State, ev)
	if err != nil {
		return fmt.Errorf("order %s: %w", o.ID, err)
	}
	o.History = append(o.History, EventRecord{At: now, From: o.State, To: to, By: by, Note: note})
	o.State = to
	o.UpdatedAt = now
	switch to {
	case Paid:
		if o.PaidAt.IsZero() {
			o.PaidAt = now
		}
	case Shipped:
		o.ShippedAt = now
	case Delivered:
		o.DeliveredAt = now
	case Canceled:
		o.CanceledAt = now
	}
	return nil
}

// PromiseKept reports whether a delivered order arrived by the promised day
// (PromisedBy is midnight of that day in the shop's time zone). known is
// false while the order is not delivered or had no promise.
func (o *Order) PromiseKept() (kept, known bool) {
	if o.DeliveredAt.IsZero() || o.PromisedBy.IsZero() {
		return false, false
	}
	endOfDay := o.PromisedBy.AddDate(0, 0, 1)
	return o.DeliveredAt.Before(endOfDay), true
}

// EarnBase is what the order's points were earned on: what it charged
// for what it bought (no shipping), less the gift cards bought unless they
// earned too (PointsOnCards).
func (o *Order) EarnBase() money.Amount {
	b := o.Totals.GrandTotal - o.Totals.Shipping
	if !o.PointsOnCards {
		b -= o.Totals.Subtotal - o.Totals.Goods()
	}
	return max(b, 0)
}

// RefundGoods is the part of refund r that gives back what earned
// (EarnBase): its amount less shipping, less the gift cards it refunds
// (what was paid for them) unless they earned too. A card refunded thus
// neither takes back the points its goods earned nor gives back points
// spent on the goods (the points never sat on the card).
func (o *Order) RefundGoods(r Refund) money.Amount {
	g := r.Amount - r.Shipping
	if o.PointsOnCards {
		return g
	}
	cards := map[string]bool{}
	for _, l := range o.Lines {
		if l.GiftCard {
			cards[l.SKU] = true
		}
	}
	parts := map[string]money.Amount{}
	for _, l := range r.Lines {
		if cards[l.SKU] {
			parts[l.SKU] += l.Total()
		}
	}
	if len(parts) > 0 {
		g -= min(g, o.Totals.PaidFor(parts))
	}
	return g
}

// Awaiting is what the reconciler's schedule needs of an order awaiting
// payment: when it and its current payment were made, and when that payment
// turns final at the provider. The store keeps it beside the order in the
// state index, so that a pass reads these instead of every order.
type Awaiting struct {
	ID               string    `json:"-"`
	CreatedAt        time.Time `json:"c"`
	PaymentID        string    `json:"p,omitempty"`
	PaymentCreatedAt time.Time `json:"pc,omitzero"`
	PaymentExpiresAt time.Time `json:"pe,omitzero"`
}

// Awaiting is o's summary for the reconciler (see Awaiting).
func (o *Order) Awaiting() Awaiting {
	a := Awaiting{ID: o.ID, CreatedAt: o.CreatedAt, PaymentID: o.PaymentID}
	if at := o.Attempt(o.PaymentID); o.PaymentID != "" && at != nil {
		a.PaymentCreatedAt, a.PaymentExpiresAt = at.CreatedAt, at.ExpiresAt
	}
	return a
}
