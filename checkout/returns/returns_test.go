package returns

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
)

var ams, _ = time.LoadLocation("Europe/Amsterdam")

// shipped is a paid order of 2 × A (10.00) and 1 × B (5.00) with 4.95
// shipping, shipped and delivered on the given day.
func shipped(delivered time.Time) *order.Order {
	o := &order.Order{ID: "SF-1", State: order.Delivered, Currency: "EUR", PaymentID: "tr_x",
		PaidAt: delivered.AddDate(0, 0, -2), ShippedAt: delivered.AddDate(0, 0, -1), DeliveredAt: delivered,
		Lines: []order.Line{
			{SKU: "A", Title: "Alpha", UnitPrice: 1000, Quantity: 2, LineTotal: 2000},
			{SKU: "B", Title: "Beta", UnitPrice: 500, Quantity: 1, LineTotal: 500},
		},
		Totals: cart.Totals{Subtotal: 2500, Shipping: 495, GrandTotal: 2995, Currency: "EUR"},
	}
	return o
}

func TestPolicyFromDefaults(t *testing.T) {
	p := PolicyFrom(catalog.Returns{})
	if p.WindowDays != 30 || p.RefundDays != 5 || p.RefundShipping != ShippingFullReturn {
		t.Errorf("defaults: %+v", p)
	}
	p = PolicyFrom(catalog.Returns{WindowDays: 14, RefundShipping: "never", ExceptionsEN: "opened bags"})
	if p.WindowDays != 14 || p.RefundShipping != ShippingNever || p.Exceptions["en"] != "opened bags" {
		t.Errorf("given: %+v", p)
	}
	if PolicyFrom(catalog.Returns{RefundShipping: "bogus"}).RefundShipping != ShippingFullReturn {
		t.Error("an unknown refund_shipping must fall back to full_return")
	}
}

func TestWindow(t *testing.T) {
	p := Policy{WindowDays: 30}
	delivered := time.Date(2026, 11, 2, 14, 0, 0, 0, ams)
	o := shipped(delivered)
	tests := []struct {
		name string
		now  time.Time
		want error
	}{
		{"same day", delivered.Add(time.Hour), nil},
		{"last day, late evening", time.Date(2026, 12, 2, 23, 59, 0, 0, ams), nil},
		{"the day after the last", time.Date(2026, 12, 3, 0, 0, 1, 0, ams), ErrWindowClosed},
		{"months later", delivered.AddDate(0, 3, 0), ErrWindowClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dl, err := p.Open(o, tc.now, ams)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Open at %s: %v, want %v (deadline %s)", tc.now, err, tc.want, dl)
			}
			if tc.want != nil && !strings.Contains(err.Error(), "2026-12-02") {
				t.Errorf("the refusal must name the last day: %v", err)
			}
		})
	}
}

func TestWindowStates(t *testing.T) {
	p := Policy{WindowDays: 30}
	now := time.Date(2026, 11, 10, 12, 0, 0, 0, ams)
	o := shipped(now.AddDate(0, 0, -1))
	o.State, o.DeliveredAt = order.Paid, time.Time{}
	o.ShippedAt = time.Time{}
	if _, err := p.Open(o, now, ams); !errors.Is(err, ErrNotShipped) {
		t.Errorf("paid, not shipped: %v", err)
	}
	// Shipped but never marked delivered: the window counts from shipping.
	o.State, o.ShippedAt = order.Shipped, now.AddDate(0, 0, -31)
	if _, err := p.Open(o, now, ams); !errors.Is(err, ErrWindowClosed) {
		t.Errorf("shipped 31 days ago, not delivered: %v", err)
	}
	o.ShippedAt = now.AddDate(0, 0, -3)
	if _, err := p.Open(o, now, ams); err != nil {
		t.Errorf("shipped 3 days ago: %v", err)
	}
	o.State = order.Canceled
	if _, err := p.Open(o, now, ams); !errors.Is(err, ErrNotShipped) {
		t.Errorf("canceled: %v", err)
	}
}

func TestLines(t *testing.T) {
	o := shipped(time.Now())
	tests := []struct {
		name  string
		want  map[string]int
		err   error
		units int
	}{
		{"one of two", map[string]int{"A": 1}, nil, 1},
		{"everything", map[string]int{"A": 2, "B": 1}, nil, 3},
		{"zeros ignored", map[string]int{"A": 0, "B": 1}, nil, 1},
		{"nothing", map[string]int{"A": 0}, ErrNothing, 0},
		{"empty", map[string]int{}, ErrNothing, 0},
		{"too many", map[string]int{"A": 3}, ErrQuantity, 0},
		{"negative", map[string]int{"A": -1, "B": 1}, ErrQuantity, 0},
		{"unknown", map[string]int{"Z": 1}, ErrUnknownItem, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lines, err := Lines(o, tc.want, Returnable(o))
			if !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			n := 0
			for _, l := range lines {
				n += l.Quantity
				if l.UnitPrice == 0 || l.Title == "" {
					t.Errorf("line without price or title: %+v", l)
				}
			}
			if n != tc.units {
				t.Errorf("units %d, want %d", n, tc.units)
			}
		})
	}
}

