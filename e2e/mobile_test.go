package e2e

import (
	"strings"

	"github.com/chromedp/chromedp"
	"testing"
)

// mobileWidth is the narrowest phone the shop promises to fit (CSS px).
const mobileWidth = 375

// TestMobile is journey 8: the product, cart and order pages on a phone 375
// px wide: nothing overflows sideways. Screenshots go to the artefacts
// folder for people to look at.
func TestMobile(t *testing.T) {
	h := need(t, true)
	v := pickVariant(t, h)
	tb := newCustomer(t, h, tabOptions{Width: mobileWidth, Height: 812, Mobile: true})

	tb.open(v.URL)
	checkFits(t, tb, "product")
	addToCart(t, tb, v, 2)
	checkFits(t, tb, "cart")
	if st := tb.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
		t.Fatalf("checkout page: status %d", st)
	}
	checkFits(t, tb, "checkout")
	tb.open("/cart/")
	checkout(t, tb, validAddress(t))
	choose(t, tb, "paid")
	waitPaid(t, tb)
	checkFits(t, tb, "order")
}

// checkFits fails when the page is wider than the phone, naming the
// elements that stick out, and writes a screenshot either way.
func checkFits(t *testing.T, tb *tab, name string) {
	t.Helper()
	tb.screenshot("375px-" + name)
	w := eval[int](tb, `document.documentElement.scrollWidth`)
	if vw := eval[int](tb, `window.innerWidth`); vw != mobileWidth {
		t.Errorf("%s: the viewport is %d px wide, want %d (mobile emulation)", name, vw, mobileWidth)
	}
	if w <= mobileWidth {
		return
	}
	wide := jsonOf[[]string](tb, `[...document.querySelectorAll("body *")]
		.filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > window.innerWidth + 1; })
		.filter((e, _, all) => !all.includes(e.parentElement))
		.slice(0, 8)
		.map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "") +
			" (right edge " + Math.round(e.getBoundingClientRect().right) + " px)")`)
	t.Errorf("%s page (%s) is %d px wide on a %d px phone: it scrolls sideways. Sticking out: %s",
		name, tb.location(), w, mobileWidth, strings.Join(wide, "; "))
}

// TestOwnerMobile: the owner's pages (their own plain frame) on a phone
// 375 px wide: the order list and an order do not scroll sideways.
func TestOwnerMobile(t *testing.T) {
	h := need(t, true)
	v := pickVariant(t, h)
	tb := newCustomer(t, h, tabOptions{Width: mobileWidth, Height: 812, Mobile: true})
	tb.open(v.URL)
	addToCart(t, tb, v, 1)
	tb.open("/cart/")
	checkout(t, tb, validAddress(t))
	choose(t, tb, "paid")
	waitPaid(t, tb)

	owner := newCustomer(t, h, tabOptions{Width: mobileWidth, Height: 812, Mobile: true})
	owner.allowStatus(401)
	if err := owner.do(chromedp.Navigate(owner.url("/admin/"))); err != nil {
		t.Fatalf("open /admin/: %v", err)
	}
	owner.fill(`input[name="token"]`, adminToken)
	if st := owner.submit(`form.sf-admin-login-form button[type=submit]`); st != 200 {
		t.Fatalf("log in: %d", st)
	}
	checkFits(t, owner, "owner-orders")
	link := eval[string](owner, `(document.querySelector('a[href^="/admin/orders/"]') || {}).getAttribute ? document.querySelector('a[href^="/admin/orders/"]').getAttribute("href") : ""`)
	if link == "" {
		t.Fatal("the owner's list links no order")
	}
	owner.open(link)
	checkFits(t, owner, "owner-order")
}
