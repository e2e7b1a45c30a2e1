package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// variants runs a journey with JavaScript on and off.
func variants(t *testing.T, fn func(t *testing.T, opts tabOptions)) {
	for _, js := range []bool{true, false} {
		name := "js"
		if !js {
			name = "nojs"
		}
		t.Run(name, func(t *testing.T) { fn(t, tabOptions{NoJS: !js}) })
	}
}

// TestCart is journey 2: choose a variant on a product page and add it; the
// cart shows exactly that line and nothing else; change the quantity;
// remove it; add it again.
func TestCart(t *testing.T) {
	variants(t, func(t *testing.T, opts tabOptions) {
		h := need(t, true)
		v := pickVariant(t, h)
		tb := newCustomer(t, h, opts)

		addToCart(t, tb, v, 1)
		checkOneLine(t, tb, v, 1)

		// Change the quantity to 3.
		sel := fmt.Sprintf(`tr[data-sku=%q]`, v.Chosen.SKU)
		tb.fill(sel+` input[name="quantity"]`, "3")
		tb.click(sel + ` form.sf-qty button[type=submit]`)
		tb.waitFor(fmt.Sprintf(`(document.querySelector(%q + " input[name=quantity]") || {}).value === "3" && document.querySelector(%q).innerText.includes(%q)`,
			sel, sel, euroText(3*v.Chosen.Price)), step)
		checkOneLine(t, tb, v, 3)

		// Remove it: the cart is empty and says so.
		tb.click(sel + ` form.sf-remove button[type=submit]`)
		tb.waitFor(`!!document.querySelector(".sf-cart .sf-empty")`, step)
		if n := len(cartLines(tb)); n != 0 {
			t.Errorf("after removing the only line the cart shows %d lines", n)
		}
		if txt := tb.mainText(); !strings.Contains(txt, "leeg") {
			t.Errorf("the empty cart does not say it is empty (leeg):\n%s", txt)
		}

		// Add again: one line, quantity 1 (nothing left over from before).
		addToCart(t, tb, v, 1)
		checkOneLine(t, tb, v, 1)
	})
}

// checkOneLine checks that the cart holds exactly the chosen variant in qty
// and nothing else, and that its totals add up.
func checkOneLine(t *testing.T, tb *tab, v variantPick, qty int) {
	t.Helper()
	lines := cartLines(tb)
	if len(lines) != 1 {
		t.Fatalf("the cart shows %d lines, want exactly 1 (%s): %+v", len(lines), v.Chosen.SKU, lines)
	}
	l := lines[0]
	if l.SKU != v.Chosen.SKU {
		t.Errorf("the cart line is %s, want the chosen variant %s", l.SKU, v.Chosen.SKU)
	}
	if !strings.Contains(l.Text, v.Title) || (v.Chosen.Variant != "" && !strings.Contains(l.Text, v.Chosen.Variant)) {
		t.Errorf("the cart line reads %q; want the product %q and variant %q", l.Text, v.Title, v.Chosen.Variant)
	}
	if l.Quantity != fmt.Sprint(qty) {
		t.Errorf("the cart line's quantity is %q, want %d", l.Quantity, qty)
	}
	lt, err := ParseEuro(l.LineTotal)
	if err != nil || lt != int64(qty)*v.Chosen.Price {
		t.Errorf("the cart line's total is %q, want %d × %s", l.LineTotal, qty, euroText(v.Chosen.Price))
	}
	// Subtotal + shipping = total; nothing else slipped in.
	rows := jsonOf[[]string](tb, `[...document.querySelectorAll(".sf-cart .sf-totals tr:not(.sf-vat) td")].map(td => td.innerText)`)
	var sum int64
	for i, r := range rows {
		if i == len(rows)-1 {
			break // the total itself
		}
		if amt, err := ParseEuro(r); err == nil {
			sum += amt
		}
	}
	total := shownTotal(t, tb)
	if sum != total {
		t.Errorf("the cart's rows %q add up to %d, but the total says %d", rows, sum, total)
	}
	if total < lt {
		t.Errorf("the total %d is less than the line %d", total, lt)
	}
}
