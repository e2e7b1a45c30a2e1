package standing_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/mollie"
	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/payment/local"
	"github.com/storefront/storefront/checkout/recurring"
	"github.com/storefront/storefront/checkout/standing"
	"github.com/storefront/storefront/checkout/store"
)

const coffee = "KOF-GUJI-250-BO"

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	if t.After(c.t) {
		c.t = t
	}
	c.mu.Unlock()
}

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
	for i := range c.Items {
		if c.Items[i].SKU == coffee {
			c.Items[i].Subscription = &catalog.Subscription{Intervals: []int{2, 4, 6}, Price: 1350}
		}
	}
	return c
}

// rig is a sidecar's worth of parts: a store that is closed and reopened
// between steps (a restart), a provider (local or Mollie against the fake)
// and the standing order service.
// tb is what the rig needs of *testing.T and *rapid.T.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

type rig struct {
	t     tb
	path  string
	cat   *catalog.Catalog
	clock *clock
	st    *store.Store
	svc   *standing.Service
	prov  payment.Provider
	pay   func(id, status string) // the customer pays in the provider's checkout
	fail  func(on bool)
	tick  func() // the provider's background work (Mollie: charges settle, webhooks)
	hook  string
	mu    sync.Mutex
}

func (r *rig) open() {
	r.t.Helper()
	s, err := store.Open(r.path, store.Options{OrderPrefix: "BK", Catalog: func() *catalog.Catalog { return r.cat },
		Now: r.clock.Now, Logger: slog.New(slog.DiscardHandler), BatchDelay: -1})
	if err != nil {
		r.t.Fatal(err)
	}
	r.st = s
	r.svc = &standing.Service{Store: s, Provider: r.prov, Catalog: func() *catalog.Catalog { return r.cat },
		PublicURL: "http://shop.test", WebhookURL: r.hook, Now: r.clock.Now, Log: slog.New(slog.DiscardHandler)}
}

// restart closes and reopens the database file.
func (r *rig) restart() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.st.Close()
	r.open()
}

// news is what the webhook handler does: the order side, then the standing order side.
func (r *rig) news(id string) {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	ctx := context.Background()
	p, err := r.prov.GetPayment(ctx, id)
	if err != nil {
		r.t.Fatal(err)
	}
	if _, _, _, err := r.st.Orders.ApplyPayment(*p, "webhook"); err != nil && !strings.Contains(err.Error(), "not found") {
		r.t.Fatal(err)
	}
	if _, err := r.svc.Apply(ctx, *p); err != nil {
		r.t.Logf("standing news %s: %v", id, err)
	}
}

func newLocalRig(t *testing.T) *rig {
	r := &rig{t: t, path: filepath.Join(t.TempDir(), "shop.db"), cat: testCatalog(t), clock: &clock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}}
	db, err := bolt.Open(filepath.Join(t.TempDir(), "localpay.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	local, err := local.NewLocal(db, local.LocalOptions{BaseURL: "http://shop.test", Now: r.clock.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { local.Close(); db.Close() })
	r.prov = local
	r.pay = func(id, status string) {
		if _, err := local.SetStatus(context.Background(), id, payment.Status(status)); err != nil {
			t.Fatal(err)
		}
		r.news(id)
	}
	r.fail = local.FailRecurring
	r.tick = func() {}
	r.open()
	t.Cleanup(func() { r.st.Close() })
	return r
}

func newMollieRig(t *testing.T) (*rig, *molliefake.Server) {
	r := &rig{t: t, path: filepath.Join(t.TempDir(), "shop.db"), cat: testCatalog(t), clock: &clock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}}
	f := molliefake.New()
	t.Cleanup(f.Close)
	f.SetClock(r.clock.Now)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.news(req.FormValue("id"))
	}))
	t.Cleanup(hook.Close)
	c, err := mollie.NewClient(nil, f.APIKey, mollie.WithBaseURL(f.BaseURL()), mollie.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	r.prov = mollie.NewProvider(c)
	r.pay = func(id, status string) {
		if err := f.SetStatus(id, status); err != nil {
			t.Fatal(err)
		}
	}
	r.fail = f.FailRecurring
	r.tick = func() { f.Tick() }
	r.hook = hook.URL
	r.open()
	t.Cleanup(func() { r.st.Close() })
	return r, f
}

