package server

import (
	"iter"
	"slices"
	"sync"
	"time"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/orders"
)

// The reconciler asks about each payment that can still change on a
// schedule that backs off with age (O1 in docs/reliability.md): first
// reconcileAfter after the payment was made, then after gaps that double
// (reconcileAfter << n) up to recheckMaxGap, with one check just past the
// payment's expiry (when it becomes final at the provider), and at most
// reconcileMax provider calls per pass, the most overdue first. An order
// without a payment is asked about on the same schedule, with a check just
// past orders.AbandonAfter, when it is canceled. After the expiry a payment is
// still asked about every recheckMaxGap until the order leaves
// awaiting_payment: a check that failed (provider down) must be repeated.
const (
	recheckMaxGap       = time.Hour
	defaultReconcileMax = 200
)

// checkState is what the reconciler remembers of one payment (or of an
// order without one): how often it asked, and when last. In memory: after a
// restart every payment starts its schedule again, which costs at most one
// extra call each.
type checkState struct {
	n    int
	last time.Time
}

// nextCheck is when a payment made at base, with the given checks so far,
// is next due. deadline (zero: none) is the moment it is worth a check
// because it turns final then (the payment's expiry, or the abandoning of
// an order without payment); after is the first wait, maxGap the cap.
func nextCheck(base time.Time, st checkState, deadline time.Time, after, maxGap time.Duration) time.Time {
	t := base.Add(after)
	if st.n > 0 {
		gap := maxGap
		if st.n < 30 && after<<st.n < maxGap {
			gap = after << st.n
		}
		t = st.last.Add(gap)
	}
	if !deadline.IsZero() && (st.n == 0 || !st.last.After(deadline)) && deadline.Before(t) {
		t = deadline
	}
	return t
}

// rechecks holds the check states, by order id and payment id.
type rechecks struct {
	mu sync.Mutex
	m  map[string]checkState
}

// defaultReconcileAfter is how old an order awaiting payment must be before
// the reconciler asks about it (the webhook usually comes first).
const defaultReconcileAfter = 2 * time.Minute

// DueChecks returns the ids of the orders awaiting payment that are due at
// now, the most overdue first, at most max of them. It reads their
// summaries (store.Orders.EachAwaiting), not the orders, and holds no more
// than twice max due at a time: a pass costs memory for its calls, not for
// the orders awaiting payment.
func (s *Sidecar) DueChecks(awaiting iter.Seq[order.Awaiting], now time.Time) []string {
	type due struct {
		id string
		at time.Time
	}
	max := s.reconcileMax
	if max <= 0 {
		max = defaultReconcileMax
	}
	byAt := func(a, b due) int { return a.at.Compare(b.at) }
	var list []due
	s.checks.mu.Lock()
	seen := make(map[string]checkState, len(s.checks.m))
	for o := range awaiting {
		key, base, deadline := o.ID+"/", o.CreatedAt, o.CreatedAt.Add(orders.AbandonAfter).Add(time.Second)
		if o.PaymentID != "" {
			key, deadline = o.ID+"/"+o.PaymentID, time.Time{}
			if !o.PaymentCreatedAt.IsZero() {
				base = o.PaymentCreatedAt
				if !o.PaymentExpiresAt.IsZero() {
					deadline = o.PaymentExpiresAt.Add(time.Second)
				}
			}
		}
		st, checked := s.checks.m[key]
		if checked {
			seen[key] = st // an order never asked about needs no entry
		}
		if at := nextCheck(base, st, deadline, s.reconcileAfter, recheckMaxGap); !at.After(now) {
			list = append(list, due{o.ID, at})
			if len(list) >= 2*max {
				slices.SortStableFunc(list, byAt)
				list = list[:max]
			}
		}
	}
	s.checks.m = seen // forget orders no longer awaiting payment
	s.checks.mu.Unlock()
	slices.SortStableFunc(list, byAt)
	out := make([]string, 0, min(len(list), max))
	for _, d := range list[:min(len(list), max)] {
		out = append(out, d.id)
	}
	return out
}

// Checked records a check of o's payment (or of o without one) at now.
func (s *Sidecar) Checked(o *order.Order, now time.Time) {
	key := o.ID + "/" + o.PaymentID
	s.checks.mu.Lock()
	defer s.checks.mu.Unlock()
	if s.checks.m == nil {
		s.checks.m = map[string]checkState{}
	}
	st := s.checks.m[key]
	s.checks.m[key] = checkState{n: st.n + 1, last: now}
}
