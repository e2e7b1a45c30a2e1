package server

import (
	"context"
	"fmt"
	"net/http/cookiejar"
	"slices"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/orders"
	"pgregory.net/rapid"
)

func TestNextCheck(t *testing.T) {
	base := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	after, maxGap := 2*time.Minute, time.Hour
	expiry := base.Add(15*time.Minute + time.Second)
	at := func(m float64) time.Time { return base.Add(time.Duration(m * float64(time.Minute))) }
	tests := []struct {
		name     string
		st       checkState
		deadline time.Time
		want     time.Time
	}{
		{"first check", checkState{}, time.Time{}, at(2)},
		{"second: the gap doubles", checkState{n: 1, last: at(2)}, time.Time{}, at(6)},
		{"third", checkState{n: 2, last: at(6)}, time.Time{}, at(14)},
		{"gap capped", checkState{n: 9, last: at(100)}, time.Time{}, at(160)},
		{"huge n stays capped", checkState{n: 1000, last: at(100)}, time.Time{}, at(160)},
		{"just past expiry before the next gap", checkState{n: 3, last: at(14)}, expiry, expiry},
		{"expiry already past at the first check", checkState{}, base.Add(-time.Minute), base.Add(-time.Minute)},
		{"after the check past expiry: capped gaps", checkState{n: 4, last: at(16)}, expiry, at(16 + 32)},
	}
	for _, tt := range tests {
		if got := nextCheck(base, tt.st, tt.deadline, after, maxGap); !got.Equal(tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got.Sub(base), tt.want.Sub(base))
		}
	}
}

// Many unpaid orders: a pass makes at most reconcileMax provider calls, the
// next pass right after asks about the rest and not again about those just
// asked, and an old payment paid without a webhook is still found on its
// backoff schedule (by its expiry at the latest).
func TestReconcilerBoundedWithManyUnpaid(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	clk := &testClock{t: time.Now()}
	f.SetClock(clk.Now)
	const orders, perPass = 30, 8
	sh := newShop(t, withMollie(f), withClock(clk), func(o *Options) {
		o.tune = func(s *Sidecar) {
			s.reconcileAfter, s.reconcileMax, s.payments.PageCheckEvery = 2*time.Minute, perPass, time.Hour
		}
	})
	var ids []string
	for i := range orders {
		jar, _ := cookiejar.New(nil)
		sh.jar, sh.client.Jar = jar, jar // a new customer, a new cart
		sh.addToCart("MOK-001", 1)
		r, a := sh.checkout(fmt.Sprintf("many-%d", i))
		if r.StatusCode != 201 {
			t.Fatalf("checkout %d: %d %s", i, r.StatusCode, r.body)
		}
		ids = append(ids, a.Order.ID)
	}
	calls := func() int { return f.Calls(molliefake.GetPayment) }
	pass := func() int {
		before := calls()
		sh.sc.payments.ReconcileOnce(context.Background())
		return calls() - before
	}
	if n := pass(); n != 0 {
		t.Fatalf("fresh orders: %d provider calls, want 0", n)
	}
	clk.Add(3 * time.Minute)
	total := 0
	for i := 0; i < orders/perPass+1; i++ {
		n := pass()
		if n > perPass {
			t.Fatalf("pass %d: %d provider calls, more than %d", i, n, perPass)
		}
		total += n
	}
	if total != orders {
		t.Fatalf("%d calls over the passes, want one per order (%d)", total, orders)
	}
	if n := pass(); n != 0 {
		t.Fatalf("right after every order was asked: %d calls, want 0 (backoff)", n)
	}
	// Ten minutes after checkout one payment is paid, its webhook lost;
	// passes every minute find it on its schedule, never over the cap.
	clk.Add(7 * time.Minute)
	o, _ := sh.sc.store.Orders.GetOrder(ids[orders/2])
	if err := f.SetStatusQuiet(o.PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		if n := pass(); n > perPass {
			t.Fatalf("%d provider calls in a pass, more than %d", n, perPass)
		}
		clk.Add(time.Minute)
	}
	if o, _ = sh.sc.store.Orders.GetOrder(o.ID); o.State != order.Paid {
		t.Fatalf("old payment paid without a webhook: order %s, want paid", o.State)
	}
}

// DueChecks, which holds at most twice its cap of orders while it reads,
// picks the same orders in the same order as sorting every due order and
// taking the first max would; an order's summary schedules it as the order
// itself does (a payment made later than the order, with an expiry).
func TestDueChecksBoundedPicksTheMostOverdueProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
		s := &Sidecar{parts: parts{reconcileAfter: 2 * time.Minute, reconcileMax: rapid.IntRange(1, 6).Draw(rt, "max")}}
		n := rapid.IntRange(0, 40).Draw(rt, "orders")
		var awaiting []order.Awaiting
		type due struct {
			id string
			at time.Time
		}
		var all []due
		for i := range n {
			age := time.Duration(rapid.IntRange(0, 180).Draw(rt, "ageMin")) * time.Minute
			o := &order.Order{ID: fmt.Sprintf("SF-%03d", i), CreatedAt: now.Add(-age)}
			base, deadline := o.CreatedAt, o.CreatedAt.Add(orders.AbandonAfter).Add(time.Second)
			if rapid.Bool().Draw(rt, "paid") {
				made := o.CreatedAt.Add(time.Duration(rapid.IntRange(0, 30).Draw(rt, "payLaterMin")) * time.Minute)
				exp := made.Add(time.Duration(rapid.IntRange(1, 120).Draw(rt, "expiresMin")) * time.Minute)
				o.PaymentID = "tr_" + o.ID
				o.Attempts = []order.Attempt{{PaymentID: o.PaymentID, CreatedAt: made, ExpiresAt: exp}}
				base, deadline = made, exp.Add(time.Second)
			}
			awaiting = append(awaiting, o.Awaiting())
			if at := nextCheck(base, checkState{}, deadline, s.reconcileAfter, recheckMaxGap); !at.After(now) {
				all = append(all, due{o.ID, at})
			}
		}
		slices.SortStableFunc(all, func(a, b due) int { return a.at.Compare(b.at) })
		var want []string
		for _, d := range all[:min(len(all), s.reconcileMax)] {
			want = append(want, d.id)
		}
		got := s.DueChecks(slices.Values(awaiting), now)
		if !slices.Equal(got, want) {
			rt.Fatalf("max %d: got %v, want %v", s.reconcileMax, got, want)
		}
	})
}
