package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/server"
)

const token = "loadgen-test-admin-token-0123456789abcdef"

// startSidecar runs a sidecar with the built-in provider on 127.0.0.1.
func startSidecar(t *testing.T, skus int) (string, string) {
	url, cat, _, _ := startSidecarDB(t, skus)
	return url, cat
}

// startSidecarDB also returns the database file and a stop function
// (idempotent; it runs at cleanup too).
func startSidecarDB(t *testing.T, skus int) (string, string, string, func()) {
	t.Helper()
	dir := t.TempDir()
	cat := filepath.Join(dir, "site", "catalog.json")
	if err := WriteCatalog(cat, skus); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String() + "/"
	sc, err := server.Open(context.Background(), server.Options{
		Catalog: cat, DataFile: filepath.Join(dir, "shop.db"), BaseURL: base, AdminToken: token,
		OutboxDir: filepath.Join(dir, "outbox"), ReconcileEvery: time.Hour,
		// Virtual customers are told apart by X-Forwarded-For.
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")},
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = sc.Handler()
	ts.Start()
	var once sync.Once
	stop := func() { once.Do(func() { ts.Close(); sc.Close() }) }
	t.Cleanup(stop)
	return strings.TrimSuffix(base, "/"), cat, filepath.Join(dir, "shop.db"), stop
}

// TestShortMixedLoad keeps the load generator honest: a few seconds of
// mixed load give no 5xx, every operation runs, and the orders read back.
// It asserts no speed: figures come from the long run (docs/reliability.md).
func TestShortMixedLoad(t *testing.T) {
	url, cat, data, stop := startSidecarDB(t, 200)
	rep, err := Run(context.Background(), Config{URL: url, Catalog: cat, Duration: 3 * time.Second,
		Concurrency: 8, Mode: "mixed", PID: os.Getpid(), RSSEvery: time.Second, AdminToken: token})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.Print(&out)
	t.Log("\n" + out.String())
	if rep.ServerErrors > 0 {
		t.Errorf("%d server errors under load", rep.ServerErrors)
	}
	seen := map[string]OpReport{}
	for _, o := range rep.Ops {
		seen[o.Op] = o
		for st, n := range o.Statuses {
			if st >= "400" && st != "409" { // 409: stock; anything else 4xx is the generator's bug or the server's
				t.Errorf("%s: %d answers with status %s", o.Op, n, st)
			}
		}
	}
	for _, op := range []string{opAvailability, opCartAdd, opCartGet, opCheckout, opPay, opWebhook, opOrder} {
		if seen[op].Count == 0 {
			t.Errorf("operation %s never ran", op)
		}
	}
	if rep.Checked == 0 || len(rep.Inconsistent) > 0 {
		t.Errorf("orders read back: %d, inconsistent: %v", rep.Checked, rep.Inconsistent)
	}
	if len(rep.RSS) == 0 || rep.RSS[0].RSS <= 0 {
		t.Errorf("no RSS samples of pid %d", os.Getpid())
	}
	// The database is consistent afterwards: bbolt's own check.
	stop()
	db, err := bolt.Open(data, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("database after the load: %v", err)
	}
	defer db.Close()
	if err := db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	}); err != nil {
		t.Errorf("database fails bbolt's check after the load: %v", err)
	}
}

// TestModes runs the cart and checkout modes briefly.
func TestModes(t *testing.T) {
	url, cat := startSidecar(t, 50)
	for _, mode := range []string{"cart", "checkout"} {
		rep, err := Run(context.Background(), Config{URL: url, Catalog: cat, Duration: time.Second, Concurrency: 4, Mode: mode})
		if err != nil {
			t.Fatal(err)
		}
		if rep.ServerErrors > 0 || rep.Requests == 0 {
			t.Errorf("mode %s: %d requests, %d server errors", mode, rep.Requests, rep.ServerErrors)
		}
		if mode == "cart" && (rep.Cart == nil || rep.Cart.Count == 0) {
			t.Errorf("cart mode counted no cart operations")
		}
	}
}

// TestGeneratedCatalogLoads: the generated catalog passes the sidecar's own
// validation, with every SKU.
func TestGeneratedCatalogLoads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalog.json")
	if err := WriteCatalog(path, 10000); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Parse(b)
	if err != nil {
		t.Fatalf("generated catalog refused: %v", err)
	}
	if len(c.Items) != 10000 {
		t.Errorf("%d items, want 10000", len(c.Items))
	}
	skus, err := catalogSKUs(path)
	if err != nil || len(skus) != 10000 {
		t.Errorf("catalogSKUs: %d, %v", len(skus), err)
	}
}
