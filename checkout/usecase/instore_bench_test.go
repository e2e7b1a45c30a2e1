package usecase

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/payment/local"
	"github.com/storefront/storefront/checkout/store"
)

// BenchmarkCheckoutCommits: placing an order and making and attaching its
// payment with the built-in provider, 64 at a time (SetParallelism 32 on
// two cores), fsync on: its payments in their own file (three commits in
// sequence, as before issue 17) or in the order database, made in the
// attach's transaction (two). It reports the process's CPU time per
// checkout (user+sys), the figure busy neighbours disturb least.
//
//	go test -run XXX -bench CheckoutCommits -benchtime 3000x ./checkout/usecase
func BenchmarkCheckoutCommits(b *testing.B) {
	for _, inStore := range []bool{false, true} {
		name := "own-file"
		if inStore {
			name = "in-store"
		}
		b.Run(name, func(b *testing.B) {
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			dir := b.TempDir()
			st, err := store.Open(filepath.Join(dir, "shop.db"), store.Options{Logger: log})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			db := st.DB()
			if !inStore {
				db, err = bolt.Open(filepath.Join(dir, "shop-localpay.db"), 0o600, store.BoltOptions(time.Second))
				if err != nil {
					b.Fatal(err)
				}
				db.MaxBatchDelay = store.DefaultBatchDelay
				defer db.Close()
			}
			lp, err := local.NewLocal(db, local.LocalOptions{BaseURL: "http://shop.test", Logger: log})
			if err != nil {
				b.Fatal(err)
			}
			defer lp.Close()
			u := Orders{
				Deps:     Deps{Store: st, Now: time.Now, Log: log},
				Effects:  func(*order.Order, []order.Effect) {},
				Provider: func() payment.Provider { return lp },
				PaymentRequest: func(o *order.Order) payment.CreateRequest {
					return payment.CreateRequest{Description: "Shop " + o.ID, RedirectURL: "http://shop.test/order/" + o.ID}
				},
				PayAgainCode:  func(*order.Order) (*cart.Code, error) { return nil, nil },
				GiftCovers:    func(*order.Order) error { return nil },
				CancelPayment: func(string, string) {},
			}
			if inStore {
				u.InStore = func() store.CreatePaymentTx { return lp.CreatePaymentTx }
			}
			var n atomic.Int64
			ctx := context.Background()
			cpu0 := cpuTime()
			b.SetParallelism(32)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					o := bookOrder(time.Now(), fmt.Sprint("k", i), 1)
					o.CartID = fmt.Sprint("cart-", i)
					got, _, err := u.Place(ctx, PlaceRequest{Order: o, Key: o.IdempotencyKey, Hash: "1"})
					if err != nil {
						b.Error(err)
						return
					}
					if _, _, err := u.PayAgain(ctx, got); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/checkout")
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
