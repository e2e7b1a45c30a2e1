package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// choice is what a customer picks at checkout other than the preselected
// carrier (issue 10 §1, §5): another Dutch carrier, pick-up, a Belgian
// address with its own carrier (Belgian VAT under OSS), in Dutch or English.
type choice struct {
	name, method, country, postal, city, lang string
	vatID                                     string // a business buyer: VAT reverse charged (issue 13)
}

var choices = []choice{
	{"dhl", "dhl", "NL", "3511 AA", "Utrecht", "nl", ""},
	{"pickup", "pickup", "NL", "3511 AA", "Utrecht", "nl", ""},
	{"belgium-english", "postnl-be", "BE", "1000", "Brussel", "en", ""},
	{"belgium-business", "postnl-be", "BE", "1000", "Brussel", "nl", "BE 0123.456.749"},
}

// TestCheckoutChoicesJourney: a customer chooses a carrier other than the
// first, pick-up, or a Belgian address as an English customer, with and
// without JavaScript. With the script the summary, the total and the pay
// button follow the choice at once; without it the "update" button does, or,
// when pay is pressed on a page priced for the old choice, nothing is
// charged and the page comes back with the new total and a sentence saying
// so. Whatever way, the total on screen when pay is pressed is the amount
// the payment page asks and the stored order's total.
func TestCheckoutChoicesJourney(t *testing.T) {
	variants(t, func(t *testing.T, opts tabOptions) {
		h := need(t, true)
		v := pickVariant(t, h)
		for _, c := range choices {
			t.Run(c.name, func(t *testing.T) {
				tb := newCustomer(t, h, opts)
				addToCart(t, tb, v, 1)
				tb.open("/checkout/?lang=" + c.lang)
				before := shownTotal(t, tb)
				a := validAddress(t)
				a.PostalCode, a.City = c.postal, c.city
				fillCheckout(tb, a)
				if c.vatID != "" {
					eval[bool](tb, `(() => { const v = document.getElementById("f-vat_id"); v.value = `+jsString(c.vatID)+`;
						v.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`)
				}
				// Choose as a customer does: the country list, then the carrier.
				eval[bool](tb, `(() => { const s = document.getElementById("f-country"); s.value = `+jsString(c.country)+`;
					s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`)
				tb.click(fmt.Sprintf(`input[name="shipping_method"][value=%q]`, c.method))
				pricedFor := c.method + "|" + c.country
				// shown_for is "method|country|code|gift card".
				forNow := `document.querySelector("[data-sf-shown-for]").value.startsWith(` + jsString(pricedFor+"|") + `)`
				switch {
				case !opts.NoJS:
					tb.waitFor(forNow+` && !document.querySelector("[data-sf-pay]").disabled`, step)
				case c.name == "dhl":
					// No script, no update: pay on the page priced for PostNL.
					tb.allowStatus(409)
					if st := tb.submit(`form.sf-checkout-form button[type=submit]`); st != 409 {
						t.Fatalf("pay on a page priced for another carrier answered %d on %s", st, tb.path())
					}
					if txt := tb.mainText(); !regexp.MustCompile(`Het totaal is nu .* niets besteld`).MatchString(txt) {
						t.Errorf("the refused page does not say the total changed:\n%s", clip(txt, 1500))
					}
				default:
					if st := tb.submit(`button[name="update"]`); st != 200 {
						t.Fatalf("update total: status %d", st)
					}
				}
				if !eval[bool](tb, forNow) {
					t.Fatalf("the page is priced for %q, the customer chose %s", eval[string](tb, `document.querySelector("[data-sf-shown-for]").value`), pricedFor)
				}
				total := shownTotal(t, tb)
				if c.vatID != "" && !strings.Contains(tb.mainText(), "verlegd") {
					t.Errorf("a Belgian business with a VAT number is not shown VAT reverse charged:\n%s", clip(tb.mainText(), 1500))
				}
				if c.method == "pickup" && total > before {
					t.Errorf("pick-up costs nothing, yet the total went from %s to %s", euroText(before), euroText(total))
				}
				btn := eval[string](tb, `document.querySelector("[data-sf-pay]").innerText`)
				if amt, err := ParseEuro(btn); err != nil || amt != total {
					t.Errorf("the pay button says %q, the total is %s", btn, euroText(total))
				}
				if c.lang == "en" {
					english(t, tb, "checkout", `(?i)order and pay`)
				}
				payShown(t, tb, total)
				back := eval[string](tb, `(document.querySelector(".sf-pay a[href*='/order/']") || {}).getAttribute?.("href") || ""`)
				o := orderByToken(t, h, orderToken(strings.TrimPrefix(back, h.base)))
				if o.Total != total {
					t.Errorf("stored order: total %d; the page showed %d", o.Total, total)
				}
			})
		}
	})
}
