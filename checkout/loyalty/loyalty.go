// Package loyalty holds the loyalty-points rules (pure): how many points an
// order earns, what points are worth at checkout, and the ledger of a
// customer's points derived from their orders.
//
// The rules, as the shop owner writes them in data/shop.toml [loyalty] and
// the build copies them into catalog.json:
//
//   - An order earns PointsPerEuro points per whole euro paid for goods
//     (shipping excluded, a points discount excluded). The number is frozen
//     on the order at checkout. Gift cards bought earn nothing unless the
//     owner says so (EarnOnGiftCards): their money earns when it buys goods,
//     which a gift card paying does not change.
//   - The points are pending once the order is paid and become spendable
//     (credited) only when the order can no longer be returned: its return
//     window has closed and no return or refund of it is under way
//     (SpendableAt). Points that could still be spent while the goods that
//     earned them go back would leave the customer both the refund and the
//     discount: with 1 point per euro worth 0.05, each earn → spend →
//     return → refund cycle leaked 5 % of the returned value.
//   - A refund takes earned points back in proportion to the goods refunded;
//     points spent on an order come back in the same proportion.
//   - A customer chooses to redeem points at checkout: each point is worth
//     PointValue minor units, at least MinRedeem points at once, never more
//     than the balance and never the whole goods total (something is paid).
//   - A balance never goes below zero: points already spent that a refund
//     would take back are forgiven, not carried as a debt.
//
// There are no accounts: a balance belongs to a normalised e-mail address and
// is the fold of the ledger entries of that address's orders, in time order.
package loyalty

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/storefront/storefront/checkout/money"
)

// Rule is the shop's loyalty rule. The zero Rule means no loyalty programme.
type Rule struct {
	PointsPerEuro int          `json:"points_per_euro"`
	PointValue    money.Amount `json:"point_value"` // minor units one point is worth at checkout
	MinRedeem     int          `json:"min_redeem"`  // fewest points redeemed at once
	// EarnOnGiftCards: buying a gift card earns points too. Off by
	// default: the card's money earns its points when it buys goods
	// (a gift card paying is a tender, not a discount), so the same
	// euro does not earn twice.
	EarnOnGiftCards bool `json:"earn_on_gift_cards,omitempty"`
}

// Enabled reports whether the shop runs a loyalty programme.
func (r Rule) Enabled() bool { return r.PointsPerEuro > 0 && r.PointValue > 0 }

// Earn is the points an order earns for goods paid (minor units, shipping
// and points discount excluded): PointsPerEuro per whole euro.
func (r Rule) Earn(goodsPaid money.Amount) int {
	if !r.Enabled() || goodsPaid <= 0 {
		return 0
	}
	return int(goodsPaid/100) * r.PointsPerEuro
}

// EarnOn is the points an order earns that pays paid for what it buys
// (minor units: the grand total less shipping, after any discount, before
// a gift card paying part of it), of which giftCards for gift cards
// bought: without EarnOnGiftCards those earn nothing.
func (r Rule) EarnOn(paid, giftCards money.Amount) int {
	if !r.EarnOnGiftCards {
		paid -= giftCards
	}
	return r.Earn(paid)
}

// Redeem is how many of balance points the customer can use on goods worth
// goods (minor units, shipping excluded), at most want (0: as many as
// possible), and the discount they give. At least one minor unit of the
// goods stays to be paid; fewer than MinRedeem points redeem nothing.
func (r Rule) Redeem(balance int, goods money.Amount, want int) (points int, discount money.Amount) {
	if !r.Enabled() || balance <= 0 || goods <= 1 {
		return 0, 0
	}
	points = balance
	if want > 0 {
		points = min(points, want)
	}
	points = min(points, int((goods-1)/r.PointValue))
	if points <= 0 || points < r.MinRedeem {
		return 0, 0
	}
	return points, money.Amount(points) * r.PointValue
}

// Value is what points are worth at checkout.
func (r Rule) Value(points int) money.Amount { return money.Amount(points) * r.PointValue }

// NormalizeEmail is the key of a customer's points: trimmed, lower case.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Kind is what a ledger entry records.
type Kind string

const (
	Credited  Kind = "credited"   // earned points, on delivery
	TakenBack Kind = "taken_back" // earned points taken back on a refund
	Redeemed  Kind = "redeemed"   // spent as a discount at checkout
	Restored  Kind = "restored"   // spent points given back on a refund
)

// Entry is one line of a customer's points history. Points is signed (a
// take-back or redemption is negative). Forgiven is the part of a negative
// entry that the balance could not carry (it never goes below zero).
type Entry struct {
	At       time.Time `json:"at"`
	OrderID  string    `json:"order_id"`
	Kind     Kind      `json:"kind"`
	Points   int       `json:"points"`
	Forgiven int       `json:"forgiven,omitempty"`
	Balance  int       `json:"balance"` // after this entry
}

// Refund is what the ledger needs of one refund: when, and how much of it
// paid back goods (shipping excluded).
type Refund struct {
	At    time.Time
	Goods money.Amount
}

