// Package returns holds the return policy and its rules (pure): the return
// window, which units of an order can still go back, and how much a refund
// gives back — items at the price paid, shipping as the policy says, never
// more than was paid and not yet refunded.
package returns

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
)

// When the original shipping cost goes back with a return.
const (
	ShippingFullReturn = "full_return" // when the whole order has gone back (EU withdrawal rules)
	ShippingAlways     = "always"      // with the first return
	ShippingNever      = "never"
)

// MaxReason is the longest reason a customer can give (runes).
const MaxReason = 500

// Policy is the shop's return policy (data/returns.toml through catalog.json).
type Policy struct {
	WindowDays     int
	Free           bool   // the shop pays the return postage
	Address        string // where parcels go
	RefundDays     int    // working days from receipt to refund
	RefundShipping string // ShippingFullReturn, ShippingAlways, ShippingNever
	Exceptions     map[string]string
}

// PolicyFrom reads the catalog's returns settings; missing values get
// lenient defaults (30 days, shipping back on a full return).
func PolicyFrom(r catalog.Returns) Policy {
	p := Policy{WindowDays: r.WindowDays, Free: r.Free, Address: r.Address, RefundDays: r.RefundDays,
		RefundShipping: r.RefundShipping, Exceptions: map[string]string{"nl": r.ExceptionsNL, "en": r.ExceptionsEN}}
	if p.WindowDays <= 0 {
		p.WindowDays = 30
	}
	if p.RefundDays <= 0 {
		p.RefundDays = 5
	}
	switch p.RefundShipping {
	case ShippingAlways, ShippingNever:
	default:
		p.RefundShipping = ShippingFullReturn
	}
	return p
}

// Errors a customer's return can meet; the server turns them into plain words.
var (
	ErrNotShipped   = errors.New("the order has not been shipped yet")
	ErrWindowClosed = errors.New("the return window has closed")
	ErrNothing      = errors.New("choose at least one item to return")
	ErrQuantity     = errors.New("more units than can still be returned")
	ErrUnknownItem  = errors.New("that item is not in the order")
	ErrReason       = errors.New("the reason is too long or has characters we cannot show")
)

// Deadline is the last moment a return may be asked for: the end of the
// day WindowDays after delivery (in loc). An order shipped but never marked
// delivered counts from the day it shipped, in the customer's favour.
// ok is false while the order has not been shipped.
func (p Policy) Deadline(o *order.Order, loc *time.Location) (deadline time.Time, ok bool) {
	from := o.DeliveredAt
	if from.IsZero() {
		from = o.ShippedAt
	}
	if from.IsZero() || (o.State != order.Shipped && o.State != order.Delivered) {
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.UTC
	}
	d := from.In(loc)
	end := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, p.WindowDays+1)
	return end.Add(-time.Nanosecond), true
}

// Open reports whether a return may be asked for now, with the deadline.
func (p Policy) Open(o *order.Order, now time.Time, loc *time.Location) (time.Time, error) {
	dl, ok := p.Deadline(o, loc)
	if !ok {
		return time.Time{}, ErrNotShipped
	}
	if now.After(dl) {
		return dl, fmt.Errorf("%w on %s", ErrWindowClosed, dl.Format("2006-01-02"))
	}
	return dl, nil
}

// Returnable is, per SKU, how many units can still go into a return.
func Returnable(o *order.Order) map[string]int {
	out := map[string]int{}
	for _, l := range o.Lines {
		if l.GiftCard { // e-mailed, not in the parcel: nothing to send back
			continue
		}
		out[l.SKU] += l.Quantity
	}
	for sku, n := range o.ReturnedQuantities() {
		out[sku] -= n
	}
	// Units the owner refunded by item without a return (e.g. arrived
	// broken) are settled too.
	for _, r := range o.Refunds {
		if r.ReturnCode != "" || order.RefundVoid(r.Status) {
			continue
		}
		for _, l := range r.Lines {
			out[l.SKU] -= l.Quantity
		}
	}
	return out
}

