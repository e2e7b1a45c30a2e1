package cart

import (
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
)

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func testCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	b, err := os.ReadFile("../catalog/testdata/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// bigCatalog has n tracked items SKU-0000 … priced 100 + i.
func bigCatalog(t testing.TB, n int) *catalog.Catalog {
	c := testCatalog(t)
	for i := range n {
		c.Items = append(c.Items, catalog.Item{SKU: fmt.Sprintf("SKU-%04d", i), Title: "x", Price: money.Amount(100 + i),
			Currency: "EUR", VATRate: 21, DeliveryClass: "standard"})
	}
	b, _ := jsonMarshal(c)
	c, err := catalog.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAdd(t *testing.T) {
	cat := testCatalog(t)
	c := &Cart{ID: "c1"}
	if err := Add(c, cat, "BOEK-001", 2, t0); err != nil {
		t.Fatal(err)
	}
	if err := Add(c, cat, "BOEK-001", 3, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if len(c.Lines) != 1 || c.Lines[0].Quantity != 5 || c.Lines[0].PriceSeen != 2495 {
		t.Fatalf("lines = %+v", c.Lines)
	}
	if !c.CreatedAt.Equal(t0) || !c.UpdatedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("times: created %v updated %v", c.CreatedAt, c.UpdatedAt)
	}
	if c.Count() != 5 {
		t.Errorf("Count = %d", c.Count())
	}

	tests := []struct {
		name string
		sku  string
		qty  int
		want error
	}{
		{"unknown sku", "NOPE", 1, ErrUnknownSKU},
		{"zero", "MOLEN-1", 0, ErrQuantity},
		{"negative", "MOLEN-1", -1, ErrQuantity},
		{"absurd", "MOLEN-1", 1000000, ErrQuantity},
		{"over 99 in total", "BOEK-001", 95, ErrQuantity},
		{"exactly 99 in total", "BOEK-001", 94, nil},
		{"new line of 99", "MOLEN-1", 99, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fmt.Sprint(c.Lines)
			err := Add(c, cat, tt.sku, tt.qty, t0)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Add(%s, %d) = %v, want %v", tt.sku, tt.qty, err, tt.want)
			}
			if err != nil && fmt.Sprint(c.Lines) != before {
				t.Errorf("failed Add changed the cart: %v -> %v", before, c.Lines)
			}
		})
	}
}

func TestAddLineLimit(t *testing.T) {
	cat := bigCatalog(t, MaxLines+1)
	c := &Cart{}
	for i := range MaxLines {
		if err := Add(c, cat, fmt.Sprintf("SKU-%04d", i), 1, t0); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
	}
	if err := Add(c, cat, fmt.Sprintf("SKU-%04d", MaxLines), 1, t0); !errors.Is(err, ErrTooManyLines) {
		t.Fatalf("line %d: %v, want ErrTooManyLines", MaxLines+1, err)
	}
	// Adding to an existing line is still fine.
	if err := Add(c, cat, "SKU-0000", 1, t0); err != nil {
		t.Fatalf("add to existing line of a full cart: %v", err)
	}
}

func TestSetQuantityAndRemove(t *testing.T) {
	cat := testCatalog(t)
	c := &Cart{}
	Add(c, cat, "BOEK-001", 1, t0)
	Add(c, cat, "MOLEN-1", 1, t0)
	tests := []struct {
		sku  string
		qty  int
		want error
	}{
		{"BOEK-001", 3, nil},
		{"BOEK-001", 99, nil},
		{"BOEK-001", 0, ErrQuantity},
		{"BOEK-001", 100, ErrQuantity},
		{"NOPE", 1, ErrNotInCart},
		{"KOF-GUJI-250-BO", 1, ErrNotInCart},
	}
	for _, tt := range tests {
		err := SetQuantity(c, tt.sku, tt.qty, t0)
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("SetQuantity(%s, %d) = %v, want %v", tt.sku, tt.qty, err, tt.want)
		}
	}
	if c.Lines[c.Find("BOEK-001")].Quantity != 99 {
		t.Errorf("quantity = %d", c.Lines[c.Find("BOEK-001")].Quantity)
	}
	if err := Remove(c, "BOEK-001", t0); err != nil {
		t.Fatal(err)
	}
	if err := Remove(c, "BOEK-001", t0); !errors.Is(err, ErrNotInCart) {
		t.Errorf("second Remove = %v", err)
	}
	if len(c.Lines) != 1 || c.Lines[0].SKU != "MOLEN-1" {
		t.Errorf("lines = %+v", c.Lines)
	}
}

func TestSetQuantityOfVanishedSKU(t *testing.T) {
	c := &Cart{Lines: []Line{{SKU: "GONE", Quantity: 1, PriceSeen: 100}}}
	if err := SetQuantity(c, "GONE", 2, t0); err != nil {
		t.Fatal(err)
	}
	if err := Remove(c, "GONE", t0); err != nil {
		t.Fatal(err)
	}
}

func TestAcceptPrices(t *testing.T) {
	cat := testCatalog(t)
	c := &Cart{Lines: []Line{{SKU: "BOEK-001", Quantity: 1, PriceSeen: 1999}, {SKU: "MOLEN-1", Quantity: 1, PriceSeen: 6900}}}
	if !AcceptPrices(c, cat, t0) {
		t.Fatal("AcceptPrices reported no change")
	}
	if c.Lines[0].PriceSeen != 2495 {
		t.Errorf("PriceSeen = %d", c.Lines[0].PriceSeen)
	}
	if AcceptPrices(c, cat, t0) {
		t.Error("second AcceptPrices reported a change")
	}
}
