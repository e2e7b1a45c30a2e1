package reliability

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/cli/host"
	"github.com/storefront/storefront/checkout/store"
)

// TestBackupUnderLoad takes hot copies (`shop backup` and the admin
// endpoint) while customers check out and pay, and checks that each copy
// opens, passes bbolt's consistency check, holds every order acknowledged
// before the copy began, and serves as a restored database.
func TestBackupUnderLoad(t *testing.T) {
	s := startShop(t, shopConfig{}) // the built-in provider
	var mu sync.Mutex
	acked := map[string]bool{}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				c := s.customer()
				c.add("KOF-001", 1)
				a, ca := c.checkout(fmt.Sprintf("b%d-%d", w, i), form("Backup"))
				if a.status != http.StatusCreated {
					continue
				}
				if i%2 == 0 { // pay on the built-in provider's page
					c.do(http.MethodPost, "/pay/"+paymentID(ca.CheckoutURL), "status=paid",
						"Content-Type", "application/x-www-form-urlencoded")
				}
				mu.Lock()
				acked[ca.Order.ID] = true
				mu.Unlock()
			}
		}(w)
	}
	defer func() { cancel(); wg.Wait() }()

	snapshot := func() map[string]bool {
		mu.Lock()
		defer mu.Unlock()
		m := make(map[string]bool, len(acked))
		for k := range acked {
			m[k] = true
		}
		return m
	}
	dir := t.TempDir()
	// Some load first (counted, not timed: the machine may be busy).
	eventually(30*time.Second, func() bool { return len(snapshot()) >= 10 })

	// 1. shop backup (the CLI) against the running sidecar.
	t.Setenv("SHOP_ADMIN_TOKEN", adminToken)
	before1 := snapshot()
	copy1 := filepath.Join(dir, "copy1.db")
	if err := host.Backup([]string{"-url", s.URL, "-o", copy1}); err != nil {
		t.Fatalf("shop backup: %v", err)
	}
	time.Sleep(300 * time.Millisecond)

	// 2. GET /api/admin/backup directly.
	before2 := snapshot()
	copy2 := filepath.Join(dir, "copy2.db")
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/admin/backup", nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("admin backup: %v %v", err, resp)
	}
	f, _ := os.Create(copy2)
	if _, err := io.Copy(f, resp.Body); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	f.Close()
	cancel()
	wg.Wait()

	for _, cp := range []struct {
		path   string
		before map[string]bool
	}{{copy1, before1}, {copy2, before2}} {
		if len(cp.before) < 5 {
			t.Errorf("only %d orders before the backup: not much of a load", len(cp.before))
		}
		checkCopy(t, cp.path, cp.before)
	}

	// Restore: a sidecar started on the copy serves the orders.
	restored := startShopOn(t, copy2)
	have := map[string]bool{}
	for _, o := range adminOrders(t, restored.URL) {
		have[o.ID] = true
		if w := wholeOrder(o); w != "" {
			t.Errorf("restored order %s: %s", o.ID, w)
		}
	}
	for id := range before2 {
		if !have[id] {
			t.Errorf("order %s, acknowledged before the backup, is not served after restoring it", id)
		}
	}
	t.Logf("copies hold %d and %d acknowledged orders", len(before1), len(before2))

	// The restore drill of docs/reliability.md on the copy `shop backup`
	// wrote (and verified): check it offline, start a sidecar on it, and
	// it is ready and serves every order acknowledged before the backup.
	var out strings.Builder
	if err := host.CheckFile(&out, copy1); err != nil || !strings.HasPrefix(out.String(), "OK") {
		t.Fatalf("shop checkout --check on the backup: %q %v", out.String(), err)
	}
	restored1 := startShopOn(t, copy1)
	if r := restored1.customer().do(http.MethodGet, "/readyz", nil); r.status != http.StatusOK {
		t.Errorf("a sidecar on the restored backup is not ready: %s", r)
	}
	have = map[string]bool{}
	for _, o := range adminOrders(t, restored1.URL) {
		have[o.ID] = true
	}
	for id := range before1 {
		if !have[id] {
			t.Errorf("order %s, acknowledged before `shop backup`, is not served after restoring it", id)
		}
	}
}

// boltCheck opens a closed database file read-only and runs bbolt's
// consistency check (every page reachable once, freelist sound).
func boltCheck(path string) error {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		return err
	}
	defer db.Close()
	return db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
}

// checkCopy opens a backup, runs bbolt's consistency check and looks for
// every order in want.
func checkCopy(t *testing.T, path string, want map[string]bool) {
	t.Helper()
	if err := boltCheck(path); err != nil {
		t.Errorf("backup %s fails bbolt's check: %v", filepath.Base(path), err)
	}
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("backup %s: %v", filepath.Base(path), err)
	}
	defer st.Close()
	for id := range want {
		if _, err := st.Orders.GetOrder(id); err != nil {
			t.Errorf("backup %s lacks order %s acknowledged before it began: %v", filepath.Base(path), id, err)
		}
	}
}
