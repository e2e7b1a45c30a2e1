package local_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/payment/local"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func openDB(t *testing.T, path string) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func newLocal(t *testing.T, opts local.LocalOptions) (*local.Local, *bolt.DB, *clock) {
	t.Helper()
	db := openDB(t, filepath.Join(t.TempDir(), "shop.db"))
	c := &clock{t: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	if opts.BaseURL == "" {
		opts.BaseURL = "http://shop.test"
	}
	if opts.Now == nil {
		opts.Now = c.now
	}
	opts.Logger = slog.New(slog.DiscardHandler)
	if opts.WebhookRetryDelay == 0 {
		opts.WebhookRetryDelay = time.Millisecond
	}
	l, err := local.NewLocal(db, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close(); db.Close() })
	return l, db, c
}

func req(key string) payment.CreateRequest {
	return payment.CreateRequest{
		Amount: 1450, Currency: "EUR", Description: "Bestelling 1001",
		RedirectURL: "https://shop.test/order/tok", Locale: "nl_NL",
		Metadata: map[string]string{"order": "1001"}, IdempotencyKey: key,
	}
}

func TestLocalCreateAndIdempotency(t *testing.T) {
	l, _, c := newLocal(t, local.LocalOptions{BaseURL: "https://shop.test/"})
	ctx := context.Background()
	p, err := l.CreatePayment(ctx, req("k1"))
	if err != nil {
		t.Fatal(err)
	}
	if !payment.ValidID(p.ID) || p.Status != payment.StatusOpen || p.CheckoutURL != "https://shop.test/pay/"+p.ID ||
		!p.ExpiresAt.Equal(c.now().Add(15*time.Minute)) || p.Amount != 1450 || p.Metadata["order"] != "1001" {
		t.Fatalf("payment = %+v", p)
	}
	again, err := l.CreatePayment(ctx, req("k1"))
	if err != nil || again.ID != p.ID {
		t.Fatalf("same key: %+v %v", again, err)
	}
	other, err := l.CreatePayment(ctx, req("k2"))
	if err != nil || other.ID == p.ID {
		t.Fatalf("other key: %+v %v", other, err)
	}
	changed := req("k1")
	changed.Amount = 1500
	if _, err := l.CreatePayment(ctx, changed); !errors.Is(err, payment.ErrInvalid) {
		t.Fatalf("same key, other amount: %v", err)
	}
	for _, bad := range []payment.CreateRequest{{Amount: 0, Currency: "EUR", Description: "x", RedirectURL: "https://x/"}, {Amount: 100, Currency: "EUR", RedirectURL: "https://x/"}} {
		if _, err := l.CreatePayment(ctx, bad); !errors.Is(err, payment.ErrInvalid) {
			t.Errorf("CreatePayment(%+v) = %v", bad, err)
		}
	}
	if _, err := l.GetPayment(ctx, "tr_nothere"); !errors.Is(err, payment.ErrNotFound) {
		t.Fatalf("unknown: %v", err)
	}
	if _, err := l.GetPayment(ctx, "../etc"); !errors.Is(err, payment.ErrNotFound) {
		t.Fatalf("bad id: %v", err)
	}
}

func TestLocalSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")
	opts := local.LocalOptions{BaseURL: "http://shop.test", Logger: slog.New(slog.DiscardHandler)}
	ctx := context.Background()

	db := openDB(t, path)
	l, err := local.NewLocal(db, opts)
	if err != nil {
		t.Fatal(err)
	}
	p, err := l.CreatePayment(ctx, req("restart"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.SetStatus(ctx, p.ID, payment.StatusPaid); err != nil {
		t.Fatal(err)
	}
	r, err := l.CreateRefund(ctx, p.ID, payment.RefundRequest{Amount: 450, Currency: "EUR", IdempotencyKey: "rf"})
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openDB(t, path)
	defer db.Close()
	l, err = local.NewLocal(db, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got, err := l.GetPayment(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != payment.StatusPaid || got.Amount != 1450 || got.AmountRefunded != 450 || got.PaidAt.IsZero() {
		t.Fatalf("after restart: %+v", got)
	}
	again, err := l.CreatePayment(ctx, req("restart"))
	if err != nil || again.ID != p.ID {
		t.Fatalf("idempotency key forgotten: %+v %v", again, err)
	}
	rs, err := l.ListRefunds(ctx, p.ID)
	if err != nil || len(rs) != 1 || rs[0].ID != r.ID {
		t.Fatalf("refunds after restart: %+v %v", rs, err)
	}
	err = db.View(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte(local.LocalBucket)) == nil {
			return errors.New("no bucket " + local.LocalBucket)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLocalStatusChanges(t *testing.T) {
	all := []payment.Status{payment.StatusOpen, payment.StatusPending, payment.StatusAuthorized, payment.StatusPaid,
		payment.StatusCanceled, payment.StatusExpired, payment.StatusFailed}
	l, _, _ := newLocal(t, local.LocalOptions{})
	ctx := context.Background()
	for _, from := range all {
		for _, to := range all {
			t.Run(string(from)+"->"+string(to), func(t *testing.T) {
				p, err := l.CreatePayment(ctx, req(""))
				if err != nil {
					t.Fatal(err)
				}
				if from != payment.StatusOpen {
					if _, err := l.SetStatus(ctx, p.ID, from); err != nil {
						t.Fatal(err)
					}
				}
				got, err := l.SetStatus(ctx, p.ID, to)
				want := payment.CanTransition(from, to)
				if (err == nil) != want {
					t.Fatalf("err = %v, want ok=%v", err, want)
				}
				if from.Final() && !errors.Is(err, payment.ErrFinal) {
					t.Fatalf("final %s: err = %v", from, err)
				}
				if want && (got.Status != to || (to.Final() && got.CheckoutURL != "") || (to == payment.StatusPaid) == got.PaidAt.IsZero()) {
					t.Fatalf("got %+v", got)
				}
				stored, _ := l.GetPayment(ctx, p.ID)
				if want && stored.Status != to || !want && stored.Status != from {
					t.Fatalf("stored status %s", stored.Status)
				}
			})
		}
	}
}

func TestCanTransition(t *testing.T) {
	tests := []struct {
		from, to payment.Status
		want     bool
	}{
		{"open", "pending", true}, {"open", "paid", true}, {"open", "canceled", true}, {"open", "expired", true},
		{"open", "failed", true}, {"open", "authorized", true}, {"open", "open", false}, {"open", "bogus", false},
		{"pending", "paid", true}, {"pending", "failed", true}, {"pending", "expired", true},
		{"pending", "canceled", false}, {"pending", "open", false},
		{"authorized", "paid", true}, {"authorized", "open", false},
		{"paid", "failed", false}, {"paid", "open", false}, {"failed", "paid", false},
		{"canceled", "paid", false}, {"expired", "paid", false},
	}
	for _, tt := range tests {
		if got := payment.CanTransition(tt.from, tt.to); got != tt.want {
			t.Errorf("CanTransition(%s, %s) = %v", tt.from, tt.to, got)
		}
	}
}

func TestLocalExpiry(t *testing.T) {
	l, _, c := newLocal(t, local.LocalOptions{})
	ctx := context.Background()
	open, _ := l.CreatePayment(ctx, req(""))
	pending, _ := l.CreatePayment(ctx, req(""))
	l.SetStatus(ctx, pending.ID, payment.StatusPending)

	c.add(14 * time.Minute)
	if p, _ := l.GetPayment(ctx, open.ID); p.Status != payment.StatusOpen {
		t.Fatalf("expired early: %s", p.Status)
	}
	c.add(time.Minute)
	r := req("expiring")
	keyed, _ := l.CreatePayment(ctx, r) // created now, expires 15 min later
	if p, _ := l.GetPayment(ctx, open.ID); p.Status != payment.StatusExpired || p.CheckoutURL != "" {
		t.Fatalf("not expired: %+v", p)
	}
	c.add(15 * time.Minute)
	if p, err := l.CreatePayment(ctx, r); err != nil || p.ID != keyed.ID || p.Status != payment.StatusExpired {
		t.Fatalf("replay of an expired payment: %+v %v", p, err)
	}
	if _, err := l.SetStatus(ctx, open.ID, payment.StatusPaid); !errors.Is(err, payment.ErrFinal) {
		t.Fatalf("paid after expiry: %v", err)
	}
	// Pending payments are not expired by the clock; the customer may still pay.
	if p, err := l.SetStatus(ctx, pending.ID, payment.StatusPaid); err != nil || p.Status != payment.StatusPaid {
		t.Fatalf("pending -> paid: %+v %v", p, err)
	}
}

func TestLocalCancel(t *testing.T) {
	l, _, _ := newLocal(t, local.LocalOptions{})
	ctx := context.Background()
	p, _ := l.CreatePayment(ctx, req(""))
	got, err := l.CancelPayment(ctx, p.ID)
	if err != nil || got.Status != payment.StatusCanceled {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := l.CancelPayment(ctx, p.ID); !errors.Is(err, payment.ErrFinal) {
		t.Fatalf("second cancel: %v", err)
	}
}

func TestLocalRefunds(t *testing.T) {
	l, _, _ := newLocal(t, local.LocalOptions{})
	ctx := context.Background()
	p, _ := l.CreatePayment(ctx, req(""))
	if _, err := l.CreateRefund(ctx, p.ID, payment.RefundRequest{Amount: 100, Currency: "EUR"}); !errors.Is(err, payment.ErrInvalid) {
		t.Fatalf("refund of open payment: %v", err)
	}
	l.SetStatus(ctx, p.ID, payment.StatusPaid)
	tests := []struct {
		amount int64
		key    string
		ok     bool
		left   int64
	}{
		{1000, "a", true, 450},
		{1000, "a", true, 450}, // same key: the same refund, not a second one
		{451, "b", false, 450},
		{0, "c", false, 450},
		{450, "d", true, 0},
		{1, "e", false, 0},
	}
	var first string
	for i, tt := range tests {
		r, err := l.CreateRefund(ctx, p.ID, payment.RefundRequest{Amount: money.Amount(tt.amount), Currency: "EUR", IdempotencyKey: tt.key})
		if (err == nil) != tt.ok {
			t.Fatalf("step %d: err = %v", i, err)
		}
		if tt.ok && r.Status != "refunded" {
			t.Fatalf("step %d: refund %+v", i, r)
		}
		if i == 0 {
			first = r.ID
		}
		if i == 1 && r.ID != first {
			t.Fatalf("same key gave another refund")
		}
		got, _ := l.GetPayment(ctx, p.ID)
		if left := int64(got.Amount - got.AmountRefunded); left != tt.left {
			t.Fatalf("step %d: left %d, want %d", i, left, tt.left)
		}
	}
	rs, _ := l.ListRefunds(ctx, p.ID)
	if len(rs) != 2 {
		t.Fatalf("refunds = %+v", rs)
	}
}

// pageEnv runs the hosted page and a webhook receiver over HTTP.
type pageEnv struct {
	l       *local.Local
	site    *httptest.Server
	hooks   chan string
	hookURL string
	client  *http.Client
}

func newPageEnv(t *testing.T, opts local.LocalOptions, failFirst int) *pageEnv {
	t.Helper()
	e := &pageEnv{hooks: make(chan string, 10)}
	var mu sync.Mutex
	fails := failFirst
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if fails > 0 {
			fails--
			w.WriteHeader(500)
			return
		}
		if r.Method != "POST" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			w.WriteHeader(400)
			return
		}
		e.hooks <- r.PostFormValue("id")
	}))
	t.Cleanup(hook.Close)
	mux := http.NewServeMux()
	var l *local.Local
	mux.Handle("/pay/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { l.Handler().ServeHTTP(w, r) }))
	e.site = httptest.NewServer(mux)
	t.Cleanup(e.site.Close)
	opts.BaseURL = e.site.URL
	l, _, _ = newLocal(t, opts)
	e.l = l
	e.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	e.hookURL = hook.URL + "/api/webhooks/mollie"
	return e
}

func (e *pageEnv) post(t *testing.T, id string, form url.Values, hdr map[string]string) *http.Response {
	t.Helper()
	r, _ := http.NewRequest("POST", e.site.URL+"/pay/"+id, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	resp, err := e.client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func (e *pageEnv) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := e.client.Get(e.site.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (e *pageEnv) waitHook(t *testing.T) string {
	t.Helper()
	select {
	case id := <-e.hooks:
		return id
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook")
	}
	return ""
}

// TestPaymentIDsSortByTime: ids made later sort after earlier ones (the
// B+tree appends them), pass payment.ValidID, and differ within the same
// nanosecond.
func TestPaymentIDsSortByTime(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	prev := ""
	seen := map[string]bool{}
	for i := range 2000 {
		at := t0.Add(time.Duration(i*i) * time.Microsecond)
		id := local.NewPaymentIDForTest(at)
		if !payment.ValidID(id) || len(id) != 32 {
			t.Fatalf("id %q (%d characters) is not a valid payment id", id, len(id))
		}
		if i > 0 && id <= prev {
			t.Fatalf("id %q made at %v sorts before %q made earlier", id, at, prev)
		}
		prev = id
		same := local.NewPaymentIDForTest(at)
		if same == id || seen[same] {
			t.Fatalf("two ids the same: %s", same)
		}
		seen[id], seen[same] = true, true
	}
}
