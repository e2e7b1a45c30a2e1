package cart

import (
	"errors"
	"testing"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
)

// A cart's subtotal stays at most MaxTotal: Add refuses more, and Compute
// refuses a cart past it (after a price rise) instead of wrapping around.
func TestMaxTotal(t *testing.T) {
	cat := testCatalog(t)
	cat.Items = append(cat.Items, catalog.Item{SKU: "GOUD-1", Title: "Goud", Price: catalog.MaxPrice / 2,
		Currency: "EUR", VATRate: 21, DeliveryClass: "standard"})
	b, _ := jsonMarshal(cat)
	cat, err := catalog.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		qty  int
		want error
	}{
		{"at the cap", 2, nil},
		{"past the cap", 3, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Cart{}
			if err := Add(c, cat, "GOUD-1", tt.qty, t0); !errors.Is(err, tt.want) {
				t.Fatalf("Add %d: %v, want %v", tt.qty, err, tt.want)
			}
			// The same cart reached another way (a quantity set later).
			c = &Cart{Lines: []Line{{SKU: "GOUD-1", Quantity: tt.qty}}}
			tot, err := Compute(c, cat, "", "NL")
			if !errors.Is(err, tt.want) {
				t.Fatalf("Compute: %v, want %v", err, tt.want)
			}
			if err == nil && tot.Subtotal != money.Amount(tt.qty)*(catalog.MaxPrice/2) {
				t.Errorf("subtotal %d", tot.Subtotal)
			}
		})
	}
	// A cheap item on top of a cart at the cap is refused too.
	c := &Cart{}
	if err := Add(c, cat, "GOUD-1", 2, t0); err != nil {
		t.Fatal(err)
	}
	if err := Add(c, cat, "BOEK-001", 1, t0); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Add on a full cart: %v, want ErrTooLarge", err)
	}
}
