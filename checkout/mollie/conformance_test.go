package mollie_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/mollie"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/payment/local"
)

// providerUnderTest is a provider plus a way to play the customer.
type providerUnderTest struct {
	p      payment.Provider
	setPay func(id string, s payment.Status) error
}

// TestProvidersBehaveAlike runs one scenario against the Mollie provider
// (over HTTP to molliefake) and the local provider (on a bbolt file), so the
// server sees the same errors and states from both.
func TestProvidersBehaveAlike(t *testing.T) {
	makers := map[string]func(t *testing.T) providerUnderTest{
		"mollie": func(t *testing.T) providerUnderTest {
			f, c, _ := newClient(t)
			return providerUnderTest{mollie.NewProvider(c), func(id string, s payment.Status) error { return f.SetStatusQuiet(id, string(s)) }}
		},
		"local": func(t *testing.T) providerUnderTest {
			db, err := bolt.Open(filepath.Join(t.TempDir(), "shop.db"), 0o600, &bolt.Options{Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			l, err := local.NewLocal(db, local.LocalOptions{BaseURL: "http://shop.test", Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { l.Close(); db.Close() })
			return providerUnderTest{l, func(id string, s payment.Status) error {
				_, err := l.SetStatus(context.Background(), id, s)
				return err
			}}
		},
	}
	for name, mk := range makers {
		t.Run(name, func(t *testing.T) {
			pt := mk(t)
			p, ctx := pt.p, context.Background()
			req := payment.CreateRequest{Amount: 2000, Currency: "EUR", Description: "Bestelling 7",
				RedirectURL: "https://shop.test/order/t7", IdempotencyKey: "order-7", Metadata: map[string]string{"order_id": "7"}}
			a, err := p.CreatePayment(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			b, err := p.CreatePayment(ctx, req)
			if err != nil || b.ID != a.ID {
				t.Fatalf("same key: %v %v", b, err)
			}
			if !payment.ValidID(a.ID) || a.Status != payment.StatusOpen || a.CheckoutURL == "" || a.ExpiresAt.IsZero() {
				t.Fatalf("created %+v", a)
			}
			for _, id := range []string{"tr_missing", "nonsense"} {
				if _, err := p.GetPayment(ctx, id); !errors.Is(err, payment.ErrNotFound) {
					t.Errorf("GetPayment(%q) = %v", id, err)
				}
			}
			if _, err := p.CreateRefund(ctx, a.ID, payment.RefundRequest{Amount: 100, Currency: "EUR"}); !errors.Is(err, payment.ErrInvalid) {
				t.Errorf("refund of open payment: %v", err)
			}
			if err := pt.setPay(a.ID, payment.StatusPaid); err != nil {
				t.Fatal(err)
			}
			got, err := p.GetPayment(ctx, a.ID)
			if err != nil || got.Status != payment.StatusPaid || got.PaidAt.IsZero() || got.CheckoutURL != "" || got.Metadata["order_id"] != "7" {
				t.Fatalf("paid: %+v %v", got, err)
			}
			if _, err := p.CancelPayment(ctx, a.ID); !errors.Is(err, payment.ErrFinal) {
				t.Errorf("cancel paid: %v", err)
			}
			rreq := payment.RefundRequest{Amount: 1500, Currency: "EUR", IdempotencyKey: "refund:7", Metadata: map[string]string{"order_id": "7"}}
			r1, err := p.CreateRefund(ctx, a.ID, rreq)
			if err != nil {
				t.Fatal(err)
			}
			r2, err := p.CreateRefund(ctx, a.ID, rreq)
			if err != nil || r2.ID != r1.ID {
				t.Fatalf("same refund key: %+v %v", r2, err)
			}
			if _, err := p.CreateRefund(ctx, a.ID, payment.RefundRequest{Amount: 3001, Currency: "EUR", IdempotencyKey: "refund:7b"}); !errors.Is(err, payment.ErrInvalid) {
				t.Errorf("over-refund: %v", err)
			}
			list, err := p.ListRefunds(ctx, a.ID)
			if err != nil || len(list) != 1 || list[0].ID != r1.ID || list[0].Amount != 1500 || list[0].Metadata["order_id"] != "7" {
				t.Fatalf("refunds %+v %v", list, err)
			}
			if got, _ := p.GetPayment(ctx, a.ID); got.AmountRefunded != 1500 || got.Status != payment.StatusPaid {
				t.Fatalf("after refund: %+v", got)
			}
			c, err := p.CreatePayment(ctx, payment.CreateRequest{Amount: 100, Currency: "EUR", Description: "x", RedirectURL: "https://shop.test/"})
			if err != nil {
				t.Fatal(err)
			}
			if cc, err := p.CancelPayment(ctx, c.ID); err != nil || cc.Status != payment.StatusCanceled {
				t.Fatalf("cancel open: %+v %v", cc, err)
			}
		})
	}
}
