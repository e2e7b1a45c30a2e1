package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config is one load run.
type Config struct {
	URL         string
	Catalog     string
	SKUs        []string
	Duration    time.Duration
	Concurrency int
	Mode        string // mixed | cart | checkout
	PID         int
	RSSEvery    time.Duration
	AdminToken  string
}

// Operation names in the report.
const (
	opAvailability = "availability"
	opCartAdd      = "cart_add"
	opCartGet      = "cart_get"
	opCartUpdate   = "cart_update"
	opCartRemove   = "cart_remove"
	opCheckout     = "checkout"
	opPay          = "pay"
	opWebhook      = "webhook"
	opOrder        = "order_status"
)

// cartOps are the operations counted as "cart operations" in the report.
var cartOps = []string{opCartAdd, opCartGet, opCartUpdate, opCartRemove}

// placed is an order the sidecar acknowledged.
type placed struct {
	id, token, payment string
	paid               bool
}

// loader holds a run's shared state.
type loader struct {
	cfg    Config
	client *http.Client
	rec    *recorder
	ipSeq  atomic.Uint32
	keySeq atomic.Uint64
	run    string
	placed atomic.Int64 // checkouts answered 201 or 200

	mu     sync.Mutex
	orders []placed
}

// Run loads the sidecar for cfg.Duration and returns the report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Concurrency < 1 {
		cfg.Concurrency = 1
	}
	if cfg.RSSEvery <= 0 {
		cfg.RSSEvery = 5 * time.Second
	}
	cfg.URL = strings.TrimSuffix(cfg.URL, "/")
	if cfg.Catalog != "" {
		skus, err := catalogSKUs(cfg.Catalog)
		if err != nil {
			return nil, err
		}
		cfg.SKUs = skus
	}
	if len(cfg.SKUs) == 0 {
		return nil, errors.New("no SKUs to order: give -catalog or -skus")
	}
	switch cfg.Mode {
	case "mixed", "cart", "checkout":
	default:
		return nil, fmt.Errorf("mode %q: use mixed, cart or checkout", cfg.Mode)
	}
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        cfg.Concurrency * 2,
		MaxIdleConnsPerHost: cfg.Concurrency * 2,
		IdleConnTimeout:     30 * time.Second,
	}
	l := &loader{cfg: cfg, rec: newRecorder(), run: fmt.Sprintf("lg%x", time.Now().UnixNano()),
		client: &http.Client{Transport: tr, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	defer tr.CloseIdleConnections()

	// Make sure the sidecar is there before the clock starts.
	if _, err := l.get(ctx, nil, "/api/availability?sku="+url.QueryEscape(cfg.SKUs[0])); err != nil {
		return nil, fmt.Errorf("sidecar at %s: %w", cfg.URL, err)
	}

	rctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	rss := startRSS(rctx, cfg.PID, cfg.RSSEvery, l.placed.Load)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < cfg.Concurrency; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(w)))
			for rctx.Err() == nil {
				l.session(rctx, rng)
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	rep := l.rec.report(cfg, elapsed)
	rep.RSS = rss.wait()
	if cfg.AdminToken != "" {
		rep.Checked, rep.Inconsistent = l.check(ctx)
	}
	return rep, nil
}

// vcustomer is one virtual customer: a cart cookie and a client address.
type vcustomer struct {
	cookie string
	ip     string
}

func (l *loader) newCustomer() *vcustomer {
	n := l.ipSeq.Add(1)
	// A made-up client address per customer, so the sidecar's per-client
	// checkout limit sees many customers, as it would in production.
	return &vcustomer{ip: fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255)}
}

// session is one visit, chosen by mode.
func (l *loader) session(ctx context.Context, rng *rand.Rand) {
	c := l.newCustomer()
	sku := func() string { return l.cfg.SKUs[rng.IntN(len(l.cfg.SKUs))] }
	switch l.cfg.Mode {
	case "cart":
		for i := 0; i < 4 && ctx.Err() == nil; i++ {
			s := sku()
			l.do(ctx, c, opCartAdd, http.MethodPost, "/api/cart/items", map[string]any{"sku": s, "quantity": 1 + rng.IntN(3)})
			l.do(ctx, c, opCartGet, http.MethodGet, "/api/cart", nil)
			l.do(ctx, c, opCartUpdate, http.MethodPatch, "/api/cart/items/"+url.PathEscape(s), map[string]any{"quantity": 2})
			if i%2 == 1 {
				l.do(ctx, c, opCartRemove, http.MethodDelete, "/api/cart/items/"+url.PathEscape(s), nil)
			}
		}
	case "checkout":
		l.do(ctx, c, opCartAdd, http.MethodPost, "/api/cart/items", map[string]any{"sku": sku(), "quantity": 1})
		l.checkout(ctx, c, false)
	default: // mixed: browse, fill a cart, and about one visit in three checks out and pays
		skus := []string{sku(), sku(), sku()}
		for len(l.cfg.SKUs) >= 3 && (skus[1] == skus[0] || skus[2] == skus[0] || skus[2] == skus[1]) {
			skus = []string{sku(), sku(), sku()}
		}
		l.do(ctx, c, opAvailability, http.MethodGet, "/api/availability?sku="+strings.Join(skus, "&sku="), nil)
		n := 1 + rng.IntN(3)
		for i := 0; i < n; i++ {
			l.do(ctx, c, opCartAdd, http.MethodPost, "/api/cart/items", map[string]any{"sku": skus[i], "quantity": 1 + rng.IntN(2)})
		}
		l.do(ctx, c, opCartGet, http.MethodGet, "/api/cart", nil)
		if n > 1 && skus[0] != skus[1] {
			l.do(ctx, c, opCartUpdate, http.MethodPatch, "/api/cart/items/"+url.PathEscape(skus[0]), map[string]any{"quantity": 3})
			l.do(ctx, c, opCartRemove, http.MethodDelete, "/api/cart/items/"+url.PathEscape(skus[1]), nil)
		}
		if rng.IntN(3) == 0 {
			l.checkout(ctx, c, true)
		}
	}
}

