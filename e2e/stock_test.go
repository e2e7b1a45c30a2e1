package e2e

import (
	"regexp"
	"strings"
	"testing"
)

// TestLastOne: two customers put the last copy of a product in their carts.
// The first pays; the second is told plainly at checkout that it is gone,
// is not sent to pay, and a new visitor sees it sold out on the product
// page (live stock, with JavaScript).
func TestLastOne(t *testing.T) {
	h := need(t, true)
	v := pickLastOne(t, h)
	ann := newCustomer(t, h, tabOptions{})
	bob := newCustomer(t, h, tabOptions{NoJS: true})
	addToCart(t, ann, v, 1)
	addToCart(t, bob, v, 1)

	checkout(t, ann, validAddress(t))
	choose(t, ann, "paid")
	waitPaid(t, ann)

	if st := bob.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
		t.Fatalf("checkout page: status %d", st)
	}
	b := validAddress(t)
	b.Name, b.Email = "Bob Jansen", "bob-"+b.Email
	fillCheckout(bob, b)
	bob.allowStatus(409)
	bob.allowStatus(422)
	bob.submit(`form.sf-checkout-form button[type=submit]`)
	if p := bob.path(); strings.HasPrefix(p, "/pay/") {
		t.Fatalf("the last copy was sold, yet the second customer was sent to pay (%s)", p)
	}
	msg := eval[string](bob, `[...document.querySelectorAll(".sf-error, [role=alert], .notice--error")].map(e => e.innerText).join(" | ")`)
	t.Logf("the second customer reads: %q", msg)
	if !regexp.MustCompile(`(?i)voorraad|nog maar|uitverkocht|niet meer`).MatchString(msg) {
		t.Errorf("the second customer is not told the product is gone; the page says %q:\n%s", msg, clip(bob.mainText(), 1200))
	}
	if n := len(ordersFor(t, h, b.Email)); n != 0 {
		t.Errorf("the second customer's refused checkout stored %d order(s)", n)
	}

	carol := newCustomer(t, h, tabOptions{})
	carol.open(v.URL)
	carol.waitFor(`(b => b && b.disabled)(document.querySelector("form.buy-form [data-add]"))`, step)
	if txt := eval[string](carol, `document.querySelector("form.buy-form [data-add]").innerText`); !strings.Contains(strings.ToLower(txt), "uitverkocht") {
		t.Errorf("the sold-out product's button says %q", txt)
	}
}
