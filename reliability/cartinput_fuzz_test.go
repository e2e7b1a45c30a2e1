package reliability

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/cart"
)

// FuzzCartAPI sends arbitrary bodies, SKUs in the path and content types to
// the cart API through the sidecar's handler. Whatever comes in: no 5xx, a
// 4xx carries a JSON {"error"} message, and a 200 is a cart that holds only
// catalog SKUs in sane quantities, priced from the catalog.
func FuzzCartAPI(f *testing.F) {
	s := startShop(f, shopConfig{})
	h := s.sc.Handler()
	prices := map[string]int64{}
	for _, it := range defaultItems {
		prices[it.SKU] = it.Price
	}
	// A cart to PATCH and DELETE in.
	c := s.customer()
	if a := c.add("KOF-001", 1); a.status != http.StatusOK {
		f.Fatalf("seed cart: %s", a)
	}
	u, _ := url.Parse(s.URL)
	cookie := ""
	for _, ck := range c.c.Jar.Cookies(u) {
		cookie = ck.Name + "=" + ck.Value
	}

	f.Add(uint8(0), "KOF-001", "application/json", []byte(`{"sku":"KOF-001","quantity":1}`))
	f.Add(uint8(1), "KOF-001", "application/json", []byte(`{"quantity":3}`))
	f.Add(uint8(2), "MOK-001", "application/json", []byte(``))
	f.Add(uint8(0), "", "application/json; charset=utf-8", []byte(`{"sku":"BOEK-001","quantity":99,"price":1}`))
	f.Add(uint8(0), "", "text/plain", []byte(`{"sku":"KOF-001","quantity":1}`))
	f.Add(uint8(1), "%3Cscript%3E", "application/json", []byte(`{"quantity":-1}`))
	f.Fuzz(func(t *testing.T, op uint8, sku, ctype string, body []byte) {
		method, path := http.MethodPost, "/api/cart/items"
		switch op % 3 {
		case 1:
			method, path = http.MethodPatch, "/api/cart/items/"+url.PathEscape(sku)
		case 2:
			method, path = http.MethodDelete, "/api/cart/items/"+url.PathEscape(sku)
		}
		req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Origin", s.URL)
		if op&4 != 0 {
			req.Header.Set("Cookie", cookie)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		status, out := rec.Code, rec.Body.Bytes()
		if status >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, status, out)
		}
		if status >= 400 {
			var e struct {
				Error string `json:"error"`
			}
			if json.Unmarshal(out, &e) != nil || strings.TrimSpace(e.Error) == "" {
				t.Fatalf("%s %s: %d without a JSON error: %s", method, path, status, out)
			}
			return
		}
		if status != http.StatusOK {
			t.Fatalf("%s %s: unexpected status %d", method, path, status)
		}
		var v struct {
			Lines []struct {
				SKU       string `json:"sku"`
				Quantity  int    `json:"quantity"`
				UnitPrice int64  `json:"unit_price"`
				LineTotal int64  `json:"line_total"`
			} `json:"lines"`
			Subtotal int64 `json:"subtotal"`
		}
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("cart answer is not JSON: %v: %s", err, out)
		}
		var sum int64
		for _, l := range v.Lines {
			p, known := prices[l.SKU]
			if !known {
				t.Fatalf("cart holds %q, not in the catalog", l.SKU)
			}
			if l.Quantity < 1 || l.Quantity > cart.MaxQuantity {
				t.Fatalf("cart holds %d of %s", l.Quantity, l.SKU)
			}
			if l.LineTotal != p*int64(l.Quantity) {
				t.Fatalf("line %s: %d x %d priced %d, the catalog says %d each", l.SKU, l.Quantity, l.UnitPrice, l.LineTotal, p)
			}
			sum += l.LineTotal
		}
		if sum != v.Subtotal {
			t.Fatalf("lines sum to %d, subtotal %d", sum, v.Subtotal)
		}
	})
}
