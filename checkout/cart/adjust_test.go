package cart

import (
	"errors"
	"testing"

	"github.com/storefront/storefront/checkout/money"
)

// totals builds Totals with goods at the given rates and shipping (which
// follows the goods' rates).
func totals(goods map[int]money.Amount, shipping money.Amount) Totals {
	t := Totals{Currency: "EUR", Shipping: shipping, ShippingVATRate: 21, Adjustments: []Adjustment{}}
	for r, v := range goods {
		t.Lines = append(t.Lines, TotalLine{SKU: "x", Quantity: 1, LineTotal: v, UnitPrice: v, VATRate: r})
		t.Subtotal += v
	}
	t.recompute()
	return t
}

func TestApplyDiscount(t *testing.T) {
	for _, tc := range []struct {
		name     string
		goods    map[int]money.Amount
		shipping money.Amount
		discount money.Amount
		perRate  map[int]money.Amount // discount carried per rate
	}{
		{"one rate", map[int]money.Amount{9: 3000}, 495, 500, map[int]money.Amount{9: 500}},
		{"two rates in proportion", map[int]money.Amount{9: 3000, 21: 1000}, 0, 400, map[int]money.Amount{9: 300, 21: 100}},
		{"rounding remainder to the largest rate", map[int]money.Amount{9: 1000, 21: 2000}, 495, 100, map[int]money.Amount{9: 33, 21: 67}},
		{"zero rate too", map[int]money.Amount{0: 2495, 21: 2495}, 0, 1000, map[int]money.Amount{0: 500, 21: 500}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tt := totals(tc.goods, tc.shipping)
			before := tt.GrandTotal
			if err := ApplyDiscount(&tt, "points", "Points", tc.discount); err != nil {
				t.Fatal(err)
			}
			if tt.GrandTotal != before-tc.discount {
				t.Fatalf("grand total %d, want %d", tt.GrandTotal, before-tc.discount)
			}
			if tt.Discount("points") != tc.discount {
				t.Fatalf("Discount = %d, want %d", tt.Discount("points"), tc.discount)
			}
			got := map[int]money.Amount{}
			for _, a := range tt.Adjustments {
				got[a.VATRate] -= a.Amount
			}
			for r, want := range tc.perRate {
				if got[r] != want {
					t.Fatalf("rate %d carries %d, want %d (%+v)", r, got[r], want, tt.Adjustments)
				}
			}
			// The VAT shown is the VAT in what is charged, rate by rate.
			var sumBase money.Amount
			for _, v := range tt.VAT {
				wantBase := tc.goods[v.Rate] - tc.perRate[v.Rate]
				for _, sv := range tt.ShippingVAT { // shipping follows the goods' rates
					if sv.Rate == v.Rate {
						wantBase += sv.Base
					}
				}
				if v.Base != wantBase || v.VAT != IncludedVAT(wantBase, v.Rate) {
					t.Fatalf("VAT at %d%%: base %d vat %d, want base %d vat %d", v.Rate, v.Base, v.VAT, wantBase, IncludedVAT(wantBase, v.Rate))
				}
				sumBase += v.Base
			}
			if sumBase != tt.GrandTotal {
				t.Fatalf("VAT bases add up to %d, grand total %d", sumBase, tt.GrandTotal)
			}
		})
	}
}

func TestApplyDiscountLimits(t *testing.T) {
	tt := totals(map[int]money.Amount{9: 1000}, 495)
	if err := ApplyDiscount(&tt, "points", "P", 1000); !errors.Is(err, ErrDiscount) {
		t.Fatalf("a discount of all the goods: %v, want ErrDiscount", err)
	}
	if err := ApplyDiscount(&tt, "points", "P", 0); err != nil || len(tt.Adjustments) != 0 || tt.GrandTotal != 1495 {
		t.Fatalf("a zero discount changed the totals: %v %+v", err, tt)
	}
}

func TestPaidForPoints(t *testing.T) {
	tt := totals(map[int]money.Amount{9: 2900}, 495)
	tt.Lines[0].SKU, tt.Lines[0].Quantity, tt.Lines[0].UnitPrice = "KOF", 2, 1450
	if got := tt.PaidFor(map[string]money.Amount{"KOF": 1450}); got != 1450 {
		t.Fatalf("no discount: %d, want 1450", got)
	}
	if err := ApplyDiscount(&tt, "points", "P", 1000); err != nil {
		t.Fatal(err)
	}
	// 29.00 of goods paid 19.00: one of two items cost 9.50.
	for _, c := range []struct{ a, want money.Amount }{{1450, 950}, {2900, 1900}, {0, 0}, {1, 0}} {
		if got := tt.PaidFor(map[string]money.Amount{"KOF": c.a}); got != c.want {
			t.Errorf("PaidFor(%d) = %d, want %d", c.a, got, c.want)
		}
	}
}
