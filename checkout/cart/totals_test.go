package cart

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
)

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

func TestIncludedVAT(t *testing.T) {
	tests := []struct {
		amount money.Amount
		rate   int
		want   money.Amount
	}{
		{121, 21, 21},
		{109, 9, 9},
		{1450, 9, 120},   // 119.72
		{2900, 9, 239},   // 239.45
		{6900, 21, 1198}, // 1197.52
		{495, 21, 86},    // 85.91
		{3, 20, 1},       // 0.5 rounds up
		{9, 20, 2},       // 1.5 rounds up
		{-3, 20, -1},     // half away from zero
		{-6900, 21, -1198},
		{1000, 0, 0},
		{0, 21, 0},
	}
	for _, tt := range tests {
		if got := IncludedVAT(tt.amount, tt.rate); got != tt.want {
			t.Errorf("IncludedVAT(%d, %d) = %d, want %d", tt.amount, tt.rate, got, tt.want)
		}
	}
}

func TestCompute(t *testing.T) {
	cat := testCatalog(t)
	type vat = []VATLine
	tests := []struct {
		name             string
		lines            []Line
		method, country  string
		wantErr          error
		subtotal         money.Amount
		shipping         money.Amount
		method2          string
		free             bool
		remaining        money.Amount
		vat              vat
		grand            money.Amount
		changed, unavail bool
	}{
		{
			name:     "free shipping from 50 euros, two VAT rates",
			lines:    []Line{{SKU: "KOF-GUJI-250-BO", Quantity: 2, PriceSeen: 1450}, {SKU: "MOLEN-1", Quantity: 1, PriceSeen: 6900}},
			subtotal: 9800, shipping: 0, method2: "postnl", free: true,
			vat:   vat{{Rate: 9, Base: 2900, VAT: 239}, {Rate: 21, Base: 6900, VAT: 1198}},
			grand: 9800,
		},
		{
			name:     "below threshold: shipping follows the goods' rate",
			lines:    []Line{{SKU: "BOEK-001", Quantity: 1, PriceSeen: 2495}},
			subtotal: 2495, shipping: 495, method2: "postnl", remaining: 2505,
			vat:   vat{{Rate: 9, Base: 2990, VAT: 247}},
			grand: 2990,
		},
		{
			name:     "exactly the threshold is free",
			lines:    []Line{{SKU: "BOEK-001", Quantity: 2, PriceSeen: 2495}, {SKU: "KOF-GUJI-250-BO", Quantity: 0}},
			subtotal: 4990, shipping: 495, method2: "postnl", remaining: 10,
			vat:   vat{{Rate: 9, Base: 5485, VAT: 453}},
			grand: 5485,
		},
		{
			name:   "abroad under the threshold: Dutch rates, shipping follows the goods",
			lines:  []Line{{SKU: "BOEK-001", Quantity: 1, PriceSeen: 2495}},
			method: "dhl-eu", country: "be",
			subtotal: 2495, shipping: 1295, method2: "dhl-eu", remaining: 2505,
			vat:   vat{{Rate: 9, Base: 3790, VAT: 313}},
			grand: 3790,
		},
		{
			name:     "first method for the country when none chosen",
			lines:    []Line{{SKU: "BOEK-001", Quantity: 1, PriceSeen: 2495}},
			country:  "DE",
			subtotal: 2495, shipping: 1295, method2: "dhl-eu", remaining: 2505,
			vat:   vat{{Rate: 9, Base: 3790, VAT: 313}},
			grand: 3790,
		},
		{
			name:     "price changed since added",
			lines:    []Line{{SKU: "KOF-GUJI-250-BO", Quantity: 1, PriceSeen: 1300}},
			subtotal: 1450, shipping: 495, method2: "postnl", remaining: 3550,
			vat:     vat{{Rate: 9, Base: 1945, VAT: 161}},
			grand:   1945,
			changed: true,
		},
		{
			name:     "vanished SKU counts for nothing",
			lines:    []Line{{SKU: "GONE", Quantity: 3, PriceSeen: 999}, {SKU: "BOEK-001", Quantity: 1, PriceSeen: 2495}},
			subtotal: 2495, shipping: 495, method2: "postnl", remaining: 2505,
			vat:     vat{{Rate: 9, Base: 2990, VAT: 247}},
			grand:   2990,
			unavail: true,
		},
		{
			name: "empty cart: no shipping", method2: "postnl",
			vat: vat{},
		},
		{name: "unknown method", method: "ups", wantErr: ErrShippingMethod},
		{name: "method does not ship there", method: "postnl", country: "BE", wantErr: ErrNoShipping},
		{name: "no method ships there", country: "US", wantErr: ErrNoShipping},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines []Line
			for _, l := range tt.lines {
				if l.Quantity > 0 {
					lines = append(lines, l)
				}
			}
			got, err := Compute(&Cart{Lines: lines}, cat, tt.method, tt.country)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Subtotal != tt.subtotal || got.Shipping != tt.shipping || got.ShippingMethod != tt.method2 ||
				got.FreeShipping != tt.free || got.FreeShippingRemaining != tt.remaining || got.GrandTotal != tt.grand {
				t.Errorf("subtotal %d shipping %d (%s) free %v remaining %d grand %d; want %d %d (%s) %v %d %d",
					got.Subtotal, got.Shipping, got.ShippingMethod, got.FreeShipping, got.FreeShippingRemaining, got.GrandTotal,
					tt.subtotal, tt.shipping, tt.method2, tt.free, tt.remaining, tt.grand)
			}
			if len(got.VAT) != len(tt.vat) {
				t.Fatalf("VAT = %+v, want %+v", got.VAT, tt.vat)
			}
			var vatTotal money.Amount
			for i := range tt.vat {
				if got.VAT[i] != tt.vat[i] {
					t.Errorf("VAT[%d] = %+v, want %+v", i, got.VAT[i], tt.vat[i])
				}
				vatTotal += tt.vat[i].VAT
			}
			if got.VATTotal != vatTotal {
				t.Errorf("VATTotal = %d, want %d", got.VATTotal, vatTotal)
			}
			if got.PriceChanged != tt.changed || got.Unavailable != tt.unavail {
				t.Errorf("changed %v unavailable %v", got.PriceChanged, got.Unavailable)
			}
			if got.Currency != "EUR" || got.Adjustments == nil {
				t.Errorf("currency %q adjustments %v", got.Currency, got.Adjustments)
			}
		})
	}
}

