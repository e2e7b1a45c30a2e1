package doctor

import "fmt"

// Gift cards (docs/giftcards.md): a product with `giftcard: true` is a
// multi-purpose voucher sold by e-mail. It carries no VAT when sold (VAT is
// charged on what it buys), has no stock to count and no subscription, and
// offers its amounts as variants (or one price). data/shop.toml
// [giftcards] valid_years is 0 (never expires) or at least 2.

// loadGiftCards reads what the checks need from data/shop.toml.
func (s *Site) loadGiftCards(shop map[string]any) {
	s.ZeroVATClasses = map[string]bool{}
	if m, ok := asMap(first(shop, "vat")); ok {
		for k, v := range m {
			if n, isInt := toInt(v); isInt && n == 0 {
				s.ZeroVATClasses[k] = true
			}
		}
	}
	if g, ok := asMap(first(shop, "giftcards")); ok {
		s.GiftValidYears, _ = lookup(g, "valid_years")
	}
}

// checkGiftCard checks a product that says `giftcard: true`.
func checkGiftCard(s *Site, p *Page, add func(Severity, string, string, string, ...any)) {
	raw, ok := p.Param("giftcard")
	if !ok {
		return
	}
	f := p.File
	on, isBool := raw.(bool)
	if !isBool {
		add(Error, f, "giftcard", "giftcard must be true or false, not %v", raw)
		return
	}
	if !on {
		return
	}
	vat, _ := p.Param("vat")
	if v, _ := vat.(string); !s.ZeroVATClasses[v] {
		add(Error, f, "vat", "a gift card is a multi-purpose voucher: no VAT when it is sold, VAT on what it buys (docs/money.md); set vat to a class of 0 %% in data/shop.toml, such as \"zero\", not %q", v)
	}
	if _, ok := p.Param("subscription"); ok {
		add(Error, f, "subscription", "a gift card cannot be sold on subscription; remove subscription")
	}
	if _, ok := p.Param("stock"); ok {
		add(Error, f, "stock", "a gift card is made when it is paid: there is no stock to count; remove stock")
	}
	if vs, ok := p.Param("variants"); ok {
		list, _ := asList(vs)
		for i, v := range list {
			if m, ok := asMap(v); ok {
				if _, has := lookup(m, "stock"); has {
					add(Error, f, dotted(indexField("variants", i), "stock"), "a gift card is made when it is paid: there is no stock to count; remove stock")
				}
			}
		}
	}
}

func indexField(name string, i int) string { return fmt.Sprintf("%s[%d]", name, i+1) }

// checkGiftCardTerm refuses a term the law would not uphold.
func checkGiftCardTerm(s *Site) []Finding {
	if s.GiftValidYears == nil {
		return nil
	}
	n, isInt := toInt(s.GiftValidYears)
	if isInt && (n == 0 || n >= 2) {
		return nil
	}
	return []Finding{{Severity: Error, File: s.ShopFile, Field: "giftcards.valid_years",
		Message: "gift cards must stay valid at least 2 years (or 0: never expire); Dutch law voids a shorter term in consumer terms (BW 6:236 sub g) and the bill Kamerstukken 35 755 sets 2 years (docs/giftcards.md); " +
			fmt.Sprintf("found %v", s.GiftValidYears)}}
}
