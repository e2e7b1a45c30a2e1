package server

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync/atomic"
	"testing"
)

// BenchmarkCartUpdate: PATCH /api/cart/items/{sku} over real HTTP on
// loopback, one cart per parallel client, fsync on.
//
//	go test ./checkout/server -run '^$' -bench CartUpdate -benchtime 5s
func BenchmarkCartUpdate(b *testing.B) {
	sh := newShop(&testing.T{})
	defer sh.ts.Close()
	defer sh.sc.Close()
	b.SetParallelism(16) // 32 concurrent clients on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		send(b, c, sh, "POST", "/api/cart/items", `{"sku":"MOK-001","quantity":1}`, nil)
		i := 0
		for pb.Next() {
			i++
			send(b, c, sh, "PATCH", "/api/cart/items/MOK-001", fmt.Sprintf(`{"quantity":%d}`, i%9+1), nil)
		}
	})
}

// BenchmarkCheckout: a new cart and POST /api/checkout with the built-in
// provider (order stored, payment created and attached), fsync on.
//
//	go test ./checkout/server -run '^$' -bench Checkout -benchtime 5s
func BenchmarkCheckout(b *testing.B) {
	sh := newShop(&testing.T{})
	defer sh.ts.Close()
	defer sh.sc.Close()
	var n atomic.Int64
	b.SetParallelism(16) // 32 concurrent clients on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar}
			send(b, c, sh, "POST", "/api/cart/items", `{"sku":"MOK-001","quantity":1}`, nil)
			key := fmt.Sprint("bench-", n.Add(1))
			send(b, c, sh, "POST", "/api/checkout", validCheckout, map[string]string{"Idempotency-Key": key})
		}
	})
}

func send(b *testing.B, c *http.Client, sh *testShop, method, path, body string, hdr map[string]string) {
	req, _ := http.NewRequest(method, sh.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", sh.url)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b.Fatalf("%s %s: %d", method, path, resp.StatusCode)
	}
}
