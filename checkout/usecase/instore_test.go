package usecase

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/payment/local"
	"github.com/storefront/storefront/checkout/store"
)

// inStoreShop is the use case with the built-in provider keeping its
// payments in the order database, as the sidecar wires it: a payment is
// created and attached in one transaction (Orders.InStore).
func inStoreShop(t testing.TB, now func() time.Time) (Orders, *store.Store, *local.Local) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(filepath.Join(t.TempDir(), "shop.db"), store.Options{NoSync: true, Logger: log, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	lp, err := local.NewLocal(st.DB(), local.LocalOptions{BaseURL: "http://shop.test", Now: now, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lp.Close(); st.Close() })
	var u Orders
	u = Orders{
		Deps:     Deps{Store: st, Now: now, Log: log},
		Effects:  func(*order.Order, []order.Effect) {},
		Provider: func() payment.Provider { return lp },
		InStore:  func() store.CreatePaymentTx { return lp.CreatePaymentTx },
		SyncPayment: func(ctx context.Context, id, by string) error {
			p, err := lp.GetPayment(ctx, id)
			if err != nil {
				return err
			}
			_, _, _, err = st.Orders.ApplyPayment(*p, by)
			return err
		},
		PaymentRequest: func(o *order.Order) payment.CreateRequest {
			return payment.CreateRequest{Description: "Shop " + o.ID, RedirectURL: "http://shop.test/order/" + o.ID}
		},
		PayAgainCode: func(*order.Order) (*cart.Code, error) { return nil, nil },
		GiftCovers:   func(*order.Order) error { return nil },
		CancelPayment: func(id, _ string) {
			if p, err := lp.CancelPayment(context.Background(), id); err == nil {
				u.ApplyCanceled(*p)
			}
		},
	}
	return u, st, lp
}

// localPayments reads every payment the built-in provider holds.
func localPayments(t testing.TB, st *store.Store) []payment.Payment {
	t.Helper()
	var out []payment.Payment
	err := st.DB().View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(local.LocalBucket)).Bucket([]byte("payments")).ForEach(func(k, v []byte) error {
			var r struct {
				Payment payment.Payment `json:"payment"`
			}
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("payment %s: %w", k, err)
			}
			out = append(out, r.Payment)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func bookOrder(now time.Time, key string, qty int) *order.Order {
	return &order.Order{State: order.AwaitingPayment, CartID: "cart-1", IdempotencyKey: key, Currency: "EUR", Lang: "nl",
		CreatedAt: now, Customer: order.Customer{Name: "Zoë \"Z\" 山田", Email: "zoe@example.nl"},
		Lines:  []order.Line{{SKU: "A", Title: "Alpha", UnitPrice: 1000, Quantity: qty, LineTotal: money.Amount(1000 * qty)}},
		Totals: cart.Totals{Subtotal: money.Amount(1000 * qty), Shipping: 495, GrandTotal: money.Amount(1000*qty + 495), Currency: "EUR"}}
}

// TestInStorePaymentAlwaysHasItsOrder: with the built-in provider's
// payments in the order database, whatever the customer does with one cart
// (check out again with the same or another key and content, pay, pay
// again after a failure, double-click), no payment exists that its order
// does not hold as an attempt (they are made in one commit), at most one
// can be paid, and it is the current payment of an order awaiting payment.
func TestInStorePaymentAlwaysHasItsOrder(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		u, st, lp := inStoreShop(t, clock)
		ctx := context.Background()
		steps := rapid.IntRange(1, 10).Draw(rt, "steps")
		for i := range steps {
			switch rapid.SampledFrom([]string{"checkout", "checkout", "double click", "pay", "fail"}).Draw(rt, fmt.Sprintf("step %d", i)) {
			case "checkout", "double click":
				key := rapid.SampledFrom([]string{"k1", "k2", "k3"}).Draw(rt, "key")
				qty := rapid.IntRange(1, 2).Draw(rt, "quantity")
				got, _, err := u.Place(ctx, PlaceRequest{Order: bookOrder(now, key, qty), Key: key, Hash: fmt.Sprint(qty)})
				if err != nil {
					continue // refusals are TestPlaceAndPayAgainProperty's
				}
				if got.State != order.AwaitingPayment || LivePayment(got) {
					continue
				}
				clicks := 1
				if rapid.Bool().Draw(rt, "double click") {
					clicks = 3
				}
				var wg sync.WaitGroup
				errs := make([]error, clicks)
				for c := range clicks {
					wg.Add(1)
					go func() { defer wg.Done(); _, _, errs[c] = u.PayAgain(ctx, got) }()
				}
				wg.Wait()
				for _, err := range errs {
					if err != nil {
						rt.Fatalf("PayAgain %s: %v", got.ID, err)
					}
				}
			case "pay", "fail":
				to := payment.StatusPaid
				if rapid.Bool().Draw(rt, "fails") {
					to = payment.StatusFailed
				}
				for _, p := range localPayments(t, st) {
					if p.Status == payment.StatusOpen {
						if _, err := lp.SetStatus(ctx, p.ID, to); err != nil {
							rt.Fatalf("set %s %s: %v", p.ID, to, err)
						}
						if err := u.SyncPayment(ctx, p.ID, "webhook"); err != nil {
							rt.Fatalf("sync %s: %v", p.ID, err)
						}
					}
				}
			}
			live := 0
			for _, p := range localPayments(t, st) {
				o, err := st.Orders.GetOrder(p.Metadata["order_id"])
				if err != nil || o.Attempt(p.ID) == nil {
					rt.Fatalf("payment %s (%s) exists without its order holding it: %+v, %v", p.ID, p.Status, o, err)
				}
				if !p.Status.Final() {
					live++
					if o.State != order.AwaitingPayment || o.PaymentID != p.ID {
						rt.Fatalf("payment %s is %s, but its order %s is %s with payment %s", p.ID, p.Status, o.ID, o.State, o.PaymentID)
					}
				}
			}
			if live > 1 {
				rt.Fatalf("%d payments can be paid", live)
			}
		}
	})
}

