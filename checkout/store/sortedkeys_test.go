package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/order"
	"pgregory.net/rapid"
)

// Order tokens sort as their orders were placed, so the token index is
// appended to (ids.Sortable); every token, and a token of the earlier
// random form, still finds its order.
func TestOrderTokensSortByPlacementProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		f := open(t, -1)
		n := rapid.IntRange(2, 12).Draw(rt, "orders")
		var placed []*order.Order
		earlier := map[string]bool{} // tokens of the earlier form, set by the test
		for i := range n {
			f.clock.Add(time.Duration(rapid.IntRange(1, 90_000).Draw(rt, "gapMs")) * time.Millisecond)
			o := f.newOrder(t, fmt.Sprintf("c%d", i), "MOLEN-1", 1)
			if rapid.Bool().Draw(rt, "earlierTokenForm") {
				o.Token = order.NewToken() // 32 random characters, as before
				earlier[o.Token] = true
			}
			placed = append(placed, f.create(t, fmt.Sprintf("k%d", i), o))
		}
		var prev string
		for _, o := range placed {
			got, err := f.s.Orders.OrderByToken(o.Token)
			if err != nil || got.ID != o.ID {
				rt.Fatalf("token %q: %v, %v; want order %s", o.Token, got, err, o.ID)
			}
			if earlier[o.Token] {
				continue // random
			}
			if prev != "" && !(prev < o.Token) {
				rt.Fatalf("token %q of a later order sorts before %q", o.Token, prev)
			}
			prev = o.Token
		}
	})
}
