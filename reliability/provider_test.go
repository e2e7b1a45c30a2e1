package reliability

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

// fakePayment is a payment as molliefake's list endpoint shows it.
type fakePayment struct {
	ID       string            `json:"id"`
	Status   string            `json:"status"`
	Metadata map[string]string `json:"metadata"`
	Amount   struct {
		Value    string `json:"value"`
		Currency string `json:"currency"`
	} `json:"amount"`
}

// fakePayments lists every payment the fake holds, over its HTTP API.
func fakePayments(t testing.TB, f *molliefake.Server) []fakePayment {
	t.Helper()
	var all []fakePayment
	next := f.BaseURL() + "payments?limit=250"
	for next != "" {
		req, _ := http.NewRequest(http.MethodGet, next, nil)
		req.Header.Set("Authorization", "Bearer "+f.APIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("list fake payments: %v", err)
		}
		var page struct {
			Embedded struct {
				Payments []fakePayment `json:"payments"`
			} `json:"_embedded"`
			Links struct {
				Next *struct {
					Href string `json:"href"`
				} `json:"next"`
			} `json:"_links"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("list fake payments: %v", err)
		}
		all = append(all, page.Embedded.Payments...)
		next = ""
		if page.Links.Next != nil {
			next = page.Links.Next.Href
		}
	}
	return all
}

// paymentsPerOrder counts the fake's payments per metadata.order_id.
func paymentsPerOrder(t testing.TB, f *molliefake.Server) map[string]int {
	n := map[string]int{}
	for _, p := range fakePayments(t, f) {
		n[p.Metadata["order_id"]]++
	}
	return n
}

// lyingProvider sits between the sidecar and molliefake and can replace
// the body of GET /v2/payments/{id}: stale news, out-of-order statuses, a
// changed amount. Everything else passes through.
type lyingProvider struct {
	fake *molliefake.Server
	ts   *httptest.Server
	mu   sync.Mutex
	edit map[string]func(map[string]any) // payment id -> change to the fake's answer
}

func newLyingProvider(t testing.TB, f *molliefake.Server) *lyingProvider {
	lp := &lyingProvider{fake: f, edit: map[string]func(map[string]any){}}
	target, _ := url.Parse(f.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		req := resp.Request
		if req.Method != http.MethodGet || !strings.HasPrefix(req.URL.Path, "/v2/payments/tr_") || resp.StatusCode != http.StatusOK {
			return nil
		}
		id := strings.TrimPrefix(req.URL.Path, "/v2/payments/")
		lp.mu.Lock()
		fn := lp.edit[id]
		lp.mu.Unlock()
		if fn == nil {
			return nil
		}
		var m map[string]any
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		fn(m)
		b, _ = json.Marshal(m)
		resp.Body = io.NopCloser(bytes.NewReader(b))
		resp.ContentLength = int64(len(b))
		resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
		return nil
	}
	lp.ts = httptest.NewServer(proxy)
	t.Cleanup(lp.ts.Close)
	return lp
}

// lie makes GET of payment id answer with fn applied; nil tells the truth again.
func (lp *lyingProvider) lie(id string, fn func(map[string]any)) {
	lp.mu.Lock()
	defer lp.mu.Unlock()
	if fn == nil {
		delete(lp.edit, id)
		return
	}
	lp.edit[id] = fn
}

// status returns an edit that reports status s (and drops the final
// timestamps the fake may have set).
func status(s string) func(map[string]any) {
	return func(m map[string]any) {
		m["status"] = s
		for _, k := range []string{"paidAt", "canceledAt", "expiredAt", "failedAt"} {
			delete(m, k)
		}
		if s == "paid" {
			m["paidAt"] = "2026-11-26T10:00:00+00:00"
		}
	}
}