// checkout places the order; with pay, it pays on the built-in provider's
// page (half the time), sends the webhook Mollie would, and looks at the
// order like the return page does.
func (l *loader) checkout(ctx context.Context, c *vcustomer, pay bool) {
	key := fmt.Sprintf("%s-%d", l.run, l.keySeq.Add(1))
	f := map[string]string{"name": "Load Test", "email": "load@example.nl", "street": "Markt 1",
		"postal_code": "3511 AA", "city": "Utrecht", "country": "NL"}
	body, status := l.do(ctx, c, opCheckout, http.MethodPost, "/api/checkout", f, "Idempotency-Key", key)
	if status != http.StatusCreated && status != http.StatusOK {
		return
	}
	l.placed.Add(1)
	var a struct {
		Order struct {
			ID string `json:"id"`
		} `json:"order"`
		CheckoutURL string `json:"checkout_url"`
		OrderURL    string `json:"order_url"`
	}
	if json.Unmarshal(body, &a) != nil || a.CheckoutURL == "" {
		return
	}
	p := placed{id: a.Order.ID, token: a.OrderURL[strings.LastIndex(a.OrderURL, "/")+1:],
		payment: a.CheckoutURL[strings.LastIndex(a.CheckoutURL, "/")+1:]}
	if pay && ctx.Err() == nil {
		if l.keySeq.Load()%2 == 0 {
			_, st := l.do(ctx, c, opPay, http.MethodPost, "/pay/"+p.payment, "status=paid",
				"Content-Type", "application/x-www-form-urlencoded")
			p.paid = st == http.StatusSeeOther
		}
		l.do(ctx, nil, opWebhook, http.MethodPost, "/api/webhooks/mollie", "id="+p.payment,
			"Content-Type", "application/x-www-form-urlencoded")
		l.do(ctx, c, opOrder, http.MethodGet, "/api/orders/"+p.token, nil)
	}
	l.mu.Lock()
	l.orders = append(l.orders, p)
	l.mu.Unlock()
}

// do sends one request as customer c (nil: a server-to-server call such as
// a webhook) and records its status and latency. Requests cut short by the
// end of the run are not counted.
func (l *loader) do(ctx context.Context, c *vcustomer, op, method, path string, body any, hdr ...string) ([]byte, int) {
	var r io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		r = bytes.NewReader(raw)
		ctype = "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, l.cfg.URL+path, r)
	if err != nil {
		return nil, 0
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c != nil {
		if method != http.MethodGet {
			req.Header.Set("Origin", l.cfg.URL)
		}
		req.Header.Set("X-Forwarded-For", c.ip)
		if c.cookie != "" {
			req.Header.Set("Cookie", c.cookie)
		}
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	start := time.Now()
	resp, err := l.client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			l.rec.add(op, 0, time.Since(start))
		}
		return nil, 0
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err != nil && ctx.Err() != nil {
		return nil, 0
	}
	l.rec.add(op, resp.StatusCode, d)
	if c != nil {
		for _, ck := range resp.Cookies() {
			if ck.Name == "sf_cart" {
				c.cookie = ck.Name + "=" + ck.Value
			}
		}
	}
	return b, resp.StatusCode
}

func (l *loader) get(ctx context.Context, c *vcustomer, path string) ([]byte, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, l.cfg.URL+path, nil)
	resp, err := l.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return b, nil
}

// check reads up to 300 acknowledged orders back through the admin API:
// each must exist, and each paid on the provider's page must be paid. The
// provider tells the order after its own commit, as Mollie's webhook does,
// so a payment made in the run's last moments gets a few seconds.
func (l *loader) check(ctx context.Context) (int, []string) {
	l.mu.Lock()
	orders := append([]placed(nil), l.orders...)
	l.mu.Unlock()
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(orders), func(i, j int) { orders[i], orders[j] = orders[j], orders[i] })
	if len(orders) > 300 {
		orders = orders[:300]
	}
	var bad []string
	for _, p := range orders {
		deadline := time.Now().Add(5 * time.Second)
		for {
			problem := l.checkOne(ctx, p)
			if problem == "" {
				break
			}
			if time.Now().After(deadline) || ctx.Err() != nil {
				bad = append(bad, problem)
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return len(orders), bad
}

// checkOne reads one order back; it says what is wrong, or "".
func (l *loader) checkOne(ctx context.Context, p placed) string {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, l.cfg.URL+"/api/admin/orders/"+url.PathEscape(p.id), nil)
	req.Header.Set("Authorization", "Bearer "+l.cfg.AdminToken)
	resp, err := l.client.Do(req)
	if err != nil {
		return fmt.Sprintf("order %s: %v", p.id, err)
	}
	var o struct {
		State string `json:"state"`
	}
	err = json.NewDecoder(resp.Body).Decode(&o)
	resp.Body.Close()
	switch {
	case resp.StatusCode != http.StatusOK || err != nil:
		return fmt.Sprintf("order %s: admin API answered %d", p.id, resp.StatusCode)
	case p.paid && o.State != "paid":
		return fmt.Sprintf("order %s was paid but is %s", p.id, o.State)
	}
	return ""
}
