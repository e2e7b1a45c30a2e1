package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var methodLabelRe = regexp.MustCompile(`name="shipping_method" value="([^"]+)"[^>]*> ([^<]*)</label>`)

// methodLabels maps each shipping method the page lists for the chosen
// country to what its radio says ("PostNL · € 4,95").
func methodLabels(html string) map[string]string {
	out := map[string]string{}
	for _, m := range methodLabelRe.FindAllStringSubmatch(html, -1) {
		out[m[1]] = strings.TrimSpace(m[2])
	}
	return out
}

// Above free_from the summary said "Shipping (PostNL) free" while the
// carrier's radio just above still said "PostNL · € 4,95", on the page and
// in the quote's list after a change of country: two prices for the same
// shipping on one screen, one of them never charged. The list now says what
// the summary says, in both languages; below free_from it keeps the price.
func TestShippingMethodsSayFreeWhenShippingIsFree(t *testing.T) {
	for _, lang := range []string{"nl", "en"} {
		sh := newShop(t)
		sh.addToCart("KOF-GUJI-250-BO", 1) // € 14,50: under free_from (€ 50)
		page := sh.req(http.MethodGet, "/checkout/?lang="+lang, "")
		price := displayCents(t, "495", lang)
		if got := methodLabels(page.body)["postnl"]; !strings.Contains(got, price) {
			t.Fatalf("%s, under free_from: PostNL's radio says %q, want the price %s", lang, got, price)
		}
		sh.addToCart("KOF-GUJI-250-BO", 3) // € 58,00: shipping is free
		free := map[string]string{"nl": "gratis", "en": "free"}[lang]
		page = sh.req(http.MethodGet, "/checkout/?lang="+lang, "")
		if !strings.Contains(page.body, ">"+free+"</td>") {
			t.Fatalf("%s: the summary does not say shipping is %s", lang, free)
		}
		if got := methodLabels(page.body)["postnl"]; !strings.HasSuffix(got, "· "+free) || strings.Contains(got, price) {
			t.Errorf("%s, shipping free: PostNL's radio says %q, the summary %q", lang, got, free)
		}
		var q QuoteAnswer
		sh.req(http.MethodPost, "/api/checkout/quote", `{"country":"BE","shipping_method":"postnl","lang":"`+lang+`"}`).json(t, &q)
		if !q.Totals.FreeShipping {
			t.Fatalf("%s: the Belgian quote of € 58 is not free of shipping: %+v", lang, q.Totals)
		}
		if got := methodLabels(q.MethodsHTML)["postnl-be"]; !strings.HasSuffix(got, "· "+free) {
			t.Errorf("%s, shipping free to Belgium: the quote's list says %q", lang, got)
		}
	}
}

// A Belgian business with a VAT number (reverse charge) was charged
// shipping without VAT ("Verzending (PostNL België) € 6,57") while the
// carrier's radio above said "PostNL België · € 7,95". Every carrier of
// the chosen country now shows what it costs this buyer, on the page after
// "Update total" and in the quote's list; a Belgian consumer still sees the
// price with VAT.
func TestShippingMethodsSayTheReverseChargedPrice(t *testing.T) {
	sh := newShop(t)
	sh.addToCart("MOK-001", 1) // € 12,95; PostNL België € 7,95 incl. 21 %
	form := url.Values{"name": {"Jan Peeters"}, "email": {"jan@example.be"}, "street": {"Meir 1"}, "postal_code": {"2000"},
		"city": {"Antwerpen"}, "country": {"BE"}, "shipping_method": {"postnl-be"}, "company": {"Koffiebar \"Peeters\" BV"},
		"vat_id": {"BE 0123.456.749"}, "update": {"1"}, "lang": {"nl"}}
	page := sh.form("/checkout/", form)
	if !strings.Contains(page.body, "€ 6,57</td>") {
		t.Fatalf("the summary does not charge € 6,57 shipping without VAT:\n%s", page.body)
	}
	if got := methodLabels(page.body)["postnl-be"]; !strings.HasSuffix(got, "€ 6,57") {
		t.Errorf("reverse charge: PostNL België's radio says %q, the summary € 6,57", got)
	}
	// The free-shipping nudge counts consumer prices (incl. VAT) while the
	// page shows the business's prices without: it says so.
	if !strings.Contains(page.body, `class="sf-free`) || !strings.Contains(page.body, "inclusief btw, zoals voor consumenten") {
		t.Errorf("reverse charge: the free-shipping nudge does not say it counts prices incl. VAT:\n%s", page.body)
	}
	var q QuoteAnswer
	sh.req(http.MethodPost, "/api/checkout/quote", `{"country":"BE","shipping_method":"postnl-be","lang":"nl","vat_id":"BE0123456749"}`).json(t, &q)
	if q.Totals.Shipping != 657 {
		t.Fatalf("the quote charges %d for shipping", q.Totals.Shipping)
	}
	if got := methodLabels(q.MethodsHTML)["postnl-be"]; !strings.HasSuffix(got, "€ 6,57") {
		t.Errorf("reverse charge: the quote's list says %q", got)
	}
	form.Del("vat_id")
	form.Del("company")
	page = sh.form("/checkout/", form)
	if got := methodLabels(page.body)["postnl-be"]; !strings.HasSuffix(got, "€ 7,95") {
		t.Errorf("a Belgian consumer: PostNL België's radio says %q, want € 7,95", got)
	}
	if strings.Contains(page.body, "zoals voor consumenten") {
		t.Error("a Belgian consumer is told the nudge counts consumer prices")
	}
}

// A quote for a country the shop does not ship to (a crafted request: the
// page lists only countries with a method) is refused with the form's
// words, not priced as the shop's own country with "does not deliver to
// the Netherlands".
func TestQuoteRefusesACountryNotShippedTo(t *testing.T) {
	sh := newShop(t)
	sh.addToCart("MOK-001", 1)
	for _, tc := range []struct{ country, lang, want string }{
		{"XX", "en", "We do not ship to this country."},
		{"US", "nl", "Naar dit land verzenden we niet."},
	} {
		r := sh.req(http.MethodPost, "/api/checkout/quote", `{"country":"`+tc.country+`","shipping_method":"postnl","lang":"`+tc.lang+`"}`)
		if r.StatusCode != http.StatusUnprocessableEntity || r.errorMessage(t) != tc.want {
			t.Errorf("%s: %d %s", tc.country, r.StatusCode, r.body)
		}
	}
	var q QuoteAnswer
	if r := sh.req(http.MethodPost, "/api/checkout/quote", `{"country":"BE","lang":"en"}`); r.StatusCode != http.StatusOK {
		t.Fatalf("BE: %d %s", r.StatusCode, r.body)
	} else if r.json(t, &q); q.Country != "BE" {
		t.Errorf("BE quoted for %q", q.Country)
	}
}