// TestInStoreRefusalLeavesNoPayment: an attach the store refuses (another
// attempt attached first) creates no payment at all, where a provider of
// its own has one made and must cancel it.
func TestInStoreRefusalLeavesNoPayment(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	u, st, lp := inStoreShop(t, clock)
	o, _, err := u.Place(context.Background(), PlaceRequest{Order: bookOrder(now, "k1", 1), Key: "k1", Hash: "1"})
	if err != nil {
		t.Fatal(err)
	}
	req := u.PaymentRequest(o)
	req.Amount, req.Currency, req.IdempotencyKey = o.Due(), o.Currency, o.ID+":1"
	req.Metadata = map[string]string{"order_id": o.ID}
	p, o2, _, err := st.Orders.CreateAndAttach(o.ID, "", lp.CreatePaymentTx, req, "local", nil)
	if err != nil || o2.PaymentID != p.ID {
		t.Fatalf("first attach: %v, %+v", err, o2)
	}
	req.IdempotencyKey = o.ID + ":2"
	if _, _, _, err := st.Orders.CreateAndAttach(o.ID, "", lp.CreatePaymentTx, req, "local", nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second attach expecting no payment: %v, want ErrConflict", err)
	}
	bad := req
	bad.Amount = 0
	if _, _, _, err := st.Orders.CreateAndAttach(o.ID, p.ID, lp.CreatePaymentTx, bad, "local", nil); !errors.Is(err, store.ErrCreatePayment) || !errors.Is(err, payment.ErrInvalid) {
		t.Fatalf("a payment the provider refuses: %v, want ErrCreatePayment and ErrInvalid", err)
	}
	if ps := localPayments(t, st); len(ps) != 1 || ps[0].ID != p.ID {
		t.Fatalf("payments at the provider: %+v, want only %s", ps, p.ID)
	}
	if cur, _ := st.Orders.GetOrder(o.ID); cur.PaymentID != p.ID || len(cur.Attempts) != 1 {
		t.Fatalf("order after the refusals: payment %s, %d attempts", cur.PaymentID, len(cur.Attempts))
	}
}