// Order is what the ledger needs of one order.
type Order struct {
	ID          string
	CreatedAt   time.Time
	PaidAt      time.Time // zero while unpaid
	SpendableAt time.Time // when its earned points became spendable (see SpendableAt); zero: not yet
	Canceled    bool
	GoodsPaid   money.Amount // goods total charged (after the points discount, without shipping)
	ToEarn      int          // points frozen at checkout
	Redeemed    int          // points spent on the order at checkout
	Refunds     []Refund
}

// kept is the part of n points that stays after refundedGoods of goodsPaid
// went back: floor(n × (goodsPaid − refunded) / goodsPaid), never below 0.
func kept(n int, goodsPaid, refundedGoods money.Amount) int {
	if n <= 0 || goodsPaid <= 0 {
		return 0
	}
	left := goodsPaid - refundedGoods
	if left <= 0 {
		return 0
	}
	if left >= goodsPaid {
		return n
	}
	return int(int64(n) * int64(left) / int64(goodsPaid))
}

// entries are the raw (unclamped) ledger entries of one order.
func (o Order) entries() []Entry {
	var out []Entry
	paid := !o.PaidAt.IsZero()
	if o.Redeemed > 0 && (paid || !o.Canceled) {
		// Points are held from checkout; an order canceled unpaid never spent them.
		out = append(out, Entry{At: o.CreatedAt, OrderID: o.ID, Kind: Redeemed, Points: -o.Redeemed})
	}
	if !paid {
		return out
	}
	refunds := slices.Clone(o.Refunds)
	slices.SortStableFunc(refunds, func(a, b Refund) int { return a.At.Compare(b.At) })
	var cum money.Amount // goods refunded so far
	spendable := !o.SpendableAt.IsZero()
	credited := false
	credit := func(at time.Time) {
		if n := kept(o.ToEarn, o.GoodsPaid, cum); n > 0 {
			out = append(out, Entry{At: at, OrderID: o.ID, Kind: Credited, Points: n})
		}
		credited = true
	}
	for _, rf := range refunds {
		if spendable && !credited && rf.At.After(o.SpendableAt) {
			credit(o.SpendableAt)
		}
		before := cum
		cum += max(0, rf.Goods)
		if credited {
			if n := kept(o.ToEarn, o.GoodsPaid, before) - kept(o.ToEarn, o.GoodsPaid, cum); n > 0 {
				out = append(out, Entry{At: rf.At, OrderID: o.ID, Kind: TakenBack, Points: -n})
			}
		}
		if n := kept(o.Redeemed, o.GoodsPaid, before) - kept(o.Redeemed, o.GoodsPaid, cum); n > 0 {
			out = append(out, Entry{At: rf.At, OrderID: o.ID, Kind: Restored, Points: n})
		}
	}
	if spendable && !credited {
		credit(o.SpendableAt)
	}
	return out
}

// Pending is the points a paid order will credit once they are spendable
// (0 once spendable, canceled or unpaid).
func (o Order) Pending() int {
	if o.PaidAt.IsZero() || !o.SpendableAt.IsZero() || o.Canceled {
		return 0
	}
	var cum money.Amount
	for _, rf := range o.Refunds {
		cum += max(0, rf.Goods)
	}
	return kept(o.ToEarn, o.GoodsPaid, cum)
}

// SpendableAt is when an order's earned points become spendable: once its
// return window has closed (windowEnd, zero while it has not been
// delivered) and no return or refund of it is under way (open), at the
// later of windowEnd and the last settled return or refund (settled). It is
// zero while that moment has not come by now.
func SpendableAt(windowEnd, settled time.Time, open bool, now time.Time) time.Time {
	if windowEnd.IsZero() || open {
		return time.Time{}
	}
	at := windowEnd
	if settled.After(at) {
		at = settled
	}
	if at.After(now) {
		return time.Time{}
	}
	return at
}

// Account is one customer's points: balance, pending points and history.
type Account struct {
	Balance int     `json:"balance"`
	Pending int     `json:"pending"` // credited when the paid orders' return windows close
	History []Entry `json:"history"` // oldest first
}

// Ledger folds the orders of one customer into their account: entries in
// time order (credits before debits at the same instant), the balance
// clamped at zero after every entry.
func Ledger(orders []Order) Account {
	var all []Entry
	acc := Account{History: []Entry{}}
	for _, o := range orders {
		all = append(all, o.entries()...)
		acc.Pending += o.Pending()
	}
	slices.SortStableFunc(all, func(a, b Entry) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Points, a.Points); c != 0 { // gains first
			return c
		}
		return strings.Compare(a.OrderID, b.OrderID)
	})
	bal := 0
	for _, e := range all {
		bal += e.Points
		if bal < 0 {
			e.Forgiven = -bal
			bal = 0
		}
		e.Balance = bal
		acc.History = append(acc.History, e)
	}
	acc.Balance = bal
	return acc
}
