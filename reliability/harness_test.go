package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/server"
)

const adminToken = "reliability-admin-token-0123456789abcdef"

// item is one catalog item of a fixture.
type item struct {
	SKU     string
	Title   string
	Price   int64
	VAT     int
	Tracked bool
	Qty     int
}

// defaultItems is the small catalog most tests use. XSS-1's title carries
// markup, so every page and e-mail that shows it must escape it.
var defaultItems = []item{
	{SKU: "KOF-001", Title: "Ethiopië Guji", Price: 1450, VAT: 9, Tracked: true, Qty: 1_000_000},
	{SKU: "BOEK-001", Title: "Het koffieboek", Price: 2495, VAT: 9, Tracked: true, Qty: 5},
	{SKU: "MOK-001", Title: "Mok", Price: 1295, VAT: 21},
	{SKU: "XSS-1", Title: `Mok <script>alert("x")</script>`, Price: 995, VAT: 21},
}

// catalogJSON is a catalog.json in the documented schema (docs/architecture.md).
func catalogJSON(version string, items []item) []byte {
	type stock struct {
		Tracked  bool `json:"tracked"`
		Quantity int  `json:"quantity"`
	}
	type it struct {
		SKU           string `json:"sku"`
		Product       string `json:"product"`
		Title         string `json:"title"`
		Variant       string `json:"variant"`
		URL           string `json:"url"`
		Price         int64  `json:"price"`
		Currency      string `json:"currency"`
		VATRate       int    `json:"vat_rate"`
		Image         string `json:"image"`
		Category      string `json:"category"`
		DeliveryClass string `json:"delivery_class"`
		Stock         stock  `json:"stock"`
	}
	out := make([]it, 0, len(items))
	for _, i := range items {
		out = append(out, it{SKU: i.SKU, Product: strings.ToLower(i.SKU), Title: i.Title, URL: "/producten/" + strings.ToLower(i.SKU) + "/",
			Price: i.Price, Currency: "EUR", VATRate: i.VAT, Category: "koffie", DeliveryClass: "standard",
			Stock: stock{Tracked: i.Tracked, Quantity: i.Qty}})
	}
	doc := map[string]any{
		"version":      version,
		"generated_at": "2026-11-26T10:00:00Z",
		"currency":     "EUR",
		"shop":         map[string]any{"name": "Brandpunt Koffie", "email": "winkel@example.nl", "base_url": "http://127.0.0.1/", "country": "NL"},
		"shipping": map[string]any{"free_from": 5000, "methods": []any{
			map[string]any{"id": "postnl", "name": "PostNL", "price": 495, "vat_rate": 21, "transit_days": 1,
				"countries": []string{"NL"}, "tracking_url": "https://jouw.postnl.nl/track-and-trace/{code}"},
		}},
		"delivery": map[string]any{"timezone": "Europe/Amsterdam", "cutoff": "15:00", "closed_weekdays": []int{0, 6},
			"holidays": []string{"2026-12-25"},
			"classes":  map[string]any{"standard": map[string]any{"handling_days": 1, "label": "Op voorraad"}}},
		"returns": map[string]any{"window_days": 30, "free": true, "address": "Markt 1, Utrecht", "refund_days": 5},
		"items":   out,
	}
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		panic(err)
	}
	return b
}

// writeFileAtomic replaces a file in one rename, as a site build would.
func writeFileAtomic(t testing.TB, path string, b []byte) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// shop is a sidecar running in this process on 127.0.0.1 with a real bbolt
// file, an outbox directory and (optionally) molliefake as provider.
type shop struct {
	t       testing.TB
	sc      *server.Sidecar
	ts      *httptest.Server
	URL     string // without trailing slash
	dir     string
	data    string
	outbox  string
	catalog string
	fake    *molliefake.Server
}

type shopConfig struct {
	fake      *molliefake.Server // nil: the built-in local provider
	mollieURL string             // API root to use instead of fake.BaseURL() (a proxy)
	items     []item
	dataFile  string // an existing database (a restored backup); "" makes a new one
	now       func() time.Time
	reconcile time.Duration // 0: an hour (off for the test's length)
	rateLimit int           // 0: off
	logs      io.Writer     // the sidecar's log (text, info and up); nil: discarded
	alertTo   string        // the owner's alert address (SHOP_ALERT_EMAIL)
}

