package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/catalog"
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
	// The cart keeps the language it was filled in: no ?lang=en needed.
	tb.open("/cart/")
	english(t, tb, "cart", `(?i)\bcart\b`)
	dutch := dutchNames(t, h)
	noDutchNames(t, "cart", tb.mainText(), dutch)
	if !strings.Contains(tb.mainText(), ev.Title) {
		t.Errorf("the English cart does not name the product %q:\n%s", ev.Title, clip(tb.mainText(), 800))
	}
	// Each line's photo and expected delivery, as the product page shows them.
	if !eval[bool](tb, `[...document.querySelectorAll(".sf-line img.sf-line-photo")].some(i => i.complete && i.naturalWidth > 0)`) {
		t.Errorf("the cart shows no photo of the line")
	}
	if d := eval[string](tb, `(document.querySelector(".sf-line .sf-line-date") || {}).innerText || ""`); !strings.Contains(d, "Expected delivery") {
		t.Errorf("the cart line says no expected delivery date: %q", d)
	}
	if st := tb.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
		t.Fatalf("checkout page: status %d", st)
	}
	english(t, tb, "checkout", `(?i)check ?out`)
	noDutchNames(t, "checkout", tb.mainText(), dutch)
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
	noDutchNames(t, "payment", tb.mainText(), dutch)
	if amt := payAmount(t, tb); amt != total {
		t.Errorf("the English checkout showed %d, the payment page asks %d", total, amt)
	}
	choose(t, tb, "paid")
	o := waitPaid(t, tb)
	english(t, tb, "order", `(?i)thank you`)
	noDutchNames(t, "order", tb.mainText(), dutch)
	if !strings.Contains(tb.mainText(), ev.Title) {
		t.Errorf("the English order page does not name the product %q", ev.Title)
	}
	mails := mailsTo(t, h, a.Email, 1)
	m := mails[0]
	if dutchWords.MatchString(m.Subject + "\n" + m.Text) {
		t.Errorf("the English customer's e-mail has Dutch in it (%q): %s\n%s", dutchWords.FindString(m.Subject+m.Text), m.Subject, clip(m.Text, 1500))
	}
	noDutchNames(t, "e-mail", m.Text+"\n"+m.HTML, dutch)
	if !strings.Contains(m.Text, ev.Title) {
		t.Errorf("the English e-mail does not name the product %q:\n%s", ev.Title, clip(m.Text, 1500))
	}
	checkMail(t, m, orderNumber(t, o), total)
}

// dutchNames are the built catalog's Dutch product, variant and shipping
// method names that an English customer must never read: those that differ
// from the English ones and are no part of any English name.
func dutchNames(t *testing.T, h *harness) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(h.public, "catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c catalog.Catalog
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("catalog.json: %v", err)
	}
	var nl, en []string
	for _, it := range c.Items {
		if it.TitleEN == "" {
			t.Errorf("catalog.json: item %s (%s) has no English title", it.SKU, it.Title)
		}
		if it.Variant != "" && it.VariantEN == "" {
			t.Errorf("catalog.json: item %s has no English variant name for %q", it.SKU, it.Variant)
		}
		nl = append(nl, it.Name("nl"), it.VariantName("nl"))
		en = append(en, it.Name("en"), it.VariantName("en"))
	}
	for _, m := range c.Shipping.Methods {
		nl, en = append(nl, m.Label("nl")), append(en, m.Label("en"))
	}
	all := strings.Join(en, "\n")
	var out []string
	for _, w := range nl {
		if w != "" && !strings.Contains(all, w) {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		t.Fatal("catalog.json: no Dutch name differs from the English; nothing to check")
	}
	return out
}

// noDutchNames fails for every Dutch name in an English customer's text.
func noDutchNames(t *testing.T, where, text string, dutch []string) {
	t.Helper()
	for _, w := range dutch {
		if strings.Contains(text, w) {
			t.Errorf("the English %s says the Dutch name %q", where, w)
		}
	}
}

// english checks that the page's main text speaks English (matches want)
// and has no Dutch giveaway.
func english(t *testing.T, tb *tab, name, want string) {
	t.Helper()
	speaks(t, tb, "English", "en", dutchWords, name, want)
}

// speaks checks that the page's main text matches want, has none of the
// other language's giveaways and that <html lang> starts with lang.
func speaks(t *testing.T, tb *tab, language, lang string, giveaways *regexp.Regexp, name, want string) {
	t.Helper()
	txt := tb.mainText()
	if !regexp.MustCompile(want).MatchString(txt) {
		t.Errorf("the %s %s page (%s) does not say %s:\n%s", language, name, tb.location(), want, clip(txt, 800))
	}
	if w := giveaways.FindString(txt); w != "" {
		t.Errorf("the %s %s page (%s) says %q of the other language:\n%s", language, name, tb.location(), w, clip(txt, 800))
	}
	if got := eval[string](tb, `document.documentElement.lang`); !strings.HasPrefix(got, lang) {
		t.Errorf("the %s %s page (%s) has lang=%q", language, name, tb.location(), got)
	}
}
