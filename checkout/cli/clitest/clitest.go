// Package clitest starts a real sidecar with one paid order for the tests
// of the owner's commands (checkout/cli and checkout/cli/host).
package clitest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/server"
)

// Token is the admin token of the test sidecar.
const Token = "cli-test-token-0123456789abcdef0123456789"

// CopySite copies the sidecar's test site (checkout/server/testdata/site)
// into a temporary folder and returns its public folder.
func CopySite(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	siteDir := filepath.Join(filepath.Dir(file), "..", "..", "server", "testdata", "site")
	dst := filepath.Join(t.TempDir(), "public")
	err := filepath.Walk(siteDir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(siteDir, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// StartSidecar runs a sidecar with the built-in provider and places one paid order.
func StartSidecar(t *testing.T, mods ...func(*server.Options)) (base, orderID string) {
	t.Helper()
	site := CopySite(t)
	dir := t.TempDir()
	ts := httptest.NewUnstartedServer(nil)
	base = "http://" + ts.Listener.Addr().String()
	opts := server.Options{
		Catalog: filepath.Join(site, "catalog.json"), DataFile: filepath.Join(dir, "shop.db"), BaseURL: base + "/",
		AdminToken: Token, OutboxDir: filepath.Join(dir, "outbox"), ReconcileEvery: time.Hour,
	}
	for _, m := range mods {
		m(&opts)
	}
	sc, err := server.Open(context.Background(), opts, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = sc.Handler()
	ts.Start()
	t.Cleanup(func() { ts.Close(); sc.Close() })

	// A customer orders and pays through the built-in provider.
	jar := NewJar()
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path, ctype, body string, hdr ...string) *http.Response {
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Origin", base)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	post("/api/cart/items", "application/json", `{"sku":"MOK-001","quantity":1}`).Body.Close()
	resp := post("/api/checkout", "application/json", `{"name":"Eva","email":"eva@example.nl","street":"Markt 1","postal_code":"3511 AA","city":"Utrecht","country":"NL"}`, "Idempotency-Key", "cli")
	var a server.CheckoutAnswer
	json.NewDecoder(resp.Body).Decode(&a)
	resp.Body.Close()
	u, _ := url.Parse(a.CheckoutURL)
	post(u.Path, "application/x-www-form-urlencoded", "status=paid").Body.Close()
	// The return page asks the provider itself, so the order is paid now.
	if r, err := c.Get(a.OrderURL); err == nil {
		r.Body.Close()
	}
	if a.Order.ID == "" {
		t.Fatalf("no order placed: %+v", a)
	}
	return base, a.Order.ID
}

// NewJar is an empty cookie jar.
func NewJar() http.CookieJar { j, _ := cookiejar.New(nil); return j }
