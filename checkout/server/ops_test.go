package server

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/store"
)

// opsClock is a settable clock for the alert and readiness tests.
type opsClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *opsClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *opsClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

const ownerAddr = "owner@example.nl"

func withOps(clock *opsClock) shopOpt {
	return func(o *Options) {
		o.AlertEmail, o.BackupEvery = ownerAddr, 24*time.Hour
		if clock != nil {
			o.Now = clock.now
		}
	}
}

func (sh *testShop) alerts() AlertsView {
	sh.t.Helper()
	r := sh.admin("GET", "/api/admin/alerts", "")
	if r.StatusCode != 200 {
		sh.t.Fatalf("alerts: %d %s", r.StatusCode, r.body)
	}
	var v AlertsView
	r.json(sh.t, &v)
	return v
}

func (v AlertsView) count(kind string) int {
	for _, a := range v.Alerts {
		if a.Kind == kind {
			return a.Count
		}
	}
	return 0
}

func TestHealthAndReadiness(t *testing.T) {
	fake := molliefake.New()
	defer fake.Close()
	sh := newShop(t, withMollie(fake))
	if r := sh.req("GET", "/healthz", ""); r.StatusCode != 200 || !strings.Contains(r.body, `"ok"`) {
		t.Fatalf("healthz: %d %s", r.StatusCode, r.body)
	}
	var rd Readiness
	r := sh.req("GET", "/readyz", "")
	r.json(t, &rd)
	if r.StatusCode != 200 || !rd.Ready || len(rd.Checks) != 4 {
		t.Fatalf("readyz on a fresh shop: %d %s", r.StatusCode, r.body)
	}

	// The provider fails three times in a row and never answered: not ready, and the body says why.
	fake.Fail(molliefake.GetPayment, molliefake.Fault{Status: 500, Times: 3})
	for range 3 {
		sh.sc.provider.GetPayment(context.Background(), "tr_nothing")
	}
	sh.sc.health.ForgetReadiness() // past the one-second reuse of the last answer
	r = sh.req("GET", "/readyz", "")
	rd = Readiness{}
	r.json(t, &rd)
	if r.StatusCode != 503 || rd.Ready || len(rd.Failed) != 1 || rd.Failed[0] != "provider" || rd.Checks["provider"].Detail == "" {
		t.Fatalf("readyz with the provider down: %d %s", r.StatusCode, r.body)
	}
	// One answer (even "not found") and it is ready again.
	sh.sc.provider.GetPayment(context.Background(), "tr_nothing")
	sh.sc.health.ForgetReadiness()
	if r := sh.req("GET", "/readyz", ""); r.StatusCode != 200 {
		t.Fatalf("readyz after the provider answered: %d %s", r.StatusCode, r.body)
	}

	// The mail worker is stuck (holds its lock) while a message has been due for 20 minutes.
	sh.sc.sendMu.Lock()
	if _, err := sh.sc.store.MailQueue.Enqueue(store.Mail{ID: "stuck", Kind: store.MailConfirmation, To: "a@example.nl",
		NextAt: time.Now().Add(-20 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	sh.sc.health.ForgetReadiness()
	r = sh.req("GET", "/readyz", "")
	sh.sc.sendMu.Unlock()
	if r.StatusCode != 503 || !strings.Contains(r.body, `"mail"`) || !strings.Contains(r.body, "stuck") {
		t.Fatalf("readyz with a stuck mail queue: %d %s", r.StatusCode, r.body)
	}
}

func TestMetricsBehindAdminToken(t *testing.T) {
	sh := newShop(t)
	sh.addToCart("MOK-001", 1)
	sh.checkout("m-1")
	if r := sh.req("GET", "/api/admin/metrics", ""); r.StatusCode != 401 {
		t.Fatalf("metrics without the token: %d", r.StatusCode)
	}
	r := sh.admin("GET", "/api/admin/metrics", "")
	if r.StatusCode != 200 {
		t.Fatalf("metrics: %d %s", r.StatusCode, r.body)
	}
	for _, want := range []string{
		`shop_http_requests_total{method="POST",route="/api/checkout",status="201"} 1`,
		`shop_orders{state="awaiting_payment"} 1`,
		`shop_payments_awaiting_confirmation 1`,
		`shop_provider_calls_total{op="create_payment",outcome="ok"} 1`,
		`shop_catalog_info{version=`,
		`shop_mail_queue_depth 0`,
		`shop_reconciler_lag_seconds`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// A panic in a background pass is recovered, alerted (one e-mail per kind
// per hour) and the sidecar keeps serving.
func TestWorkerPanicAlertsOncePerHour(t *testing.T) {
	clock := &opsClock{t: time.Now()}
	sh := newShop(t, withOps(clock))
	for range 2 {
		sh.sc.safely("test", func() { panic("boom") })
	}
	sh.flushMail()
	if n := len(sh.outboxFiles("alert")); n != 1 {
		t.Fatalf("%d alert e-mails after two panics within the hour, want 1", n)
	}
	if v := sh.alerts(); v.count(alertPanic) != 2 {
		t.Fatalf("alerts: %+v", v)
	}
	b, _ := os.ReadFile(sh.outboxFiles("alert")[0])
	if !strings.Contains(string(b), ownerAddr) || !strings.Contains(string(b), alertWords(sh.sc.OwnerLang(), alertPanic).Title) {
		t.Errorf("alert e-mail:\n%s", b)
	}
	clock.add(61 * time.Minute)
	sh.sc.safely("test", func() { panic("boom again") })
	sh.flushMail()
	if n := len(sh.outboxFiles("alert")); n != 2 {
		t.Fatalf("%d alert e-mails after an hour, want 2", n)
	}
	if r := sh.req("GET", "/healthz", ""); r.StatusCode != 200 {
		t.Fatal("not serving after recovered panics")
	}
	// The admin home shows it.
	sh.adminLogin()
	if r := sh.req("GET", "/admin/", ""); !strings.Contains(r.body, alertWords(sh.sc.OwnerLang(), alertPanic).Title) {
		t.Errorf("admin home does not show the alert: %d", r.StatusCode)
	}
}

// A message given up after every retry raises mail_failing.
func TestMailGivenUpAlerts(t *testing.T) {
	// The mail server fails while broken is set. It is switched, not
	// swapped in the running sidecar: the mail worker sends (the alert's
	// e-mail) in the background meanwhile.
	broken := &brokenSender{}
	sh := newShop(t, withOps(nil), func(o *Options) {
		o.tune = func(s *Sidecar) { broken.next = s.sender; s.sender = broken }
	})
	sh.addToCart("MOK-001", 1)
	_, ca := sh.checkout("g-1")
	broken.broken.Store(true)
	if _, err := sh.sc.store.MailQueue.Enqueue(store.Mail{ID: "doomed", Kind: store.MailConfirmation, OrderID: ca.Order.ID,
		To: "a@example.nl", Attempts: store.MailMaxAttempts - 1}); err != nil {
		t.Fatal(err)
	}
	sh.flushMail()
	broken.broken.Store(false)
	if v := sh.alerts(); v.count(alertMailFailing) != 1 || !strings.Contains(v.Alerts[0].Detail, ca.Order.ID) {
		t.Fatalf("alerts after a message was given up: %+v", v)
	}
}

// A payment the provider says is paid whose order is still awaiting
// payment ten minutes later raises payment_unconfirmed; a confirmed one does not.
func TestUnconfirmedPaidPaymentAlerts(t *testing.T) {
	clock := &opsClock{t: time.Now()}
	sh := newShop(t, withOps(clock))
	sh.addToCart("MOK-001", 1)
	_, ca := sh.checkout("u-1")
	o, err := sh.sc.store.Orders.GetOrder(ca.Order.ID)
	if err != nil || o.PaymentID == "" {
		t.Fatalf("order %+v, %v", o, err)
	}
	sh.sc.alerts.NotePaid(o.PaymentID, "paid") // as if the provider said paid and the order update failed
	clock.add(9 * time.Minute)
	sh.sc.alerts.WatchOnce()
	if n := sh.alerts().count(alertUnconfirmed); n != 0 {
		t.Fatalf("alert after 9 minutes: %d", n)
	}
	clock.add(2 * time.Minute)
	sh.sc.alerts.WatchOnce()
	if n := sh.alerts().count(alertUnconfirmed); n != 1 {
		t.Fatalf("no alert 11 minutes after paid: %d", n)
	}
	if _, _, err := sh.sc.store.Orders.Do(o.ID, order.EventCancel, "test", ""); err != nil {
		t.Fatal(err)
	}
	sh.sc.alerts.WatchOnce()
	if n := sh.alerts().count(alertUnconfirmed); n != 1 {
		t.Fatalf("alerted again after the order moved on: %d", n)
	}
}

// No verified backup within BackupEvery + an hour: backup_missing, until one is recorded.
func TestBackupMissingAlerts(t *testing.T) {
	clock := &opsClock{t: time.Now()}
	sh := newShop(t, withOps(clock))
	clock.add(24*time.Hour + 30*time.Minute)
	sh.sc.alerts.WatchOnce()
	if n := sh.alerts().count(alertBackup); n != 0 {
		t.Fatalf("alert inside the grace hour: %d", n)
	}
	clock.add(time.Hour)
	sh.sc.alerts.WatchOnce()
	if n := sh.alerts().count(alertBackup); n != 1 {
		t.Fatalf("no alert after 25.5 h without a backup: %d", n)
	}
	if r := sh.admin("POST", "/api/admin/backup/verified", `{"bytes": 4096}`); r.StatusCode != 200 {
		t.Fatalf("record backup: %d %s", r.StatusCode, r.body)
	}
	if r := sh.admin("POST", "/api/admin/backup/verified", `{"bytes": -1}`); r.StatusCode != 400 || r.errorMessage(t) == "" {
		t.Fatalf("record a nonsense backup: %d %s", r.StatusCode, r.body)
	}
	clock.add(time.Hour)
	sh.sc.alerts.WatchOnce()
	if v := sh.alerts(); v.count(alertBackup) != 1 || v.LastBackup.IsZero() {
		t.Fatalf("after a backup: %+v", v)
	}
}

// A catalog the sidecar refuses raises catalog_reload.
func TestCatalogRefusedAlerts(t *testing.T) {
	sh := newShop(t, withOps(nil))
	path := filepath.Join(sh.site, "catalog.json")
	if err := os.WriteFile(path+".tmp", []byte(`{"version": "broken", "items": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for sh.alerts().count(alertCatalog) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no catalog_reload alert after a broken catalog was published")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
