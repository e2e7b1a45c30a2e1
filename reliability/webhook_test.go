package reliability

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/server"
)

// postWebhook posts form id=... as Mollie does: no Origin, no cookies.
func postWebhook(base, body string) answer {
	resp, err := http.Post(base+"/api/webhooks/mollie", "application/x-www-form-urlencoded", strings.NewReader(body))
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	return answer{status: resp.StatusCode, header: resp.Header}
}

// mailsFor counts outbox e-mails that mention the order id.
func mailsFor(t testing.TB, dir, orderID string) int {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	n := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".eml") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err == nil && strings.Contains(string(b), orderID) && strings.Contains(e.Name(), "confirm") {
			n++
		}
	}
	return n
}

// placeOrder puts one item in a new cart and checks out; it fails the test
// unless the order and its payment are made.
func placeOrder(t testing.TB, s *shop, sku string) (server.CheckoutAnswer, string) {
	t.Helper()
	c := s.customer()
	if a := c.add(sku, 1); a.status != http.StatusOK {
		t.Fatalf("add %s: %s", sku, a)
	}
	a, ca := c.checkout(fmt.Sprintf("key-%d", time.Now().UnixNano()), form("Ada"))
	if a.status != http.StatusCreated || ca.CheckoutURL == "" {
		t.Fatalf("checkout: %s", a)
	}
	return ca, paymentID(ca.CheckoutURL)
}

func orderState(t testing.TB, s *shop, id string) string {
	t.Helper()
	var o server.OrderView
	adminGet(t, s.URL, "/api/admin/orders/"+id, &o)
	return o.State
}

