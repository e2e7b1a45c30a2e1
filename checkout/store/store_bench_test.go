package store

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
)

// Write modes compared by the benchmarks: every write its own fsync'd
// commit (db.Update), or concurrent writes sharing one (db.Batch).
var benchModes = []struct {
	name  string
	batch time.Duration
}{
	{"update", -1},
	{"batch-1ms", time.Millisecond},
	{"batch-2ms", 2 * time.Millisecond},
}

// latencies collects per-operation latencies from parallel goroutines and
// reports p50 and p99 in milliseconds.
type latencies struct {
	mu  sync.Mutex
	all []time.Duration
}

func (l *latencies) add(d []time.Duration) {
	l.mu.Lock()
	l.all = append(l.all, d...)
	l.mu.Unlock()
}

func (l *latencies) report(b *testing.B) {
	if len(l.all) == 0 {
		return
	}
	slices.Sort(l.all)
	q := func(p float64) float64 {
		return float64(l.all[int(float64(len(l.all)-1)*p)].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

// clientCounts are the numbers of concurrent clients the parallel
// benchmarks run with (goroutines = 2 cores x parallelism).
var clientCounts = []int{8, 64}

// BenchmarkCartAdd: concurrent customers each add to their own cart through
// the store, fsync on.
func BenchmarkCartAdd(b *testing.B) {
	for _, m := range benchModes {
		for _, clients := range clientCounts {
			b.Run(fmt.Sprintf("%s/clients=%d", m.name, clients), func(b *testing.B) {
				f := open(b, m.batch)
				var lat latencies
				var n atomic.Int64
				b.SetParallelism(clients / runtime.GOMAXPROCS(0))
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					id := fmt.Sprintf("cart-%d", n.Add(1))
					skus := []string{"KOF-GUJI-250-BO", "BOEK-001", "MOLEN-1"}
					var mine []time.Duration
					i := 0
					for pb.Next() {
						sku := skus[i%len(skus)]
						i++
						start := time.Now()
						_, err := f.s.Carts.UpdateCart(id, func(c *cart.Cart) error {
							if idx := c.Find(sku); idx >= 0 && c.Lines[idx].Quantity >= cart.MaxQuantity {
								return cart.Remove(c, sku, t0)
							}
							return cart.Add(c, f.cat, sku, 1, t0)
						})
						mine = append(mine, time.Since(start))
						if err != nil {
							b.Error(err)
							return
						}
					}
					lat.add(mine)
				})
				b.StopTimer()
				lat.report(b)
			})
		}
	}
}

// BenchmarkCartGet: reading a cart (no write).
func BenchmarkCartGet(b *testing.B) {
	f := open(b, -1)
	f.s.Carts.UpdateCart("c1", func(c *cart.Cart) error { return cart.Add(c, f.cat, "BOEK-001", 1, t0) })
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := f.s.Carts.GetCart("c1"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkCreateOrder: concurrent checkouts of a tracked and an untracked
// item, each with its own idempotency key, fsync on.
func BenchmarkCreateOrder(b *testing.B) {
	for _, m := range benchModes {
		for _, clients := range clientCounts {
			b.Run(fmt.Sprintf("%s/clients=%d", m.name, clients), func(b *testing.B) {
				f := open(b, m.batch)
				for i := range f.cat.Items {
					f.cat.Items[i].Stock.Quantity = 1 << 30
				}
				proto := f.newOrder(b, "c", "KOF-GUJI-250-BO", 1, "MOLEN-1", 1)
				var lat latencies
				var seq atomic.Int64
				b.SetParallelism(clients / runtime.GOMAXPROCS(0))
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					var mine []time.Duration
					r := rand.New(rand.NewPCG(uint64(seq.Add(1)), 7))
					for pb.Next() {
						key := fmt.Sprintf("k-%d-%d", seq.Add(1), r.Uint64())
						start := time.Now()
						_, _, err := f.s.Orders.CreateOrder(NewOrder{IdempotencyKey: key, RequestHash: "h", Order: proto, Catalog: f.cat})
						mine = append(mine, time.Since(start))
						if err != nil {
							b.Error(err)
							return
						}
					}
					lat.add(mine)
				})
				b.StopTimer()
				lat.report(b)
			})
		}
	}
}

// BenchmarkApplyPaymentPaid: the webhook's store work for a fresh order
// (one transition, stock commit, queued e-mail), sequential.
func BenchmarkApplyPaymentPaid(b *testing.B) {
	f := open(b, -1)
	for i := range f.cat.Items {
		f.cat.Items[i].Stock.Quantity = 1 << 30
	}
	proto := f.newOrder(b, "c", "KOF-GUJI-250-BO", 1)
	var orders []*order.Order
	for i := 0; i < b.N; i++ {
		o, _, err := f.s.Orders.CreateOrder(NewOrder{Order: proto, Catalog: f.cat})
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, fmt.Sprintf("tr_%d", i), "open"), "local"); err != nil {
			b.Fatal(err)
		}
		orders = append(orders, o)
	}
	b.ResetTimer()
	for i, o := range orders {
		if _, _, _, err := f.s.Orders.ApplyPayment(paymentFor(o, fmt.Sprintf("tr_%d", i), "paid"), "webhook"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCartAddSerial: one customer alone, to show what a lone write
// costs (fsync, plus the batch delay in batch modes).
func BenchmarkCartAddSerial(b *testing.B) {
	for _, m := range benchModes {
		b.Run(m.name, func(b *testing.B) {
			f := open(b, m.batch)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sku := []string{"KOF-GUJI-250-BO", "BOEK-001", "MOLEN-1"}[i%3]
				if _, err := f.s.Carts.UpdateCart("c1", func(c *cart.Cart) error {
					if idx := c.Find(sku); idx >= 0 && c.Lines[idx].Quantity >= cart.MaxQuantity {
						return cart.Remove(c, sku, t0)
					}
					return cart.Add(c, f.cat, sku, 1, t0)
				}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheckout: the store's part of one checkout with concurrent
// customers: CreateOrder (stock reserved, idempotency key) and then
// AttachPayment (compare-and-set, payment index), two fsync'd writes.
func BenchmarkCheckout(b *testing.B) {
	for _, m := range benchModes {
		for _, clients := range clientCounts {
			b.Run(fmt.Sprintf("%s/clients=%d", m.name, clients), func(b *testing.B) {
				f := open(b, m.batch)
				for i := range f.cat.Items {
					f.cat.Items[i].Stock.Quantity = 1 << 30
				}
				proto := f.newOrder(b, "c", "KOF-GUJI-250-BO", 1, "MOLEN-1", 1)
				var lat latencies
				var seq atomic.Int64
				b.SetParallelism(clients / runtime.GOMAXPROCS(0))
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					var mine []time.Duration
					for pb.Next() {
						n := seq.Add(1)
						start := time.Now()
						o, _, err := f.s.Orders.CreateOrder(NewOrder{IdempotencyKey: fmt.Sprintf("k-%d", n), RequestHash: "h", Order: proto, Catalog: f.cat})
						if err == nil {
							_, _, err = f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, fmt.Sprintf("tr_%d", n), "open"), "local")
						}
						mine = append(mine, time.Since(start))
						if err != nil {
							b.Error(err)
							return
						}
					}
					lat.add(mine)
				})
				b.StopTimer()
				lat.report(b)
			})
		}
	}
}

// BenchmarkBareCommit: one bbolt Update with a single small Put, fsync on:
// the floor under every write above.
func BenchmarkBareCommit(b *testing.B) {
	f := open(b, -1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := f.s.db.Update(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketSequence).Put([]byte("bench"), []byte(fmt.Sprint(i)))
		}); err != nil {
			b.Fatal(err)
		}
	}
}
