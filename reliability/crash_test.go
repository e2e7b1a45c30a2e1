package reliability

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/server"
	"github.com/storefront/storefront/checkout/store"
)

var (
	buildOnce sync.Once
	shopBin   string
	buildErr  error
	buildDir  string
)

// TestMain removes the shop binary built for the crash test.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	if found := logScan.found(); len(found) > 0 { // logscan_test.go
		fmt.Fprintln(os.Stderr, "FAIL: the sidecar logged a customer's e-mail address:\n  "+strings.Join(found, "\n  "))
		code = max(code, 1)
	}
	os.Exit(code)
}

// buildShop builds the real shop binary once per test run (it links Hugo:
// about 20 s with a warm build cache, 1-2 min cold).
func buildShop(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "reliability-shop-")
		if buildErr != nil {
			return
		}
		shopBin = filepath.Join(buildDir, "shop")
		out, err := exec.Command("go", "build", "-o", shopBin, "github.com/storefront/storefront/cmd/shop").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build ./cmd/shop: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return shopBin
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// child is a `shop checkout` process.
type child struct {
	cmd  *exec.Cmd
	base string
	done chan error
}

// syncBuffer is a bytes.Buffer safe for the child's stderr copier and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startChild(t *testing.T, bin string, port int, env []string, logs *syncBuffer) *child {
	t.Helper()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	cmd := exec.Command(bin, "checkout")
	cmd.Env = append(os.Environ(), env...)
	cmd.Env = append(cmd.Env, fmt.Sprintf("SHOP_LISTEN=127.0.0.1:%d", port), "SHOP_BASE_URL="+base+"/")
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start shop checkout: %v", err)
	}
	ch := &child{cmd: cmd, base: base, done: make(chan error, 1)}
	go func() { ch.done <- cmd.Wait() }()
	ok := eventually(30*time.Second, func() bool {
		select {
		case err := <-ch.done:
			ch.done <- err
			return true
		default:
		}
		resp, err := http.Get(base + "/api/availability?sku=KOF-001")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	select {
	case err := <-ch.done:
		t.Fatalf("shop checkout exited at start: %v\n%s", err, logs.String())
	default:
	}
	if !ok {
		cmd.Process.Kill()
		t.Fatalf("shop checkout did not answer within 30 s\n%s", logs.String())
	}
	return ch
}

func (c *child) kill(t *testing.T, sig syscall.Signal) {
	t.Helper()
	_ = c.cmd.Process.Signal(sig)
	select {
	case <-c.done:
	case <-time.After(20 * time.Second):
		c.cmd.Process.Kill()
		<-c.done
		t.Errorf("shop checkout did not stop within 20 s of %v", sig)
	}
}

// ack is a checkout the shop answered 2xx.
type ack struct {
	key, orderID, paymentID string
}

// unanswered is a checkout whose answer was lost in a crash: the customer
// retries it with the same key after the restart.
type unanswered struct {
	c   *customer
	key string
}

// crashLedger is what the customers saw, kept across restarts.
type crashLedger struct {
	mu         sync.Mutex
	acks       map[string]ack // by key
	paid       map[string]bool
	unanswered []unanswered
	checkouts  int
	retried    int      // unanswered checkouts retried after a restart
	lost       int      // paid webhooks that found the shop dead
	errs       []string // what customers saw that must not happen
}

func (l *crashLedger) fail(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, fmt.Sprintf(format, args...))
}

func (l *crashLedger) record(a ack) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if prev, ok := l.acks[a.key]; ok && prev.orderID != a.orderID {
		return fmt.Errorf("key %s answered with order %s and later %s", a.key, prev.orderID, a.orderID)
	}
	l.acks[a.key] = a
	return nil
}

