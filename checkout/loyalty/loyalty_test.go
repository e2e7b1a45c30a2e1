package loyalty

import (
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/money"
)

var rule = Rule{PointsPerEuro: 1, PointValue: 5, MinRedeem: 100} // 100 points = €5

func TestEarn(t *testing.T) {
	for _, tc := range []struct {
		rule  Rule
		goods money.Amount
		want  int
	}{
		{rule, 0, 0},
		{rule, 99, 0},
		{rule, 100, 1},
		{rule, 4999, 49},
		{rule, 5000, 50},
		{rule, -500, 0},
		{Rule{PointsPerEuro: 2, PointValue: 1}, 1250, 24},
		{Rule{}, 5000, 0},                 // no programme
		{Rule{PointsPerEuro: 1}, 5000, 0}, // points worth nothing: off
	} {
		if got := tc.rule.Earn(tc.goods); got != tc.want {
			t.Errorf("%+v.Earn(%d) = %d, want %d", tc.rule, tc.goods, got, tc.want)
		}
	}
}

func TestRedeem(t *testing.T) {
	for _, tc := range []struct {
		name     string
		balance  int
		goods    money.Amount
		want     int
		points   int
		discount money.Amount
	}{
		{"all of the balance", 150, 5000, 0, 150, 750},
		{"below the minimum", 99, 5000, 0, 0, 0},
		{"exactly the minimum", 100, 5000, 0, 100, 500},
		{"never more than the balance", 300, 100000, 0, 300, 1500},
		{"never the whole goods total", 1000, 1000, 0, 199, 995},
		{"goods total exactly worth the points still leaves a cent", 200, 1000, 0, 199, 995},
		{"capped by goods below the minimum", 1000, 400, 0, 0, 0},
		{"the customer asks for fewer", 500, 10000, 120, 120, 600},
		{"asking for fewer than the minimum", 500, 10000, 50, 0, 0},
		{"asking for more than the balance", 150, 10000, 900, 150, 750},
		{"no balance", 0, 5000, 0, 0, 0},
		{"negative balance", -5, 5000, 0, 0, 0},
		{"nothing to pay for", 500, 0, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, d := rule.Redeem(tc.balance, tc.goods, tc.want)
			if p != tc.points || d != tc.discount {
				t.Fatalf("Redeem(%d, %d, %d) = %d points, %d off; want %d, %d", tc.balance, tc.goods, tc.want, p, d, tc.points, tc.discount)
			}
			if p > 0 && (p > tc.balance || d >= tc.goods || p < rule.MinRedeem) {
				t.Fatalf("Redeem broke a limit: %d points, %d off, balance %d, goods %d", p, d, tc.balance, tc.goods)
			}
		})
	}
	if p, _ := (Rule{}).Redeem(500, 5000, 0); p != 0 {
		t.Fatalf("a shop without a programme redeemed %d points", p)
	}
}

func day(d int) time.Time { return time.Date(2026, 11, d, 12, 0, 0, 0, time.UTC) }

