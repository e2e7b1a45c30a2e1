package host

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/cli/clitest"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/server"
)

const token = clitest.Token

func copySite(t *testing.T) string { return clitest.CopySite(t) }

// startSidecar runs a sidecar with the built-in provider and places one paid order.
func startSidecar(t *testing.T, mods ...func(*server.Options)) (base, orderID string) {
	return clitest.StartSidecar(t, mods...)
}

func TestBackupCommand(t *testing.T) {
	base, _ := startSidecar(t)
	t.Setenv("SHOP_ADMIN_URL", base)
	t.Setenv("SHOP_ADMIN_TOKEN", token)
	if err := Backup(nil); err == nil || !strings.Contains(err.Error(), "-o") {
		t.Errorf("backup without -o: %v", err)
	}
	out := filepath.Join(t.TempDir(), "copy.db")
	if err := Backup([]string{"-o", out}); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(out, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("backup does not open: %v", err)
	}
	defer db.Close()
	n := 0
	db.View(func(tx *bolt.Tx) error { n = tx.Bucket([]byte("orders")).Stats().KeyN; return nil })
	if n != 1 {
		t.Errorf("backup holds %d orders, want 1", n)
	}
}

// TestBackupCompact: -compact writes a copy that opens, passes the check
// and holds the same orders.
func TestBackupCompact(t *testing.T) {
	base, id := startSidecar(t)
	t.Setenv("SHOP_ADMIN_URL", base)
	t.Setenv("SHOP_ADMIN_TOKEN", token)
	out := filepath.Join(t.TempDir(), "copy.db")
	if err := Backup([]string{"-o", out, "-compact"}); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".shop-backup-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	db, err := bolt.Open(out, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("compacted backup does not open: %v", err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("orders"))
		if n := b.Stats().KeyN; n != 1 {
			t.Errorf("compacted backup holds %d orders, want 1", n)
		}
		if b.Get([]byte(id)) == nil {
			t.Errorf("order %s not in the compacted backup", id)
		}
		return nil
	})
}

func TestCheckoutRefusesBadSettings(t *testing.T) {
	for _, k := range []string{"SHOP_CATALOG", "SHOP_DATA", "SHOP_BASE_URL", "MOLLIE_API_KEY", "SHOP_ADMIN_TOKEN", "SHOP_OUTBOX", "SHOP_SMTP_HOST", "SHOP_LISTEN", "SHOP_TEST_PAYMENTS", "SHOP_TRUSTED_PROXIES", "SHOP_RATE_LIMIT"} {
		t.Setenv(k, "")
	}
	tests := []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{}, []string{"SHOP_CATALOG", "SHOP_DATA", "SHOP_BASE_URL", "SHOP_ADMIN_TOKEN", "e-mail"}},
		{map[string]string{"SHOP_CATALOG": "c.json", "SHOP_DATA": "d.db", "SHOP_BASE_URL": "http://shop.example.nl/",
			"MOLLIE_API_KEY": "live_x", "SHOP_ADMIN_TOKEN": "short", "SHOP_OUTBOX": "out"}, []string{"https", "at least 32"}},
		{map[string]string{"SHOP_CATALOG": "c.json", "SHOP_DATA": "d.db", "SHOP_BASE_URL": "https://shop.example.nl/",
			"SHOP_ADMIN_TOKEN": token, "SHOP_OUTBOX": "out"}, []string{"MOLLIE_API_KEY", "SHOP_TEST_PAYMENTS"}},
		{map[string]string{"SHOP_CATALOG": "c.json", "SHOP_DATA": "d.db", "SHOP_BASE_URL": "shop.example.nl",
			"SHOP_ADMIN_TOKEN": token, "SHOP_OUTBOX": "out", "SHOP_LISTEN": "8080"}, []string{"scheme", "SHOP_LISTEN"}},
		{map[string]string{"SHOP_CATALOG": "c.json", "SHOP_DATA": "d.db", "SHOP_BASE_URL": "http://localhost:1313/",
			"SHOP_ADMIN_TOKEN": token, "SHOP_OUTBOX": "out", "SHOP_TRUSTED_PROXIES": "netlify", "SHOP_RATE_LIMIT": "lots"},
			[]string{"SHOP_TRUSTED_PROXIES", "SHOP_RATE_LIMIT"}},
	}
	for i, tt := range tests {
		for k, v := range tt.env {
			t.Setenv(k, v)
		}
		err := Checkout(nil)
		for _, w := range tt.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("case %d: %v lacks %q", i, err, w)
			}
		}
		for k := range tt.env {
			t.Setenv(k, "")
		}
	}
}

// TestCheckoutRunsAndStops starts `shop checkout` for real and stops it
// with SIGTERM: it answers, then shuts down cleanly.
func TestCheckoutRunsAndStops(t *testing.T) {
	site := copySite(t)
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	for k, v := range map[string]string{"SHOP_LISTEN": addr, "SHOP_CATALOG": filepath.Join(site, "catalog.json"),
		"SHOP_DATA": filepath.Join(dir, "shop.db"), "SHOP_BASE_URL": "http://" + addr + "/", "SHOP_ADMIN_TOKEN": token,
		"SHOP_OUTBOX": filepath.Join(dir, "outbox"), "MOLLIE_API_KEY": ""} {
		t.Setenv(k, v)
	}
	done := make(chan error, 1)
	go func() { done <- Checkout(nil) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/api/cart")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("GET /api/cart: %d", resp.StatusCode)
			}
			break
		}
		select {
		case err := <-done:
			t.Fatalf("shop checkout stopped: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("shop checkout did not come up")
		}
		time.Sleep(20 * time.Millisecond)
	}
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shop checkout after SIGTERM: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("shop checkout did not stop on SIGTERM")
	}
	// The database is closed: another process could open it now.
	db, err := bolt.Open(filepath.Join(dir, "shop.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatalf("database still locked after shutdown: %v", err)
	}
	db.Close()
}
