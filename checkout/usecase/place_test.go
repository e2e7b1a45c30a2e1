package usecase

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/store"
)

// fakeProvider is a payment provider in memory: one payment per
// idempotency key, a cancel it may refuse (refuse), and payments a test
// marks paid behind the shop's back.
type fakeProvider struct {
	mu     sync.Mutex
	now    func() time.Time
	n      int
	pays   map[string]*payment.Payment
	byKey  map[string]string
	refuse bool
}

func (f *fakeProvider) Name() string { return "fake" }

func (f *fakeProvider) CreatePayment(_ context.Context, r payment.CreateRequest) (*payment.Payment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id, ok := f.byKey[r.IdempotencyKey]; ok {
		p := *f.pays[id]
		return &p, nil
	}
	f.n++
	id := fmt.Sprintf("tr_fake%d", f.n)
	p := &payment.Payment{ID: id, Status: payment.StatusOpen, Amount: r.Amount, Currency: r.Currency,
		CheckoutURL: "https://pay.example/" + id, Metadata: r.Metadata, CreatedAt: f.now()}
	f.pays[id], f.byKey[r.IdempotencyKey] = p, id
	cp := *p
	return &cp, nil
}

func (f *fakeProvider) GetPayment(_ context.Context, id string) (*payment.Payment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.pays[id]
	if !ok {
		return nil, payment.ErrNotFound
	}
	cp := *p
	return &cp, nil
}

func (f *fakeProvider) CancelPayment(_ context.Context, id string) (*payment.Payment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.pays[id]
	switch {
	case !ok:
		return nil, payment.ErrNotFound
	case p.Status.Final():
		return nil, payment.ErrFinal
	case f.refuse:
		return nil, errors.New("payment is not cancelable")
	}
	p.Status, p.CheckoutURL = payment.StatusCanceled, ""
	cp := *p
	return &cp, nil
}

func (f *fakeProvider) CreateRefund(context.Context, string, payment.RefundRequest) (*payment.Refund, error) {
	return nil, errors.New("no refunds here")
}

func (f *fakeProvider) ListRefunds(context.Context, string) ([]payment.Refund, error) {
	return nil, nil
}