// at moves the clock and runs the scheduler and the provider's background.
func (r *rig) at(when time.Time) {
	r.clock.Set(when)
	r.mu.Lock()
	svc := r.svc
	r.mu.Unlock()
	svc.Tick(context.Background())
	r.tick()
}

func (r *rig) standing(id string) recurring.Standing {
	r.t.Helper()
	st, err := r.st.Standing.GetStanding(id)
	if err != nil {
		r.t.Fatal(err)
	}
	return st
}

func (r *rig) mails(kind string) int {
	r.t.Helper()
	ms, err := r.st.MailQueue.Due(r.clock.Now().Add(time.Hour), 0)
	if err != nil {
		r.t.Fatal(err)
	}
	n := 0
	for _, m := range ms {
		if m.Kind == kind {
			n++
		}
	}
	return n
}

func (r *rig) begin() (*standing.Begun, recurring.Standing) {
	r.t.Helper()
	b, err := r.svc.Begin(context.Background(), standing.Request{Email: "anna@example.nl", Lang: "nl", SKU: coffee, Quantity: 1, Weeks: 4,
		Address: recurring.Address{Name: "Anna de Vries", Street: "Koffiestraat 1", PostalCode: "1234 AB", City: "Utrecht", Country: "NL"}})
	if err != nil {
		r.t.Fatal(err)
	}
	if b.Order.Total() != 1350+495 || b.CheckoutURL == "" {
		r.t.Fatalf("first order total %d (want 1845: 13.50 on subscription + 4.95 shipping), checkout %q", b.Order.Total(), b.CheckoutURL)
	}
	r.pay(b.Order.PaymentID, "paid")
	r.restart()
	st := r.standing(b.Standing.ID)
	if st.State != recurring.Active || st.Period != 2 || st.MandateID == "" || st.Orders[1] != b.Order.ID {
		r.t.Fatalf("after the first payment: %+v", st)
	}
	o, _ := r.st.Orders.GetOrder(b.Order.ID)
	if o.State != order.Paid {
		r.t.Fatalf("first order is %s", o.State)
	}
	return b, st
}

// deliver runs one period through notice and charge and returns its order.
func (r *rig) deliver(id string) *order.Order {
	r.t.Helper()
	st := r.standing(id)
	period := st.Period
	notices := r.mails(store.MailStandingNotice)
	r.at(st.NoticeAt(recurring.DefaultPolicy))
	if got := r.mails(store.MailStandingNotice); got != notices+1 {
		r.t.Fatalf("period %d: %d notices, want %d", period, got, notices+1)
	}
	r.restart()
	r.at(st.NextCharge)
	r.at(st.NextCharge.Add(time.Minute)) // a second tick changes nothing
	r.restart()
	oid, ok := r.st.Standing.PeriodOrder(id, period)
	if !ok {
		r.t.Fatalf("period %d has no order; standing %+v", period, r.standing(id))
	}
	o, err := r.st.Orders.GetOrder(oid)
	if err != nil || o.State != order.Paid || o.Total() != 1845 || o.Lines[0].SKU != coffee || o.Customer.City != "Utrecht" || o.Stock != order.StockSold || o.InvoiceNumber == "" {
		r.t.Fatalf("period %d order %+v, %v", period, o, err)
	}
	return o
}

