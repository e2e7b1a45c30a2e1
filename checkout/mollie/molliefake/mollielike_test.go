package molliefake_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

// hookSink receives webhook calls; fail makes it answer 500.
type hookSink struct {
	mu   sync.Mutex
	ids  []string
	fail bool
	srv  *httptest.Server
}

func newHookSink(t *testing.T) *hookSink {
	h := &hookSink{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.fail {
			w.WriteHeader(500)
			return
		}
		h.ids = append(h.ids, r.PostFormValue("id"))
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookSink) count() int { h.mu.Lock(); defer h.mu.Unlock(); return len(h.ids) }

func (h *hookSink) setFail(on bool) { h.mu.Lock(); h.fail = on; h.mu.Unlock() }

// clock is a settable clock for the fake.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func createHooked(t *testing.T, f *molliefake.Server, hook string) string {
	t.Helper()
	body := fmt.Sprintf(`{"amount":{"currency":"EUR","value":"10.00"},"description":"x","redirectUrl":"https://shop.example/","webhookUrl":%q}`, hook)
	resp, m := do(t, f, "POST", "/v2/payments", f.APIKey, body, nil)
	if resp.StatusCode != 201 {
		t.Fatalf("create: %d %v", resp.StatusCode, m)
	}
	return m["id"].(string)
}

// TestWebhooksLikeMollie: expiry on the clock (open and pending), a DELETE
// cancel and refund status changes each owe a webhook call; a failed call
// is retried on Mollie's schedule.
func TestWebhooksLikeMollie(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	clk := &clock{t: time.Now()}
	f.SetClock(clk.now)
	sink := newHookSink(t)
	open := createHooked(t, f, sink.srv.URL)
	pend := createHooked(t, f, sink.srv.URL)
	if err := f.SetStatusQuiet(pend, "pending"); err != nil {
		t.Fatal(err)
	}
	canceled := createHooked(t, f, sink.srv.URL)
	if r, _ := do(t, f, "DELETE", "/v2/payments/"+canceled, f.APIKey, "", nil); r.StatusCode != 200 {
		t.Fatalf("cancel: %d", r.StatusCode)
	}
	if n := f.Tick(); n != 1 || sink.count() != 1 {
		t.Fatalf("tick after a cancel: %d sent, sink has %d; want the cancel's webhook", n, sink.count())
	}
	clk.add(16 * time.Minute) // past expiresAt; nobody reads the payments
	if n := f.Tick(); n != 2 {
		t.Fatalf("tick past expiresAt sent %d webhooks, want 2 (open and pending expired)", n)
	}
	for _, id := range []string{open, pend} {
		if p, _ := f.Payment(id); p.Status != "expired" {
			t.Errorf("%s is %s, want expired", id, p.Status)
		}
	}
	// Refund progression: pending → processing → refunded, a webhook each.
	paid := createHooked(t, f, sink.srv.URL)
	if err := f.SetStatus(paid, "paid"); err != nil {
		t.Fatal(err)
	}
	r, m := do(t, f, "POST", "/v2/payments/"+paid+"/refunds", f.APIKey, `{"amount":{"currency":"EUR","value":"2.00"}}`, nil)
	if r.StatusCode != 201 || m["status"] != "pending" || m["mode"] != "test" {
		t.Fatalf("refund: %d %v", r.StatusCode, m)
	}
	rid := m["id"].(string)
	before := sink.count()
	for _, want := range []string{"processing", "refunded"} {
		f.Tick()
		_, g := do(t, f, "GET", "/v2/payments/"+paid+"/refunds/"+rid, f.APIKey, "", nil)
		if g["status"] != want {
			t.Fatalf("refund status %v, want %s", g["status"], want)
		}
	}
	if got := sink.count() - before; got != 2 {
		t.Errorf("%d webhooks for the refund's progress, want 2", got)
	}
	// A failed delivery is retried later, not lost.
	sink.setFail(true)
	again := createHooked(t, f, sink.srv.URL)
	if err := f.SetStatus(again, "paid"); err == nil {
		t.Fatal("webhook to a failing endpoint reported success")
	}
	sink.setFail(false)
	if n := f.Tick(); n != 0 {
		t.Fatalf("retry before its time: %d", n)
	}
	clk.add(time.Minute)
	if n := f.Tick(); n != 1 || f.WebhooksOwed() != 0 {
		t.Fatalf("retry after a minute: %d sent, %d owed", n, f.WebhooksOwed())
	}
}

