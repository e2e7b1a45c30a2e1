package store

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
)

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func testCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	b, err := os.ReadFile("../catalog/testdata/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	s     *Store
	cat   *catalog.Catalog
	clock *clock
	path  string
	opts  Options
}

func open(t testing.TB, batch time.Duration) *fixture {
	t.Helper()
	f := &fixture{cat: testCatalog(t), clock: &clock{t: t0}, path: filepath.Join(t.TempDir(), "shop.db")}
	f.opts = Options{OrderPrefix: "BK", Catalog: func() *catalog.Catalog { return f.cat }, BatchDelay: batch,
		Now: f.clock.Now, Logger: slog.New(slog.DiscardHandler), Timeout: 200 * time.Millisecond}
	s, err := Open(f.path, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	f.s = s
	t.Cleanup(func() { f.s.Close() })
	return f
}

// newOrder prices lines (sku, qty, sku, qty, ...) from the catalog.
func (f *fixture) newOrder(t testing.TB, cartID string, skuQty ...any) *order.Order {
	t.Helper()
	c := &cart.Cart{ID: cartID}
	for i := 0; i < len(skuQty); i += 2 {
		if err := cart.Add(c, f.cat, skuQty[i].(string), skuQty[i+1].(int), t0); err != nil {
			t.Fatal(err)
		}
	}
	tot, err := cart.Compute(c, f.cat, "", "NL")
	if err != nil {
		t.Fatal(err)
	}
	o, err := order.New(order.Customer{Name: "Anna", Email: "anna@example.nl", Country: "NL"}, tot, "nl", cartID, "", f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (f *fixture) create(t testing.TB, key string, o *order.Order) *order.Order {
	t.Helper()
	got, created, err := f.s.Orders.CreateOrder(NewOrder{IdempotencyKey: key, RequestHash: "h-" + key, Order: o, Catalog: f.cat})
	if err != nil {
		t.Fatal(err)
	}
	if !created {
		t.Fatal("not created")
	}
	return got
}

func (f *fixture) avail(t testing.TB, sku string) Availability {
	t.Helper()
	a, err := f.s.Stock.Availability(f.cat, sku)
	if err != nil {
		t.Fatal(err)
	}
	return a[0]
}

func paymentFor(o *order.Order, id string, s payment.Status) payment.Payment {
	return payment.Payment{ID: id, Status: s, Amount: o.Total(), Currency: o.Currency, CheckoutURL: "https://pay.example/" + id}
}

func TestSecondOpenFailsClearly(t *testing.T) {
	f := open(t, -1)
	start := time.Now()
	_, err := Open(f.path, Options{Timeout: 100 * time.Millisecond})
	if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), f.path) {
		t.Fatalf("second open: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("second open did not give up")
	}
}

func TestCarts(t *testing.T) {
	f := open(t, -1)
	if _, err := f.s.Carts.GetCart("nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetCart(nope) = %v", err)
	}
	c, err := f.s.Carts.UpdateCart("c1", func(c *cart.Cart) error { return cart.Add(c, f.cat, "BOEK-001", 2, t0) })
	if err != nil || c.ID != "c1" || len(c.Lines) != 1 {
		t.Fatalf("UpdateCart: %+v %v", c, err)
	}
	// A failing change stores nothing.
	_, err = f.s.Carts.UpdateCart("c1", func(c *cart.Cart) error {
		c.Lines = nil
		return cart.Add(c, f.cat, "NOPE", 1, t0)
	})
	if !errors.Is(err, cart.ErrUnknownSKU) {
		t.Fatalf("failing UpdateCart: %v", err)
	}
	got, err := f.s.Carts.GetCart("c1")
	if err != nil || len(got.Lines) != 1 || got.Lines[0].Quantity != 2 {
		t.Fatalf("GetCart after failed update: %+v %v", got, err)
	}
	got.Lines[0].Quantity = 5
	if err := f.s.Carts.SaveCart(got); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.s.Carts.GetCart("c1"); got.Lines[0].Quantity != 5 {
		t.Fatalf("SaveCart not stored: %+v", got)
	}
	old := &cart.Cart{ID: "old", UpdatedAt: t0.Add(-48 * time.Hour)}
	f.s.Carts.SaveCart(old)
	if n, err := f.s.Carts.PruneCarts(t0.Add(-24 * time.Hour)); err != nil || n != 1 {
		t.Fatalf("PruneCarts = %d, %v", n, err)
	}
	if _, err := f.s.Carts.GetCart("old"); !errors.Is(err, ErrNotFound) {
		t.Fatal("old cart survived")
	}
	if err := f.s.Carts.DeleteCart("c1"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Carts.GetCart("c1"); !errors.Is(err, ErrNotFound) {
		t.Fatal("deleted cart survived")
	}
}

func TestConcurrentCartUpdatesLoseNothing(t *testing.T) {
	for _, batch := range []time.Duration{-1, 2 * time.Millisecond} {
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			f := open(t, batch)
			var wg sync.WaitGroup
			for range 20 {
				wg.Go(func() {
					if _, err := f.s.Carts.UpdateCart("c1", func(c *cart.Cart) error {
						return cart.Add(c, f.cat, "KOF-GUJI-250-BO", 1, t0)
					}); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			c, err := f.s.Carts.GetCart("c1")
			if err != nil || c.Lines[0].Quantity != 20 {
				t.Fatalf("after 20 concurrent adds: %+v %v", c, err)
			}
		})
	}
}

func TestCreateOrder(t *testing.T) {
	f := open(t, -1)
	o := f.create(t, "k1", f.newOrder(t, "c1", "BOEK-001", 1, "MOLEN-1", 2))
	if proto := f.newOrder(t, "c1", "BOEK-001", 1); proto.ID != "" {
		t.Fatal("newOrder gave an ID")
	}
	if o.ID != "BK-2026-000001" || len(o.Token) < 22 || o.Version != 1 || o.Stock != order.StockReserved ||
		o.Held["BOEK-001"] != 1 || o.Held["MOLEN-1"] != 0 || o.IdempotencyKey != "k1" {
		t.Fatalf("created %+v", o)
	}
	o2 := f.create(t, "k2", f.newOrder(t, "c2", "MOLEN-1", 1))
	if o2.ID != "BK-2026-000002" || o2.Token == o.Token {
		t.Fatalf("second order %s %s", o2.ID, o2.Token)
	}
	byTok, err := f.s.Orders.OrderByToken(o.Token)
	if err != nil || byTok.ID != o.ID {
		t.Fatalf("OrderByToken: %v %v", byTok, err)
	}
	for _, tok := range []string{"", "x", o.Token + "x"} {
		if _, err := f.s.Orders.OrderByToken(tok); !errors.Is(err, ErrNotFound) {
			t.Errorf("OrderByToken(%q) = %v", tok, err)
		}
	}
	if a := f.avail(t, "BOEK-001"); a.Remaining != 2 || a.Reserved != 1 || !a.Tracked {
		t.Errorf("BOEK-001 availability %+v", a)
	}
	if a := f.avail(t, "MOLEN-1"); a.Tracked || !a.InStock(1000) {
		t.Errorf("MOLEN-1 availability %+v", a)
	}
	if a := f.avail(t, "NOPE"); a.Known || a.InStock(1) {
		t.Errorf("NOPE availability %+v", a)
	}
}

func TestIdempotencyKey(t *testing.T) {
	f := open(t, -1)
	first := f.create(t, "k1", f.newOrder(t, "c1", "BOEK-001", 1))
	again, created, err := f.s.Orders.CreateOrder(NewOrder{IdempotencyKey: "k1", RequestHash: "h-k1", Order: f.newOrder(t, "c1", "BOEK-001", 1), Catalog: f.cat})
	if err != nil || created || again.ID != first.ID || again.Token != first.Token {
		t.Fatalf("replay: %+v created=%v %v", again, created, err)
	}
	if a := f.avail(t, "BOEK-001"); a.Reserved != 1 {
		t.Errorf("replay reserved again: %+v", a)
	}
	if byKey, err := f.s.Orders.OrderByIdempotencyKey("k1"); err != nil || byKey.ID != first.ID {
		t.Fatalf("OrderByIdempotencyKey: %v", err)
	}
	if _, err := f.s.Orders.OrderByIdempotencyKey("k2"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("OrderByIdempotencyKey(k2) = %v", err)
	}
	_, _, err = f.s.Orders.CreateOrder(NewOrder{IdempotencyKey: "k1", RequestHash: "other", Order: f.newOrder(t, "c1", "BOEK-001", 2), Catalog: f.cat})
	if !errors.Is(err, ErrIdempotencyConflict) {
		t.Fatalf("reuse with another request: %v", err)
	}
	list, _ := f.s.Orders.ListOrders(Filter{})
	if len(list) != 1 {
		t.Fatalf("%d orders stored, want 1", len(list))
	}
	// Pruned keys are forgotten.
	if n, err := f.s.Orders.PruneIdempotency(t0.Add(time.Second)); err != nil || n != 1 {
		t.Fatalf("PruneIdempotency = %d, %v", n, err)
	}
	if _, created, _ := f.s.Orders.CreateOrder(NewOrder{IdempotencyKey: "k1", RequestHash: "other", Order: f.newOrder(t, "c1", "BOEK-001", 1), Catalog: f.cat}); !created {
		t.Fatal("pruned key still answered")
	}
}

func TestOutOfStock(t *testing.T) {
	f := open(t, -1)
	_, _, err := f.s.Orders.CreateOrder(NewOrder{Order: f.newOrder(t, "c1", "MOLEN-1", 1, "BOEK-001", 4), Catalog: f.cat})
	var oos *OutOfStockError
	if !errors.Is(err, ErrOutOfStock) || !errors.As(err, &oos) || oos.SKU != "BOEK-001" || oos.Requested != 4 || oos.Available != 3 {
		t.Fatalf("err = %v (%+v)", err, oos)
	}
	if a := f.avail(t, "BOEK-001"); a.Reserved != 0 {
		t.Errorf("failed order reserved stock: %+v", a)
	}
	if list, _ := f.s.Orders.ListOrders(Filter{}); len(list) != 0 {
		t.Error("failed order stored")
	}
	// No order number was used up either.
	o := f.create(t, "", f.newOrder(t, "c1", "BOEK-001", 3))
	if o.ID != "BK-2026-000001" {
		t.Errorf("ID = %s", o.ID)
	}
}

// 50 customers check out the last 10 units at once: exactly 10 get one.
func TestConcurrentCheckoutsNeverOversell(t *testing.T) {
	for _, batch := range []time.Duration{-1, 2 * time.Millisecond} {
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			f := open(t, batch)
			for i := range f.cat.Items {
				if f.cat.Items[i].SKU == "KOF-GUJI-250-BO" {
					f.cat.Items[i].Stock.Quantity = 10
				}
			}
			var ok, short atomic.Int32
			var wg sync.WaitGroup
			for i := range 50 {
				o := f.newOrder(t, fmt.Sprintf("c%d", i), "KOF-GUJI-250-BO", 1)
				wg.Go(func() {
					_, _, err := f.s.Orders.CreateOrder(NewOrder{IdempotencyKey: fmt.Sprintf("k%d", i), RequestHash: "h", Order: o, Catalog: f.cat})
					switch {
					case err == nil:
						ok.Add(1)
					case errors.Is(err, ErrOutOfStock):
						short.Add(1)
					default:
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if ok.Load() != 10 || short.Load() != 40 {
				t.Fatalf("%d orders, %d out of stock; want 10 and 40", ok.Load(), short.Load())
			}
			a := f.avail(t, "KOF-GUJI-250-BO")
			list, _ := f.s.Orders.ListOrders(Filter{})
			if a.Reserved != 10 || a.Remaining != 0 || len(list) != 10 {
				t.Fatalf("availability %+v, %d orders", a, len(list))
			}
		})
	}
}

// 20 webhooks for the same paid payment at once: one transition, one e-mail.
func TestConcurrentWebhooksOneTransition(t *testing.T) {
	for _, batch := range []time.Duration{-1, 2 * time.Millisecond} {
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			f := open(t, batch)
			f.s.Carts.UpdateCart("c1", func(c *cart.Cart) error { return cart.Add(c, f.cat, "BOEK-001", 2, t0) })
			o := f.create(t, "k1", f.newOrder(t, "c1", "BOEK-001", 2))
			p := paymentFor(o, "tr_1", payment.StatusOpen)
			if _, _, err := f.s.Orders.AttachPayment(o.ID, "", p, "local"); err != nil {
				t.Fatal(err)
			}
			p.Status = payment.StatusPaid
			var changed, confirmations atomic.Int32
			var wg sync.WaitGroup
			for i := range 20 {
				by := []string{"webhook", "return", "reconciler"}[i%3]
				wg.Go(func() {
					_, ch, eff, err := f.s.Orders.ApplyPayment(p, by)
					if err != nil {
						t.Error(err)
					}
					if ch {
						changed.Add(1)
					}
					for _, e := range eff {
						if e.Kind == order.EffectConfirmationMail {
							confirmations.Add(1) // must not leak out: the store does it
						}
					}
				})
			}
			wg.Wait()
			if changed.Load() != 1 || confirmations.Load() != 0 {
				t.Fatalf("changed %d times, %d confirmation effects returned", changed.Load(), confirmations.Load())
			}
			due, _ := f.s.MailQueue.Due(f.clock.Now(), 0)
			if len(due) != 1 || due[0].Kind != MailConfirmation || due[0].OrderID != o.ID || due[0].To != "anna@example.nl" {
				t.Fatalf("mail queue: %+v", due)
			}
			got, _ := f.s.Orders.GetOrder(o.ID)
			paid := 0
			for _, h := range got.History {
				if h.To == order.Paid && h.From != order.Paid {
					paid++
				}
			}
			// Paid Thursday 11:00 in Amsterdam, standard class, PostNL:
			// ships Friday, arrives Saturday, at the latest Monday.
			if d := got.PromisedBy.Format(time.DateOnly); d != "2026-11-30" {
				t.Errorf("PromisedBy = %s, want 2026-11-30", d)
			}
			if got.State != order.Paid || paid != 1 || got.Stock != order.StockSold {
				t.Fatalf("order %s, %d paid transitions, stock %s", got.State, paid, got.Stock)
			}
			if a := f.avail(t, "BOEK-001"); a.Reserved != 0 || a.Sold != 2 || a.Remaining != 1 {
				t.Errorf("availability %+v", a)
			}
			if _, err := f.s.Carts.GetCart("c1"); !errors.Is(err, ErrNotFound) {
				t.Error("paid cart not cleared")
			}
		})
	}
}

func TestUnknownPaymentID(t *testing.T) {
	f := open(t, -1)
	_, _, _, err := f.s.Orders.ApplyPayment(payment.Payment{ID: "tr_nope", Status: payment.StatusPaid}, "webhook")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown payment: %v", err)
	}
}

func TestPaymentFailureAndRetry(t *testing.T) {
	f := open(t, -1)
	o := f.create(t, "k1", f.newOrder(t, "c1", "BOEK-001", 3))
	if _, _, err := f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, "tr_1", payment.StatusOpen), "local"); err != nil {
		t.Fatal(err)
	}
	// Compare-and-set: a second attach expecting no payment loses.
	if _, _, err := f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, "tr_x", payment.StatusOpen), "local"); !errors.Is(err, ErrConflict) {
		t.Fatalf("lost CAS: %v", err)
	}
	// Attaching the same payment again is fine.
	if _, _, err := f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, "tr_1", payment.StatusOpen), "local"); err != nil {
		t.Fatalf("re-attach: %v", err)
	}
	got, _, _, err := f.s.Orders.ApplyPayment(paymentFor(o, "tr_1", payment.StatusExpired), "reconciler")
	if err != nil || got.State != order.PaymentFailed || got.Stock != order.StockNone {
		t.Fatalf("after expiry: %+v %v", got, err)
	}
	if a := f.avail(t, "BOEK-001"); a.Reserved != 0 || a.Remaining != 3 {
		t.Fatalf("stock not released: %+v", a)
	}
	// Someone else buys 1 meanwhile: a retry of 3 no longer fits.
	f.create(t, "k2", f.newOrder(t, "c2", "BOEK-001", 1))
	_, _, err = f.s.Orders.AttachPayment(o.ID, "tr_1", paymentFor(o, "tr_2", payment.StatusOpen), "local")
	if !errors.Is(err, ErrOutOfStock) {
		t.Fatalf("retry without stock: %v", err)
	}
	if got, _ := f.s.Orders.GetOrder(o.ID); got.State != order.PaymentFailed || got.PaymentID != "tr_1" {
		t.Fatalf("failed retry changed the order: %s %s", got.State, got.PaymentID)
	}
	if _, err := f.s.Orders.OrderByPaymentID("tr_2"); !errors.Is(err, ErrNotFound) {
		t.Fatal("failed retry indexed its payment")
	}
	// The other order expires too; now the retry fits.
	other, _ := f.s.Orders.ListOrders(Filter{States: []order.State{order.AwaitingPayment}})
	f.s.Orders.Do(other[0].ID, order.EventCancel, "admin", "")
	got, eff, err := f.s.Orders.AttachPayment(o.ID, "tr_1", paymentFor(o, "tr_2", payment.StatusOpen), "local")
	if err != nil || got.State != order.AwaitingPayment || got.Stock != order.StockReserved || len(eff) != 0 {
		t.Fatalf("retry: %+v %v %v", got, eff, err)
	}
	if a := f.avail(t, "BOEK-001"); a.Reserved != 3 || a.Remaining != 0 {
		t.Fatalf("retry reservation: %+v", a)
	}
	byPay, err := f.s.Orders.OrderByPaymentID("tr_2")
	if err != nil || byPay.ID != o.ID {
		t.Fatalf("OrderByPaymentID: %v", err)
	}
}