func startShop(t testing.TB, cfg shopConfig) *shop {
	t.Helper()
	dir := t.TempDir()
	if cfg.items == nil {
		cfg.items = defaultItems
	}
	catPath := filepath.Join(dir, "site", "catalog.json")
	if err := os.MkdirAll(filepath.Dir(catPath), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFileAtomic(t, catPath, catalogJSON("v1", cfg.items))
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String() + "/"
	opts := server.Options{
		Catalog: catPath, DataFile: filepath.Join(dir, "shop.db"), BaseURL: base,
		AdminToken: adminToken, OutboxDir: filepath.Join(dir, "outbox"),
		ReconcileEvery: time.Hour, RateLimit: -1, Now: cfg.now, AlertEmail: cfg.alertTo,
	}
	if cfg.dataFile != "" {
		opts.DataFile = cfg.dataFile
	}
	if cfg.reconcile > 0 {
		opts.ReconcileEvery = cfg.reconcile
	}
	if cfg.rateLimit > 0 {
		opts.RateLimit = cfg.rateLimit
	}
	if cfg.fake != nil {
		opts.MollieKey, opts.MollieBaseURL = cfg.fake.APIKey, cfg.fake.BaseURL()
		if cfg.mollieURL != "" {
			opts.MollieBaseURL = cfg.mollieURL
		}
	}
	log := slog.New(slog.NewTextHandler(io.MultiWriter(io.Discard, logScan), nil)) // logscan_test.go
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(io.MultiWriter(os.Stderr, logScan), &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if cfg.logs != nil {
		log = slog.New(slog.NewTextHandler(io.MultiWriter(cfg.logs, logScan), nil))
	}
	sc, err := server.Open(context.Background(), opts, log)
	if err != nil {
		t.Fatalf("open sidecar: %v", err)
	}
	ts.Config.Handler = sc.Handler()
	ts.Start()
	s := &shop{t: t, sc: sc, ts: ts, URL: strings.TrimSuffix(base, "/"), dir: dir, data: opts.DataFile,
		outbox: opts.OutboxDir, catalog: catPath, fake: cfg.fake}
	t.Cleanup(func() {
		ts.Close()
		if err := sc.Close(); err != nil {
			t.Errorf("close sidecar: %v", err)
		}
	})
	return s
}

// startShopOn starts a sidecar on an existing database file.
func startShopOn(t testing.TB, data string) *shop {
	return startShop(t, shopConfig{dataFile: data})
}

// customer is one browser: a cookie jar (the cart) and its own client
// address, so per-client rate limits see different customers.
type customer struct {
	base string
	ip   string
	c    *http.Client
}

var ipCounter atomic.Int64

func newCustomer(base string) *customer {
	jar, _ := cookiejar.New(nil)
	n := ipCounter.Add(1)
	return &customer{base: base, ip: fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255),
		c: &http.Client{Jar: jar, Timeout: 60 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (s *shop) customer() *customer { return newCustomer(s.URL) }

// answer is a response with its body read.
type answer struct {
	status int
	header http.Header
	body   []byte
	err    error // transport error (status 0)
}

func (a answer) String() string {
	if a.err != nil {
		return "transport error: " + a.err.Error()
	}
	b := a.body
	if len(b) > 300 {
		b = b[:300]
	}
	return fmt.Sprintf("%d %s", a.status, b)
}

// errorText is the "error" of a JSON error body, or "".
func (a answer) errorText() string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(a.body, &e) != nil {
		return ""
	}
	return e.Error
}

// do sends a request as a browser on the shop's own pages would (Origin
// set for state changes, JSON content type when body is not a string).
func (c *customer) do(method, path string, body any, hdr ...string) answer {
	var r io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		r = bytes.NewReader(raw)
		ctype = "application/json"
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		return answer{err: err}
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if method != http.MethodGet && method != http.MethodHead {
		req.Header.Set("Origin", c.base)
	}
	req.Header.Set("X-Forwarded-For", c.ip)
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.c.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: b, err: err}
}

func (c *customer) add(sku string, qty int) answer {
	return c.do(http.MethodPost, "/api/cart/items", map[string]any{"sku": sku, "quantity": qty})
}

// form is a valid checkout form.
func form(name string) map[string]string {
	return map[string]string{"name": name, "email": "klant@example.nl", "street": "Markt 1",
		"postal_code": "3511 AA", "city": "Utrecht", "country": "NL", "shipping_method": "postnl"}
}

// checkout posts the checkout with an idempotency key.
func (c *customer) checkout(key string, f map[string]string) (answer, server.CheckoutAnswer) {
	a := c.do(http.MethodPost, "/api/checkout", f, "Idempotency-Key", key)
	var ca server.CheckoutAnswer
	if a.status == http.StatusOK || a.status == http.StatusCreated {
		_ = json.Unmarshal(a.body, &ca)
	}
	return a, ca
}

// admin reads orders through the owner's API.
func adminOrders(t testing.TB, base string) []server.OrderView {
	t.Helper()
	var list server.OrderList
	adminGet(t, base, "/api/admin/orders", &list)
	return list.Orders
}

func adminGet(t testing.TB, base, path string, v any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("admin %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("admin %s: %d %s", path, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("admin %s: %v: %s", path, err, b)
	}
}

// paymentID is the payment id at the end of a checkout URL (molliefake's
// /checkout/tr_x or the local provider's /pay/tr_x).
func paymentID(checkoutURL string) string {
	i := strings.LastIndex(checkoutURL, "/")
	if i < 0 {
		return ""
	}
	return checkoutURL[i+1:]
}

// eventually polls cond until it holds or d passes.
func eventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wholeOrder reports what is wrong with an order as the admin API shows it.
func wholeOrder(o server.OrderView) string {
	if o.ID == "" || o.Token == "" {
		return "no id or token"
	}
	if len(o.Lines) == 0 {
		return "no lines"
	}
	var sum int64
	for _, l := range o.Lines {
		if l.Quantity < 1 || l.UnitPrice <= 0 || l.LineTotal != l.UnitPrice*int64(l.Quantity) {
			return fmt.Sprintf("line %+v is not whole", l)
		}
		sum += l.LineTotal
	}
	if sum != o.Subtotal {
		return fmt.Sprintf("lines sum to %d, subtotal says %d", sum, o.Subtotal)
	}
	if o.Total != o.Subtotal+o.Shipping {
		return fmt.Sprintf("total %d is not subtotal %d + shipping %d", o.Total, o.Subtotal, o.Shipping)
	}
	if o.Customer.Name == "" || o.Customer.Email == "" {
		return "no customer"
	}
	switch o.State {
	case "awaiting_payment", "payment_failed", "paid", "packed", "shipped", "delivered", "canceled":
	default:
		return "unknown state " + o.State
	}
	return ""
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
