package cart

import (
	"fmt"
	"testing"
)

// BenchmarkCompute prices a 10-line cart from a 10,000-SKU catalog.
func BenchmarkCompute(b *testing.B) {
	cat := bigCatalog(b, 10000)
	c := &Cart{}
	for i := range 10 {
		if err := Add(c, cat, fmt.Sprintf("SKU-%04d", i*997), 1+i%3, t0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Compute(c, cat, "", "NL"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAdd: adding to a cart of 20 lines (pure, no store).
func BenchmarkAdd(b *testing.B) {
	cat := bigCatalog(b, 100)
	c := &Cart{}
	for i := range 20 {
		Add(c, cat, fmt.Sprintf("SKU-%04d", i), 1, t0)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sku := fmt.Sprintf("SKU-%04d", i%20)
		if c.Lines[c.Find(sku)].Quantity >= MaxQuantity {
			SetQuantity(c, sku, 1, t0)
		}
		if err := Add(c, cat, sku, 1, t0); err != nil {
			b.Fatal(err)
		}
	}
}
