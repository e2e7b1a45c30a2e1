package store

import (
	"fmt"
	"slices"
	"testing"

	"github.com/storefront/storefront/checkout/order"
	"pgregory.net/rapid"
)

// EachOrder, reading in chunks of any size, meets every order that matches
// once, by order number within each state, and stops when told; ListOrders
// built on it lists the same orders newest first.
func TestEachOrderInChunksProperty(t *testing.T) {
	f := open(t, -1)
	const n = 23
	var ids []string
	for i := range n {
		o := f.create(t, fmt.Sprintf("k%d", i), f.newOrder(t, fmt.Sprintf("c%d", i), "MOLEN-1", 1))
		ids = append(ids, o.ID)
	}
	state := map[string]order.State{}
	for i, id := range ids {
		state[id] = order.AwaitingPayment
		if i%3 == 1 {
			o, _, err := f.s.Orders.Do(id, order.EventCancel, "test", "")
			if err != nil {
				t.Fatal(err)
			}
			state[id] = o.State
		}
	}
	defer func(c int) { eachChunk = c }(eachChunk)
	rapid.Check(t, func(rt *rapid.T) {
		eachChunk = rapid.IntRange(1, 30).Draw(rt, "chunk")
		var states []order.State
		if rapid.Bool().Draw(rt, "byState") {
			states = rapid.SliceOfNDistinct(rapid.SampledFrom([]order.State{order.AwaitingPayment, order.Canceled, order.Paid}), 1, 3, rapid.ID).Draw(rt, "states")
		}
		stopAfter := rapid.IntRange(0, n+1).Draw(rt, "stopAfter") // 0: never
		var want []string
		for _, st := range slices.Sorted(slices.Values(append([]order.State{}, states...))) {
			for _, id := range ids {
				if state[id] == st {
					want = append(want, id)
				}
			}
		}
		if len(states) == 0 {
			want = append(want, ids...)
		}
		var got []string
		if err := f.s.Orders.EachOrder(Filter{States: states}, func(o *order.Order) bool {
			got = append(got, o.ID)
			return stopAfter == 0 || len(got) < stopAfter
		}); err != nil {
			rt.Fatal(err)
		}
		if stopAfter > 0 && stopAfter < len(want) {
			want = want[:stopAfter]
		}
		if !slices.Equal(got, want) {
			rt.Fatalf("chunks of %d, states %v, stop after %d: met %v, want %v", eachChunk, states, stopAfter, got, want)
		}
		list, err := f.s.Orders.ListOrders(Filter{States: states})
		if err != nil {
			rt.Fatal(err)
		}
		var listed []string
		for _, o := range list {
			listed = append(listed, o.ID)
		}
		all := slices.Clone(got)
		if stopAfter > 0 { // ListOrders never stops early
			all = nil
			f.s.Orders.EachOrder(Filter{States: states}, func(o *order.Order) bool { all = append(all, o.ID); return true })
		}
		slices.Reverse(all) // newest first: higher numbers, made later
		if len(states) > 1 {
			slices.Sort(all)
			slices.Reverse(all)
		}
		if !slices.Equal(listed, all) {
			rt.Fatalf("ListOrders %v, want %v", listed, all)
		}
	})
}
