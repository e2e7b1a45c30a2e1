package store

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/order"
)

// BenchmarkReconcilerRead is what one reconciler pass reads over 5,000
// orders awaiting payment: their summaries from the state index
// (EachAwaiting, what the pass does) against decoding every order
// (EachOrder over the state, what it did before).
//
//	go test ./checkout/store -run '^$' -bench ReconcilerRead -benchmem
func BenchmarkReconcilerRead(b *testing.B) {
	const n = 5000
	f := &fixture{cat: testCatalog(b), clock: &clock{t: t0}}
	s, err := Open(filepath.Join(b.TempDir(), "shop.db"), Options{NoSync: true, OrderPrefix: "BK",
		Catalog: func() *catalog.Catalog { return f.cat }, Now: f.clock.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	f.s = s
	for i := range n {
		f.clock.Add(time.Second)
		o := f.newOrder(b, fmt.Sprintf("c%d", i), "MOLEN-1", 1)
		if _, _, err := s.Orders.CreateOrder(NewOrder{IdempotencyKey: fmt.Sprintf("k%d", i), RequestHash: "h", Order: o, Catalog: f.cat}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("summaries", func(b *testing.B) {
		for b.Loop() {
			seen := 0
			if err := s.Orders.EachAwaiting(func(order.Awaiting) bool { seen++; return true }); err != nil || seen != n {
				b.Fatalf("%d of %d, %v", seen, n, err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/order")
	})
	b.Run("orders", func(b *testing.B) {
		for b.Loop() {
			seen := 0
			if err := s.Orders.EachOrder(Filter{States: []order.State{order.AwaitingPayment}}, func(*order.Order) bool { seen++; return true }); err != nil || seen != n {
				b.Fatalf("%d of %d, %v", seen, n, err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/order")
	})
}
