package reliability

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/store"
)

// skipDefect skips a test that documents a known defect in another
// package, until it is fixed; RELIABILITY_DEFECTS=1 runs it anyway (to see
// whether the fix landed). Each defect is described in docs/reliability.md.
//
//lint:ignore U1000 no defect is open now; the next one found uses it (docs/reliability.md)
func skipDefect(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("RELIABILITY_DEFECTS") == "" {
		t.Skip("defect: " + what + "; run with RELIABILITY_DEFECTS=1 to check a fix")
	}
}

// TestRateLimitNotSpoofable: the per-client checkout limit must not be
// dodged by a client that sends a new X-Forwarded-For with every request.
// The sidecar listens on a public address (the CDN proxies to it), so any
// client can reach it directly and set that header.
func TestRateLimitNotSpoofable(t *testing.T) {
	s := startShop(t, shopConfig{rateLimit: 30})
	limited := 0
	for i := 0; i < 40; i++ {
		c := s.customer()
		a := c.do(http.MethodPost, "/api/checkout", form("Spoof"), "Idempotency-Key", fmt.Sprint("spoof-", i),
			"X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		if a.status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Errorf("40 checkouts in a row from one connection's address, each with a made-up X-Forwarded-For: none was rate limited (limit 30/min, burst 10)")
	}
}

// TestRateLimitHolds is the control of the test above: without spoofing,
// one client is limited after its burst.
func TestRateLimitHolds(t *testing.T) {
	s := startShop(t, shopConfig{rateLimit: 30})
	c := s.customer()
	limited := 0
	for i := 0; i < 20; i++ {
		a := c.do(http.MethodPost, "/api/checkout", form("Same"), "Idempotency-Key", fmt.Sprint("same-", i))
		if a.status == http.StatusTooManyRequests {
			limited++
			if a.header.Get("Retry-After") == "" || a.errorText() == "" {
				t.Errorf("429 without Retry-After or message: %s", a)
			}
		}
	}
	if limited < 5 {
		t.Errorf("20 checkouts from one client in a burst: %d limited, want at least 5 (burst 10)", limited)
	}
}

// TestReturnPageDoesNotHang: a customer coming back from paying must see
// the order page (saying the payment is being confirmed) promptly, even
// when the provider does not answer. The page asks the provider about an
// open payment; that question must not hold the page for long.
func TestReturnPageDoesNotHang(t *testing.T) {
	fake := molliefake.New()
	defer fake.Close()
	s := startShop(t, shopConfig{fake: fake})
	ca, _ := placeOrder(t, s, "MOK-001")
	fake.Fail(molliefake.GetPayment, molliefake.Fault{Delay: 30 * time.Second, Times: 10})
	c := s.customer()
	token := ca.OrderURL[strings.LastIndex(ca.OrderURL, "/")+1:]
	for _, p := range []string{"/order/" + token, "/api/orders/" + token} {
		start := time.Now()
		a := c.do(http.MethodGet, p, nil)
		took := time.Since(start)
		if a.status != http.StatusOK {
			t.Errorf("%s while the provider hangs: %s", p[:7], a)
		}
		// 5 s: generous for a loaded machine, far below the 20 s it takes now.
		if took > 5*time.Second {
			t.Errorf("%s answered after %v while the provider hangs; the customer stares at a blank page", p[:7], took.Round(time.Second))
		}
	}
}

// TestTruncatedDatabaseRefused: a database file cut short (an incomplete
// copy or restore, a full disk) must be refused at start with a message
// that names the file, not crash the sidecar at its first read.
func TestTruncatedDatabaseRefused(t *testing.T) {
	bin := buildShop(t)
	// A real database: a few hundred orders, payments and e-mails.
	s := startShop(t, shopConfig{})
	for i := 0; i < 300; i++ {
		c := s.customer()
		c.add("KOF-001", 1)
		_, ca := c.checkout(fmt.Sprint("trunc-", i), form("Kort"))
		if ca.CheckoutURL != "" && i%2 == 0 {
			c.do(http.MethodPost, "/pay/"+paymentID(ca.CheckoutURL), "status=paid", "Content-Type", "application/x-www-form-urlencoded")
		}
	}
	s.ts.Close()
	if err := s.sc.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(s.data)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(s.data, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	logs := &syncBuffer{}
	cmd := exec.Command(bin, "checkout")
	cmd.Env = append(os.Environ(), "SHOP_CATALOG="+s.catalog, "SHOP_DATA="+s.data, "SHOP_ADMIN_TOKEN="+adminToken,
		"SHOP_OUTBOX="+s.outbox, fmt.Sprintf("SHOP_LISTEN=127.0.0.1:%d", port), fmt.Sprintf("SHOP_BASE_URL=http://127.0.0.1:%d/", port))
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		// Still running: read everything once, as the owner's tools would.
		adminOrdersQuiet(fmt.Sprintf("http://127.0.0.1:%d", port))
		time.Sleep(time.Second)
		cmd.Process.Kill()
		<-done
	}
	out := logs.String()
	code := cmd.ProcessState.ExitCode()
	if strings.Contains(out, "fatal error") || strings.Contains(out, "SIGSEGV") || strings.Contains(strings.ToLower(out), "panic") {
		t.Errorf("the sidecar crashed on a truncated database:\n%s", tail(out, 1500))
	} else if code != 1 || !strings.Contains(out, s.data) {
		t.Errorf("the sidecar did not refuse a truncated database with a message naming it (exit %d):\n%s", code, tail(out, 1500))
	}
}

// adminOrdersQuiet lists orders and ignores the outcome.
func adminOrdersQuiet(base string) {
	req, _ := http.NewRequest(http.MethodGet, base+"/api/admin/orders", nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	if resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req); err == nil {
		resp.Body.Close()
	}
}

// TestStalledBackupDoesNotBlockWrites: a backup client on a slow or stalled
// link must not stop the shop. bbolt cannot grow its memory map while a
// read transaction is open, and the backup streams from one read
// transaction straight to the client, so once the file must grow, every
// write (carts, checkouts, webhooks) waits for the backup to finish.
func TestStalledBackupDoesNotBlockWrites(t *testing.T) {
	// A database of about 8 MB (old carts), more than the socket buffers
	// hold, so the backup's transaction stays open while its client stalls.
	data := filepath.Join(t.TempDir(), "shop.db")
	prefill(t, data, 7<<20)
	s := startShop(t, shopConfig{dataFile: data})

	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/admin/backup", nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("backup: %v %v", err, resp)
	}
	defer resp.Body.Close()
	resp.Body.Read(make([]byte, 100)) // and then the link stalls

	// Customers go on shopping. With 7 MB of old carts, about 250 checkouts
	// take the data past bbolt's 8 MB memory map, which must then grow.
	for i := 0; i < 400; i++ {
		c := newCustomer(s.URL)
		c.c.Timeout = 10 * time.Second
		began := time.Now()
		c.add("KOF-001", 1)
		a, _ := c.checkout(fmt.Sprint("during-backup-", i), form("Tijdens"))
		if a.err != nil || time.Since(began) > 5*time.Second {
			t.Fatalf("checkout %d during a stalled backup took %v (%v): writes are blocked by the backup's transaction",
				i, time.Since(began).Round(time.Second), a)
		}
	}
}

