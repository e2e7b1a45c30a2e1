package catalog

import (
	"testing"

	"github.com/storefront/storefront/checkout/catalog/catalogtest"
)

// bigCatalogJSON is the test catalog with n generated items.
func bigCatalogJSON(b testing.TB, n int) []byte { return catalogtest.Big(b, validJSON(b), n) }

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

// retained is the heap a parsed catalog keeps alive.
func retained(data []byte) int64 {
	return catalogtest.Retained(func() any { c, _ := Parse(data); return c })
}