func TestLedger(t *testing.T) {
	delivered := Order{ID: "A", CreatedAt: day(1), PaidAt: day(1), SpendableAt: day(3), GoodsPaid: 5000, ToEarn: 50}
	for _, tc := range []struct {
		name    string
		orders  []Order
		balance int
		pending int
		kinds   []Kind
	}{
		{"paid, not delivered: pending only",
			[]Order{{ID: "A", CreatedAt: day(1), PaidAt: day(1), GoodsPaid: 5000, ToEarn: 50}}, 0, 50, nil},
		{"unpaid earns nothing", []Order{{ID: "A", CreatedAt: day(1), GoodsPaid: 5000, ToEarn: 50}}, 0, 0, nil},
		{"delivered: credited", []Order{delivered}, 50, 0, []Kind{Credited}},
		{"full refund after delivery takes all back",
			[]Order{with(delivered, Refund{day(5), 5000})}, 0, 0, []Kind{Credited, TakenBack}},
		{"partial refund takes back in proportion",
			[]Order{with(delivered, Refund{day(5), 2000})}, 30, 0, []Kind{Credited, TakenBack}},
		{"two partial refunds: no rounding drift",
			[]Order{with(delivered, Refund{day(5), 1666}, Refund{day(6), 1667})}, 16, 0, []Kind{Credited, TakenBack, TakenBack}},
		{"the same goods refunded twice never take back more than earned",
			[]Order{with(delivered, Refund{day(5), 5000}, Refund{day(6), 5000})}, 0, 0, []Kind{Credited, TakenBack}},
		{"refund before delivery: credit on what was kept",
			[]Order{with(delivered, Refund{day(2), 1000})}, 40, 0, []Kind{Credited}},
		{"refund before delivery, still pending",
			[]Order{with(Order{ID: "A", CreatedAt: day(1), PaidAt: day(1), GoodsPaid: 5000, ToEarn: 50}, Refund{day(2), 1000})}, 0, 40, nil},
		{"shipping-only refund takes nothing", []Order{with(delivered, Refund{day(5), 0})}, 50, 0, []Kind{Credited}},
		{"points spent then their order refunded: forgiven, never negative",
			[]Order{
				{ID: "A", CreatedAt: day(1), PaidAt: day(1), SpendableAt: day(2), GoodsPaid: 20000, ToEarn: 200,
					Refunds: []Refund{{day(10), 20000}}},
				{ID: "B", CreatedAt: day(5), PaidAt: day(5), SpendableAt: day(7), GoodsPaid: 3000, ToEarn: 30, Redeemed: 200},
			}, 0, 0, []Kind{Credited, Redeemed, Credited, TakenBack}},
		{"points spent on an order refunded in full come back",
			[]Order{
				{ID: "A", CreatedAt: day(1), PaidAt: day(1), SpendableAt: day(2), GoodsPaid: 20000, ToEarn: 200},
				{ID: "B", CreatedAt: day(5), PaidAt: day(5), GoodsPaid: 3000, ToEarn: 30, Redeemed: 150, Canceled: true,
					Refunds: []Refund{{day(6), 3000}}},
			}, 200, 0, []Kind{Credited, Redeemed, Restored}},
		{"points held while awaiting payment",
			[]Order{delivered, {ID: "B", CreatedAt: day(5), GoodsPaid: 3000, ToEarn: 30, Redeemed: 50}}, 0, 0, []Kind{Credited, Redeemed}},
		{"canceled unpaid order never spent its points",
			[]Order{delivered, {ID: "B", CreatedAt: day(5), GoodsPaid: 3000, ToEarn: 30, Redeemed: 50, Canceled: true}}, 50, 0, []Kind{Credited}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			acc := Ledger(tc.orders)
			if acc.Balance != tc.balance || acc.Pending != tc.pending {
				t.Fatalf("balance %d pending %d, want %d and %d; history %+v", acc.Balance, acc.Pending, tc.balance, tc.pending, acc.History)
			}
			var kinds []Kind
			for _, e := range acc.History {
				kinds = append(kinds, e.Kind)
				if e.Balance < 0 {
					t.Fatalf("balance below zero after %+v", e)
				}
			}
			if len(kinds) != len(tc.kinds) {
				t.Fatalf("history %v, want %v", kinds, tc.kinds)
			}
			for i := range kinds {
				if kinds[i] != tc.kinds[i] {
					t.Fatalf("history %v, want %v", kinds, tc.kinds)
				}
			}
		})
	}
}

func TestLedgerForgivenIsRecorded(t *testing.T) {
	acc := Ledger([]Order{
		{ID: "A", CreatedAt: day(1), PaidAt: day(1), SpendableAt: day(2), GoodsPaid: 10000, ToEarn: 100, Refunds: []Refund{{day(9), 10000}}},
		{ID: "B", CreatedAt: day(4), PaidAt: day(4), GoodsPaid: 2000, ToEarn: 20, Redeemed: 100},
	})
	last := acc.History[len(acc.History)-1]
	if last.Kind != TakenBack || last.Points != -100 || last.Forgiven != 100 || last.Balance != 0 {
		t.Fatalf("last entry %+v, want 100 taken back and all of it forgiven", last)
	}
	if acc.Pending != 20 {
		t.Fatalf("pending %d, want 20", acc.Pending)
	}
}

func with(o Order, rf ...Refund) Order {
	o.Refunds = append(o.Refunds, rf...)
	return o
}

func TestNormalizeEmail(t *testing.T) {
	if got := NormalizeEmail("  Anna@Example.NL "); got != "anna@example.nl" {
		t.Fatalf("NormalizeEmail = %q", got)
	}
}
