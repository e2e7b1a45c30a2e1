package e2e

import "testing"

// TestAccessibility runs axe-core on the main pages a customer passes:
// home, a category, a product, the cart, the checkout, the test payment
// page and the order page.
// Serious and critical violations fail, each with its rule, help and the
// elements concerned.
func TestAccessibility(t *testing.T) {
	h := need(t, true)
	v := pickVariant(t, h)
	tb := newCustomer(t, h, tabOptions{})

	tb.open("/")
	checkAxe(t, tb, "home")
	openCategory(t, tb)
	checkAxe(t, tb, "category")
	tb.open(v.URL)
	checkAxe(t, tb, "product")
	addToCart(t, tb, v, 1)
	checkAxe(t, tb, "cart")
	if st := tb.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
		t.Fatalf("checkout page: status %d", st)
	}
	checkAxe(t, tb, "checkout")
	// The checkout with its error messages shown.
	tb.allowStatus(422)
	tb.submit(`form.sf-checkout-form button[type=submit]`)
	checkAxe(t, tb, "checkout with errors")
	tb.open("/cart/")
	checkout(t, tb, validAddress(t))
	checkAxe(t, tb, "test payment")
	choose(t, tb, "paid")
	waitPaid(t, tb)
	checkAxe(t, tb, "order")
}
