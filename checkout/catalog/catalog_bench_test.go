package catalog

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
)

// bigCatalogJSON is the test catalog with n generated items.
func bigCatalogJSON(b testing.TB, n int) []byte {
	var m map[string]any
	if err := json.Unmarshal(validJSON(b), &m); err != nil {
		b.Fatal(err)
	}
	proto := m["items"].([]any)[0].(map[string]any)
	items := make([]any, 0, n)
	for i := range n {
		it := map[string]any{}
		for k, v := range proto {
			it[k] = v
		}
		it["sku"] = fmt.Sprintf("SKU-%05d", i)
		it["title"] = fmt.Sprintf("Product number %d with a longer title", i)
		it["url"] = fmt.Sprintf("/producten/product-%d/", i)
		it["image"] = fmt.Sprintf("/producten/product-%d/foto_hu%x_400x0_resize_q75.webp", i, i*7919)
		it["price"] = 100 + i
		items = append(items, it)
	}
	m["items"] = items
	data, err := json.Marshal(m)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkParse10k parses a 10,000-SKU catalog and reports the heap it
// keeps alive (what one loaded catalog costs the sidecar).
func BenchmarkParse10k(b *testing.B) {
	data := bigCatalogJSON(b, 10000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(retained(data))/(1<<20), "MB-retained")
	b.ReportMetric(float64(len(data))/(1<<20), "MB-json")
}

// BenchmarkLookup: one SKU lookup in a 10,000-SKU catalog.
func BenchmarkLookup(b *testing.B) {
	c, err := Parse(bigCatalogJSON(b, 10000))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := c.Lookup("SKU-04711"); !ok {
			b.Fatal("not found")
		}
	}
}

// retained is the heap a parsed catalog keeps alive: the heap with it,
// minus the heap once it is dropped.
func retained(data []byte) int64 {
	var with, without runtime.MemStats
	c, _ := Parse(data)
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&with)
	runtime.KeepAlive(c)
	c = nil
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&without)
	return int64(with.HeapAlloc) - int64(without.HeapAlloc)
}