// A payment that turns out paid after its order's stock was released is
// still sold: paid money is never turned away.
func TestLatePaidAfterRelease(t *testing.T) {
	f := open(t, -1)
	o := f.create(t, "k1", f.newOrder(t, "c1", "BOEK-001", 2))
	f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, "tr_1", payment.StatusOpen), "local")
	f.s.Orders.AttachPayment(o.ID, "tr_1", paymentFor(o, "tr_2", payment.StatusOpen), "local")
	f.s.Orders.ApplyPayment(paymentFor(o, "tr_2", payment.StatusFailed), "webhook")
	got, changed, eff, err := f.s.Orders.ApplyPayment(paymentFor(o, "tr_1", payment.StatusPaid), "webhook")
	if err != nil || !changed || got.State != order.Paid || got.Stock != order.StockSold {
		t.Fatalf("late paid: %+v %v %v %v", got, changed, eff, err)
	}
	if a := f.avail(t, "BOEK-001"); a.Sold != 2 || a.Reserved != 0 {
		t.Fatalf("availability %+v", a)
	}
}

func TestAmountMismatchIsNotPaid(t *testing.T) {
	f := open(t, -1)
	o := f.create(t, "k1", f.newOrder(t, "c1", "BOEK-001", 1))
	f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, "tr_1", payment.StatusOpen), "local")
	p := paymentFor(o, "tr_1", payment.StatusPaid)
	p.Amount = 1
	got, changed, eff, err := f.s.Orders.ApplyPayment(p, "webhook")
	if err != nil || !changed || got.State != order.AwaitingPayment {
		t.Fatalf("mismatch: %+v %v %v", got, changed, err)
	}
	if len(eff) != 2 || eff[0].Kind != order.EffectAnomaly || eff[1].Kind != order.EffectRefundDue {
		t.Fatalf("effects %+v", eff)
	}
	if due, _ := f.s.MailQueue.Due(f.clock.Now(), 0); len(due) != 0 {
		t.Fatalf("mail queued for a refused payment: %+v", due)
	}
}

