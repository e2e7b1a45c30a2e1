package local_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/payment/local"
)

// BenchmarkLocalCreatePayment measures one payment creation (one bbolt
// commit with fsync) on a real file.
func BenchmarkLocalCreatePayment(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "shop.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	l, err := local.NewLocal(db, local.LocalOptions{BaseURL: "http://shop.test", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	r := req("")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		r.IdempotencyKey = "bench-" + strconv.Itoa(i)
		if _, err := l.CreatePayment(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}
