package reliability

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

// hostile is one hostile request and the answer the API documents for it.
type hostile struct {
	name   string
	method string
	path   string
	body   any      // string: sent as is; []byte; other: JSON
	hdr    []string // header name, value pairs ("" value deletes)
	want   []int    // acceptable statuses (all 4xx)
	page   bool     // an HTML route: no JSON error body
}

func deepJSON(depth int) string {
	return `{"sku":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `,"quantity":1}`
}

const json415 = "Content-Type"

// hostileRequests is the table; every public endpoint appears.
func hostileRequests(base string) []hostile {
	big := `{"sku":"KOF-001","quantity":1,"pad":"` + strings.Repeat("A", 20<<10) + `"}`
	ct := func(v string) []string { return []string{json415, v} }
	token := strings.Repeat("A", 43)
	return []hostile{
		// cart API: bodies
		{name: "oversized body", method: "POST", path: "/api/cart/items", body: big, hdr: ct("application/json"), want: []int{413}},
		{name: "oversized body, chunked", method: "POST", path: "/api/cart/items", body: io.MultiReader(strings.NewReader(big)), hdr: ct("application/json"), want: []int{413}},
		{name: "deep JSON", method: "POST", path: "/api/cart/items", body: deepJSON(5000), hdr: ct("application/json"), want: []int{400, 422}},
		{name: "not JSON", method: "POST", path: "/api/cart/items", body: `{"sku":`, hdr: ct("application/json"), want: []int{400}},
		{name: "two JSON values", method: "POST", path: "/api/cart/items", body: `{"sku":"KOF-001","quantity":1} {"sku":"KOF-001","quantity":99}`, hdr: ct("application/json"), want: []int{400}},
		{name: "JSON array", method: "POST", path: "/api/cart/items", body: `[{"sku":"KOF-001","quantity":1}]`, hdr: ct("application/json"), want: []int{400, 422}},
		{name: "JSON null", method: "POST", path: "/api/cart/items", body: `null`, hdr: ct("application/json"), want: []int{400, 422}},
		{name: "empty body", method: "POST", path: "/api/cart/items", body: ``, hdr: ct("application/json"), want: []int{400}},
		{name: "sku is a number", method: "POST", path: "/api/cart/items", body: `{"sku":123,"quantity":1}`, hdr: ct("application/json"), want: []int{422}},
		{name: "quantity is a string", method: "POST", path: "/api/cart/items", body: `{"sku":"KOF-001","quantity":"1"}`, hdr: ct("application/json"), want: []int{422}},
		{name: "quantity is a fraction", method: "POST", path: "/api/cart/items", body: `{"sku":"KOF-001","quantity":1.5}`, hdr: ct("application/json"), want: []int{422}},
		{name: "quantity overflows int64", method: "POST", path: "/api/cart/items", body: `{"sku":"KOF-001","quantity":99999999999999999999999}`, hdr: ct("application/json"), want: []int{422}},
		{name: "huge quantity", method: "POST", path: "/api/cart/items", body: map[string]any{"sku": "KOF-001", "quantity": 1_000_000_000}, want: []int{422}},
		{name: "negative quantity", method: "POST", path: "/api/cart/items", body: map[string]any{"sku": "KOF-001", "quantity": -5}, want: []int{422}},
		{name: "zero quantity", method: "POST", path: "/api/cart/items", body: map[string]any{"sku": "KOF-001", "quantity": 0}, want: []int{422}},
		{name: "missing quantity", method: "POST", path: "/api/cart/items", body: map[string]any{"sku": "KOF-001"}, want: []int{422}},
		{name: "negative price and quantity", method: "POST", path: "/api/cart/items", body: map[string]any{"sku": "KOF-001", "quantity": -1, "price": -1450}, want: []int{422}},
		{name: "unknown SKU", method: "POST", path: "/api/cart/items", body: map[string]any{"sku": "NOPE-404", "quantity": 1}, want: []int{404}},
		{name: "SKU path traversal", method: "POST", path: "/api/cart/items", body: map[string]any{"sku": "../../etc/passwd", "quantity": 1}, want: []int{422}},
		{name: "SKU with script", method: "POST", path: "/api/cart/items", body: map[string]any{"sku": "<script>alert(1)</script>", "quantity": 1}, want: []int{422}},
		{name: "SKU with right-to-left override", method: "POST", path: "/api/cart/items", body: map[string]any{"sku": "KOF-001\u202e", "quantity": 1}, want: []int{422}},
		{name: "SKU in fullwidth letters", method: "POST", path: "/api/cart/items", body: map[string]any{"sku": "ＫＯＦ-001", "quantity": 1}, want: []int{422}},
		{name: "SKU with NUL", method: "POST", path: "/api/cart/items", body: map[string]any{"sku": "KOF-001\x00", "quantity": 1}, want: []int{422}},
		{name: "SKU too long", method: "POST", path: "/api/cart/items", body: map[string]any{"sku": strings.Repeat("K", 65), "quantity": 1}, want: []int{422}},
		{name: "SKU invalid UTF-8", method: "POST", path: "/api/cart/items", body: "{\"sku\":\"KOF\xff\xfe\",\"quantity\":1}", hdr: ct("application/json"), want: []int{422}},
		// cart API: content types and origins
		{name: "form content type", method: "POST", path: "/api/cart/items", body: "sku=KOF-001&quantity=1", hdr: ct("application/x-www-form-urlencoded"), want: []int{415}},
		{name: "text/plain", method: "POST", path: "/api/cart/items", body: `{"sku":"KOF-001","quantity":1}`, hdr: ct("text/plain"), want: []int{415}},
		{name: "no content type", method: "POST", path: "/api/cart/items", body: `{"sku":"KOF-001","quantity":1}`, want: []int{415}},
		{name: "multipart", method: "POST", path: "/api/cart/items", body: "--x\r\n\r\n--x--", hdr: ct("multipart/form-data; boundary=x"), want: []int{415}},
		{name: "foreign Origin", method: "POST", path: "/api/cart/items", body: map[string]any{"sku": "KOF-001", "quantity": 1}, hdr: []string{"Origin", "https://evil.example"}, want: []int{403}},
		{name: "missing Origin", method: "POST", path: "/api/cart/items", body: map[string]any{"sku": "KOF-001", "quantity": 1}, hdr: []string{"Origin", ""}, want: []int{403}},
		{name: "Origin null", method: "POST", path: "/api/cart/items", body: map[string]any{"sku": "KOF-001", "quantity": 1}, hdr: []string{"Origin", "null"}, want: []int{403}},
		{name: "look-alike Origin", method: "POST", path: "/api/cart/items", body: map[string]any{"sku": "KOF-001", "quantity": 1}, hdr: []string{"Origin", base + ".evil.example"}, want: []int{403}},
		{name: "Sec-Fetch-Site cross-site", method: "POST", path: "/api/cart/items", body: map[string]any{"sku": "KOF-001", "quantity": 1}, hdr: []string{"Sec-Fetch-Site", "cross-site"}, want: []int{403}},
		{name: "PATCH without a cart", method: "PATCH", path: "/api/cart/items/KOF-001", body: map[string]any{"quantity": 2}, want: []int{404}},
		{name: "PATCH malformed SKU", method: "PATCH", path: "/api/cart/items/%3Cscript%3E", body: map[string]any{"quantity": 2}, want: []int{422}},
		{name: "PATCH forged cart cookie", method: "PATCH", path: "/api/cart/items/KOF-001", body: map[string]any{"quantity": 2}, hdr: []string{"Cookie", "sf_cart=" + token}, want: []int{404}},
		{name: "DELETE without a cart", method: "DELETE", path: "/api/cart/items/KOF-001", want: []int{404}},
		{name: "DELETE foreign Origin", method: "DELETE", path: "/api/cart/items/KOF-001", hdr: []string{"Origin", "https://evil.example"}, want: []int{403}},
		{name: "PUT on the cart", method: "PUT", path: "/api/cart", body: map[string]any{}, want: []int{405}},
		// checkout
		{name: "checkout without Idempotency-Key", method: "POST", path: "/api/checkout", body: form("Ada"), want: []int{400}},
		{name: "checkout with a 300-char key", method: "POST", path: "/api/checkout", body: form("Ada"), hdr: []string{"Idempotency-Key", strings.Repeat("k", 300)}, want: []int{400}},
		{name: "checkout key with spaces", method: "POST", path: "/api/checkout", body: form("Ada"), hdr: []string{"Idempotency-Key", "a b"}, want: []int{400}},
		{name: "checkout with an empty cart", method: "POST", path: "/api/checkout", body: form("Ada"), hdr: []string{"Idempotency-Key", "k1"}, want: []int{422}},
		{name: "checkout with a forged cart cookie", method: "POST", path: "/api/checkout", body: form("Ada"), hdr: []string{"Idempotency-Key", "k2", "Cookie", "sf_cart=../../x"}, want: []int{422}},
		{name: "checkout with a made-up cart id", method: "POST", path: "/api/checkout", body: form("Ada"), hdr: []string{"Idempotency-Key", "k3", "Cookie", "sf_cart=" + token}, want: []int{422}},
		{name: "checkout name with bidi override", method: "POST", path: "/api/checkout", body: withField("name", "Ada\u202eLovelace"), hdr: []string{"Idempotency-Key", "k4"}, want: []int{422}},
		{name: "checkout name with CRLF header injection", method: "POST", path: "/api/checkout", body: withField("name", "Ada\r\nBcc: victim@example.com"), hdr: []string{"Idempotency-Key", "k5"}, want: []int{422}},
		{name: "checkout e-mail with two addresses", method: "POST", path: "/api/checkout", body: withField("email", "a@example.nl, b@example.nl"), hdr: []string{"Idempotency-Key", "k6"}, want: []int{422}},
		{name: "checkout name of 10000 chars", method: "POST", path: "/api/checkout", body: withField("name", strings.Repeat("A", 10000)), hdr: []string{"Idempotency-Key", "k7"}, want: []int{422}},
		{name: "checkout to a country not shipped to", method: "POST", path: "/api/checkout", body: withField("country", "US"), hdr: []string{"Idempotency-Key", "k8"}, want: []int{422}},
		{name: "checkout with prices in the body", method: "POST", path: "/api/checkout", body: `{"name":"A","total":-100,"price":0}`, hdr: []string{"Idempotency-Key", "k9", json415, "application/json"}, want: []int{422}},
		{name: "checkout as a form post", method: "POST", path: "/api/checkout", body: "name=Ada", hdr: []string{"Idempotency-Key", "k10", json415, "application/x-www-form-urlencoded"}, want: []int{415}},
		{name: "checkout foreign Origin", method: "POST", path: "/api/checkout", body: form("Ada"), hdr: []string{"Idempotency-Key", "k11", "Origin", "https://evil.example"}, want: []int{403}},
		// orders, availability, webhook, admin
		{name: "order token too short", method: "GET", path: "/api/orders/abc", want: []int{404}},
		{name: "order token made up", method: "GET", path: "/api/orders/" + token, want: []int{404}},
		{name: "order token with script", method: "GET", path: "/api/orders/%3Cscript%3Ealert(1)%3C%2Fscript%3E", want: []int{404}},
		{name: "availability without sku", method: "GET", path: "/api/availability", want: []int{400}},
		{name: "availability with 51 skus", method: "GET", path: "/api/availability?" + strings.Repeat("sku=KOF-001&", 51), want: []int{400}},
		{name: "availability malformed sku", method: "GET", path: "/api/availability?sku=%3Cb%3E", want: []int{400}},
		{name: "webhook JSON body", method: "POST", path: "/api/webhooks/mollie", body: `{"id":"tr_12345"}`, hdr: ct("application/json"), want: []int{400}},
		{name: "webhook bad id", method: "POST", path: "/api/webhooks/mollie", body: "id=12345", hdr: ct("application/x-www-form-urlencoded"), want: []int{400}},
		{name: "admin without token", method: "GET", path: "/api/admin/orders", want: []int{401}},
		{name: "admin with a wrong token", method: "GET", path: "/api/admin/orders", hdr: []string{"Authorization", "Bearer " + adminToken + "x"}, want: []int{401}},
		{name: "admin with basic auth", method: "GET", path: "/api/admin/orders", hdr: []string{"Authorization", "Basic YWRtaW46YWRtaW4="}, want: []int{401}},
		{name: "admin backup without token", method: "GET", path: "/api/admin/backup", want: []int{401}},
		{name: "unknown API endpoint", method: "GET", path: "/api/../../etc/passwd", want: []int{404}},
		// HTML routes (no-JS forms and pages)
		{name: "form add from another site", method: "POST", path: "/cart/add", body: "sku=KOF-001&quantity=1", hdr: []string{json415, "application/x-www-form-urlencoded", "Origin", "https://evil.example"}, want: []int{403}, page: true},
		{name: "form checkout from another site", method: "POST", path: "/checkout/", body: "name=Ada", hdr: []string{json415, "application/x-www-form-urlencoded", "Origin", "https://evil.example"}, want: []int{403}, page: true},
		{name: "form update from another site", method: "POST", path: "/cart/update", body: "sku=KOF-001&quantity=5", hdr: []string{json415, "application/x-www-form-urlencoded", "Origin", "https://evil.example"}, want: []int{403}, page: true},
		{name: "form remove without Origin", method: "POST", path: "/cart/remove", body: "sku=KOF-001", hdr: []string{json415, "application/x-www-form-urlencoded", "Origin", ""}, want: []int{403}, page: true},
		{name: "pay again for a made-up order", method: "POST", path: "/order/" + token + "/pay", body: "", hdr: []string{json415, "application/x-www-form-urlencoded"}, want: []int{404}, page: true},
		{name: "pay again from another site", method: "POST", path: "/order/" + token + "/pay", body: "", hdr: []string{json415, "application/x-www-form-urlencoded", "Origin", "https://evil.example"}, want: []int{403}, page: true},
		{name: "local payment choice from another site", method: "POST", path: "/pay/tr_unknown123", body: "status=paid", hdr: []string{json415, "application/x-www-form-urlencoded", "Origin", "https://evil.example"}, want: []int{403, 404}, page: true},
		{name: "order page made-up token", method: "GET", path: "/order/" + token, want: []int{404}, page: true},
		{name: "pay page unknown payment", method: "GET", path: "/pay/tr_unknown123", want: []int{404}, page: true},
	}
}

func withField(k, v string) map[string]string {
	f := form("Ada")
	f[k] = v
	return f
}

// TestHostileInput sends every hostile request to a fresh shop: each gets
// its 4xx with a clear {"error"}, and nothing is stored.
func TestHostileInput(t *testing.T) {
	s := startShop(t, shopConfig{})
	table := hostileRequests(s.URL)
	if len(table) < 40 {
		t.Fatalf("only %d hostile requests; the suite promises at least 40", len(table))
	}
	for _, h := range table {
		t.Run(h.name, func(t *testing.T) {
			c := s.customer()
			var a answer
			if r, ok := h.body.(io.Reader); ok {
				a = sendReader(c, h.method, h.path, r, h.hdr)
			} else {
				a = c.do(h.method, h.path, h.body, h.hdr...)
			}
			if a.err != nil {
				t.Fatalf("transport error: %v", a.err)
			}
			if !contains(h.want, a.status) {
				t.Errorf("%s %s: %s, want one of %v", h.method, h.path[:min(len(h.path), 60)], a, h.want)
			}
			if h.page {
				return
			}
			if mt, _, _ := mime.ParseMediaType(a.header.Get("Content-Type")); mt != "application/json" {
				t.Errorf("error answer is %q, want application/json", a.header.Get("Content-Type"))
			}
			msg := a.errorText()
			if len(msg) < 10 {
				t.Errorf("error message %q does not say what is wrong (body %s)", msg, a)
			}
			// JSON answers may quote input, but never as live markup.
			if raw := string(a.body); strings.Contains(raw, "<script") || strings.Contains(raw, "\u202e") {
				t.Errorf("error answer echoes hostile input raw: %s", raw)
			}
		})
	}
	t.Run("prices sent by the browser are refused", func(t *testing.T) {
		// Strict JSON (docs/api.md): an unknown field such as a price is
		// refused, never used; the catalog's price is the only one.
		c := s.customer()
		a := c.do(http.MethodPost, "/api/cart/items", map[string]any{"sku": "MOK-001", "quantity": 1, "price": 1, "unit_price": 1, "total": 1})
		if a.status != http.StatusUnprocessableEntity {
			t.Fatalf("add with a price: %s", a)
		}
		a = c.do(http.MethodPost, "/api/cart/items", map[string]any{"sku": "MOK-001", "quantity": 1})
		var v struct {
			Subtotal int64 `json:"subtotal"`
		}
		json.Unmarshal(a.body, &v)
		if v.Subtotal != 1295 {
			t.Errorf("subtotal %d, want the catalog's 1295", v.Subtotal)
		}
		c.do(http.MethodDelete, "/api/cart/items/MOK-001", nil)
	})
	s.ts.Close()
	if err := s.sc.Close(); err != nil {
		t.Fatal(err)
	}
	counts := bucketCounts(t, s.data)
	for _, b := range []string{"orders", "order_tokens", "payments", "idempotency", "mail_queue"} {
		if counts[b] != 0 {
			t.Errorf("bucket %s holds %d records after hostile requests; nothing may be stored", b, counts[b])
		}
	}
	if counts["carts"] > 1 { // the one cart of the price test, emptied
		t.Errorf("%d carts stored after hostile requests", counts["carts"])
	}
}

func sendReader(c *customer, method, path string, r io.Reader, hdr []string) answer {
	req, _ := http.NewRequest(method, c.base+path, r) // an io.Reader of unknown length goes chunked
	req.Header.Set("Origin", c.base)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.c.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// bucketCounts opens a closed database file read-only and counts keys per bucket.
func bucketCounts(t *testing.T, path string) map[string]int {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()
	out := map[string]int{}
	db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			out[string(name)] = b.Stats().KeyN
			return nil
		})
	})
	return out
}

// TestMarkupEscaped: a customer name and address with markup, and a product
// title with markup, are shown escaped on the cart page, the order page and
// in the confirmation e-mail.
func TestMarkupEscaped(t *testing.T) {
	fake := molliefake.New()
	defer fake.Close()
	s := startShop(t, shopConfig{fake: fake})
	c := s.customer()
	if a := c.add("XSS-1", 1); a.status != http.StatusOK {
		t.Fatalf("add: %s", a)
	}
	evil := []string{`<img src=x onerror=alert(1)>`, `"><script>alert(2)</script>`, `<script>alert("x")</script>`}
	f := form(`Ada <img src=x onerror=alert(1)>`)
	f["street"] = `Markt 1 "><script>alert(2)</script>`
	a, ca := c.checkout("markup-1", f)
	if a.status != http.StatusCreated {
		t.Fatalf("checkout with markup in the name: %s (names with markup are allowed and escaped)", a)
	}
	if err := fake.SetStatus(paymentID(ca.CheckoutURL), "paid"); err != nil {
		t.Fatal(err)
	}
	check := func(where, doc string) {
		t.Helper()
		for _, e := range evil {
			if strings.Contains(doc, e) {
				t.Errorf("%s holds raw markup %q", where, e)
			}
		}
		if !strings.Contains(doc, "&lt;img src=x onerror=alert(1)&gt;") && !strings.Contains(doc, "&lt;img src=x onerror=alert(1)") {
			t.Errorf("%s does not show the customer's name escaped", where)
		}
	}
	page := c.do(http.MethodGet, strings.TrimPrefix(ca.OrderURL, s.URL), nil)
	if page.status != http.StatusOK {
		t.Fatalf("order page: %s", page)
	}
	check("order page", string(page.body))
	if !strings.Contains(string(page.body), "&lt;script&gt;") {
		t.Errorf("order page does not show the product title escaped")
	}

	c2 := s.customer()
	c2.add("XSS-1", 1)
	cart := c2.do(http.MethodGet, "/cart/", nil)
	if strings.Contains(string(cart.body), `<script>alert("x")</script>`) || !strings.Contains(string(cart.body), "&lt;script&gt;") {
		t.Errorf("cart page does not escape the product title")
	}

	var html string
	if !eventually(5*time.Second, func() bool { html = confirmationHTML(t, s.outbox, ca.Order.ID); return html != "" }) {
		t.Fatal("no confirmation e-mail in the outbox")
	}
	check("confirmation e-mail (HTML)", html)
}

