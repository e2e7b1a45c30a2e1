package cart

import (
	"errors"
	"testing"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/loyalty"
	"github.com/storefront/storefront/checkout/money"
)

// pointsCatalog is the test catalog with goods at 0 %, 9 % and 21 % and two
// gift cards (rate 0, like goods at 0 %: the split must tell them apart).
func pointsCatalog(t testing.TB) *catalog.Catalog {
	c := testCatalog(t)
	c.Items = append(c.Items,
		catalog.Item{SKU: "KRANT-0", Title: "Krant", Category: "boeken", Price: 350, Currency: "EUR", VATRate: 0, DeliveryClass: "standard"},
		catalog.Item{SKU: "CADEAU-50", Title: "Cadeaukaart", Price: 5000, Currency: "EUR", VATRate: 0, DeliveryClass: "standard", GiftCard: true},
		catalog.Item{SKU: "CADEAU-25", Title: "Cadeaukaart", Price: 2500, Currency: "EUR", VATRate: 0, DeliveryClass: "standard", GiftCard: true})
	b, _ := jsonMarshal(c)
	c, err := catalog.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// goodsAndCards is what the goods (gift cards aside) cost per rate, and the
// gift cards.
func goodsAndCards(t Totals) (map[int]money.Amount, money.Amount) {
	by := map[int]money.Amount{}
	var cards money.Amount
	for _, l := range t.Lines {
		if l.GiftCard {
			cards += l.LineTotal
		} else {
			by[l.VATRate] += l.LineTotal
		}
	}
	return by, cards
}

// TestPointsOnGoodsOnlyProperty: over random carts of goods at 0, 9 and
// 21 % and gift cards, a code or not, points or not (as many as the rule
// allows, or a few), the points never take a gift card's money: the
// discount is at most the goods less the code less one cent, it sits only on
// the goods' rates and SKUs, every gift card is charged in full, the VAT
// per rate is the VAT in what is charged at that rate, and refunds of the
// units in any number of parts never come to more than was paid, a gift card
// always coming back whole.
func TestPointsOnGoodsOnlyProperty(t *testing.T) {
	cat := pointsCatalog(t)
	rapid.Check(t, func(rt *rapid.T) {
		c := drawPointsCart(rt, cat)
		if len(c.Lines) == 0 {
			_ = Add(c, cat, "CADEAU-25", 1, t0)
		}
		tot, err := Compute(c, cat, "", rapid.SampledFrom([]string{"NL", "BE"}).Draw(rt, "country"))
		if err != nil {
			rt.Fatal(err)
		}
		goodsBy, cards := goodsAndCards(tot)
		goods := tot.Subtotal - cards
		if rapid.Bool().Draw(rt, "code") {
			code := Code{Code: "TEST", Kind: rapid.SampledFrom([]string{CodePercent, CodeFixed}).Draw(rt, "kind")}
			if code.Kind == CodePercent {
				code.Value = int64(rapid.IntRange(1, 100).Draw(rt, "pct"))
			} else {
				code.Value = int64(rapid.IntRange(1, 30000).Draw(rt, "amount"))
			}
			if rapid.Bool().Draw(rt, "restricted") {
				code.Categories = []string{rapid.SampledFrom([]string{"koffie", "boeken", "gereedschap"}).Draw(rt, "cat")}
			}
			if err := ApplyCode(&tot, code, cat, "code TEST", t0); err != nil && !errors.Is(err, ErrCodeNotForCart) {
				rt.Fatal(err)
			}
		}
		codeOff := tot.Discount(KindCode)
		due := tot.GoodsDue()
		if due != goods-codeOff {
			rt.Fatalf("goods due %d, want goods %d less the code %d", due, goods, codeOff)
		}
		if due > 0 {
			if err := ApplyDiscount(&tot, "points", "P", due); !errors.Is(err, ErrDiscount) {
				rt.Fatalf("points of all the goods due (%d): %v, want ErrDiscount", due, err)
			}
		}
		shipping := tot.Shipping
		if rapid.Bool().Draw(rt, "points") {
			rule := loyalty.Rule{PointsPerEuro: 1, PointValue: money.Amount(rapid.IntRange(1, 10).Draw(rt, "point value")),
				MinRedeem: rapid.IntRange(0, 100).Draw(rt, "min redeem")}
			_, d := rule.Redeem(rapid.IntRange(0, 50000).Draw(rt, "balance"), tot.GoodsDue(), rapid.IntRange(0, 5000).Draw(rt, "want"))
			if err := ApplyDiscount(&tot, "points", "P", d); err != nil {
				rt.Fatalf("points worth %d on goods due %d: %v", d, due, err)
			}
		}
		pts := tot.Discount("points")
		if pts > 0 && pts > goods-codeOff-1 {
			rt.Fatalf("points %d off goods %d (code %d, gift cards %d aside)", pts, goods, codeOff, cards)
		}
		// Discounts sit on the goods' rates, never more than the goods there,
		// and name goods only.
		off := map[int]money.Amount{}
		for _, a := range tot.Adjustments {
			off[a.VATRate] -= a.Amount
			for _, s := range a.SKUs {
				if l := tot.Lines[lineIndex(tot, s)]; l.GiftCard {
					rt.Fatalf("a %s discount names gift card %s", a.Kind, s)
				}
			}
		}
		for r, v := range off {
			if v > goodsBy[r] {
				rt.Fatalf("discounts of %d at %d%% on goods of %d there (gift cards %d): %+v", v, r, goodsBy[r], cards, tot.Adjustments)
			}
		}
		if tot.Shipping != shipping || tot.GrandTotal != goods-codeOff-pts+cards+tot.Shipping {
			rt.Fatalf("charged %d, want goods %d - code %d - points %d + gift cards %d + shipping %d",
				tot.GrandTotal, goods, codeOff, pts, cards, tot.Shipping)
		}
		// VAT on what is charged, per rate.
		ship := map[int]money.Amount{}
		for _, v := range tot.ShippingVAT {
			ship[v.Rate] += v.Base
		}
		want := map[int]money.Amount{0: cards}
		for r, v := range goodsBy {
			want[r] += v
		}
		var bases money.Amount
		for _, v := range tot.VAT {
			w := want[v.Rate] - off[v.Rate] + ship[v.Rate]
			if v.Base != w || v.VAT != IncludedVAT(w, v.Rate) {
				rt.Fatalf("VAT at %d%%: base %d VAT %d, want base %d VAT %d", v.Rate, v.Base, v.VAT, w, IncludedVAT(w, v.Rate))
			}
			bases += v.Base
		}
		if bases != tot.GrandTotal {
			rt.Fatalf("VAT bases %d, charged %d", bases, tot.GrandTotal)
		}
		checkRefunds(rt, tot, true)
	})
}

// checkRefunds returns the units of tot in random parts (each unit once):
// each part at most its price, together at most what the goods and cards
// cost, and no more than a few cents less. newOrder: a gift card comes back
// whole.
func checkRefunds(rt *rapid.T, tot Totals, newOrder bool) {
	n := rapid.IntRange(1, 4).Draw(rt, "refunds")
	parts := make([]map[string]money.Amount, n)
	for i := range parts {
		parts[i] = map[string]money.Amount{}
	}
	for _, l := range tot.Lines {
		for u := range l.Quantity {
			_ = u
			parts[rapid.IntRange(0, n-1).Draw(rt, "refund of a unit of "+l.SKU)][l.SKU] += l.UnitPrice
		}
	}
	var refunded, worth money.Amount
	for _, p := range parts {
		got := tot.PaidFor(p)
		var w money.Amount
		for _, a := range p {
			w += a
		}
		if got < 0 || got > w {
			rt.Fatalf("refund of %v: %d", p, got)
		}
		refunded += got
		worth += w
	}
	paid := tot.GrandTotal - tot.Shipping
	if refunded > paid || refunded < paid-money.Amount(4*n*len(tot.Lines)+2) {
		rt.Fatalf("refunds %d of goods and cards paid %d (%d parts)", refunded, paid, n)
	}
	if newOrder {
		for _, l := range tot.Lines {
			if l.GiftCard {
				if got := tot.PaidFor(map[string]money.Amount{l.SKU: l.UnitPrice}); got != l.UnitPrice {
					rt.Fatalf("a gift card of %d refunds %d", l.UnitPrice, got)
				}
			}
		}
	}
}

func lineIndex(t Totals, sku string) int {
	for i, l := range t.Lines {
		if l.SKU == sku {
			return i
		}
	}
	return -1
}

// oldPoints prices points as they were before they left gift cards alone
// (over every line, gift cards' rate 0 included, no SKUs): an order stored
// then keeps such adjustments.
func oldPoints(t *Totals, amount money.Amount) error {
	by := t.GoodsVAT()
	for _, a := range t.Adjustments {
		by[a.VATRate] += a.Amount
	}
	return applyDiscountOn(t, "points", "P", amount, by, nil)
}

// TestOldOrderPointsOnGiftCardsRefundProperty: an order stored before this
// change, whose points were split over its gift cards too, refunds as it
// was paid: any parts together never more than was paid (nor much less),
// and a gift card gives back what the customer paid for it.
func TestOldOrderPointsOnGiftCardsRefundProperty(t *testing.T) {
	cat := pointsCatalog(t)
	rapid.Check(t, func(rt *rapid.T) {
		c := drawPointsCart(rt, cat)
		_ = Add(c, cat, "CADEAU-25", 1, t0)
		tot, err := Compute(c, cat, "", "NL")
		if err != nil {
			rt.Fatal(err)
		}
		if rapid.Bool().Draw(rt, "code") {
			_ = ApplyCode(&tot, Code{Code: "TEST", Kind: CodePercent, Value: int64(rapid.IntRange(1, 100).Draw(rt, "pct"))}, cat, "c", t0)
		}
		left := tot.Subtotal - tot.Discount(KindCode)
		pts := money.Amount(rapid.Int64Range(1, int64(left-1)).Draw(rt, "points"))
		if err := oldPoints(&tot, pts); err != nil {
			rt.Fatal(err)
		}
		checkRefunds(rt, tot, false)
		for _, l := range tot.Lines {
			if l.GiftCard {
				// The card paid its share of the points then: it gives back
				// its price less that share, to the cent rounded down.
				want := money.Amount(int64(l.UnitPrice) * int64(left-pts) / int64(left))
				if got := tot.PaidFor(map[string]money.Amount{l.SKU: l.UnitPrice}); got != want {
					rt.Fatalf("an old order's card of %d (points %d of %d) refunds %d, want %d", l.UnitPrice, pts, left, got, want)
				}
			}
		}
	})
}

// TestPointsBesideGiftCard: a book and a gift card, € 10 of points: the
// points sit on the book (9 %), the card is charged and refunded whole; the
// same order stored before keeps its old split and refunds as it was paid.
func TestPointsBesideGiftCard(t *testing.T) {
	cat := pointsCatalog(t)
	c := &Cart{}
	_ = Add(c, cat, "BOEK-001", 1, t0)  // 24.95 at 9 %
	_ = Add(c, cat, "CADEAU-50", 1, t0) // 50.00, no VAT
	tot, err := Compute(c, cat, "postnl", "NL")
	if err != nil {
		t.Fatal(err)
	}
	old := tot
	if got := tot.GoodsDue(); got != 2495 {
		t.Fatalf("goods due %d, want 2495 (the card aside)", got)
	}
	if err := ApplyDiscount(&tot, "points", "P", 2495); !errors.Is(err, ErrDiscount) {
		t.Fatalf("points of the whole book: %v, want ErrDiscount", err)
	}
	if err := ApplyDiscount(&tot, "points", "P", 1000); err != nil {
		t.Fatal(err)
	}
	if len(tot.Adjustments) != 1 || tot.Adjustments[0].VATRate != 9 || tot.Adjustments[0].Amount != -1000 {
		t.Fatalf("adjustments %+v, want -1000 at 9 %%", tot.Adjustments)
	}
	if tot.GrandTotal != 2495-1000+5000+495 {
		t.Fatalf("charged %d, want %d", tot.GrandTotal, 2495-1000+5000+495)
	}
	for sku, want := range map[string]money.Amount{"CADEAU-50": 5000, "BOEK-001": 1495} {
		if got := tot.PaidFor(map[string]money.Amount{sku: tot.Lines[lineIndex(tot, sku)].LineTotal}); got != want {
			t.Errorf("refund of %s: %d, want %d", sku, got, want)
		}
	}
	if err := oldPoints(&old, 1000); err != nil {
		t.Fatal(err)
	}
	// Before: 1000 over 7495, 332 on the book's 9 % and 668 on the card.
	for sku, want := range map[string]money.Amount{"CADEAU-50": 5000 * 6495 / 7495, "BOEK-001": 2495 * 6495 / 7495} {
		if got := old.PaidFor(map[string]money.Amount{sku: old.Lines[lineIndex(old, sku)].LineTotal}); got != want {
			t.Errorf("old order, refund of %s: %d, want %d", sku, got, want)
		}
	}
}

// drawPointsCart draws a cart of goods at 0, 9 and 21 % VAT and gift cards.
func drawPointsCart(rt *rapid.T, cat *catalog.Catalog) *Cart {
	c := &Cart{}
	for _, sku := range []string{"KOF-GUJI-250-BO", "BOEK-001", "MOLEN-1", "KRANT-0", "CADEAU-50", "CADEAU-25"} {
		if n := rapid.IntRange(0, 3).Draw(rt, sku); n > 0 {
			_ = Add(c, cat, sku, n, t0)
		}
	}
	return c
}