func TestShipQueuesMailOnce(t *testing.T) {
	f := open(t, -1)
	o := f.create(t, "k1", f.newOrder(t, "c1", "MOLEN-1", 1))
	f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, "tr_1", payment.StatusOpen), "local")
	f.s.Orders.ApplyPayment(paymentFor(o, "tr_1", payment.StatusPaid), "webhook")
	_, _, err := f.s.Orders.UpdateOrder(o.ID, func(o *order.Order) (bool, []order.Effect, error) {
		o.TrackingCode = "3SABC"
		eff, err := o.Do(order.EventShip, "admin", "", f.clock.Now())
		return err == nil, eff, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.s.Orders.Do(o.ID, order.EventShip, "admin", ""); !errors.Is(err, order.ErrTransition) {
		t.Fatalf("ship twice: %v", err)
	}
	due, _ := f.s.MailQueue.Due(f.clock.Now(), 0)
	var kinds []string
	for _, m := range due {
		kinds = append(kinds, m.Kind)
	}
	if strings.Join(kinds, ",") != MailConfirmation+","+MailShipped && strings.Join(kinds, ",") != MailShipped+","+MailConfirmation {
		t.Fatalf("queue: %v", kinds)
	}
	got, _ := f.s.Orders.GetOrder(o.ID)
	if got.State != order.Shipped || got.TrackingCode != "3SABC" || got.Version != 4 {
		t.Fatalf("order %s %q version %d", got.State, got.TrackingCode, got.Version)
	}
}

func TestCancelPaidGivesStockBack(t *testing.T) {
	f := open(t, -1)
	o := f.create(t, "k1", f.newOrder(t, "c1", "BOEK-001", 2))
	f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, "tr_1", payment.StatusOpen), "local")
	f.s.Orders.ApplyPayment(paymentFor(o, "tr_1", payment.StatusPaid), "webhook")
	_, eff, err := f.s.Orders.Do(o.ID, order.EventCancel, "admin", "out of paper")
	if err != nil || len(eff) != 1 || eff[0].Kind != order.EffectRefundDue || eff[0].PaymentID != "tr_1" {
		t.Fatalf("cancel paid: %+v %v", eff, err)
	}
	if a := f.avail(t, "BOEK-001"); a.Sold != 0 || a.Remaining != 3 {
		t.Fatalf("availability %+v", a)
	}
}