func TestReturnableAfterReturnsAndRefunds(t *testing.T) {
	o := shipped(time.Now())
	o.Returns = []order.Return{{Code: "R1", Lines: []order.ReturnLine{{SKU: "A", Quantity: 1}}}}
	o.Refunds = []order.Refund{
		{ID: "RF1", Amount: 500, Status: order.RefundRefunded, Lines: []order.ReturnLine{{SKU: "B", Quantity: 1}}},
		{ID: "RF2", Amount: 1000, Status: order.RefundFailed, Lines: []order.ReturnLine{{SKU: "A", Quantity: 1}}},
	}
	left := Returnable(o)
	if left["A"] != 1 || left["B"] != 0 {
		t.Errorf("returnable %v, want A:1 (one in a return; a failed refund does not count) B:0 (refunded by item)", left)
	}
	if _, err := Lines(o, map[string]int{"A": 2}, left); !errors.Is(err, ErrQuantity) {
		t.Errorf("returning more than is left: %v", err)
	}
}

func TestForLines(t *testing.T) {
	a1 := []order.ReturnLine{{SKU: "A", Quantity: 1, UnitPrice: 1000}}
	all := []order.ReturnLine{{SKU: "A", Quantity: 2, UnitPrice: 1000}, {SKU: "B", Quantity: 1, UnitPrice: 500}}
	tests := []struct {
		name     string
		policy   string
		lines    []order.ReturnLine
		allBack  bool
		refunded money.Amount // already refunded (no shipping)
		want     Amount
	}{
		{"part, full_return", ShippingFullReturn, a1, false, 0, Amount{Items: 1000}},
		{"all, full_return", ShippingFullReturn, all, true, 0, Amount{Items: 2500, Shipping: 495}},
		{"part, always", ShippingAlways, a1, false, 0, Amount{Items: 1000, Shipping: 495}},
		{"all, never", ShippingNever, all, true, 0, Amount{Items: 2500}},
		{"capped by what is left: shipping gives way", ShippingFullReturn, all, true, 100, Amount{Items: 2500, Shipping: 395}},
		{"capped below the items", ShippingFullReturn, all, true, 2000, Amount{Items: 995}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := shipped(time.Now())
			if tc.refunded > 0 {
				o.Refunds = []order.Refund{{ID: "X", Amount: tc.refunded, Status: order.RefundRefunded}}
			}
			got := Policy{RefundShipping: tc.policy}.ForLines(o, tc.lines, tc.allBack)
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if got.Total() > o.Refundable() {
				t.Errorf("refund %d is more than the %d left", got.Total(), o.Refundable())
			}
		})
	}
}

func TestShippingRefundedOnce(t *testing.T) {
	o := shipped(time.Now())
	o.Refunds = []order.Refund{{ID: "RF1", Amount: 1495, Shipping: 495, Status: order.RefundPending}}
	got := Policy{RefundShipping: ShippingAlways}.ForLines(o, []order.ReturnLine{{SKU: "B", Quantity: 1, UnitPrice: 500}}, false)
	if got.Shipping != 0 || got.Items != 500 {
		t.Errorf("shipping refunded before must not come again: %+v", got)
	}
}

func TestAllBack(t *testing.T) {
	o := shipped(time.Now())
	a2 := []order.ReturnLine{{SKU: "A", Quantity: 2}}
	b1 := []order.ReturnLine{{SKU: "B", Quantity: 1}}
	if AllBack(o, a2, true) {
		t.Error("A only is not everything")
	}
	o.Returns = []order.Return{{Code: "R1", Lines: a2}}
	if !AllBack(o, b1, true) {
		t.Error("A in an earlier return plus B now is everything")
	}
	if AllBack(o, b1, false) {
		t.Error("without counting earlier returns, B alone is not everything")
	}
	o.Returns = append(o.Returns, order.Return{Code: "R2", Lines: b1})
	if !AllBack(o, nil, true) {
		t.Error("both returns together are everything")
	}
}

func TestFull(t *testing.T) {
	o := shipped(time.Now())
	if f := Full(o); f.Total() != 2995 || f.Shipping != 495 {
		t.Errorf("full of an untouched order: %+v", f)
	}
	o.Refunds = []order.Refund{{ID: "RF1", Amount: 1000, Status: order.RefundRefunded}}
	if f := Full(o); f.Total() != 1995 {
		t.Errorf("full after 10.00 refunded: %+v", f)
	}
	o.PaidAt = time.Time{}
	if f := Full(o); f.Total() != 0 {
		t.Errorf("an unpaid order has nothing to refund: %+v", f)
	}
}

func TestCleanReason(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"", "", nil},
		{"  te groot \r\n maat 42 ", "te groot \n maat 42", nil},
		{"<script>alert(1)</script>", "<script>alert(1)</script>", nil}, // escaped where shown
		{"bad\u202eoverride", "", ErrReason},
		{"nul\x00", "", ErrReason},
		{strings.Repeat("x", MaxReason+1), "", ErrReason},
	}
	for _, tc := range tests {
		got, err := CleanReason(tc.in)
		if !errors.Is(err, tc.err) || got != tc.want {
			t.Errorf("CleanReason(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}
