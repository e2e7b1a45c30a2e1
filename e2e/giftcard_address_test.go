package e2e

import (
	"strings"
	"testing"
)

// TestGiftCardOnlyNoAddress: a customer buying only a gift card is asked
// name and e-mail, not a street address (it is folded away, optional, for
// the invoice), pays, and the order page shows no empty address lines. Put
// a parcel beside the card and the address is asked again.
func TestGiftCardOnlyNoAddress(t *testing.T) {
	variants(t, func(t *testing.T, opts tabOptions) {
		h := need(t, true)
		card := giftCardPick(t, h)
		tb := newCustomer(t, h, opts)
		addToCart(t, tb, card, 1)
		if st := tb.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
			t.Fatalf("checkout page: status %d", st)
		}
		for _, sel := range []string{"#f-street", "#f-postal_code", "#f-city"} {
			if seen(tb, sel) {
				t.Errorf("the checkout of a gift card shows %s", sel)
			}
		}
		if !seen(tb, "#f-name") || !seen(tb, "#f-email") || !seen(tb, "#f-country") {
			t.Errorf("the checkout of a gift card does not ask name, e-mail and country")
		}
		a := validAddress(t)
		a.Name = "Zoë 'Zee' Ürgüp"
		tb.fill("#f-name", a.Name)
		tb.fill("#f-email", a.Email)
		total := shownTotal(t, tb)
		if total != card.Chosen.Price {
			t.Errorf("a card of %s costs %s at checkout", euroText(card.Chosen.Price), euroText(total))
		}
		payShown(t, tb, total)
		choose(t, tb, "paid")
		waitPaid(t, tb)
		addr := eval[string](tb, `(document.querySelector(".sf-address") || {}).innerText || ""`)
		if !strings.Contains(addr, a.Name) || strings.Contains(addr, "\n\n") || strings.Contains(addr, "\n \n") {
			t.Errorf("the order page's address block of a card bought without an address reads %q", addr)
		}

		// A card and a parcel: the address is asked, and needed.
		v := pickVariant(t, h)
		addToCart(t, tb, card, 1)
		addToCart(t, tb, v, 1)
		if st := tb.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
			t.Fatalf("checkout page: status %d", st)
		}
		for _, sel := range []string{"#f-street", "#f-postal_code", "#f-city"} {
			if !seen(tb, sel) {
				t.Errorf("the checkout of a card beside a parcel hides %s", sel)
			}
		}
		tb.fill("#f-name", a.Name)
		tb.fill("#f-email", a.Email)
		tb.allowStatus(422)
		tb.submit(`form.sf-checkout-form button[type=submit]`)
		if !strings.HasPrefix(tb.path(), "/checkout/") || eval[string](tb, `document.getElementById("f-street").getAttribute("aria-invalid") || ""`) != "true" {
			t.Errorf("a parcel without an address was not refused at the street field (at %s)", tb.path())
		}
	})
}

// seen reports whether sel is on screen as the customer sees it: the
// browser's own checkVisibility, which counts a closed <details> too.
func seen(tb *tab, sel string) bool {
	tb.t.Helper()
	return eval[bool](tb, `(() => { const e = document.querySelector(`+jsString(sel)+`); return !!e && e.checkVisibility(); })()`)
}
