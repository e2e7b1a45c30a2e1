package e2e

import (
	"regexp"
	"strings"
	"testing"
)

// dutchWords give a Dutch page away; an English customer must not meet them
// on the cart, checkout, payment and order pages or in the e-mail.
var dutchWords = regexp.MustCompile(`\b(Winkelmand|Winkelwagen|Afrekenen|Bestelling|Betaald|Verzending|verwacht|Totaal|Bezorgadres|Vul dit veld in|Bedankt)\b`)

// TestEnglishCustomer follows an English-speaking customer from the English
// product page to a paid order: every page on the way, and the e-mail, speak
// English, with the same totals.
func TestEnglishCustomer(t *testing.T) {
	h := need(t, true)
	v := pickVariant(t, h)
	tb := newCustomer(t, h, tabOptions{})
	tb.open(v.URL)
	en := eval[string](tb, `(document.querySelector('link[rel=alternate][hreflang=en]') || {}).getAttribute?.("href") || ""`)
	if en == "" {
		t.Fatalf("product page %s has no English alternate", v.URL)
	}
	ev := v
	ev.URL = strings.TrimPrefix(en, h.base)
	tb.open(ev.URL)
	if lang := eval[string](tb, `document.documentElement.lang`); !strings.HasPrefix(lang, "en") {
		t.Errorf("the English product page %s has lang=%q", ev.URL, lang)
	}
	ev.Title = eval[string](tb, `document.querySelector("h1").innerText`)
	ev.Chosen.Variant = "" // variant names are translated; the SKU identifies it
	addToCart(t, tb, ev, 1)
	english(t, tb, "cart", `(?i)\bcart\b`)
	if st := tb.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
		t.Fatalf("checkout page: status %d", st)
	}
	english(t, tb, "checkout", `(?i)check ?out`)
	tb.allowStatus(422)
	tb.submit(`form.sf-checkout-form button[type=submit]`)
	english(t, tb, "checkout with errors", `Please fill this in`)
	a := validAddress(t)
	fillCheckout(tb, a)
	total := shownTotal(t, tb)
	if st := tb.submit(`form.sf-checkout-form button[type=submit]`); st != 200 || !strings.HasPrefix(tb.path(), "/pay/") {
		t.Fatalf("placing the order led to %s (%d)", tb.path(), st)
	}
	english(t, tb, "payment", `(?i)test payment`)
	if amt := payAmount(t, tb); amt != total {
		t.Errorf("the English checkout showed %d, the payment page asks %d", total, amt)
	}
	choose(t, tb, "paid")
	o := waitPaid(t, tb)
	english(t, tb, "order", `(?i)thank you`)
	mails := mailsTo(t, h, a.Email, 1)
	m := mails[0]
	if dutchWords.MatchString(m.Subject + "\n" + m.Text) {
		t.Errorf("the English customer's e-mail has Dutch in it (%q): %s\n%s", dutchWords.FindString(m.Subject+m.Text), m.Subject, clip(m.Text, 1500))
	}
	checkMail(t, m, orderNumber(t, o), total)
}

// english checks that the page's main text speaks English (matches want)
// and has no Dutch giveaway.
func english(t *testing.T, tb *tab, name, want string) {
	t.Helper()
	txt := tb.mainText()
	if !regexp.MustCompile(want).MatchString(txt) {
		t.Errorf("the English %s page (%s) does not say %s:\n%s", name, tb.location(), want, clip(txt, 800))
	}
	if w := dutchWords.FindString(txt); w != "" {
		t.Errorf("the English %s page (%s) says the Dutch %q:\n%s", name, tb.location(), w, clip(txt, 800))
	}
	if lang := eval[string](tb, `document.documentElement.lang`); !strings.HasPrefix(lang, "en") {
		t.Errorf("the English %s page has lang=%q", name, lang)
	}
}
