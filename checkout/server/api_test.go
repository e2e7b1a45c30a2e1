package server

import (
	"strings"
	"testing"
)

// TestAPIErrors: bad input gets a 4xx with {"error": "..."} that says what is wrong.
func TestAPIErrors(t *testing.T) {
	sh := newShop(t)
	sh.addToCart("KOF-GUJI-250-BO", 1) // a cart for PATCH/DELETE/checkout cases
	huge := `{"sku":"KOF-GUJI-250-BO","quantity":1,"pad":"` + strings.Repeat("x", 20000) + `"}`
	tests := []struct {
		name, method, path, body string
		headers                  []string
		status                   int
		says                     string // part of the error message
	}{
		{"unknown sku", "POST", "/api/cart/items", `{"sku":"NOPE-1","quantity":1}`, nil, 404, "not"},
		{"malformed sku", "POST", "/api/cart/items", `{"sku":"<script>","quantity":1}`, nil, 422, "sku"},
		{"empty sku", "POST", "/api/cart/items", `{"sku":"","quantity":1}`, nil, 422, "sku"},
		{"quantity 0", "POST", "/api/cart/items", `{"sku":"MOK-001","quantity":0}`, nil, 422, "1"},
		{"quantity negative", "POST", "/api/cart/items", `{"sku":"MOK-001","quantity":-3}`, nil, 422, "1"},
		{"quantity absurd", "POST", "/api/cart/items", `{"sku":"MOK-001","quantity":1000000}`, nil, 422, "99"},
		{"quantity beyond int", "POST", "/api/cart/items", `{"sku":"MOK-001","quantity":1e40}`, nil, 422, "quantity"},
		{"quantity fraction", "POST", "/api/cart/items", `{"sku":"MOK-001","quantity":1.5}`, nil, 422, "quantity"},
		{"quantity string", "POST", "/api/cart/items", `{"sku":"MOK-001","quantity":"2"}`, nil, 422, "quantity"},
		{"quantity missing", "POST", "/api/cart/items", `{"sku":"MOK-001"}`, nil, 422, "quantity"},
		{"more than stock", "POST", "/api/cart/items", `{"sku":"BOEK-001","quantity":4}`, nil, 409, "3"},
		{"wrong content type", "POST", "/api/cart/items", `{"sku":"MOK-001","quantity":1}`, []string{"Content-Type", "text/plain"}, 415, "application/json"},
		{"form content type", "POST", "/api/cart/items", `sku=MOK-001&quantity=1`, nil, 415, "application/json"},
		{"oversized body", "POST", "/api/cart/items", huge, nil, 413, "too large"},
		{"malformed json", "POST", "/api/cart/items", `{"sku":"MOK-001",`, nil, 400, "JSON"},
		{"two json values", "POST", "/api/cart/items", `{"sku":"MOK-001","quantity":1}{}`, nil, 400, "more than one"},
		{"json array", "POST", "/api/cart/items", `[1,2]`, nil, 422, "must be"},
		{"patch not in cart", "PATCH", "/api/cart/items/MOK-001", `{"quantity":2}`, nil, 404, "not"},
		{"patch quantity 0", "PATCH", "/api/cart/items/KOF-GUJI-250-BO", `{"quantity":0}`, nil, 422, "1"},
		{"delete not in cart", "DELETE", "/api/cart/items/MOK-001", "", nil, 404, "not"},
		{"checkout without key", "POST", "/api/checkout", validCheckout, nil, 400, "Idempotency-Key"},
		{"checkout bad key", "POST", "/api/checkout", validCheckout, []string{"Idempotency-Key", "a b"}, 400, "Idempotency-Key"},
		{"checkout bad email", "POST", "/api/checkout", strings.Replace(validCheckout, "eva@example.nl", "eva@", 1), []string{"Idempotency-Key", "k-bad-email"}, 422, "field"},
		{"checkout bidi name", "POST", "/api/checkout", strings.Replace(validCheckout, "Eva de Vries", "Eva\u202eseirV", 1), []string{"Idempotency-Key", "k-bidi"}, 422, "field"},
		{"checkout unknown country", "POST", "/api/checkout", strings.Replace(validCheckout, `"NL"`, `"US"`, 1), []string{"Idempotency-Key", "k-us"}, 422, "field"},
		{"checkout wrong method for country", "POST", "/api/checkout", strings.Replace(validCheckout, `"postnl"`, `"postnl-be"`, 1), []string{"Idempotency-Key", "k-be"}, 422, "field"},
		{"cross-origin post", "POST", "/api/cart/items", `{"sku":"MOK-001","quantity":1}`, []string{"Origin", "https://evil.example"}, 403, "cross-origin"},
		{"cross-site fetch", "POST", "/api/cart/items", `{"sku":"MOK-001","quantity":1}`, []string{"Sec-Fetch-Site", "cross-site"}, 403, "cross-site"},
		{"missing origin", "POST", "/api/cart/items", `{"sku":"MOK-001","quantity":1}`, []string{"Origin", "-"}, 403, "Origin"},
		{"unknown endpoint", "GET", "/api/nothing", "", nil, 404, "no such"},
		{"wrong method", "PUT", "/api/cart", `{}`, nil, 405, "not allowed"},
		{"order token malformed", "GET", "/api/orders/abc", "", nil, 404, "order"},
		{"order token unknown", "GET", "/api/orders/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "", nil, 404, "order"},
		{"cart for a country not served", "GET", "/api/cart?country=US", "", nil, 422, "shipping"},
		{"cart with a method not shipping there", "GET", "/api/cart?country=BE&shipping_method=postnl", "", nil, 422, "shipping"},
		{"availability without sku", "GET", "/api/availability", "", nil, 400, "sku"},
		{"availability bad sku", "GET", "/api/availability?sku=%3Cx%3E", "", nil, 400, "sku"},
		{"webhook bad id", "POST", "/api/webhooks/mollie", "id=xx_123", []string{"Origin", "-"}, 400, "tr_"},
		{"admin without token", "GET", "/api/admin/orders", "", nil, 401, "token"},
		{"admin wrong token", "GET", "/api/admin/orders", "", []string{"Authorization", "Bearer " + strings.Repeat("x", 40)}, 401, "token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sh.req(tt.method, tt.path, tt.body, tt.headers...)
			if r.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", r.StatusCode, tt.status, r.body)
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("content type %q, want JSON", ct)
			}
			msg := r.errorMessage(t)
			if msg == "" || !strings.Contains(strings.ToLower(msg), strings.ToLower(tt.says)) {
				t.Errorf("error %q does not say %q", msg, tt.says)
			}
		})
	}
	// Nothing of the refused requests entered the cart.
	var cv CartView
	sh.req("GET", "/api/cart", "").json(t, &cv)
	if len(cv.Lines) != 1 || cv.Lines[0].SKU != "KOF-GUJI-250-BO" || cv.Lines[0].Quantity != 1 {
		t.Errorf("cart after refused requests: %+v", cv.Lines)
	}
	orders, _ := sh.sc.store.Orders.ListOrders(storeFilterAll())
	if len(orders) != 0 {
		t.Errorf("%d orders stored by refused checkouts", len(orders))
	}
}