func TestStockBaselineResetsOnNewQuantity(t *testing.T) {
	f := open(t, -1)
	o := f.create(t, "k1", f.newOrder(t, "c1", "BOEK-001", 2))
	f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, "tr_1", payment.StatusOpen), "local")
	f.s.Orders.ApplyPayment(paymentFor(o, "tr_1", payment.StatusPaid), "webhook")
	f.create(t, "k2", f.newOrder(t, "c2", "BOEK-001", 1)) // reserved
	if a := f.avail(t, "BOEK-001"); a.Remaining != 0 {
		t.Fatalf("before recount: %+v", a)
	}
	// The owner counts 5 free units and publishes them.
	for i := range f.cat.Items {
		if f.cat.Items[i].SKU == "BOEK-001" {
			f.cat.Items[i].Stock.Quantity = 5
		}
	}
	if a := f.avail(t, "BOEK-001"); a.Sold != 0 || a.Reserved != 1 || a.Remaining != 4 {
		t.Fatalf("after recount: %+v", a)
	}
	f.create(t, "k3", f.newOrder(t, "c3", "BOEK-001", 4))
	if a := f.avail(t, "BOEK-001"); a.Remaining != 0 || a.Reserved != 5 {
		t.Fatalf("after selling the recount: %+v", a)
	}
}

