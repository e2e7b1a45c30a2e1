package cart

import (
	"errors"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
)

func TestCodeErrors(t *testing.T) {
	cat := testCatalog(t)
	c := &Cart{}
	_ = Add(c, cat, "KOF-GUJI-250-BO", 2, t0) // 29,00 coffee (9 %)
	tot, err := Compute(c, cat, "postnl", "NL")
	if err != nil {
		t.Fatal(err)
	}
	pct := Code{Code: "WELKOM10", Kind: CodePercent, Value: 10}
	tests := []struct {
		name string
		code Code
		want error
	}{
		{"ok", pct, nil},
		{"expired", Code{Code: "X10", Kind: CodePercent, Value: 10, To: t0.Add(-time.Second)}, ErrCodeExpired},
		{"not yet", Code{Code: "X10", Kind: CodePercent, Value: 10, From: t0.Add(time.Hour)}, ErrCodeNotYet},
		{"below minimum", Code{Code: "X10", Kind: CodePercent, Value: 10, MinOrder: 2901}, ErrCodeBelowMin},
		{"exactly minimum", Code{Code: "X10", Kind: CodePercent, Value: 10, MinOrder: 2900}, nil},
		{"other category", Code{Code: "X10", Kind: CodePercent, Value: 10, Categories: []string{"boeken"}}, ErrCodeNotForCart},
		{"its product", Code{Code: "X10", Kind: CodePercent, Value: 10, Products: []string{"ethiopie-guji"}}, nil},
		{"disabled", Code{Code: "X10", Kind: CodePercent, Value: 10, Disabled: true}, ErrCodeUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tot
			got.Adjustments = nil
			err := ApplyCode(&got, tc.code, cat, "code", t0)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err == nil && got.Discount(KindCode) != 290 {
				t.Fatalf("discount %d, want 290 (10 %% of 29,00)", got.Discount(KindCode))
			}
			if err != nil && got.GrandTotal != tot.GrandTotal {
				t.Fatal("a refused code changed the total")
			}
		})
	}
}

// TestCodeProperty: for random carts, codes, countries and points, the
// parts add up (VAT bases to the total, each VAT the rounded VAT of its
// base), the code takes off what it promises (only from the goods it is
// for, never all of them), and refunds of the lines one by one never come
// to more than what was paid for the goods.
func TestCodeProperty(t *testing.T) {
	cat := giftCatalog(t)
	skus := []string{"KOF-GUJI-250-BO", "BOEK-001", "MOLEN-1", "CADEAU-50"}
	rapid.Check(t, func(rt *rapid.T) {
		c := &Cart{}
		for _, sku := range skus {
			if n := rapid.IntRange(0, 4).Draw(rt, sku); n > 0 {
				_ = Add(c, cat, sku, n, t0)
			}
		}
		if len(c.Lines) == 0 {
			_ = Add(c, cat, "BOEK-001", 1, t0)
		}
		country := rapid.SampledFrom([]string{"NL", "BE", "DE"}).Draw(rt, "country")
		tot, err := Compute(c, cat, "", country)
		if err != nil {
			rt.Skip(err)
		}
		code := Code{Code: "TEST", Kind: rapid.SampledFrom([]string{CodePercent, CodeFixed}).Draw(rt, "kind")}
		if code.Kind == CodePercent {
			code.Value = int64(rapid.IntRange(1, 100).Draw(rt, "pct"))
		} else {
			code.Value = int64(rapid.IntRange(1, 30000).Draw(rt, "amount"))
		}
		if rapid.Bool().Draw(rt, "minimum") {
			code.MinOrder = money.Amount(rapid.IntRange(1, 20000).Draw(rt, "min"))
		}
		if rapid.Bool().Draw(rt, "restricted") {
			code.Categories = []string{rapid.SampledFrom([]string{"koffie", "boeken", "gereedschap"}).Draw(rt, "cat")}
		}
		before := tot
		err = ApplyCode(&tot, code, cat, "code TEST", t0)
		if errors.Is(err, ErrCodeBelowMin) {
			if tot.Goods() >= code.MinOrder {
				rt.Fatalf("below the minimum %d with goods of %d", code.MinOrder, tot.Goods())
			}
			return
		}
		if errors.Is(err, ErrCodeNotForCart) {
			return
		}
		if tot.Goods() < code.MinOrder { // a gift card is money: it never reaches a code's minimum
			rt.Fatalf("minimum %d met with goods of %d (subtotal %d)", code.MinOrder, tot.Goods(), tot.Subtotal)
		}
		if err != nil {
			rt.Fatal(err)
		}
		off := tot.Discount(KindCode)
		var eligible money.Amount
		for _, l := range tot.Lines {
			if it, _ := cat.Lookup(l.SKU); code.ForItem(it) && !l.GiftCard { // a code never discounts a gift card
				eligible += l.LineTotal
			}
		}
		if off <= 0 || off > eligible || off >= tot.Subtotal {
			rt.Fatalf("discount %d of eligible %d, goods %d", off, eligible, tot.Subtotal)
		}
		if code.Kind == CodeFixed && off != min(money.Amount(code.Value), eligible, tot.Subtotal-1) {
			rt.Fatalf("fixed %d took %d off", code.Value, off)
		}
		if pts := money.Amount(rapid.IntRange(0, 5000).Draw(rt, "points")); pts > 0 && pts < tot.GoodsDue() { // points leave gift cards alone
			if err := ApplyDiscount(&tot, "points", "points", pts); err != nil {
				rt.Fatal(err)
			}
		}
		var bases money.Amount
		for _, v := range tot.VAT {
			bases += v.Base
			if v.VAT != IncludedVAT(v.Base, v.Rate) || v.Base < 0 {
				rt.Fatalf("VAT line %+v", v)
			}
		}
		var adj money.Amount
		for _, a := range tot.Adjustments {
			adj += a.Amount
		}
		if bases != tot.GrandTotal || tot.GrandTotal != tot.Subtotal+tot.Shipping+adj || tot.Shipping != before.Shipping {
			rt.Fatalf("parts do not add up: %+v", tot)
		}
		// Refund line by line: each at most its price, all together at
		// most what the goods cost after the discounts.
		var refunded money.Amount
		for _, l := range tot.Lines {
			p := tot.PaidFor(map[string]money.Amount{l.SKU: l.LineTotal})
			if p < 0 || p > l.LineTotal {
				rt.Fatalf("refund %d for line %d", p, l.LineTotal)
			}
			if it, _ := cat.Lookup(l.SKU); (l.GiftCard || !code.ForItem(it) && tot.Discount("points") == 0) && p != l.LineTotal {
				rt.Fatalf("a line the code is not for refunds %d of %d", p, l.LineTotal)
			}
			refunded += p
		}
		if paid := tot.GrandTotal - tot.Shipping; refunded > paid || refunded < paid-money.Amount(2*len(tot.Lines)+2) {
			rt.Fatalf("line refunds %d, goods paid %d", refunded, paid)
		}
	})
}