// TestCrashRestart runs the real `shop checkout` binary, drives concurrent
// checkouts and paid webhooks, SIGKILLs it at random moments, restarts it,
// and checks that nothing acknowledged is lost and nothing is doubled.
func TestCrashRestart(t *testing.T) {
	bin := buildShop(t)
	dir := t.TempDir()
	catPath := filepath.Join(dir, "site", "catalog.json")
	os.MkdirAll(filepath.Dir(catPath), 0o755)
	writeFileAtomic(t, catPath, catalogJSON("v1", defaultItems))
	data := filepath.Join(dir, "shop.db")

	fake := molliefake.New()
	defer fake.Close()
	// The fake runs 20 minutes behind: its payments' expiresAt lies in the
	// sidecar's past, so the reconciler asks about them at once instead of
	// after the 2 minutes it normally waits (there is no setting for that).
	fake.SetClock(func() time.Time { return time.Now().Add(-20 * time.Minute) })

	port := freePort(t)
	env := []string{
		"SHOP_CATALOG=" + catPath, "SHOP_DATA=" + data, "SHOP_ADMIN_TOKEN=" + adminToken,
		"SHOP_OUTBOX=" + filepath.Join(dir, "outbox"), "SHOP_RECONCILE_EVERY=200ms",
		"MOLLIE_API_KEY=" + fake.APIKey, "MOLLIE_BASE_URL=" + fake.BaseURL(),
		"SHOP_TRUSTED_PROXIES=127.0.0.1/32,::1/128", // customers are told apart by X-Forwarded-For
	}
	logs := &syncBuffer{}
	ledger := &crashLedger{acks: map[string]ack{}, paid: map[string]bool{}}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	t.Log("kill times are random; the child's logs are printed on failure")

	const rounds = 4
	var seq int
	for round := 0; round <= rounds; round++ {
		ch := startChild(t, bin, port, env, logs)
		// Customers whose answer was lost retry with the same key.
		ledger.mu.Lock()
		retry := ledger.unanswered
		ledger.unanswered = nil
		ledger.retried += len(retry)
		ledger.mu.Unlock()
		for _, u := range retry {
			u.c.base = ch.base
			a, ca := u.c.checkout(u.key, crashForm(u.key))
			switch {
			case a.status == http.StatusOK || a.status == http.StatusCreated:
				if err := ledger.record(ack{key: u.key, orderID: ca.Order.ID, paymentID: paymentID(ca.CheckoutURL)}); err != nil {
					t.Error(err)
				}
			case a.status == http.StatusUnprocessableEntity && strings.Contains(a.errorText(), "leeg"):
				// "Je winkelwagen is leeg": the crash came before the item was added.
			default:
				t.Errorf("retry of key %s after restart: %s", u.key, a)
			}
		}
		if round == rounds {
			// Final round: no kill; let the reconciler finish, then stop gracefully.
			checkFinal(t, ch, ledger, fake)
			checkMails(t, filepath.Join(dir, "outbox"), ch)
			ch.kill(t, syscall.SIGTERM)
			if ch.cmd.ProcessState.ExitCode() != 0 {
				t.Errorf("shop checkout exited with %d on SIGTERM\n%s", ch.cmd.ProcessState.ExitCode(), logs.String())
			}
			checkDB(t, data, ledger)
			break
		}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for w := 0; w < 6; w++ {
			wg.Add(1)
			seq += 1000
			go func(w, base int) {
				defer wg.Done()
				crashCustomer(ctx, ch.base, fmt.Sprintf("r%d-w%d", round, w), ledger, fake)
			}(w, seq)
		}
		time.Sleep(time.Duration(300+rng.IntN(1200)) * time.Millisecond)
		ch.kill(t, syscall.SIGKILL)
		cancel()
		wg.Wait()
		payWhileDown(t, ledger, fake, 5)
		checkDB(t, data, ledger)
		if t.Failed() {
			t.Logf("child logs:\n%s", tail(logs.String(), 4000))
			return
		}
	}
	ledger.mu.Lock()
	defer ledger.mu.Unlock()
	for _, e := range ledger.errs {
		t.Error(e)
	}
	t.Logf("%d rounds: %d checkouts, %d answered 2xx, %d retried after a crash, %d paid at the provider, %d of them with the webhook lost",
		rounds, ledger.checkouts, len(ledger.acks), ledger.retried, len(ledger.paid), ledger.lost)
	if len(ledger.acks) < 10 || len(ledger.paid) < 3 {
		t.Errorf("too little happened between kills to prove anything (%d orders, %d paid)", len(ledger.acks), len(ledger.paid))
	}
}

