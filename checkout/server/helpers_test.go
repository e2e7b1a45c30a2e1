package server

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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/server/orders"
	"github.com/storefront/storefront/checkout/store"
)

const testAdminToken = "0123456789abcdef0123456789abcdef-admin"

// testShop is a running sidecar on 127.0.0.1 with a copy of testdata/site,
// a real bbolt file in a temp dir and an outbox directory.
type testShop struct {
	t      *testing.T
	sc     *Sidecar
	ts     *httptest.Server
	url    string
	site   string
	outbox string
	jar    http.CookieJar
	client *http.Client
	stop   func() // closes the server and the sidecar (once; also at the test's end)
}

type shopOpt func(*Options)

// withMollie makes the shop use a molliefake server.
func withMollie(f *molliefake.Server) shopOpt {
	return func(o *Options) { o.MollieKey, o.MollieBaseURL = f.APIKey, f.BaseURL() }
}

func newShop(t *testing.T, mods ...shopOpt) *testShop {
	t.Helper()
	return newShopIn(t, t.TempDir(), mods...)
}

// newShopIn is newShop on the files in dir (shop.db and the site there),
// e.g. a second start of a shop stopped with stop.
func newShopIn(t *testing.T, dir string, mods ...shopOpt) *testShop {
	t.Helper()
	site := filepath.Join(dir, "public")
	copyDir(t, "testdata/site", site)
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String() + "/"
	opts := Options{
		Catalog: filepath.Join(site, "catalog.json"), DataFile: filepath.Join(dir, "shop.db"),
		BaseURL: base, AdminToken: testAdminToken, OutboxDir: filepath.Join(dir, "outbox"),
		ReconcileEvery: time.Hour, RateLimit: -1, ProviderCallsPerSecond: -1,
		tune: func(s *Sidecar) { s.reconcileAfter, s.payments.PageCheckEvery = 0, 0 },
	}
	for _, m := range mods {
		m(&opts)
	}
	// Tests of logic post webhooks in quick succession; the per-payment
	// webhook throttle has its own test (webhook_test.go).
	custom := opts.tune
	opts.tune = func(s *Sidecar) {
		s.payments.Hooks = orders.NewHookThrottle(orders.DefaultWebhookBurst, 0)
		if custom != nil {
			custom(s)
		}
	}
	var out slog.Handler = slog.NewTextHandler(io.Discard, nil)
	if testing.Verbose() {
		out = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})
	}
	log := slog.New(newScanHandler(t.Name(), out)) // logscan_test.go
	sc, err := Open(context.Background(), opts, log)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	ts.Config.Handler = sc.Handler()
	ts.Start()
	jar, _ := cookiejar.New(nil)
	sh := &testShop{t: t, sc: sc, ts: ts, url: strings.TrimSuffix(base, "/"), site: site, outbox: opts.OutboxDir, jar: jar,
		client: &http.Client{Jar: jar, Timeout: 20 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	var once sync.Once
	sh.stop = func() {
		once.Do(func() {
			ts.Close()
			if err := sc.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
	t.Cleanup(sh.stop)
	return sh
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if info.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// response is an answer with its body read.
type response struct {
	*http.Response
	body string
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("answer is not JSON (%v): %s", err, r.body)
	}
}

// errorMessage is the "error" of a JSON error answer ("" when absent).
func (r response) errorMessage(t *testing.T) string {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	r.json(t, &e)
	return e.Error
}

// req sends a request as the shop's own page would: same Origin, JSON body
// when body is a JSON text. headers are pairs of name, value; a value "-"
// removes the header.
func (sh *testShop) req(method, path, body string, headers ...string) response {
	sh.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, sh.url+path, r)
	if err != nil {
		sh.t.Fatal(err)
	}
	if method != http.MethodGet {
		req.Header.Set("Origin", sh.url)
	}
	req.Header.Set("Accept-Language", "en")
	if body != "" && (strings.HasPrefix(body, "{") || strings.HasPrefix(body, "[")) {
		req.Header.Set("Content-Type", "application/json")
	} else if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "-" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	resp, err := sh.client.Do(req)
	if err != nil {
		sh.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Response: resp, body: string(b)}
}

// form posts a form as a browser on the shop's own page would.
func (sh *testShop) form(path string, v url.Values) response {
	sh.t.Helper()
	return sh.req(http.MethodPost, path, v.Encode(), "Content-Type", "application/x-www-form-urlencoded")
}

// admin calls the admin API with the token.
func (sh *testShop) admin(method, path, body string) response {
	sh.t.Helper()
	return sh.req(method, path, body, "Authorization", "Bearer "+testAdminToken, "Origin", "-")
}

// outboxFiles counts .eml files of a kind in the outbox.
func (sh *testShop) outboxFiles(kind string) []string {
	files, _ := filepath.Glob(filepath.Join(sh.outbox, "*-"+kind+"-*.eml"))
	return files
}

// flushMail sends every due e-mail now (the worker would, a moment later).
func (sh *testShop) flushMail() {
	sh.sc.sendDue(context.Background())
}

// addToCart puts a SKU in the cart through the JSON API.
func (sh *testShop) addToCart(sku string, qty int) {
	sh.t.Helper()
	r := sh.req(http.MethodPost, "/api/cart/items", `{"sku":"`+sku+`","quantity":`+itoa(qty)+`}`)
	if r.StatusCode != http.StatusOK {
		sh.t.Fatalf("add %s: %d %s", sku, r.StatusCode, r.body)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

const validCheckout = `{"name":"Eva de Vries","email":"eva@example.nl","street":"Markt 1","postal_code":"3511 AA","city":"Utrecht","country":"NL","shipping_method":"postnl"}`

// checkout posts validCheckout with an idempotency key.
func (sh *testShop) checkout(key string) (response, CheckoutAnswer) {
	sh.t.Helper()
	r := sh.req(http.MethodPost, "/api/checkout", validCheckout, "Idempotency-Key", key)
	var a CheckoutAnswer
	if r.StatusCode/100 == 2 {
		r.json(sh.t, &a)
	}
	return r, a
}

func storeFilterAll() store.Filter { return store.Filter{} }

func newJar() (http.CookieJar, error) { return cookiejar.New(nil) }