func TestListOrders(t *testing.T) {
	f := open(t, -1)
	a := f.create(t, "k1", f.newOrder(t, "c1", "MOLEN-1", 1))
	f.clock.Add(10 * time.Minute)
	b := f.create(t, "k2", f.newOrder(t, "c2", "MOLEN-1", 1))
	f.s.Orders.AttachPayment(b.ID, "", paymentFor(b, "tr_b", payment.StatusOpen), "local")
	f.s.Orders.ApplyPayment(paymentFor(b, "tr_b", payment.StatusPaid), "webhook")
	f.clock.Add(10 * time.Minute)
	c := f.create(t, "k3", f.newOrder(t, "c3", "MOLEN-1", 1))
	ids := func(l []*order.Order) string {
		var s []string
		for _, o := range l {
			s = append(s, o.ID)
		}
		return strings.Join(s, ",")
	}
	tests := []struct {
		f    Filter
		want string
	}{
		{Filter{}, ids([]*order.Order{c, b, a})},
		{Filter{Limit: 2}, ids([]*order.Order{c, b})},
		{Filter{States: []order.State{order.AwaitingPayment}}, ids([]*order.Order{c, a})},
		{Filter{States: []order.State{order.Paid}}, b.ID},
		{Filter{States: []order.State{order.AwaitingPayment}, CreatedBefore: t0.Add(15 * time.Minute)}, a.ID},
		{Filter{UpdatedBefore: t0.Add(5 * time.Minute)}, a.ID},
	}
	for _, tt := range tests {
		got, err := f.s.Orders.ListOrders(tt.f)
		if err != nil || ids(got) != tt.want {
			t.Errorf("ListOrders(%+v) = %s, %v; want %s", tt.f, ids(got), err, tt.want)
		}
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	f := open(t, -1)
	f.s.Carts.UpdateCart("c9", func(c *cart.Cart) error { return cart.Add(c, f.cat, "MOLEN-1", 1, t0) })
	o := f.create(t, "k1", f.newOrder(t, "c1", "BOEK-001", 1))
	f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, "tr_1", payment.StatusOpen), "local")
	f.s.Orders.ApplyPayment(paymentFor(o, "tr_1", payment.StatusPaid), "webhook")
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(f.path, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	f.s = s
	if c, err := s.Carts.GetCart("c9"); err != nil || c.Lines[0].SKU != "MOLEN-1" {
		t.Errorf("cart after reopen: %+v %v", c, err)
	}
	got, err := s.Orders.OrderByToken(o.Token)
	if err != nil || got.State != order.Paid {
		t.Fatalf("order after reopen: %+v %v", got, err)
	}
	if byPay, err := s.Orders.OrderByPaymentID("tr_1"); err != nil || byPay.ID != o.ID {
		t.Errorf("payment index after reopen: %v", err)
	}
	if due, _ := s.MailQueue.Due(f.clock.Now(), 0); len(due) != 1 {
		t.Errorf("mail after reopen: %+v", due)
	}
	if a := f.avail(t, "BOEK-001"); a.Sold != 1 {
		t.Errorf("stock after reopen: %+v", a)
	}
	if _, created, err := s.Orders.CreateOrder(NewOrder{IdempotencyKey: "k1", RequestHash: "h-k1", Order: f.newOrder(t, "c1", "BOEK-001", 1), Catalog: f.cat}); err != nil || created {
		t.Errorf("idempotency after reopen: created=%v %v", created, err)
	}
	next := f.create(t, "k2", f.newOrder(t, "c2", "MOLEN-1", 1))
	if next.ID != "BK-2026-000002" {
		t.Errorf("numbering after reopen: %s", next.ID)
	}
}