// confirmationHTML is the decoded HTML part of the order's confirmation e-mail.
func confirmationHTML(t *testing.T, dir, orderID string) string {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".eml") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil || !strings.Contains(string(raw), orderID) {
			continue
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s is not an e-mail: %v", e.Name(), err)
		}
		if h := htmlPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body); h != "" {
			return h
		}
	}
	return ""
}

func htmlPart(ctype, enc string, body io.Reader) string {
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return ""
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return ""
			}
			if h := htmlPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); h != "" {
				return h
			}
		}
	}
	if mt != "text/html" {
		return ""
	}
	switch strings.ToLower(enc) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, _ := io.ReadAll(body)
	return string(b)
}

// TestLocalPayPageRefusesOtherSites: another site cannot mark a payment of
// the built-in provider paid by posting its form.
func TestLocalPayPageRefusesOtherSites(t *testing.T) {
	s := startShop(t, shopConfig{})
	ca, pid := placeOrder(t, s, "MOK-001")
	c := s.customer()
	for _, hdr := range [][]string{
		{"Origin", "https://evil.example"},
		{"Sec-Fetch-Site", "cross-site"},
	} {
		a := c.do(http.MethodPost, "/pay/"+pid, "status=paid", append([]string{"Content-Type", "application/x-www-form-urlencoded"}, hdr...)...)
		if a.status != http.StatusForbidden {
			t.Errorf("pay page post with %s: %s, want 403", hdr[0], a)
		}
	}
	if st := orderState(t, s, ca.Order.ID); st != "awaiting_payment" {
		t.Errorf("order is %s after cross-site posts to the pay page", st)
	}
}