// prefill writes about size bytes of old carts into a new database file.
func prefill(t *testing.T, path string, size int) {
	t.Helper()
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	line := `{"sku":"KOF-001","quantity":1,"price_seen":1450,"added_at":"2026-11-01T10:00:00Z"}`
	body := `{"id":"%s","lines":[` + strings.TrimSuffix(strings.Repeat(line+",", 10), ",") + `],"created_at":"2026-11-01T10:00:00Z","updated_at":"2026-11-01T10:00:00Z"}`
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("carts"))
		for i := 0; i*len(body) < size; i++ {
			id := fmt.Sprintf("%043d", i)
			if err := b.Put([]byte(id), []byte(fmt.Sprintf(body, id))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWebhookReplaysDoNotHammerProvider: anyone who knows a payment id (a
// customer sees theirs in the checkout URL) can post the webhook as often
// as they like. Each post must not become a call to Mollie: Mollie's rate
// limits count per API key, so a flood of replays would get the whole shop
// rate limited and make everyone's checkout fail.
func TestWebhookReplaysDoNotHammerProvider(t *testing.T) {
	fake := molliefake.New()
	defer fake.Close()
	s := startShop(t, shopConfig{fake: fake})
	_, pid := placeOrder(t, s, "MOK-001")
	if err := fake.SetStatus(pid, "paid"); err != nil {
		t.Fatal(err)
	}
	before := fake.Calls(molliefake.GetPayment)
	for i := 0; i < 200; i++ {
		if a := postWebhook(s.URL, "id="+pid); a.status != http.StatusOK {
			t.Fatalf("replay %d: %s", i, a)
		}
	}
	if n := fake.Calls(molliefake.GetPayment) - before; n > 20 {
		t.Errorf("200 replays of a paid payment's webhook made %d calls to the provider; want a handful at most", n)
	}
}

// TestOneCartOnePayment: a customer who comes back from the payment page
// (the browser's back button reloads the checkout form, which carries a new
// idempotency key) and submits again must not end up with two payable
// payments for one cart: paying both charges them twice.
func TestOneCartOnePayment(t *testing.T) {
	fake := molliefake.New()
	defer fake.Close()
	s := startShop(t, shopConfig{fake: fake})
	c := s.customer()
	c.add("MOK-001", 1)
	a1, ca1 := c.checkout("form-render-1", form("Terug"))
	a2, ca2 := c.checkout("form-render-2", form("Terug"))
	if a1.status != http.StatusCreated || a2.status >= 500 {
		t.Fatalf("checkouts: %s / %s", a1, a2)
	}
	time.Sleep(300 * time.Millisecond) // a cancel of the replaced payment runs in the background
	open := 0
	for _, p := range fakePayments(t, fake) {
		if p.Status == "open" {
			open++
		}
	}
	if open > 1 {
		t.Errorf("one cart has %d payable payments (orders %s and %s); paying both charges the customer twice",
			open, ca1.Order.ID, ca2.Order.ID)
	}
}