// TestWebhookAbuse: spoofed, foreign, malformed, replayed, flooded and
// out-of-order webhooks move no order except to what the provider says,
// and final states never go back.
func TestWebhookAbuse(t *testing.T) {
	fake := molliefake.New()
	defer fake.Close()
	lp := newLyingProvider(t, fake)
	s := startShop(t, shopConfig{fake: fake, mollieURL: lp.ts.URL + "/v2/"})

	victim, pid := placeOrder(t, s, "KOF-001")
	oid := victim.Order.ID

	t.Run("spoofed and malformed ids", func(t *testing.T) {
		gets := fake.Calls(molliefake.GetPayment)
		for _, body := range []string{
			"id=tr_AAAAAAAAAA", "id=tr_" + strings.Repeat("x", 20), // unknown to the shop: 200, nothing leaks
		} {
			if a := postWebhook(s.URL, body); a.status != http.StatusOK {
				t.Errorf("webhook %q: %s, want 200", body, a)
			}
		}
		for _, body := range []string{
			"", "id=", "id=re_123", "id=" + url.QueryEscape("tr_../../admin"), "id=" + url.QueryEscape("tr_<script>"),
			"id=" + strings.Repeat("a", 10000), "id=tr_%00abc", "id[]=tr_x",
		} {
			if a := postWebhook(s.URL, body); a.status != http.StatusBadRequest {
				t.Errorf("webhook %q: %s, want 400", body[:min(len(body), 40)], a)
			}
		}
		if n := fake.Calls(molliefake.GetPayment) - gets; n != 0 {
			t.Errorf("unknown ids made the shop ask the provider %d times; it must not ask about strangers' payments", n)
		}
		if st := orderState(t, s, oid); st != "awaiting_payment" {
			t.Errorf("order is %s after spoofed webhooks, want awaiting_payment", st)
		}
	})

	t.Run("payment of another shop", func(t *testing.T) {
		// A payment that exists at the provider but is not ours.
		other := createForeignPayment(t, fake)
		if err := fake.SetStatusQuiet(other, "paid"); err != nil {
			t.Fatal(err)
		}
		if a := postWebhook(s.URL, "id="+other); a.status != http.StatusOK {
			t.Errorf("foreign payment webhook: %s, want 200", a)
		}
		for _, o := range adminOrders(t, s.URL) {
			if o.State != "awaiting_payment" {
				t.Errorf("order %s is %s after a foreign payment's webhook", o.ID, o.State)
			}
		}
	})

	t.Run("webhook says nothing, provider says open", func(t *testing.T) {
		for i := 0; i < 5; i++ {
			if a := postWebhook(s.URL, "id="+pid); a.status != http.StatusOK {
				t.Fatalf("webhook: %s", a)
			}
		}
		if st := orderState(t, s, oid); st != "awaiting_payment" {
			t.Errorf("order is %s while the provider says open", st)
		}
	})

	t.Run("wrong amount reported paid is refused", func(t *testing.T) {
		_, pid2 := placeOrder(t, s, "MOK-001")
		lp.lie(pid2, func(m map[string]any) {
			status("paid")(m)
			m["amount"] = map[string]any{"value": "0.01", "currency": "EUR"}
		})
		defer lp.lie(pid2, nil)
		postWebhook(s.URL, "id="+pid2)
		for _, o := range adminOrders(t, s.URL) {
			if o.PaymentStatus == "paid" || o.State == "paid" {
				t.Errorf("order %s became %s on a payment of the wrong amount", o.ID, o.State)
			}
		}
	})

	t.Run("paid, then replays and a flood", func(t *testing.T) {
		if err := fake.SetStatus(pid, "paid"); err != nil {
			t.Fatalf("pay: %v", err)
		}
		if st := orderState(t, s, oid); st != "paid" {
			t.Fatalf("order is %s after the paid webhook", st)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		bad := map[int]int{}
		for i := 0; i < 400; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				body := "id=" + pid
				if i%3 == 1 {
					body = fmt.Sprintf("id=tr_flood%06d", i)
				}
				if i%3 == 2 {
					body = "id=%%%"
				}
				a := postWebhook(s.URL, body)
				if a.err != nil || a.status >= 500 || a.status == 0 {
					mu.Lock()
					bad[a.status]++
					mu.Unlock()
				}
			}(i)
		}
		// While the flood runs, customers are still served.
		c := s.customer()
		if a := c.do(http.MethodGet, "/api/availability?sku=KOF-001", nil); a.status != http.StatusOK {
			t.Errorf("availability during the flood: %s", a)
		}
		wg.Wait()
		if len(bad) > 0 {
			t.Errorf("flood answers by status (5xx or transport errors): %v", bad)
		}
		if st := orderState(t, s, oid); st != "paid" {
			t.Errorf("order is %s after replays", st)
		}
		if !eventually(5*time.Second, func() bool { return mailsFor(t, s.outbox, oid) >= 1 }) {
			t.Fatalf("no confirmation e-mail for %s", oid)
		}
		time.Sleep(300 * time.Millisecond) // a second e-mail would be on its way by now
		if n := mailsFor(t, s.outbox, oid); n != 1 {
			t.Errorf("%d confirmation e-mails for %s after 130 replays, want 1", n, oid)
		}
	})

	t.Run("out of order: open and expired after paid", func(t *testing.T) {
		for _, st := range []string{"open", "pending", "expired", "failed", "canceled"} {
			lp.lie(pid, status(st))
			if a := postWebhook(s.URL, "id="+pid); a.status != http.StatusOK {
				t.Errorf("stale %s webhook: %s", st, a)
			}
			if got := orderState(t, s, oid); got != "paid" {
				t.Errorf("order went from paid to %s on a stale %q", got, st)
			}
		}
		lp.lie(pid, nil)
	})

	t.Run("out of order: paid seen before open", func(t *testing.T) {
		ca, p3 := placeOrder(t, s, "MOK-001")
		if err := fake.SetStatusQuiet(p3, "paid"); err != nil {
			t.Fatal(err)
		}
		postWebhook(s.URL, "id="+p3)
		if st := orderState(t, s, ca.Order.ID); st != "paid" {
			t.Fatalf("order is %s, provider says paid", st)
		}
		// An older answer (open) arrives late: nothing moves back.
		lp.lie(p3, status("open"))
		postWebhook(s.URL, "id="+p3)
		lp.lie(p3, nil)
		if st := orderState(t, s, ca.Order.ID); st != "paid" {
			t.Errorf("order went back to %s on a late open", st)
		}
	})

	t.Run("final canceled never comes back", func(t *testing.T) {
		ca, p4 := placeOrder(t, s, "MOK-001")
		if err := fake.SetStatus(p4, "expired"); err != nil {
			t.Fatal(err)
		}
		if st := orderState(t, s, ca.Order.ID); st != "payment_failed" {
			t.Fatalf("order is %s after expired, want payment_failed", st)
		}
		// A liar says the expired payment is open again, then pending.
		for _, st := range []string{"open", "pending"} {
			lp.lie(p4, status(st))
			postWebhook(s.URL, "id="+p4)
			if got := orderState(t, s, ca.Order.ID); got != "payment_failed" {
				t.Errorf("order is %s after a stale %s of an expired payment", got, st)
			}
		}
		lp.lie(p4, nil)
	})
}

// createForeignPayment creates a payment at the fake as another shop would.
func createForeignPayment(t testing.TB, f *molliefake.Server) string {
	t.Helper()
	body := `{"amount":{"currency":"EUR","value":"14.50"},"description":"Other shop 1","redirectUrl":"https://other.example/r","metadata":{"order_id":"SF-2026-000001"}}`
	req, _ := http.NewRequest(http.MethodPost, f.BaseURL()+"payments", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+f.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p fakePayment
	if err := jsonDecode(resp.Body, &p); err != nil || p.ID == "" {
		t.Fatalf("create foreign payment: %d %v", resp.StatusCode, err)
	}
	return p.ID
}