func TestComputeLineDetails(t *testing.T) {
	cat := testCatalog(t)
	c := &Cart{Lines: []Line{{SKU: "KOF-GUJI-250-BO", Quantity: 3, PriceSeen: 1300}, {SKU: "GONE", Quantity: 1, PriceSeen: 500}}}
	got, err := Compute(c, cat, "", "")
	if err != nil {
		t.Fatal(err)
	}
	l := got.Lines[0]
	if l.Title != "Ethiopië Guji" || l.Variant != "250 g · bonen" || l.UnitPrice != 1450 || l.LineTotal != 4350 ||
		l.VATRate != 9 || !l.PriceChanged || l.OldPrice != 1300 || l.NewPrice != 1450 || l.DeliveryClass != "roasted-to-order" {
		t.Errorf("line = %+v", l)
	}
	if g := got.Lines[1]; !g.Unavailable || g.LineTotal != 0 || g.SKU != "GONE" {
		t.Errorf("vanished line = %+v", g)
	}
}

// TestComputeInvariants checks, for many random carts, that the parts add up:
// the VAT bases sum to the grand total, and each VAT amount is the rounded
// included VAT of its base.
func TestComputeInvariants(t *testing.T) {
	cat := bigCatalog(t, 20)
	r := rand.New(rand.NewPCG(1, 2))
	skus := make([]string, 0, len(cat.Items))
	for _, it := range cat.Items {
		skus = append(skus, it.SKU)
	}
	for range 2000 {
		c := &Cart{}
		for range r.IntN(8) {
			Add(c, cat, skus[r.IntN(len(skus))], 1+r.IntN(5), t0)
		}
		got, err := Compute(c, cat, "", "NL")
		if err != nil {
			t.Fatal(err)
		}
		var bases, lines money.Amount
		for _, v := range got.VAT {
			bases += v.Base
			if v.VAT != IncludedVAT(v.Base, v.Rate) {
				t.Fatalf("VAT line %+v", v)
			}
		}
		for _, l := range got.Lines {
			lines += l.LineTotal
			if l.LineTotal != l.UnitPrice*money.Amount(l.Quantity) {
				t.Fatalf("line total %+v", l)
			}
		}
		if bases != got.GrandTotal || lines != got.Subtotal || got.Subtotal+got.Shipping != got.GrandTotal {
			t.Fatalf("parts do not add up: %+v", got)
		}
		if (got.Subtotal >= cat.Shipping.FreeFrom || got.Subtotal == 0) != (got.Shipping == 0) {
			t.Fatalf("shipping %d for subtotal %d", got.Shipping, got.Subtotal)
		}
	}
}