// TestRefundsLikeMollie: a pending refund can be canceled (204), a
// refunded one not (422); up to € 25 more than the payment may be refunded
// except for cards and PayPal.
func TestRefundsLikeMollie(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	id := create(t, f)
	if err := f.SetStatusQuiet(id, "paid"); err != nil {
		t.Fatal(err)
	}
	r, m := do(t, f, "POST", "/v2/payments/"+id+"/refunds", f.APIKey, `{"amount":{"currency":"EUR","value":"35.00"}}`, nil)
	if r.StatusCode != 201 {
		t.Fatalf("refund of € 35 on € 10 paid with iDEAL: %d %v; Mollie allows € 25 more", r.StatusCode, m)
	}
	rid := m["id"].(string)
	if code := rawStatus(t, f, "DELETE", "/v2/payments/"+id+"/refunds/"+rid); code != 204 {
		t.Fatalf("cancel pending refund: %d", code)
	}
	if _, g := do(t, f, "GET", "/v2/payments/"+id+"/refunds/"+rid, f.APIKey, "", nil); g["status"] != "canceled" {
		t.Fatalf("after cancel: %v", g["status"])
	}
	_, m = do(t, f, "POST", "/v2/payments/"+id+"/refunds", f.APIKey, `{"amount":{"currency":"EUR","value":"1.00"}}`, nil)
	rid = m["id"].(string)
	if err := f.SetRefundStatus(rid, "refunded"); err != nil {
		t.Fatal(err)
	}
	if r, _ := do(t, f, "DELETE", "/v2/payments/"+id+"/refunds/"+rid, f.APIKey, "", nil); r.StatusCode != 422 {
		t.Fatalf("cancel of a refunded refund: %d, want 422", r.StatusCode)
	}
	card := create(t, f)
	if err := f.ChooseMethod(card, "creditcard"); err != nil {
		t.Fatal(err)
	}
	f.SetStatusQuiet(card, "paid")
	if r, _ := do(t, f, "POST", "/v2/payments/"+card+"/refunds", f.APIKey, `{"amount":{"currency":"EUR","value":"10.01"}}`, nil); r.StatusCode != 422 {
		t.Fatalf("over-refund of a card payment: %d, want 422", r.StatusCode)
	}
}

// TestCancelLikeMollie: isCancelable follows the method switch; an
// authorized payment's cancel is 202 without a body.
func TestCancelLikeMollie(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	f.RefuseCancel("ideal")
	id := create(t, f)
	f.ChooseMethod(id, "ideal")
	if _, g := do(t, f, "GET", "/v2/payments/"+id, f.APIKey, "", nil); g["isCancelable"] != false {
		t.Fatalf("isCancelable %v for a started iDEAL payment", g["isCancelable"])
	}
	if r, m := do(t, f, "DELETE", "/v2/payments/"+id, f.APIKey, "", nil); r.StatusCode != 422 {
		t.Fatalf("cancel: %d %v", r.StatusCode, m)
	}
	auth := create(t, f)
	f.SetStatusQuiet(auth, "authorized")
	if code := rawStatus(t, f, "DELETE", "/v2/payments/"+auth); code != 202 {
		t.Fatalf("cancel authorized: %d", code)
	}
}

// rawStatus sends a request and returns its status; the body must be empty.
func rawStatus(t *testing.T, f *molliefake.Server, method, path string) int {
	t.Helper()
	req, _ := http.NewRequest(method, f.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+f.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if b, _ := io.ReadAll(resp.Body); len(b) > 0 {
		t.Fatalf("%s %s: %d with a body %s, want none", method, path, resp.StatusCode, b)
	}
	return resp.StatusCode
}

// TestListPreviousLink: the second page links back to the first.
func TestListPreviousLink(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	for range 5 {
		create(t, f)
	}
	_, first := do(t, f, "GET", "/v2/payments?limit=2", f.APIKey, "", nil)
	links := first["_links"].(map[string]any)
	if links["previous"] != nil || links["next"] == nil {
		t.Fatalf("first page links %v", links)
	}
	next := links["next"].(map[string]any)["href"].(string)
	_, second := do(t, f, "GET", next[len(f.URL):], f.APIKey, "", nil)
	prev, ok := second["_links"].(map[string]any)["previous"].(map[string]any)
	if !ok {
		t.Fatalf("second page has no previous link: %v", second["_links"])
	}
	_, back := do(t, f, "GET", prev["href"].(string)[len(f.URL):], f.APIKey, "", nil)
	a := back["_embedded"].(map[string]any)["payments"].([]any)
	b := first["_embedded"].(map[string]any)["payments"].([]any)
	if a[0].(map[string]any)["id"] != b[0].(map[string]any)["id"] {
		t.Errorf("previous page starts at %v, the first page at %v", a[0].(map[string]any)["id"], b[0].(map[string]any)["id"])
	}
}