// payWhileDown pays up to n acknowledged, unpaid orders while the shop is
// dead: their webhooks are lost for sure, so only the reconciler can tell
// the shop after the restart.
func payWhileDown(t *testing.T, l *crashLedger, fake *molliefake.Server, n int) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, a := range l.acks {
		if n == 0 {
			return
		}
		if l.paid[a.orderID] || a.paymentID == "" {
			continue
		}
		if p, ok := fake.Payment(a.paymentID); !ok || p.Status != "open" {
			continue
		}
		if err := fake.SetStatus(a.paymentID, "paid"); err == nil {
			t.Errorf("webhook for %s reached a killed shop", a.paymentID)
		}
		l.paid[a.orderID] = true
		l.lost++
		n--
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// crashForm is the checkout form of key: the customer's name is the key,
// so an order read back can be matched to the checkout that made it.
func crashForm(key string) map[string]string { return form("Crash " + key) }

// crashCustomer checks out again and again until ctx ends (the kill).
func crashCustomer(ctx context.Context, base, name string, l *crashLedger, fake *molliefake.Server) {
	for i := 0; ctx.Err() == nil; i++ {
		c := newCustomer(base)
		key := fmt.Sprintf("%s-%d", name, i)
		if a := c.add("KOF-001", 1+i%3); a.status != http.StatusOK {
			continue
		}
		if i%2 == 0 {
			c.add("MOK-001", 1)
		}
		l.mu.Lock()
		l.checkouts++
		l.mu.Unlock()
		a, ca := c.checkout(key, crashForm(key))
		if a.err != nil || a.status >= 500 || a.status == 0 {
			l.mu.Lock()
			l.unanswered = append(l.unanswered, unanswered{c: c, key: key})
			l.mu.Unlock()
			continue
		}
		if a.status != http.StatusCreated && a.status != http.StatusOK {
			continue
		}
		pid := paymentID(ca.CheckoutURL)
		if err := l.record(ack{key: key, orderID: ca.Order.ID, paymentID: pid}); err != nil {
			l.fail("%v", err)
		}
		if i%4 == 1 { // a double click
			if a2, ca2 := c.checkout(key, crashForm(key)); a2.status == http.StatusOK && ca2.Order.ID != ca.Order.ID {
				l.fail("double click on key %s gave order %s, first %s", key, ca2.Order.ID, ca.Order.ID)
			}
		}
		if i%2 == 0 && pid != "" {
			err := fake.SetStatus(pid, "paid") // the webhook may hit a dead process
			if p, ok := fake.Payment(pid); ok && p.Status == "paid" {
				l.mu.Lock()
				l.paid[ca.Order.ID] = true
				if err != nil {
					l.lost++
				}
				l.mu.Unlock()
			}
		}
	}
}

// checkDB opens the database file as the sidecar would after a crash and
// checks that no idempotency key made two orders.
func checkDB(t *testing.T, path string, l *crashLedger) {
	t.Helper()
	if err := boltCheck(path); err != nil {
		t.Fatalf("database fails bbolt's consistency check after the crash: %v", err)
	}
	st, err := store.Open(path, store.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("database does not open after the crash: %v", err)
	}
	defer st.Close()
	orders, err := st.Orders.ListOrders(store.Filter{})
	if err != nil {
		t.Fatalf("list orders after the crash: %v", err)
	}
	byKey := map[string]string{}
	for _, o := range orders {
		if prev, dup := byKey[o.IdempotencyKey]; dup {
			t.Errorf("idempotency key %q made two orders: %s and %s", o.IdempotencyKey, prev, o.ID)
		}
		byKey[o.IdempotencyKey] = o.ID
	}
	checkInvoices(t, st, orders) // invoices_test.go
	l.mu.Lock()
	defer l.mu.Unlock()
	have := map[string]bool{}
	for _, o := range orders {
		have[o.ID] = true
	}
	for _, a := range l.acks {
		if !have[a.orderID] {
			t.Errorf("order %s (key %s) was answered 2xx but is not in the database after the crash", a.orderID, a.key)
		}
	}
}

// orderNumber finds an order number in an e-mail.
var orderNumber = regexp.MustCompile(`SF-[0-9]{4}-[0-9]{6}`)

// confirmations counts confirmation e-mails in the outbox per order number.
func confirmations(dir string) map[string]int {
	out := map[string]int{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".eml") || !strings.Contains(e.Name(), "confirm") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		if id := orderNumber.Find(b); id != nil {
			out[string(id)]++
		}
	}
	return out
}