func TestBackup(t *testing.T) {
	f := open(t, -1)
	o := f.create(t, "k1", f.newOrder(t, "c1", "BOEK-001", 1))
	var buf bytes.Buffer
	size, _ := f.s.BackupSize()
	n, err := f.s.Backup(&buf)
	if err != nil || n != int64(buf.Len()) || n != size {
		t.Fatalf("Backup: %d bytes (size %d, buffer %d), %v", n, size, buf.Len(), err)
	}
	// Writes go on while nobody waits for the backup.
	f.create(t, "k2", f.newOrder(t, "c2", "MOLEN-1", 1))
	path := filepath.Join(t.TempDir(), "restore.db")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path, Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := r.Orders.OrderByToken(o.Token)
	if err != nil || got.ID != o.ID {
		t.Fatalf("order in backup: %v", err)
	}
	if list, _ := r.Orders.ListOrders(Filter{}); len(list) != 1 {
		t.Errorf("backup has %d orders, want the 1 from before it", len(list))
	}
}

// The state index agrees with the orders after every kind of change, and is
// rebuilt for a database made before it existed.
func TestStateIndex(t *testing.T) {
	f := open(t, -1)
	var ids []string
	for i := range 6 {
		o := f.create(t, fmt.Sprintf("k%d", i), f.newOrder(t, fmt.Sprintf("c%d", i), "MOLEN-1", 1))
		f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, fmt.Sprintf("tr_%d", i), payment.StatusOpen), "local")
		ids = append(ids, o.ID)
	}
	f.s.Orders.ApplyPayment(paymentFor(&order.Order{Totals: cart.Totals{GrandTotal: 6900}, Currency: "EUR"}, "tr_1", payment.StatusPaid), "webhook")
	f.s.Orders.ApplyPayment(paymentFor(&order.Order{Totals: cart.Totals{GrandTotal: 6900}, Currency: "EUR"}, "tr_2", payment.StatusPaid), "webhook")
	f.s.Orders.Do(ids[2], order.EventShip, "admin", "")
	f.s.Orders.ApplyPayment(paymentFor(&order.Order{Totals: cart.Totals{GrandTotal: 6900}, Currency: "EUR"}, "tr_3", payment.StatusFailed), "webhook")
	f.s.Orders.Do(ids[4], order.EventCancel, "admin", "")

	check := func(s *Store) {
		t.Helper()
		all, err := s.Orders.ListOrders(Filter{})
		if err != nil || len(all) != 6 {
			t.Fatalf("all orders: %d, %v", len(all), err)
		}
		want := map[order.State]int{order.AwaitingPayment: 2, order.Paid: 1, order.Shipped: 1, order.PaymentFailed: 1, order.Canceled: 1}
		for _, st := range order.States {
			got, err := s.Orders.ListOrders(Filter{States: []order.State{st}})
			if err != nil || len(got) != want[st] {
				t.Errorf("state %s: %d orders, want %d (%v)", st, len(got), want[st], err)
			}
			for _, o := range got {
				if o.State != st {
					t.Errorf("state %s lists order %s in %s", st, o.ID, o.State)
				}
			}
		}
		both, _ := s.Orders.ListOrders(Filter{States: []order.State{order.Paid, order.Shipped, order.Paid}})
		if len(both) != 2 {
			t.Errorf("paid or shipped: %d", len(both))
		}
	}
	check(f.s)

	// An old database without the index.
	if err := f.s.db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketStates) }); err != nil {
		t.Fatal(err)
	}
	f.s.Close()
	s, err := Open(f.path, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	f.s = s
	check(s)
}

