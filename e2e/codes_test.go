package e2e

import (
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/words"
)

// TestDiscountCodeJourney: the owner makes a code (10 % off, everything);
// a customer, with and without JavaScript, first mistypes it and is told
// so (the total stays), then types it: the discount shows as its own line,
// the total and the pay button follow, and the amount the payment page asks
// and the stored order's total are the total on screen when pay was
// pressed. The order page shows the same line.
func TestDiscountCodeJourney(t *testing.T) {
	variants(t, func(t *testing.T, opts tabOptions) {
		h := need(t, true)
		code := "E2E-JS"
		if opts.NoJS {
			code = "E2E-NOJS"
		}
		admin(t, h, "POST", "/api/admin/codes", map[string]any{"code": code, "percent": 10}, nil)
		v := pickVariant(t, h)
		tb := newCustomer(t, h, opts)
		addToCart(t, tb, v, 2)
		tb.open("/checkout/")
		before := shownTotal(t, tb)
		fillCheckout(tb, validAddress(t))
		// Typed, then "Apply code": the script asks the server for the
		// quote; without it the button posts the form and the page comes back.
		enter := func(c, done string) {
			eval[bool](tb, `(() => { document.getElementById("f-code").value = ""; return true; })()`) // as a customer selects and retypes
			tb.fill("#f-code", c)
			if opts.NoJS {
				if st := tb.submit(`button[name="apply_code"]`); st != 200 {
					t.Fatalf("apply code %s: status %d", c, st)
				}
				return
			}
			tb.click(`button[name="apply_code"]`)
			tb.waitFor(done+` && !document.querySelector("[data-sf-pay]").disabled`, step)
		}
		enter("GEENCODE", `document.querySelector("[data-sf-code-msg]").innerText.includes("kennen we niet")`)
		if msg := eval[string](tb, `document.querySelector("[data-sf-code-msg]").innerText`); !strings.Contains(msg, "kennen we niet") {
			t.Errorf("a mistyped code: %q", msg)
		}
		if got := shownTotal(t, tb); got != before {
			t.Errorf("a code that does not apply changed the total from %s to %s", euroText(before), euroText(got))
		}
		enter(strings.ToLower(code), `!!document.querySelector('tr[data-kind="code"]')`)
		goods := 2 * v.Chosen.Price
		off := (goods*10*2 + 100) / 200 // 10 %, half away from zero
		line := eval[string](tb, `(document.querySelector('tr[data-kind="code"]') || {}).innerText || ""`)
		if !strings.Contains(line, code) || !strings.Contains(line, euroText(off)) {
			t.Errorf("the code's line says %q, want %s and %s off", line, code, euroText(off))
		}
		total := shownTotal(t, tb)
		if total != before-off {
			t.Errorf("total with the code %s, without %s, discount %s", euroText(total), euroText(before), euroText(off))
		}
		btn := eval[string](tb, `document.querySelector("[data-sf-pay]").innerText`)
		if amt, err := ParseEuro(btn); err != nil || amt != total {
			t.Errorf("the pay button says %q, the total is %s", btn, euroText(total))
		}
		payWithCode(t, h, tb, total, code)
	})
}