// giftCatalog is the test catalog with a € 50 gift card (no VAT).
func giftCatalog(t testing.TB) *catalog.Catalog {
	c := testCatalog(t)
	c.Items = append(c.Items, catalog.Item{SKU: "CADEAU-50", Title: "Cadeaukaart", Price: 5000, Currency: "EUR",
		VATRate: 0, DeliveryClass: "standard", GiftCard: true})
	b, _ := jsonMarshal(c)
	c, err := catalog.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseCodes(t *testing.T) {
	zone, _ := time.LoadLocation("Europe/Amsterdam")
	good := `
[[code]]
code = "welkom10"
percent = 10
min_order = 25.00
from = 2026-12-01
to = 2026-12-31
categories = ["koffie"]
max_per_customer = 1

[[code]]
code = "VIJF"
amount = 5.00
max_uses = 100
`
	codes, probs := ParseCodes([]byte(good), zone)
	if len(probs) != 0 || len(codes) != 2 {
		t.Fatalf("codes %+v problems %+v", codes, probs)
	}
	c := codes[0]
	if c.Code != "WELKOM10" || c.Kind != CodePercent || c.Value != 10 || c.MinOrder != 2500 || c.MaxPerUser != 1 ||
		!c.From.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, zone)) || !c.To.After(time.Date(2026, 12, 31, 23, 59, 59, 0, zone)) {
		t.Fatalf("code %+v", c)
	}
	if codes[1].Kind != CodeFixed || codes[1].Value != 500 {
		t.Fatalf("fixed %+v", codes[1])
	}
	bad := []struct{ file, field string }{
		{"[[code]]\ncode = \"X\"\npercent = 10\n", "code[0] (X).code"},
		{"[[code]]\ncode = \"ABC\"\npercent = 150\n", "code[0] (ABC).percent"},
		{"[[code]]\ncode = \"ABC\"\n", "code[0] (ABC).kind"},
		{"[[code]]\ncode = \"ABC\"\npercent = 5\namount = 1.0\n", "code[0] (ABC).percent"},
		{"[[code]]\ncode = \"ABC\"\npercent = 5\nto = \"31-12-2026\"\n", "code[0] (ABC).to"},
		{"[[code]]\ncode = \"ABC\"\npercent = 5\nfrom = 2026-12-31\nto = 2026-12-01\n", "code[0] (ABC).to"},
		{"[[code]]\ncode = \"ABC\"\npercent = 5\nprocent = 5\n", "code.procent"},
		{"[[code]]\ncode = \"ABC\"\npercent = 5\n[[code]]\ncode = \"abc\"\npercent = 5\n", "code[1] (ABC).code"},
	}
	for _, b := range bad {
		_, probs := ParseCodes([]byte(b.file), zone)
		if len(probs) == 0 || probs[0].Field != b.field {
			t.Errorf("%q: problems %+v, want field %s", b.file, probs, b.field)
		}
	}
}