// The browser cannot set prices: a cart line's PriceSeen never becomes the
// price charged.
func TestComputeIgnoresPriceSeen(t *testing.T) {
	cat := testCatalog(t)
	c := &Cart{Lines: []Line{{SKU: "MOLEN-1", Quantity: 1, PriceSeen: 1}}}
	got, err := Compute(c, cat, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if got.GrandTotal != 6900 {
		t.Errorf("GrandTotal = %d, want the catalog's 6900", got.GrandTotal)
	}
}

func TestComputeExactlyFreeFrom(t *testing.T) {
	cat := testCatalog(t)
	cat.Shipping.FreeFrom = 4990
	got, err := Compute(&Cart{Lines: []Line{{SKU: "BOEK-001", Quantity: 2}}}, cat, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if !got.FreeShipping || got.Shipping != 0 || got.GrandTotal != 4990 || got.FreeShippingRemaining != 0 {
		t.Errorf("at exactly free_from: %+v", got)
	}
	cat.Shipping.Methods = append(cat.Shipping.Methods, catalog.ShippingMethod{ID: "pickup", Price: 0, VATRate: 21, Countries: []string{"NL"}, Pickup: true})
	got, err = Compute(&Cart{Lines: []Line{{SKU: "MOLEN-1", Quantity: 0}, {SKU: "BOEK-001", Quantity: 1}}}, cat, "pickup", "NL")
	if err != nil || got.Shipping != 0 || got.FreeShippingRemaining != 0 || got.FreeShipping || len(got.VAT) != 1 {
		t.Errorf("pickup: %+v %v", got, err)
	}
	cat.Shipping.FreeFrom = 0 // no threshold: never free
	got, _ = Compute(&Cart{Lines: []Line{{SKU: "MOLEN-1", Quantity: 9}}}, cat, "", "")
	if got.FreeShipping || got.Shipping != 495 || got.FreeShippingRemaining != 0 {
		t.Errorf("without threshold: %+v", got)
	}
}

// TestShippingVATFollowsGoods is issue 10 §2: shipping takes the VAT rate of
// the goods (one rate: that rate; mixed: in proportion to the goods'
// amounts excluding VAT). A bag of coffee (9 %) with € 4,95 shipping holds
// € 0,41 VAT on shipping, not the € 0,86 of 21 % charged before this fix
// (the test failed then: one 21 % line for the shipping).
func TestShippingVATFollowsGoods(t *testing.T) {
	cat := testCatalog(t)
	got, err := Compute(&Cart{Lines: []Line{{SKU: "KOF-GUJI-250-BO", Quantity: 1}}}, cat, "postnl", "NL")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.VAT) != 1 || got.VAT[0].Rate != 9 || got.VAT[0].Base != 1945 {
		t.Fatalf("coffee and shipping: VAT lines %+v, want one 9%% line over 19,45", got.VAT)
	}
	if len(got.ShippingVAT) != 1 || got.ShippingVAT[0].VAT != 41 || got.ShippingVATRate != 9 {
		t.Fatalf("shipping VAT %+v (rate %d), want 0,41 at 9%%", got.ShippingVAT, got.ShippingVATRate)
	}
}

// TestOSSRates: registered for OSS, an order to Belgium pays Belgian VAT
// per class (6 % on books, 21 % standard): the price excluding VAT stays,
// and shipping follows the goods' Belgian rate.
func TestOSSRates(t *testing.T) {
	cat := testCatalog(t)
	cat.VAT = catalog.VAT{OSS: true, Rates: map[string]map[string]int{"BE": {"reduced": 6, "standard": 21, "zero": 0}, "DE": {"reduced": 7, "standard": 19, "zero": 0}}}
	for i := range cat.Items {
		cat.Items[i].VATClass = map[int]string{9: "reduced", 21: "standard", 0: "zero"}[cat.Items[i].VATRate]
	}
	got, err := Compute(&Cart{Lines: []Line{{SKU: "BOEK-001", Quantity: 1, PriceSeen: 2495}}}, cat, "dhl-eu", "BE")
	if err != nil {
		t.Fatal(err)
	}
	// 24,95 incl. 9 % = 22,89 excl.; with 6 %: 24,26.
	if got.Lines[0].UnitPrice != 2426 || got.Lines[0].VATRate != 6 || got.Lines[0].PriceChanged {
		t.Fatalf("book to Belgium: %+v", got.Lines[0])
	}
	if len(got.VAT) != 1 || got.VAT[0] != (VATLine{Rate: 6, Base: 2426 + 1295, VAT: 211}) || got.GrandTotal != 2426+1295 {
		t.Fatalf("VAT %+v total %d", got.VAT, got.GrandTotal)
	}
	// The Netherlands keep the catalog's prices and rates.
	nl, err := Compute(&Cart{Lines: []Line{{SKU: "BOEK-001", Quantity: 1}}}, cat, "", "NL")
	if err != nil || nl.Lines[0].UnitPrice != 2495 || nl.Lines[0].VATRate != 9 {
		t.Fatalf("NL: %+v %v", nl.Lines, err)
	}
}

func TestSplitCharge(t *testing.T) {
	for _, tc := range []struct {
		name   string
		charge money.Amount
		goods  map[int]money.Amount
		want   map[int]money.Amount
	}{
		{"one rate", 495, map[int]money.Amount{9: 1450}, map[int]money.Amount{9: 495}},
		// 9 %: 1450 → 1330 excl.; 21 %: 1000 → 826 excl.; 495 × 1330/2156 = 305.35
		{"two rates by the amounts excl. VAT", 495, map[int]money.Amount{9: 1450, 21: 1000}, map[int]money.Amount{9: 305, 21: 190}},
		// thirds: 1,00 over three equal parts leaves a cent for the largest
		{"remainder to the largest goods", 100, map[int]money.Amount{0: 1000, 9: 1090, 21: 1210}, map[int]money.Amount{0: 33, 9: 33, 21: 34}},
		{"no goods", 495, map[int]money.Amount{}, map[int]money.Amount{21: 495}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := SplitCharge(tc.charge, tc.goods, 21)
			var sum money.Amount
			for _, v := range got {
				sum += v
			}
			if sum != tc.charge || len(got) != len(tc.want) {
				t.Fatalf("split %v sums to %d, want %v", got, sum, tc.want)
			}
			for r, w := range tc.want {
				if got[r] != w {
					t.Fatalf("split %v, want %v", got, tc.want)
				}
			}
		})
	}
}
