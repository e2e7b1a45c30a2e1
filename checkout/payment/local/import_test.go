package local_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/payment/local"
)

// TestImportEarlierProviderFile: payments of an earlier version's own
// provider file (shop-localpay.db), paid, open and refunded, read the same
// after they are moved into the order database; the file is renamed; a
// payment the order database already holds is kept as it is (an import
// repeated after a crash before the rename changes nothing).
func TestImportEarlierProviderFile(t *testing.T) {
	dir := t.TempDir()
	oldPath := filepath.Join(dir, "shop-localpay.db")
	ctx := context.Background()
	opts := local.LocalOptions{BaseURL: "http://shop.test", Logger: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }}

	oldDB := openDB(t, oldPath)
	old, err := local.NewLocal(oldDB, opts)
	if err != nil {
		t.Fatal(err)
	}
	var want []payment.Payment
	for i, to := range []payment.Status{payment.StatusPaid, payment.StatusOpen, payment.StatusFailed, payment.StatusPaid} {
		p, err := old.CreatePayment(ctx, payment.CreateRequest{Amount: money.Amount(1000 + i), Currency: "EUR", Description: "Order " + fmt.Sprint(i),
			RedirectURL: "http://shop.test/order/" + fmt.Sprint(i), IdempotencyKey: fmt.Sprintf("SF-%d:1", i),
			Metadata: map[string]string{"order_id": fmt.Sprintf("SF-%d", i)}})
		if err != nil {
			t.Fatal(err)
		}
		if to != payment.StatusOpen {
			if _, err := old.SetStatus(ctx, p.ID, to); err != nil {
				t.Fatal(err)
			}
		}
		if i == 3 {
			if _, err := old.CreateRefund(ctx, p.ID, payment.RefundRequest{Amount: 500, Currency: "EUR", IdempotencyKey: "r1"}); err != nil {
				t.Fatal(err)
			}
		}
		cur, _ := old.GetPayment(ctx, p.ID)
		want = append(want, *cur)
	}
	old.Close()
	oldDB.Close()

	newDB := openDB(t, filepath.Join(dir, "shop.db"))
	defer newDB.Close()
	l, err := local.NewLocal(newDB, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// A record the order database already holds wins: this one moved on.
	kept, err := l.CreatePayment(ctx, payment.CreateRequest{Amount: 7, Currency: "EUR", Description: "new",
		RedirectURL: "http://shop.test/x", IdempotencyKey: "SF-1:1"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := local.Import(newDB, oldPath)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("nothing imported")
	}
	if _, err := os.Stat(oldPath); !os.IsNotExist(err) {
		t.Errorf("the earlier file is still there under its name: %v", err)
	}
	if _, err := os.Stat(oldPath + local.ImportedSuffix); err != nil {
		t.Errorf("the earlier file is not kept as %s: %v", oldPath+local.ImportedSuffix, err)
	}
	for _, w := range want {
		got, err := l.GetPayment(ctx, w.ID)
		if err != nil {
			t.Fatalf("payment %s after the move: %v", w.ID, err)
		}
		if got.Status != w.Status || got.Amount != w.Amount || got.AmountRefunded != w.AmountRefunded || got.Metadata["order_id"] != w.Metadata["order_id"] {
			t.Errorf("payment %s after the move: %+v, want %+v", w.ID, got, w)
		}
	}
	// The idempotency key of the database's own payment still gives it.
	again, err := l.CreatePayment(ctx, payment.CreateRequest{Amount: 7, Currency: "EUR", Description: "new",
		RedirectURL: "http://shop.test/x", IdempotencyKey: "SF-1:1"})
	if err != nil || again.ID != kept.ID {
		t.Errorf("the order database's own key: %v, %+v, want payment %s", err, again, kept.ID)
	}
	// Moved once: no file, nothing to do.
	if n, err := local.Import(newDB, oldPath); n != 0 || err != nil {
		t.Errorf("a second import: %d, %v", n, err)
	}
}
