package catalog

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/money"
)

// TestGiftCardVariantIsItsValue: a gift card's variant, in every language,
// is its value written the way that language writes money (the one place
// that does: money.Display), whatever the editor typed as its name; other
// items keep their names.
func TestGiftCardVariantIsItsValue(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		price := money.Amount(rapid.Int64Range(1, 100_000_00).Draw(t, "price"))
		lang := rapid.SampledFrom([]string{"nl", "en"}).Draw(t, "lang")
		it := Item{SKU: "CADEAU", Variant: "€ 50", VariantEN: "€ 50", Price: price, Currency: "EUR", GiftCard: true}
		if got, want := it.VariantName(lang), money.Display(price, "EUR", lang); got != want {
			t.Fatalf("gift card of %d in %s: variant %q, want %q", price, lang, got, want)
		}
		it.GiftCard = false
		if got := it.VariantName(lang); got != "€ 50" {
			t.Fatalf("an item that is no gift card: variant %q, want its name", got)
		}
	})
}
