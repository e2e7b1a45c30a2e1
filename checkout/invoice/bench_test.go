package invoice

import (
	"bytes"
	"testing"

	"github.com/storefront/storefront/checkout/order"
)

// BenchmarkWritePDF renders a three-line invoice (what the confirmation
// mail and the order page's link do each time).
func BenchmarkWritePDF(b *testing.B) {
	cat := testCatalog(b)
	o := paidOrder(b, cat, order.Customer{Name: "Zoë", Street: "Oudegracht 1", PostalCode: "3511 AA", City: "Utrecht", Country: "NL"},
		"postnl", false, "KOF-GUJI-250-BO", 2, "MOLEN-1", 1, "BOEK-001", 1)
	d, err := FromOrder(o, cat.Shop)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := WritePDF(&buf, d, PDFOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}
