package e2e

import (
	"regexp"
	"strings"
	"testing"
)

// englishWords give an English sidecar page away; a customer reading the
// Dutch site must not meet them on the cart, checkout, payment, order and
// search pages or in the e-mail.
var englishWords = regexp.MustCompile(`\b(Cart|Your cart is empty|Continue shopping|Check out|Subtotal|Shipping|Thank you|Delivery address|Expected delivery|Test payment|Order SF|Search)\b`)

// dutch checks that the page speaks Dutch: lang="nl", want in its text and
// no English giveaway.
func dutch(t *testing.T, tb *tab, name, want string) {
	t.Helper()
	speaks(t, tb, "Dutch", "nl", englishWords, name, want)
}

// TestDutchSiteEnglishBrowser: a customer whose browser prefers English
// (en-GB) shops on the Dutch site. The sidecar's pages follow the site the
// customer reads, not the browser: the empty cart, and after a look at the
// English site (which the sidecar remembers) the cart, checkout, payment,
// order page and e-mail of a Dutch purchase are all Dutch. The same
// browser opening the cart from the English site gets English, and a
// search without JavaScript on the Dutch site answers in Dutch.
func TestDutchSiteEnglishBrowser(t *testing.T) {
	h := need(t, true)
	const enGB = "en-GB,en;q=0.9"
	v := pickVariant(t, h)
	tb := newCustomer(t, h, tabOptions{AcceptLanguage: enGB})
	tb.open("/")
	if st := tb.submit(`a.cart-link`); st != 200 {
		t.Fatalf("cart link: status %d", st)
	}
	dutch(t, tb, "empty cart", `Winkelmand|leeg`)

	tb.open("/en/")
	if st := tb.submit(`a.cart-link`); st != 200 {
		t.Fatalf("English cart link: status %d", st)
	}
	english(t, tb, "empty cart", `(?i)\bcart\b`)

	// Back to the Dutch site, as the same customer.
	addToCart(t, tb, v, 1)
	tb.open(v.URL)
	if st := tb.submit(`a.cart-link`); st != 200 {
		t.Fatalf("cart link: status %d", st)
	}
	dutch(t, tb, "cart", `Winkelmand`)
	if st := tb.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
		t.Fatalf("checkout page: status %d", st)
	}
	dutch(t, tb, "checkout", `Afrekenen`)
	a := validAddress(t)
	fillCheckout(tb, a)
	total := shownTotal(t, tb)
	payShown(t, tb, total)
	dutch(t, tb, "payment", `(?i)betaling`)
	choose(t, tb, "paid")
	o := waitPaid(t, tb)
	dutch(t, tb, "order", `Bedankt`)
	m := mailsTo(t, h, a.Email, 1)[0]
	if w := englishWords.FindString(m.Subject + "\n" + m.Text); w != "" || !strings.Contains(m.Subject, "Bevestiging") {
		t.Errorf("the Dutch customer's e-mail is not Dutch (%q): %s\n%s", w, m.Subject, clip(m.Text, 1500))
	}
	checkMail(t, m, orderNumber(t, o), total)

	plain := newCustomer(t, h, tabOptions{NoJS: true, AcceptLanguage: enGB})
	plain.open("/")
	plain.fill("#search-q", "kenia")
	if st := plain.submit(`form.site-search button[type=submit]`); st != 200 {
		t.Fatalf("search without JavaScript: status %d", st)
	}
	dutch(t, plain, "search", `(?i)kenia`)
}