// The process stopped after the provider created the payment but before it
// was attached: the webhook still brings the paid money to the order.
func TestStrayPaymentIsAdopted(t *testing.T) {
	f := open(t, -1)
	o := f.create(t, "k1", f.newOrder(t, "c1", "BOEK-001", 1))
	p := paymentFor(o, "tr_stray", payment.StatusPaid)
	p.Metadata = map[string]string{"order_id": o.ID}
	got, changed, _, err := f.s.Orders.ApplyPayment(p, "webhook")
	if err != nil || !changed || got.State != order.Paid || got.PaymentID != "tr_stray" {
		t.Fatalf("stray paid: %+v %v %v", got, changed, err)
	}
	if due, _ := f.s.MailQueue.Due(f.clock.Now(), 0); len(due) != 1 {
		t.Fatalf("mail queue %+v", due)
	}
	if byPay, err := f.s.Orders.OrderByPaymentID("tr_stray"); err != nil || byPay.ID != o.ID {
		t.Fatalf("not indexed: %v", err)
	}
	if _, changed, _, err := f.s.Orders.ApplyPayment(p, "webhook"); err != nil || changed {
		t.Fatalf("second webhook: %v %v", changed, err)
	}

	// A stray payment of the wrong amount, or naming no order, is refused.
	o2 := f.create(t, "k2", f.newOrder(t, "c2", "MOLEN-1", 1))
	bad := paymentFor(o2, "tr_bad", payment.StatusPaid)
	bad.Amount++
	bad.Metadata = map[string]string{"order_id": o2.ID}
	if _, _, _, err := f.s.Orders.ApplyPayment(bad, "webhook"); err == nil {
		t.Fatal("wrong amount adopted")
	}
	if _, _, _, err := f.s.Orders.ApplyPayment(paymentFor(o2, "tr_none", payment.StatusPaid), "webhook"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("payment without metadata: %v", err)
	}
	if got, _ := f.s.Orders.GetOrder(o2.ID); got.State != order.AwaitingPayment {
		t.Fatalf("order 2 moved to %s", got.State)
	}
}