// Lines checks what the customer wants to send back (SKU -> quantity; zero
// quantities are ignored) against what is still returnable and gives the
// return lines at the prices paid, in the order's line order.
func Lines(o *order.Order, want map[string]int, left map[string]int) ([]order.ReturnLine, error) {
	known := map[string]bool{}
	for _, l := range o.Lines {
		known[l.SKU] = true
	}
	total := 0
	for sku, n := range want {
		if !known[sku] {
			return nil, fmt.Errorf("%w: %s", ErrUnknownItem, sku)
		}
		if n < 0 || n > left[sku] {
			return nil, fmt.Errorf("%w: %s (%d asked, %d left)", ErrQuantity, sku, n, max(0, left[sku]))
		}
		total += n
	}
	if total == 0 {
		return nil, ErrNothing
	}
	var out []order.ReturnLine
	for _, l := range o.Lines {
		n := want[l.SKU]
		if n == 0 {
			continue
		}
		want[l.SKU] = 0 // a SKU on two lines is taken once
		out = append(out, order.ReturnLine{SKU: l.SKU, Title: l.Title, Variant: l.Variant, Quantity: n, UnitPrice: l.UnitPrice})
	}
	return out, nil
}

// CleanReason trims a free-text reason and checks it can be shown safely
// (it is escaped everywhere anyway). Empty is fine: a reason is never required.
func CleanReason(s string) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if len([]rune(s)) > MaxReason {
		return "", ErrReason
	}
	for _, r := range s {
		if r == '\n' || r == '\t' {
			continue
		}
		if r == unicode.ReplacementChar || unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Co, r) {
			return "", ErrReason
		}
	}
	return s, nil
}

// Amount is what a refund gives back.
type Amount struct {
	Items    money.Amount
	Shipping money.Amount
}

// Total is items plus shipping.
func (a Amount) Total() money.Amount { return a.Items + a.Shipping }

// ForLines is the refund for returning lines under the policy: their price
// as paid, plus the order's shipping cost when the policy gives it back now
// and it was not refunded before. allBack says whether, with these lines,
// every unit of the order has gone back. The total never exceeds what is
// still refundable; shipping gives way first.
func (p Policy) ForLines(o *order.Order, lines []order.ReturnLine, allBack bool) Amount {
	var a Amount
	a.Items = PaidFor(o, lines) // less when points or a code paid part (docs/money.md)
	ship := max(0, o.Totals.Shipping-o.ShippingRefunded())
	switch p.RefundShipping {
	case ShippingAlways:
		a.Shipping = ship
	case ShippingFullReturn:
		if allBack {
			a.Shipping = ship
		}
	}
	return capAmount(a, o.Refundable())
}

// AllBack reports whether, after lines go back, no unit of the order stays
// with the customer (counting returns already asked for).
func AllBack(o *order.Order, lines []order.ReturnLine, includeRecorded bool) bool {
	left := map[string]int{}
	for _, l := range o.Lines {
		left[l.SKU] += l.Quantity
	}
	if includeRecorded {
		for sku, n := range o.ReturnedQuantities() {
			left[sku] -= n
		}
	}
	for _, l := range lines {
		left[l.SKU] -= l.Quantity
	}
	for _, n := range left {
		if n > 0 {
			return false
		}
	}
	return true
}

// Full is everything still refundable (a cancel, or the owner's "refund all"),
// split so that shipping not yet refunded is named as such.
func Full(o *order.Order) Amount {
	left := o.Refundable()
	ship := min(left, max(0, o.Totals.Shipping-o.ShippingRefunded()))
	return Amount{Items: left - ship, Shipping: ship}
}

func capAmount(a Amount, left money.Amount) Amount {
	if a.Total() <= left {
		return a
	}
	if a.Items >= left {
		return Amount{Items: left}
	}
	return Amount{Items: a.Items, Shipping: left - a.Items}
}

// PaidFor is what the units of lines cost the customer: their price less
// their share of the points and of a discount code for them (cart.PaidFor).
func PaidFor(o *order.Order, lines []order.ReturnLine) money.Amount {
	parts := map[string]money.Amount{}
	for _, l := range lines {
		parts[l.SKU] += l.Total()
	}
	return o.Totals.PaidFor(parts)
}
