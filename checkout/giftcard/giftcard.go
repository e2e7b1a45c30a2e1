// Package giftcard holds the gift-card rules (pure): the code a buyer gets,
// the card's balance and its ledger, how much of an order a card pays, and
// how a refund of an order paid partly by card is split.
//
// A gift card is a tender, not a discount (docs/giftcards.md): the order's
// total and its VAT stay as they are, and the card pays part or all of that
// total; the payment provider is charged only the rest. A card is a
// multi-purpose voucher (EU VAT directive art. 30a/30b, Dutch Wet OB art.
// 4a): no VAT when it is sold, VAT on what it buys.
//
// Balance bookkeeping, per card:
//
//	Balance  = what is left to spend (reserved amounts already taken off)
//	Reserved = what orders awaiting payment hold of it
//
// Reserve moves money from Balance to Reserved, Release moves it back,
// Capture removes it from Reserved for good (the order was paid), Credit
// adds a refund back to Balance. None of them ever lets Balance or Reserved
// go below zero.
package giftcard

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/storefront/storefront/checkout/money"
)

// Errors of the card's bookkeeping.
var (
	ErrUnknown  = errors.New("unknown gift card code")
	ErrExpired  = errors.New("gift card expired")
	ErrEmpty    = errors.New("gift card has no balance left")
	ErrBalance  = errors.New("gift card balance too low")
	ErrReserved = errors.New("gift card reservation not found")
	ErrCurrency = errors.New("gift card currency differs from the order's")
	ErrVoided   = errors.New("gift card balance voided by the shop")
	ErrHeld     = errors.New("an order awaiting payment holds part of the gift card")
	ErrReason   = errors.New("say why the balance is voided")
)

// codeAlphabet is Crockford's base32 without I, L, O, U: nothing to misread
// when a code is typed from a printed card or a phone screen.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// CodeGroups and groupLen make a code of 16 symbols = 80 random bits,
// written as four groups of four: XXXX-XXXX-XXXX-XXXX.
const (
	CodeGroups = 4
	groupLen   = 4
	codeLen    = CodeGroups * groupLen
)

// NewCode makes a fresh code: 80 bits from crypto/rand. At 10 guesses a
// minute per address (the checkout's limit), guessing one of a million
// live cards takes longer than the universe has existed.
func NewCode() string {
	b := make([]byte, codeLen)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("gift card code: crypto/rand: %v", err)) // never fails on Linux
	}
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%groupLen == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(codeAlphabet[c&31]) // 32 symbols: 5 bits of each byte, uniform
	}
	return sb.String()
}

// Normalize turns what a customer typed into the canonical code, or ""
// when it cannot be one: case, spaces and dashes do not matter, and the
// letters people confuse with digits (O, I, L) are read as 0, 1, 1.
func Normalize(s string) string {
	if len(s) > 64 {
		return ""
	}
	var out []byte
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if r > 127 || !strings.ContainsRune(codeAlphabet, r) {
			return ""
		}
		out = append(out, byte(r))
	}
	if len(out) != codeLen {
		return ""
	}
	var sb strings.Builder
	for i, c := range out {
		if i > 0 && i%groupLen == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(c)
	}
	return sb.String()
}

// Hash is how the store finds a card by its code without keeping the code
// in an index: sha256 of the normalised code, hex.
func Hash(code string) string {
	h := sha256.Sum256([]byte("giftcard:" + code))
	return hex.EncodeToString(h[:])
}

// Last4 is what pages and mails show of a code that is not theirs to show.
func Last4(code string) string {
	if len(code) < 4 {
		return code
	}
	return "…" + code[len(code)-4:]
}