// TestDiscountCodeCartJourney: the customer types the code on the cart
// page, with and without JavaScript. With two of a product it is below the
// code's minimum and the cart says so (no discount line); at three it
// applies as its own line. The checkout page arrives with the code filled
// in and applied; the customer chooses a Belgian address and its carrier
// (neither the default), and the total on screen when pay is pressed, with
// the code's line, is what the payment page asks and the stored order's
// total.
func TestDiscountCodeCartJourney(t *testing.T) {
	variants(t, func(t *testing.T, opts tabOptions) {
		h := need(t, true)
		v := pickVariant(t, h)
		code := "CART-JS"
		if opts.NoJS {
			code = "CART-NOJS"
		}
		admin(t, h, "POST", "/api/admin/codes", map[string]any{"code": code, "percent": 10, "min_order": 2*v.Chosen.Price + 1}, nil)
		tb := newCustomer(t, h, opts)
		addToCart(t, tb, v, 2)
		tb.open("/cart/")
		tb.fill("#c-code", strings.ToLower(code))
		if opts.NoJS {
			if st := tb.submit(`form[data-sf-cart-code] button[name="apply"]`); st != 200 {
				t.Fatalf("apply code on the cart page: status %d", st)
			}
		} else {
			tb.click(`form[data-sf-cart-code] button[name="apply"]`)
			tb.waitFor(`document.querySelector("[data-sf-cart-sum] [data-sf-code-msg]").innerText.includes("vanaf")`, step)
			if tb.sent("POST", "/api/cart/code") != 1 || tb.sent("POST", "/cart/code") != 0 {
				t.Errorf("the script did not apply the code in place: %d API calls, %d form posts", tb.sent("POST", "/api/cart/code"), tb.sent("POST", "/cart/code"))
			}
		}
		if msg := eval[string](tb, `document.querySelector("[data-sf-code-msg]").innerText`); !strings.Contains(msg, euroText(2*v.Chosen.Price+1)) {
			t.Errorf("below the minimum the cart says %q", msg)
		}
		if eval[bool](tb, `!!document.querySelector('tr[data-kind="code"]')`) {
			t.Error("a code below its minimum shows a discount line in the cart")
		}
		// Three of them: the code applies.
		tb.fill(`input[name="quantity"]`, "3")
		if st := tb.submit(`form.sf-qty button[type=submit]`); st != 200 {
			t.Fatalf("update quantity: status %d", st)
		}
		off := (3*v.Chosen.Price*10*2 + 100) / 200
		line := eval[string](tb, `(document.querySelector('tr[data-kind="code"]') || {}).innerText || ""`)
		if !strings.Contains(line, code) || !strings.Contains(line, euroText(off)) {
			t.Errorf("the cart's code line says %q, want %s and %s off", line, code, euroText(off))
		}
		cartTotal := shownTotal(t, tb)
		if st := tb.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
			t.Fatalf("checkout page: status %d", st)
		}
		if got := eval[string](tb, `document.getElementById("f-code").value`); got != code {
			t.Errorf("the checkout page arrives with code %q, the cart has %s", got, code)
		}
		if got := shownTotal(t, tb); got != cartTotal {
			t.Errorf("the checkout opens with %s, the cart said %s", euroText(got), euroText(cartTotal))
		}
		a := validAddress(t)
		a.PostalCode, a.City = "1000", "Brussel"
		fillCheckout(tb, a)
		eval[bool](tb, `(() => { const s = document.getElementById("f-country"); s.value = "BE";
			s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`)
		tb.click(`input[name="shipping_method"][value="postnl-be"]`)
		forNow := `document.querySelector("[data-sf-shown-for]").value.startsWith("postnl-be|BE|")` // method|country|code|card
		if opts.NoJS {
			if st := tb.submit(`button[name="update"]`); st != 200 {
				t.Fatalf("update total: status %d", st)
			}
		} else {
			tb.waitFor(forNow+` && !document.querySelector("[data-sf-pay]").disabled`, step)
		}
		if !eval[bool](tb, forNow) {
			t.Fatalf("the page is priced for %q", eval[string](tb, `document.querySelector("[data-sf-shown-for]").value`))
		}
		if line := eval[string](tb, `(document.querySelector('tr[data-kind="code"]') || {}).innerText || ""`); !strings.Contains(line, code) {
			t.Errorf("the Belgian checkout lacks the code's line: %q", line)
		}
		total := shownTotal(t, tb)
		payWithCode(t, h, tb, total, code)
	})
}

// payWithCode pays the total on screen and checks that the stored order
// has that total and its page the code's line.
func payWithCode(t *testing.T, h *harness, tb *tab, total int64, code string) {
	t.Helper()
	payShown(t, tb, total)
	o := orderByToken(t, h, orderToken(choose(t, tb, "paid")))
	if o.Total != total {
		t.Errorf("stored order: total %d; the page showed %d", o.Total, total)
	}
	if txt := tb.mainText(); !strings.Contains(txt, "Kortingscode "+code) {
		t.Errorf("the order page lacks the code's line:\n%s", clip(txt, 1500))
	}
}

// TestCartCodeRemovedInThePagesLanguage: a customer applies a code on the
// English cart page, looks at the Dutch cart in another tab (the remembered
// language is now Dutch), then removes the code in the first tab with
// JavaScript: the cart's summary that comes back is English, as its page.
func TestCartCodeRemovedInThePagesLanguage(t *testing.T) {
	h := need(t, true)
	code := "LANG-DEL"
	admin(t, h, "POST", "/api/admin/codes", map[string]any{"code": code, "percent": 10}, nil)
	v := pickVariant(t, h)
	tb := newCustomer(t, h, tabOptions{})
	addToCart(t, tb, v, 1)
	tb.open("/cart/?lang=en")
	tb.fill("#c-code", code)
	tb.click(`form[data-sf-cart-code] button[name="apply"]`)
	tb.waitFor(`!!document.querySelector('tr[data-kind="code"]') && !!document.querySelector("[data-sf-code-remove]")`, step)
	dutch := tb.another(tabOptions{})
	dutch.open("/cart/?lang=nl")
	tb.click(`[data-sf-code-remove]`)
	tb.waitFor(`!document.querySelector('tr[data-kind="code"]')`, step)
	if n := tb.sent("DELETE", "/api/cart/code?lang=en"); n != 1 {
		t.Errorf("the script removed the code with %d DELETE ?lang=en calls", n)
	}
	if got, want := eval[string](tb, `document.querySelector('form[data-sf-cart-code] button[name="apply"]').innerText`), words.T("en", "checkout.code.apply"); strings.TrimSpace(got) != want {
		t.Errorf("after removing the code the English cart's button says %q, want %q", got, want)
	}
}