// "Pay again" races the webhook of the first payment: whichever commits
// first, the order is paid once, one e-mail is queued, and the new payment
// is either refused or reported for cancelation.
func TestPayAgainRacesWebhook(t *testing.T) {
	f := open(t, 2*time.Millisecond)
	for i := range 20 {
		o := f.create(t, fmt.Sprintf("k%d", i), f.newOrder(t, fmt.Sprintf("c%d", i), "MOLEN-1", 1))
		first, second := fmt.Sprintf("tr_%d_a", i), fmt.Sprintf("tr_%d_b", i)
		if _, _, err := f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, first, payment.StatusOpen), "local"); err != nil {
			t.Fatal(err)
		}
		var attachErr error
		var webhookEff []order.Effect
		var wg sync.WaitGroup
		wg.Go(func() {
			_, _, attachErr = f.s.Orders.AttachPayment(o.ID, first, paymentFor(o, second, payment.StatusOpen), "local")
		})
		wg.Go(func() {
			var err error
			_, _, webhookEff, err = f.s.Orders.ApplyPayment(paymentFor(o, first, payment.StatusPaid), "webhook")
			if err != nil {
				t.Error(err)
			}
		})
		wg.Wait()
		canceled := false
		for _, e := range webhookEff {
			canceled = canceled || (e.Kind == order.EffectCancelPayment && e.PaymentID == second)
		}
		if (attachErr == nil) == !canceled {
			t.Fatalf("round %d: attach error %v, webhook effects %+v", i, attachErr, webhookEff)
		}
		if attachErr != nil && !errors.Is(attachErr, order.ErrTransition) {
			t.Fatalf("round %d: attach error %v", i, attachErr)
		}
		got, _ := f.s.Orders.GetOrder(o.ID)
		if got.State != order.Paid || got.PaymentID != first {
			t.Fatalf("round %d: %s paid by %s", i, got.State, got.PaymentID)
		}
	}
	due, _ := f.s.MailQueue.Due(f.clock.Now(), 0)
	if len(due) != 20 {
		t.Fatalf("%d e-mails for 20 paid orders", len(due))
	}
}

func TestStats(t *testing.T) {
	f := open(t, -1)
	f.s.Carts.UpdateCart("c9", func(c *cart.Cart) error { return cart.Add(c, f.cat, "MOLEN-1", 1, t0) })
	a := f.create(t, "k1", f.newOrder(t, "c1", "MOLEN-1", 1))
	b := f.create(t, "k2", f.newOrder(t, "c2", "MOLEN-1", 1))
	f.create(t, "k3", f.newOrder(t, "c3", "MOLEN-1", 1))
	for i, o := range []*order.Order{a, b} {
		id := fmt.Sprintf("tr_%d", i)
		f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, id, payment.StatusOpen), "local")
		f.s.Orders.ApplyPayment(paymentFor(o, id, payment.StatusPaid), "webhook")
		f.s.Orders.Do(o.ID, order.EventShip, "admin", "")
	}
	// a arrives on the promised Monday, b a day late.
	f.clock.t = time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)
	f.s.Orders.Do(a.ID, order.EventDeliver, "admin", "")
	f.clock.t = time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	f.s.Orders.Do(b.ID, order.EventDeliver, "admin", "")
	f.s.MailQueue.MarkSent("order_confirmation:"+a.ID, f.clock.Now())

	st, err := f.s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Orders[order.Delivered] != 2 || st.Orders[order.AwaitingPayment] != 1 || st.Carts != 1 ||
		st.Delivered != 2 || st.OnTime != 1 || st.MailPending != 3 || st.MailDead != 0 || st.SizeBytes == 0 {
		t.Fatalf("stats %+v", st)
	}
}
