package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
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
	var lat latencies
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		send(b, c, sh, "POST", "/api/cart/items", `{"sku":"MOK-001","quantity":1}`, nil)
		i := 0
		for pb.Next() {
			i++
			t0 := time.Now()
			send(b, c, sh, "PATCH", "/api/cart/items/MOK-001", fmt.Sprintf(`{"quantity":%d}`, i%9+1), nil)
			lat.add(time.Since(t0))
		}
	})
	b.StopTimer()
	lat.report(b, time.Since(start))
}

// latencies collects request durations for ops/s and p50/p99.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) report(b *testing.B, elapsed time.Duration) {
	if len(l.d) == 0 {
		return
	}
	slices.Sort(l.d)
	q := func(p float64) float64 { return float64(l.d[int(p*float64(len(l.d)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(l.d))/elapsed.Seconds(), "req/s")
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
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
	var lat latencies
	b.SetParallelism(16) // 32 concurrent clients on 2 cores
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar}
			send(b, c, sh, "POST", "/api/cart/items", `{"sku":"MOK-001","quantity":1}`, nil)
			key := fmt.Sprint("bench-", n.Add(1))
			t0 := time.Now()
			send(b, c, sh, "POST", "/api/checkout", validCheckout, map[string]string{"Idempotency-Key": key})
			lat.add(time.Since(t0))
		}
	})
	b.StopTimer()
	lat.report(b, time.Since(start))
}

// BenchmarkOpenLargeCatalog: heap of a sidecar with a 10,000-SKU catalog
// loaded (goal: resident memory under 100 MB).
//
//	go test ./checkout/server -run '^$' -bench OpenLargeCatalog
func BenchmarkOpenLargeCatalog(b *testing.B) {
	dir := b.TempDir()
	site := filepath.Join(dir, "site")
	copyDir(&testing.T{}, "testdata/site", site)
	raw, err := os.ReadFile(filepath.Join(site, "catalog.json"))
	if err != nil {
		b.Fatal(err)
	}
	var cat map[string]any
	if err := json.Unmarshal(raw, &cat); err != nil {
		b.Fatal(err)
	}
	proto := cat["items"].([]any)[0].(map[string]any)
	items := make([]any, 0, 10000)
	for i := range 10000 {
		it := maps.Clone(proto)
		it["sku"] = fmt.Sprintf("SKU-%05d", i)
		it["title"] = fmt.Sprintf("Product %d with a reasonably long title", i)
		it["url"] = fmt.Sprintf("/producten/p-%d/", i)
		items = append(items, it)
	}
	cat["items"] = items
	raw, _ = json.Marshal(cat)
	os.WriteFile(filepath.Join(site, "catalog.json"), raw, 0o644)
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		sc, err := Open(context.Background(), Options{Catalog: filepath.Join(site, "catalog.json"),
			DataFile: filepath.Join(dir, "shop.db"), BaseURL: "http://127.0.0.1:1/", OutboxDir: filepath.Join(dir, "out"),
			ReconcileEvery: time.Hour}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/(1<<20), "heap-MB")
		b.ReportMetric(float64(len(raw))/(1<<20), "catalog-MB")
		sc.Close()
	}
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

// BenchmarkCartWithCode: GET /api/cart over real HTTP, the cart without a
// code, with a code limited per address only (not counted in the cart: no
// address yet), and with a code limited in total that 300 paid orders have
// used (every view of the cart counts its uses).
//
//	go test ./checkout/server -run '^$' -bench CartWithCode -benchtime 3s
func BenchmarkCartWithCode(b *testing.B) {
	sh := newShop(&testing.T{})
	defer sh.ts.Close()
	defer sh.sc.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	send(b, c, sh, "POST", "/api/admin/codes", `{"code":"PERADRES","percent":10,"max_per_customer":1}`, map[string]string{"Authorization": "Bearer " + testAdminToken, "Origin": ""})
	send(b, c, sh, "POST", "/api/admin/codes", `{"code":"DRUK","percent":10,"max_uses":100000}`, map[string]string{"Authorization": "Bearer " + testAdminToken, "Origin": ""})
	for i := range 300 {
		cj, _ := cookiejar.New(nil)
		oc := &http.Client{Jar: cj}
		send(b, oc, sh, "POST", "/api/cart/items", `{"sku":"MOK-001","quantity":1}`, nil)
		send(b, oc, sh, "POST", "/api/checkout", strings.TrimSuffix(validCheckout, "}")+`,"code":"DRUK"}`, map[string]string{"Idempotency-Key": fmt.Sprint("bench-", i)})
	}
	send(b, c, sh, "POST", "/api/cart/items", `{"sku":"MOK-001","quantity":2}`, nil)
	for _, code := range []string{"", "PERADRES", "DRUK"} {
		name := code
		if name == "" {
			name = "none"
		}
		b.Run(name, func(b *testing.B) {
			if code == "" {
				send(b, c, sh, "DELETE", "/api/cart/code", "", nil)
			} else {
				send(b, c, sh, "POST", "/api/cart/code", `{"code":"`+code+`"}`, nil)
			}
			var lat latencies
			start := time.Now()
			b.ResetTimer()
			for b.Loop() {
				t0 := time.Now()
				send(b, c, sh, "GET", "/api/cart", "", nil)
				lat.add(time.Since(t0))
			}
			b.StopTimer()
			lat.report(b, time.Since(start))
		})
	}
}
