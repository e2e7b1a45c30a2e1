package store

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	bolt "go.etcd.io/bbolt"
	"pgregory.net/rapid"
)

// After any mix of orders placed, payments attached (and attached again),
// paid, failed and canceled, EachAwaiting gives exactly the orders awaiting
// payment, each with the summary the order itself gives (order.Awaiting),
// whatever the chunk size; an index entry written before the summaries
// existed (empty) is read from its order.
func TestEachAwaitingMatchesTheOrdersProperty(t *testing.T) {
	defer func(c int) { eachChunk = c }(eachChunk)
	rapid.Check(t, func(rt *rapid.T) {
		f := open(t, -1)
		eachChunk = rapid.IntRange(1, 8).Draw(rt, "chunk")
		n := rapid.IntRange(1, 12).Draw(rt, "orders")
		var ids []string
		for i := range n {
			f.clock.Add(time.Duration(rapid.IntRange(1, 600).Draw(rt, "gapSec")) * time.Second)
			o := f.create(t, fmt.Sprintf("k%d", i), f.newOrder(t, fmt.Sprintf("c%d", i), "MOLEN-1", 1))
			ids = append(ids, o.ID)
			for a := range rapid.IntRange(0, 2).Draw(rt, "attempts") {
				cur, err := f.s.Orders.GetOrder(o.ID)
				if err != nil {
					rt.Fatal(err)
				}
				if cur.State != order.AwaitingPayment {
					break
				}
				f.clock.Add(time.Minute)
				p := paymentFor(cur, fmt.Sprintf("tr_%d_%d", i, a), payment.StatusOpen)
				p.CreatedAt, p.ExpiresAt = f.clock.Now(), f.clock.Now().Add(15*time.Minute)
				if _, _, err := f.s.Orders.AttachPayment(cur.ID, cur.PaymentID, p, "local"); err != nil {
					rt.Fatalf("attach %s: %v", p.ID, err)
				}
				switch rapid.IntRange(0, 3).Draw(rt, "then") {
				case 1:
					p.Status = payment.StatusPaid
					f.s.Orders.ApplyPayment(p, "webhook")
				case 2:
					p.Status = payment.StatusFailed
					f.s.Orders.ApplyPayment(p, "webhook")
				}
			}
			if rapid.IntRange(0, 4).Draw(rt, "cancel") == 0 {
				f.s.Orders.Do(o.ID, order.EventCancel, "test", "")
			}
		}
		// One entry as a file from before the summaries has it.
		if rapid.Bool().Draw(rt, "oldEntry") {
			id := rapid.SampledFrom(ids).Draw(rt, "oldID")
			f.s.db.Update(func(tx *bolt.Tx) error {
				k := stateKey(order.AwaitingPayment, id)
				if tx.Bucket(bucketStates).Get(k) != nil {
					return tx.Bucket(bucketStates).Put(k, []byte{})
				}
				return nil
			})
		}
		want := map[string]order.Awaiting{}
		for _, id := range ids {
			o, err := f.s.Orders.GetOrder(id)
			if err != nil {
				rt.Fatal(err)
			}
			if o.State == order.AwaitingPayment {
				want[id] = o.Awaiting()
			}
		}
		var got []string
		if err := f.s.Orders.EachAwaiting(func(a order.Awaiting) bool {
			w, ok := want[a.ID]
			if !ok {
				rt.Fatalf("%s given as awaiting payment; it is not", a.ID)
			}
			if !a.CreatedAt.Equal(w.CreatedAt) || a.PaymentID != w.PaymentID ||
				!a.PaymentCreatedAt.Equal(w.PaymentCreatedAt) || !a.PaymentExpiresAt.Equal(w.PaymentExpiresAt) {
				rt.Fatalf("%s: summary %+v, the order says %+v", a.ID, a, w)
			}
			got = append(got, a.ID)
			return true
		}); err != nil {
			rt.Fatal(err)
		}
		if len(got) != len(want) || !slices.IsSorted(got) {
			rt.Fatalf("met %v, want the %d awaiting in order", got, len(want))
		}
	})
}