// TestCartAPI: add, change, remove; totals from the catalog only.
func TestCartAPI(t *testing.T) {
	sh := newShop(t)
	// A price in the body is refused (unknown field), never used.
	if r := sh.req("POST", "/api/cart/items", `{"sku":"KOF-GUJI-250-BO","quantity":2,"price":1,"unit_price":1}`); r.StatusCode != 422 || !strings.Contains(r.errorMessage(t), "price") {
		t.Fatalf("add with a price: %d %s", r.StatusCode, r.body)
	}
	r := sh.req("POST", "/api/cart/items", `{"sku":"KOF-GUJI-250-BO","quantity":2}`)
	if r.StatusCode != 200 {
		t.Fatalf("add: %d %s", r.StatusCode, r.body)
	}
	var cv CartView
	r.json(t, &cv)
	if cv.Count != 2 || cv.Subtotal != 2900 || cv.Shipping != 495 || cv.GrandTotal != 3395 {
		t.Fatalf("totals %+v", cv.Totals)
	}
	if c := r.Header.Get("Set-Cookie"); !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") {
		t.Errorf("cart cookie %q lacks HttpOnly or SameSite=Lax", c)
	}
	r = sh.req("PATCH", "/api/cart/items/KOF-GUJI-250-BO", `{"quantity":4}`)
	r.json(t, &cv)
	if cv.Subtotal != 5800 || cv.Shipping != 0 || !cv.FreeShipping || cv.GrandTotal != 5800 {
		t.Fatalf("free shipping from 50 euro: %+v", cv.Totals)
	}
	sh.addToCart("MOK-001", 1)
	r = sh.req("DELETE", "/api/cart/items/KOF-GUJI-250-BO", "")
	r.json(t, &cv)
	if len(cv.Lines) != 1 || cv.Lines[0].SKU != "MOK-001" || cv.GrandTotal != 1295+495 {
		t.Fatalf("after delete: %+v", cv.Totals)
	}
	// VAT per rate: 21% on both the mug and the shipping.
	if len(cv.VAT) != 1 || cv.VAT[0].Rate != 21 || cv.VAT[0].VAT != 311 {
		t.Errorf("VAT %+v, want 21%% of 17.90 = 3.11", cv.VAT)
	}
	// Shipping for another country.
	sh.req("GET", "/api/cart?country=be", "").json(t, &cv)
	if cv.ShippingMethod != "postnl-be" || cv.Shipping != 795 || cv.GrandTotal != 1295+795 {
		t.Errorf("cart for Belgium: %+v", cv.Totals)
	}
	// Availability of tracked, untracked and unknown SKUs.
	var av struct{ Items []AvailabilityView }
	sh.req("GET", "/api/availability?sku=BOEK-001&sku=MOK-001&sku=NOPE", "").json(t, &av)
	if len(av.Items) != 3 || !av.Items[0].Tracked || av.Items[0].Remaining == nil || *av.Items[0].Remaining != 3 ||
		av.Items[1].Tracked || !av.Items[1].Available || av.Items[2].Known || av.Items[2].Available {
		t.Errorf("availability %+v", av.Items)
	}
}
