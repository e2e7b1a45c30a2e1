package loyalty

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/money"
)

// TestNoValueLeaksOverCycles draws earn → spend → return → refund cycles:
// order A earns points and is delivered; the customer tries to spend their
// balance on order B at any moment; A's goods (some or all) go back in a
// return asked within the window and refunded at any time after. Whatever
// the order of events, the points spent never exceed the points earned on
// goods the customer kept, and no take-back is ever forgiven: the
// customer never keeps both the refund and the discount (issue 10 §4).
func TestNoValueLeaksOverCycles(t *testing.T) {
	rule := Rule{PointsPerEuro: 1, PointValue: 5, MinRedeem: 1}
	day := func(n int) time.Time { return time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, n) }
	rapid.Check(t, func(t *rapid.T) {
		const window = 30
		goodsA := money.Amount(rapid.Int64Range(100, 200000).Draw(t, "goodsA"))
		a := Order{ID: "A", CreatedAt: day(0), PaidAt: day(0), GoodsPaid: goodsA, ToEarn: rule.Earn(goodsA)}
		delivered := rapid.IntRange(1, 10).Draw(t, "delivered")
		windowEnd := day(delivered + window)
		returns := rapid.Bool().Draw(t, "returns")
		var asked, refunded int
		var back money.Amount
		if returns {
			asked = rapid.IntRange(delivered, delivered+window-1).Draw(t, "asked") // only within the window
			refunded = rapid.IntRange(asked, asked+40).Draw(t, "refunded")
			back = money.Amount(rapid.Int64Range(1, int64(goodsA)).Draw(t, "back"))
		}
		// A as of a moment: the return is open from asked until refunded.
		asOf := func(now int) Order {
			o := a
			open := returns && now >= asked && now < refunded
			var settled time.Time
			if returns && now >= refunded {
				o.Refunds = []Refund{{At: day(refunded), Goods: back}}
				settled = day(refunded)
			}
			if now >= delivered {
				o.SpendableAt = SpendableAt(windowEnd, settled, open, day(now))
			}
			return o
		}
		spendDay := rapid.IntRange(0, delivered+window+50).Draw(t, "spend")
		goodsB := money.Amount(rapid.Int64Range(2, 200000).Draw(t, "goodsB"))
		balance := Ledger([]Order{asOf(spendDay)}).Balance
		points, discount := rule.Redeem(balance, goodsB, 0)
		b := Order{ID: "B", CreatedAt: day(spendDay), PaidAt: day(spendDay), GoodsPaid: goodsB - discount, Redeemed: points}

		final := Ledger([]Order{asOf(delivered + window + 100), b})
		for _, e := range final.History {
			if e.Forgiven > 0 {
				t.Fatalf("a take-back was forgiven (the customer kept refund and discount): %+v\n%+v", e, final.History)
			}
		}
		if earnedKept := kept(a.ToEarn, goodsA, back); points > earnedKept {
			t.Fatalf("spent %d points, but only %d were earned on goods kept", points, earnedKept)
		}
		if final.Balance < 0 {
			t.Fatalf("negative balance %d", final.Balance)
		}
	})
}

// TestOldRuleLeaked shows the defect the rule above fixes: with points
// spendable from delivery, a customer spends them and returns the goods
// within the window; the take-back is forgiven, 5 % of the value leaks.
func TestOldRuleLeaked(t *testing.T) {
	rule := Rule{PointsPerEuro: 1, PointValue: 5, MinRedeem: 100}
	day := func(n int) time.Time { return time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, n) }
	a := Order{ID: "A", CreatedAt: day(0), PaidAt: day(0), GoodsPaid: 20000, ToEarn: rule.Earn(20000)}
	old := a
	old.SpendableAt = day(2) // the old rule: credited on delivery
	p, d := rule.Redeem(Ledger([]Order{old}).Balance, 10000, 0)
	if p != 200 || d != 1000 {
		t.Fatalf("old rule: %d points, %d off", p, d)
	}
	old.Refunds = []Refund{{At: day(5), Goods: 20000}}
	b := Order{ID: "B", CreatedAt: day(3), PaidAt: day(3), GoodsPaid: 9000, Redeemed: p}
	acc := Ledger([]Order{old, b})
	forgiven := 0
	for _, e := range acc.History {
		forgiven += e.Forgiven
	}
	if forgiven != 200 {
		t.Fatalf("the old rule forgave %d points; the defect was 200 (5 %% of 200.00)", forgiven)
	}
	// The rule now: on day 3 the window (30 days) is open: nothing to spend.
	a.SpendableAt = SpendableAt(day(32), time.Time{}, false, day(3))
	if bal := Ledger([]Order{a}).Balance; bal != 0 {
		t.Fatalf("balance while A is returnable: %d", bal)
	}
}