// payOpen marks every open payment paid at the provider.
func (f *fakeProvider) payOpen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for id, p := range f.pays {
		if p.Status == payment.StatusOpen {
			p.Status, p.PaidAt, p.CheckoutURL = payment.StatusPaid, f.now(), ""
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

func (f *fakeProvider) open() []payment.Payment {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []payment.Payment
	for _, p := range f.pays {
		if p.Status == payment.StatusOpen {
			out = append(out, *p)
		}
	}
	return out
}

// TestPlaceAndPayAgainProperty: whatever the customer does with one cart —
// check it out again with the same or another key, the same or a changed
// content, while the provider will or will not cancel the earlier payment,
// and pay at the provider with or without the shop hearing of it — a
// customer never has two payments to pay: every payment open at the
// provider is the current payment of an order awaiting payment, and there
// is at most one. A retry under a key answers with the order stored under
// it; the same key for another checkout is ErrIdempotencyReuse; a checkout
// refused for the earlier order is a *OrderError with ErrPaymentKept (that
// order keeps a payment that can be paid) or ErrEarlierPaid (it is paid).
func TestPlaceAndPayAgainProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		st, err := store.Open(filepath.Join(t.TempDir(), "shop.db"), store.Options{NoSync: true, Logger: log})
		if err != nil {
			rt.Fatal(err)
		}
		defer st.Close()
		now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		fp := &fakeProvider{now: clock, pays: map[string]*payment.Payment{}, byKey: map[string]string{}}
		var u Orders
		u = Orders{
			Deps:     Deps{Store: st, Now: clock, Log: log},
			Effects:  func(*order.Order, []order.Effect) {},
			Provider: func() payment.Provider { return fp },
			SyncPayment: func(ctx context.Context, id, by string) error {
				p, err := fp.GetPayment(ctx, id)
				if err != nil {
					return err
				}
				_, _, _, err = st.Orders.ApplyPayment(*p, by)
				return err
			},
			PaymentRequest: func(o *order.Order) payment.CreateRequest {
				return payment.CreateRequest{Description: "Shop " + o.ID}
			},
			PayAgainCode: func(*order.Order) (*cart.Code, error) { return nil, nil },
			GiftCovers:   func(*order.Order) error { return nil },
			CancelPayment: func(id, _ string) { // the server cancels in the background
				if p, err := fp.CancelPayment(context.Background(), id); err == nil {
					u.ApplyCanceled(*p)
				}
			},
		}
		ctx := context.Background()
		hashOf := map[string]string{} // key -> the checkout stored under it
		idOf := map[string]string{}   // key -> its order
		steps := rapid.IntRange(1, 10).Draw(rt, "steps")
		for i := range steps {
			switch rapid.SampledFrom([]string{"checkout", "checkout", "checkout", "pay unseen", "pay"}).Draw(rt, fmt.Sprintf("step %d", i)) {
			case "checkout":
				qty := rapid.IntRange(1, 2).Draw(rt, "quantity")
				key := rapid.SampledFrom([]string{"k1", "k2", "k3"}).Draw(rt, "key")
				fp.refuse = rapid.Bool().Draw(rt, "provider refuses to cancel")
				hash := fmt.Sprint(qty)
				o := &order.Order{State: order.AwaitingPayment, CartID: "cart-1", IdempotencyKey: key, Currency: "EUR", Lang: "nl",
					CreatedAt: now, Customer: order.Customer{Name: "Eva", Email: "eva@example.nl"},
					Lines:  []order.Line{{SKU: "A", Title: "Alpha", UnitPrice: 1000, Quantity: qty, LineTotal: money.Amount(1000 * qty)}},
					Totals: cart.Totals{Subtotal: money.Amount(1000 * qty), Shipping: 495, GrandTotal: money.Amount(1000*qty + 495), Currency: "EUR"}}
				got, created, err := u.Place(ctx, PlaceRequest{Order: o, Key: key, Hash: hash})
				var at *OrderError
				switch {
				case err == nil:
				case errors.Is(err, ErrIdempotencyReuse):
					if h, used := hashOf[key]; !used || h == hash {
						rt.Fatalf("ErrIdempotencyReuse for key %s (stored checkout %q, this one %q)", key, hashOf[key], hash)
					}
					continue
				case errors.As(err, &at) && errors.Is(err, ErrPaymentKept):
					if !LivePayment(at.Order) {
						rt.Fatalf("kept order %s has no payment that can be paid", at.Order.ID)
					}
					continue
				case errors.As(err, &at) && errors.Is(err, ErrEarlierPaid):
					if at.Order.PaidAt.IsZero() {
						rt.Fatalf("earlier order %s said paid, state %s", at.Order.ID, at.Order.State)
					}
					continue
				default:
					rt.Fatalf("Place: unexpected error %v", err)
				}
				if h, used := hashOf[key]; used {
					if h != hash || created || got.ID != idOf[key] {
						rt.Fatalf("key %s again: order %s created %v, want order %s (checkout %q, now %q)", key, got.ID, created, idOf[key], h, hash)
					}
				} else { // a new order, or the cart's open one kept for the same checkout
					hashOf[key], idOf[key] = hash, got.ID
				}
				if got.State == order.AwaitingPayment && !LivePayment(got) {
					if _, _, err := u.PayAgain(ctx, got); err != nil {
						rt.Fatalf("PayAgain %s: %v", got.ID, err)
					}
				}
			case "pay unseen":
				fp.payOpen() // the webhook is late: the shop does not know yet
			case "pay":
				for _, id := range fp.payOpen() {
					if err := u.SyncPayment(ctx, id, "webhook"); err != nil {
						rt.Fatalf("sync %s: %v", id, err)
					}
				}
			}
			open := fp.open()
			if len(open) > 1 {
				rt.Fatalf("%d payments open at the provider: %v", len(open), open)
			}
			for _, p := range open {
				o, err := st.Orders.GetOrder(p.Metadata["order_id"])
				if err != nil || o.State != order.AwaitingPayment || o.PaymentID != p.ID {
					rt.Fatalf("payment %s open at the provider, but its order is %+v (err %v)", p.ID, o, err)
				}
			}
		}
	})
}
