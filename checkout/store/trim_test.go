package store

import (
	"testing"

	"github.com/storefront/storefront/checkout/cart"
)

// Dropping the map's pages from memory loses nothing: every record reads
// back the same afterwards, and writes go on.
func TestTrimMapKeepsData(t *testing.T) {
	f := open(t, 0)
	for i := 0; i < 300; i++ {
		id := "c" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		if _, err := f.s.UpdateCart(id, func(c *cart.Cart) error { return cart.Add(c, f.cat, "BOEK-001", 1+i%3, t0) }); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.s.FlushCarts(); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 3; round++ {
		if err := TrimMap(f.s.db); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 300; i++ {
			id := "c" + string(rune('a'+i%26)) + string(rune('a'+i/26))
			c, err := f.s.GetCart(id)
			if err != nil || c.Lines[0].Quantity != 1+i%3 {
				t.Fatalf("round %d: cart %s after trim: %+v, %v", round, id, c, err)
			}
		}
		if _, err := f.s.UpdateCart("new", func(c *cart.Cart) error { return cart.Add(c, f.cat, "MOLEN-1", 1, t0) }); err != nil {
			t.Fatal(err)
		}
	}
}