func runFlow(t *testing.T, r *rig) {
	ctx := context.Background()
	_, st := r.begin()
	id := st.ID
	seen := map[string]bool{}
	for range 3 {
		o := r.deliver(id)
		if seen[o.ID] {
			t.Fatalf("order %s twice", o.ID)
		}
		seen[o.ID] = true
	}
	if got := r.standing(id); got.Period != 5 || len(got.Orders) != 4 {
		t.Fatalf("after 3 deliveries: period %d, orders %v", got.Period, got.Orders)
	}

	// Skip period 5: nothing charged on its day; period 6 follows.
	before := r.standing(id)
	if _, err := r.st.Standing.UpdateStanding(id, func(s recurring.Standing) (recurring.Standing, []store.StandingMail, error) {
		n, err := recurring.Skip(s, r.clock.Now())
		return n, nil, err
	}); err != nil {
		t.Fatal(err)
	}
	r.at(before.NextCharge)
	if _, ok := r.st.Standing.PeriodOrder(id, 5); ok {
		t.Fatal("a skipped period was charged")
	}
	if o := r.deliver(id); o == nil {
		t.Fatal("no delivery after the skip")
	}

	// Pause: nothing charged; resume: notice first.
	if _, err := r.st.Standing.UpdateStanding(id, func(s recurring.Standing) (recurring.Standing, []store.StandingMail, error) {
		n, err := recurring.Pause(s, "customer", r.clock.Now())
		return n, nil, err
	}); err != nil {
		t.Fatal(err)
	}
	paused := r.standing(id)
	r.at(paused.NextCharge.AddDate(0, 0, 60))
	if _, ok := r.st.Standing.PeriodOrder(id, paused.Period); ok {
		t.Fatal("a paused standing order was charged")
	}
	if _, err := r.st.Standing.UpdateStanding(id, func(s recurring.Standing) (recurring.Standing, []store.StandingMail, error) {
		n, err := recurring.Resume(s, r.clock.Now(), recurring.DefaultPolicy)
		return n, nil, err
	}); err != nil {
		t.Fatal(err)
	}
	r.deliver(id)

	// A price change in the catalog is announced before it applies.
	setPrice(r.cat, 1400)
	r.at(r.clock.Now())
	if r.mails(store.MailStandingPriceNotice) != 1 {
		t.Fatal("no price notice")
	}
	if got := r.standing(id); !got.PriceNoticed || got.ChargeFor(got.Period) != 1845 && got.NextCharge.Before(got.PriceAt) {
		t.Fatalf("price change: %+v", got)
	}
	setPrice(r.cat, 1350) // taken back
	r.at(r.clock.Now())
	if got := r.standing(id); got.NewPrice != 0 {
		t.Fatalf("price taken back, still announced: %+v", got)
	}

	// A failing card: a mail with a link to pay by hand, then paid by hand.
	r.fail(true)
	st = r.standing(id)
	r.at(st.NoticeAt(recurring.DefaultPolicy))
	r.at(st.NextCharge)
	if r.mails(store.MailStandingFailed) != 1 {
		t.Fatalf("failed-charge mails: %d; standing %+v", r.mails(store.MailStandingFailed), r.standing(id))
	}
	r.fail(false)
	link, err := r.svc.PayByHand(ctx, st.Token)
	if err != nil || link == "" {
		t.Fatalf("pay by hand: %q %v", link, err)
	}
	cur := r.standing(id)
	r.pay(cur.Charging, "paid")
	r.restart()
	oid, ok := r.st.Standing.PeriodOrder(id, st.Period)
	if !ok {
		t.Fatalf("paid by hand but no order: %+v", r.standing(id))
	}
	if got := r.standing(id); got.Period != st.Period+1 || got.State != recurring.Active || got.Orders[st.Period] != oid {
		t.Fatalf("after paying by hand: %+v", got)
	}

	// A revoked mandate: the standing order pauses itself and says so.
	rec := r.prov.(payment.Recurring)
	got := r.standing(id)
	ms, _ := rec.ListMandates(ctx, got.CustomerID)
	for _, m := range ms {
		if m.Status == payment.MandateValid {
			if err := rec.RevokeMandate(ctx, got.CustomerID, m.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	r.at(got.NoticeAt(recurring.DefaultPolicy))
	r.at(got.NextCharge)
	if after := r.standing(id); after.State != recurring.Paused || after.PauseReason != "mandate_revoked" || r.mails(store.MailStandingPaused) != 1 {
		t.Fatalf("after a revoked mandate: %+v (paused mails %d)", after, r.mails(store.MailStandingPaused))
	}
}

func TestStandingOrderLocal(t *testing.T) {
	runFlow(t, newLocalRig(t))
}

func TestStandingOrderMollie(t *testing.T) {
	r, _ := newMollieRig(t)
	runFlow(t, r)
}

// TestLostWebhook: a recurring charge whose webhook never comes is found by
// the reconciler; its webhook arriving later changes nothing.
func TestLostWebhook(t *testing.T) {
	r, f := newMollieRig(t)
	_, st := r.begin()
	r.hook, r.svc.WebhookURL = "", "" // Mollie cannot reach us
	r.at(st.NoticeAt(recurring.DefaultPolicy))
	r.at(st.NextCharge)
	cur := r.standing(st.ID)
	if cur.Charging == "" {
		t.Fatalf("no charge under way: %+v", cur)
	}
	if _, ok := r.st.Standing.PeriodOrder(st.ID, 2); ok {
		t.Fatal("order before the payment is known to be paid")
	}
	if n := r.svc.Reconcile(context.Background()); n != 1 {
		t.Fatalf("reconciled %d", n)
	}
	oid, ok := r.st.Standing.PeriodOrder(st.ID, 2)
	if !ok {
		t.Fatal("reconciler made no order")
	}
	r.news(cur.Charging) // the late webhook
	if again, _ := r.st.Standing.PeriodOrder(st.ID, 2); again != oid {
		t.Fatal("late webhook made another order")
	}
	_ = f
}

// TestWebhookBeforeRecorded: the webhook of a recurring payment arrives
// before the sidecar recorded the charge (it crashed right after creating
// it): the payment's metadata names the standing order and period, and the
// order is made once; the scheduler's retry gets the same payment.
func TestWebhookBeforeRecorded(t *testing.T) {
	r, f := newMollieRig(t)
	_, st := r.begin()
	r.at(st.NoticeAt(recurring.DefaultPolicy))
	st = r.standing(st.ID)
	// Create the charge as the scheduler would, then "crash" before StartCharge.
	a := recurring.Next(st, st.NextCharge, recurring.DefaultPolicy)
	p, err := r.prov.CreatePayment(context.Background(), payment.CreateRequest{Amount: a.Amount, Currency: "EUR", Description: "x",
		WebhookURL: r.svc.WebhookURL, CustomerID: st.CustomerID, SequenceType: payment.SequenceRecurring, IdempotencyKey: a.Key,
		Metadata: map[string]string{"standing": st.ID, "period": "2"}})
	if err != nil {
		t.Fatal(err)
	}
	f.Tick() // paid; the webhook comes now
	oid, ok := r.st.Standing.PeriodOrder(st.ID, 2)
	if !ok {
		t.Fatal("webhook before the charge was recorded made no order")
	}
	r.restart()
	r.at(st.NextCharge) // the scheduler tries again with the same key
	if got, _ := r.st.Standing.PeriodOrder(st.ID, 2); got != oid || f.PaymentCount() != 2 {
		t.Fatalf("period 2: order %s (want %s), %d payments at Mollie (want 2: first + one charge)", got, oid, f.PaymentCount())
	}
	_ = p
}

func setPrice(c *catalog.Catalog, price money.Amount) {
	for i := range c.Items {
		if c.Items[i].SKU == coffee {
			c.Items[i].Subscription = &catalog.Subscription{Intervals: []int{2, 4, 6}, Price: price}
		}
	}
}
