package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/order"
)

// BenchmarkPointsAccount is the cost of a customer's balance, derived by
// reading every order (what the checkout page and the points page pay), in
// a file of 10,000 orders of 2,000 customers.
func BenchmarkPointsAccount(b *testing.B) {
	f := open(b, -1)
	f.s.Close()
	f.opts.NoSync = true
	s, err := Open(f.path, f.opts)
	if err != nil {
		b.Fatal(err)
	}
	f.s = s
	base := f.newOrder(b, "bench", "KOF-GUJI-250-BO", 1)
	for i := range 10000 {
		o := *base
		o.Customer.Email = fmt.Sprintf("c%d@example.nl", i%2000)
		if _, _, err := f.s.Orders.CreateOrder(NewOrder{Order: &o, Catalog: nil}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		acc, os, err := f.s.Loyalty.PointsAccount(fmt.Sprintf("c%d@example.nl", i%2000), deliveredWindow)
		if err != nil || len(os) != 5 {
			b.Fatalf("%d orders, %v (%+v)", len(os), err, acc)
		}
	}
}

// deliveredWindow closes the return window at delivery (benchmarks).
func deliveredWindow(o *order.Order) (time.Time, bool) { return o.DeliveredAt, !o.DeliveredAt.IsZero() }