// checkMails: every paid order has its confirmation e-mail, exactly one,
// however the crashes fell between paying, queueing and sending.
func checkMails(t *testing.T, outbox string, ch *child) {
	t.Helper()
	var paid []string
	for _, o := range adminOrders(t, ch.base) {
		if o.State == "paid" {
			paid = append(paid, o.ID)
		}
	}
	var got map[string]int
	ok := eventually(20*time.Second, func() bool {
		got = confirmations(outbox)
		for _, id := range paid {
			if got[id] == 0 {
				return false
			}
		}
		return true
	})
	missing := 0
	for _, id := range paid {
		switch n := got[id]; {
		case n == 0:
			missing++
		case n > 1:
			t.Errorf("order %s has %d confirmation e-mails, want 1", id, n)
		}
	}
	if !ok {
		t.Errorf("%d of %d paid orders have no confirmation e-mail after restarts", missing, len(paid))
	}
}

// checkFinal: every acknowledged order is there and whole, every payment
// the provider says is paid has a paid order (reconciler), and no order has
// two payments.
func checkFinal(t *testing.T, ch *child, l *crashLedger, fake *molliefake.Server) {
	t.Helper()
	paidAtProvider := map[string]bool{}
	perOrder := map[string]int{}
	for _, p := range fakePayments(t, fake) {
		oid := p.Metadata["order_id"]
		perOrder[oid]++
		if p.Status == "paid" {
			paidAtProvider[oid] = true
		}
	}
	for oid, n := range perOrder {
		if n > 1 {
			t.Errorf("order %s has %d payments at the provider", oid, n)
		}
	}
	var orders []server.OrderView
	ok := eventually(20*time.Second, func() bool {
		orders = adminOrders(t, ch.base)
		state := map[string]string{}
		for _, o := range orders {
			state[o.ID] = o.State
		}
		for oid := range paidAtProvider {
			if state[oid] != "paid" {
				return false
			}
		}
		return true
	})
	byID := map[string]server.OrderView{}
	for _, o := range orders {
		byID[o.ID] = o
		if w := wholeOrder(o); w != "" {
			t.Errorf("order %s after restarts: %s", o.ID, w)
		}
	}
	if !ok {
		for oid := range paidAtProvider {
			if byID[oid].State != "paid" {
				t.Errorf("payment of order %s is paid at the provider, the order is %q after restart and reconciling", oid, byID[oid].State)
			}
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, a := range l.acks {
		o, found := byID[a.orderID]
		switch {
		case !found:
			t.Errorf("order %s (key %s) was answered 2xx but the admin API does not list it", a.orderID, a.key)
		case o.Customer.Name != "Crash "+a.key:
			t.Errorf("order %s was answered for key %s but holds the checkout of %q", a.orderID, a.key, o.Customer.Name)
		}
	}
	for oid := range l.paid {
		if !paidAtProvider[oid] {
			t.Errorf("order %s was paid at the provider by the test, but the provider lists no paid payment for it", oid)
		}
	}
}
