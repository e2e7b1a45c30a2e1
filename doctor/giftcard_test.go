package doctor

import (
	"strings"
	"testing"
)

func TestCheckGiftCard(t *testing.T) {
	s := &Site{ZeroVATClasses: map[string]bool{"zero": true}}
	variants := []any{map[string]any{"sku": "C-25", "name": "€ 25", "price": 25}}
	cases := []struct {
		name   string
		params map[string]any
		field  string // of the first finding; "" = none
		says   string
	}{
		{"fine", map[string]any{"giftcard": true, "vat": "zero", "variants": variants}, "", ""},
		{"not a gift card", map[string]any{"giftcard": false, "vat": "standard"}, "", ""},
		{"with VAT", map[string]any{"giftcard": true, "vat": "standard", "variants": variants}, "vat", "multi-purpose voucher"},
		{"no vat field", map[string]any{"giftcard": true, "variants": variants}, "vat", "0 %"},
		{"not a bool", map[string]any{"giftcard": "ja", "vat": "zero"}, "giftcard", "true or false"},
		{"stock", map[string]any{"giftcard": true, "vat": "zero", "stock": 5}, "stock", "no stock"},
		{"variant stock", map[string]any{"giftcard": true, "vat": "zero", "variants": []any{map[string]any{"sku": "C", "price": 25, "stock": 3}}}, "variants[1].stock", "no stock"},
		{"subscription", map[string]any{"giftcard": true, "vat": "zero", "subscription": map[string]any{}}, "subscription", "subscription"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &Page{File: "content/products/cadeaukaart/index.md", Params: c.params}
			var got []string
			checkGiftCard(s, p, func(_ Severity, _, field, format string, a ...any) {
				got = append(got, field+": "+fmtS(format, a...))
			})
			if c.field == "" {
				if len(got) != 0 {
					t.Fatalf("findings %v", got)
				}
				return
			}
			if len(got) == 0 || !strings.HasPrefix(got[0], c.field+":") || !strings.Contains(got[0], c.says) {
				t.Fatalf("findings %v, want %s saying %q", got, c.field, c.says)
			}
		})
	}
	for years, bad := range map[any]bool{0: false, 2: false, 5: false, 1: true, "twee": true, -1: true} {
		s := &Site{ShopFile: "data/shop.toml", GiftValidYears: years}
		if got := checkGiftCardTerm(s); (len(got) > 0) != bad || bad && (got[0].Field != "giftcards.valid_years" || got[0].File != "data/shop.toml") {
			t.Errorf("valid_years %v: %v", years, got)
		}
	}
}