// NewToken makes the token of a card's page: 192 random bits, base64url.
func NewToken() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("gift card token: crypto/rand: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Entry kinds of a card's ledger.
const (
	KindIssued   = "issued"   // sold (or made by the owner)
	KindReserved = "reserved" // held by an order awaiting payment
	KindReleased = "released" // the order was not paid: back to the balance
	KindSpent    = "spent"    // the order was paid
	KindRefunded = "refunded" // a refund of the order went back to the card
	KindVoided   = "voided"   // the shop voided the unspent balance (Note: why)
)

// Entry is one line of a card's history.
type Entry struct {
	At      time.Time    `json:"at"`
	Kind    string       `json:"kind"`
	Amount  money.Amount `json:"amount"` // always positive; Kind says which way
	OrderID string       `json:"order_id,omitempty"`
	Note    string       `json:"note,omitempty"`
}

// Card is one gift card. The code itself is never stored: only its Hash
// (to find the card) and its last four symbols (to show it).
type Card struct {
	ID       string `json:"id"`    // GC-2026-000001
	Token    string `json:"token"` // its page: /giftcard/<token>
	CodeHash string `json:"code_hash"`
	// Code is kept so its page and a resent mail can show it; whoever
	// holds the page token holds the card (as with an order's token).
	Code      string       `json:"code"`
	Last4     string       `json:"last4"`
	Currency  string       `json:"currency"`
	Initial   money.Amount `json:"initial"`
	Balance   money.Amount `json:"balance"`  // spendable now
	Reserved  money.Amount `json:"reserved"` // held by orders awaiting payment
	CreatedAt time.Time    `json:"created_at"`
	ExpiresAt time.Time    `json:"expires_at,omitzero"` // zero: never (ValidUntil)
	// The sale: the order that bought it, who gets it and when.
	OrderID   string    `json:"order_id,omitempty"`
	Recipient string    `json:"recipient,omitempty"`
	Message   string    `json:"message,omitempty"`
	SendOn    time.Time `json:"send_on,omitzero"`
	Lang      string    `json:"lang,omitempty"`
	Ledger    []Entry   `json:"ledger"`
	// The shop voided the unspent balance (Void): when and why. A refund
	// to the card afterwards is spendable again (the customer's money).
	VoidedAt   time.Time `json:"voided_at,omitzero"`
	VoidReason string    `json:"void_reason,omitempty"`
}

// Issue makes a card worth amount with a fresh code; it returns the card
// and the code (the only time the code exists in the clear).
func Issue(amount money.Amount, currency string, now time.Time, rule Rule) (Card, string) {
	code := NewCode()
	c := Card{
		Token: NewToken(), CodeHash: Hash(code), Last4: Last4(code), Currency: currency,
		Initial: amount, Balance: amount, CreatedAt: now, ExpiresAt: rule.ExpiresAt(now),
		Ledger: []Entry{{At: now, Kind: KindIssued, Amount: amount}},
	}
	return c, code
}

// Usable says why the card cannot pay now, or nil.
func (c *Card) Usable(now time.Time) error {
	switch {
	case !c.ExpiresAt.IsZero() && !now.Before(c.ExpiresAt):
		return ErrExpired
	case c.Balance <= 0 && !c.VoidedAt.IsZero():
		return ErrVoided
	case c.Balance <= 0:
		return ErrEmpty
	}
	return nil
}

// MaxVoidReason is the longest reason for voiding a balance, in characters.
const MaxVoidReason = 300

// Void takes the unspent balance off the card for reason (the owner's:
// a card sold by mistake, a fraud, a settlement with the customer); it
// returns what was voided. Not while an order awaiting payment holds part
// of it (ErrHeld: its hold would come back after), not an empty balance.
func (c *Card) Void(reason string, now time.Time) (money.Amount, error) {
	switch {
	case strings.TrimSpace(reason) == "" || len([]rune(reason)) > MaxVoidReason:
		return 0, ErrReason
	case c.Reserved > 0:
		return 0, ErrHeld
	case c.Balance <= 0:
		return 0, ErrEmpty
	}
	amt := c.Balance
	c.Balance = 0
	c.VoidedAt, c.VoidReason = now, strings.TrimSpace(reason)
	c.Ledger = append(c.Ledger, Entry{At: now, Kind: KindVoided, Amount: amt, Note: c.VoidReason})
	return amt, nil
}

// Voided is what the shop voided of the card.
func (c *Card) Voided() money.Amount {
	var v money.Amount
	for _, e := range c.Ledger {
		if e.Kind == KindVoided {
			v += e.Amount
		}
	}
	return v
}

// Tender is how much of due (the order's total) a card with balance pays:
// all of due when the balance covers it, else the whole balance.
func Tender(balance, due money.Amount) money.Amount {
	if balance <= 0 || due <= 0 {
		return 0
	}
	return min(balance, due)
}

// Reserve holds amount for an order awaiting payment.
func (c *Card) Reserve(amount money.Amount, orderID string, now time.Time) error {
	if err := c.Usable(now); err != nil {
		return err
	}
	if amount <= 0 || amount > c.Balance {
		return fmt.Errorf("%w: %s asked, %s left", ErrBalance, money.Format(amount, c.Currency), money.Format(c.Balance, c.Currency))
	}
	c.Balance -= amount
	c.Reserved += amount
	c.Ledger = append(c.Ledger, Entry{At: now, Kind: KindReserved, Amount: amount, OrderID: orderID})
	return nil
}

// held is what the order holds of the card now: its reservations minus what
// was released or spent since.
func (c *Card) held(orderID string) money.Amount {
	var h money.Amount
	for _, e := range c.Ledger {
		if e.OrderID != orderID {
			continue
		}
		switch e.Kind {
		case KindReserved:
			h += e.Amount
		case KindReleased, KindSpent:
			h -= e.Amount
		}
	}
	return h
}

// Release gives back what an unpaid order held; nothing when it holds
// nothing (idempotent).
func (c *Card) Release(orderID string, now time.Time) money.Amount {
	h := c.held(orderID)
	if h <= 0 {
		return 0
	}
	c.Reserved -= h
	c.Balance += h
	c.Ledger = append(c.Ledger, Entry{At: now, Kind: KindReleased, Amount: h, OrderID: orderID})
	return h
}

// Capture spends what a paid order held (idempotent).
func (c *Card) Capture(orderID string, now time.Time) money.Amount {
	h := c.held(orderID)
	if h <= 0 {
		return 0
	}
	c.Reserved -= h
	c.Ledger = append(c.Ledger, Entry{At: now, Kind: KindSpent, Amount: h, OrderID: orderID})
	return h
}

// Credit puts a refund back on the card. An expired card is credited too:
// the money is the customer's (the shop may extend it; docs/giftcards.md).
func (c *Card) Credit(amount money.Amount, orderID, note string, now time.Time) {
	if amount <= 0 {
		return
	}
	c.Balance += amount
	c.Ledger = append(c.Ledger, Entry{At: now, Kind: KindRefunded, Amount: amount, OrderID: orderID, Note: note})
}

// Spent is what paid orders took from the card, net of refunds to it.
func (c *Card) Spent() money.Amount {
	var s money.Amount
	for _, e := range c.Ledger {
		switch e.Kind {
		case KindSpent:
			s += e.Amount
		case KindRefunded:
			s -= e.Amount
		}
	}
	return s
}

// Check reports a card whose numbers do not add up: a negative balance or
// reservation, or Initial ≠ Balance + Reserved + Spent.
func (c *Card) Check() error {
	if c.Balance < 0 || c.Reserved < 0 {
		return fmt.Errorf("gift card %s: negative balance %d or reservation %d", c.ID, c.Balance, c.Reserved)
	}
	if got := c.Balance + c.Reserved + c.Spent() + c.Voided(); got != c.Initial {
		return fmt.Errorf("gift card %s: balance %d + reserved %d + spent %d + voided %d ≠ issued %d", c.ID, c.Balance, c.Reserved, c.Spent(), c.Voided(), c.Initial)
	}
	return nil
}

// RefundSplit says how much of a refund goes back to the gift card that
// paid cardPaid of the order (of which cardRefunded went back already):
// the card first, up to what it paid; the provider gets the rest.
func RefundSplit(refund, cardPaid, cardRefunded money.Amount) (toCard, toProvider money.Amount) {
	if refund <= 0 {
		return 0, 0
	}
	left := max(0, cardPaid-cardRefunded)
	toCard = min(refund, left)
	return toCard, refund - toCard
}
