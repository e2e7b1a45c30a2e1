// Package catalogtest makes big catalogs for the tests and benchmarks of
// catalog and catalog/source.
package catalogtest

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
)

// Big is the valid test catalog with n generated items, each a copy of its
// first item with its own SKU, title, URL, image and price.
func Big(t testing.TB, valid []byte, n int) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(valid, &m); err != nil {
		t.Fatal(err)
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
		t.Fatal(err)
	}
	return data
}

// Retained is the heap what parse returns keeps alive (a parsed catalog):
// the heap with it, minus the heap once it is dropped. parse is a function
// so that the catalog package's own tests can use this without a cycle.
func Retained(parse func() any) int64 {
	var with, without runtime.MemStats
	c := parse()
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
