package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/web"
)

var (
	shownTotalRe = regexp.MustCompile(`name="shown_total" value="(-?[0-9]+)"`)
	shownForRe   = regexp.MustCompile(`name="shown_for" value="([^"]*)"`)
	formKeyRe    = regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`)
	payButtonRe  = regexp.MustCompile(`data-sf-pay>([^<]*)</button>`)
)

// checkoutFields reads the hidden fields the checkout page carries.
func checkoutFields(t *testing.T, body string) (shown, shownFor, key string) {
	t.Helper()
	s, f, k := shownTotalRe.FindStringSubmatch(body), shownForRe.FindStringSubmatch(body), formKeyRe.FindStringSubmatch(body)
	if s == nil || f == nil || k == nil {
		t.Fatalf("checkout page lacks shown_total, shown_for or the form key:\n%s", body)
	}
	return s[1], f[1], k[1]
}

func belgianAddress() url.Values {
	return url.Values{"name": {"Sean O'Neil"}, "email": {"sean@example.be"}, "street": {"Grote Markt 1"},
		"postal_code": {"1000"}, "city": {"Brussel"}, "country": {"BE"}, "shipping_method": {"postnl-be"}, "lang": {"en"}}
}

// TestCheckoutFormChargesNoOtherTotalThanShown is the defect of issue 10
// §1: the page priced the preselected carrier and country, the customer
// chose another (here a Belgian address with "PostNL België") and pressed
// pay; the payment asked another amount than page and button showed.
// Now no order and no payment are made: the page comes back with the new
// total and says why. It failed before the fix (303 to the payment page).
func TestCheckoutFormChargesNoOtherTotalThanShown(t *testing.T) {
	sh := newShop(t)
	sh.addToCart("KOF-GUJI-250-BO", 1) // € 14,50 + € 4,95 PostNL = € 19,45
	co := sh.req(http.MethodGet, "/checkout/?lang=en", "")
	shown, shownFor, key := checkoutFields(t, co.body)
	if shown != "1945" || shownFor != "postnl|NL||" {
		t.Fatalf("page shows %s for %s, want 1945 for postnl|NL", shown, shownFor)
	}
	f := belgianAddress()
	f.Set("idempotency_key", key)
	f.Set("shown_total", shown)
	f.Set("shown_for", shownFor)
	r := sh.form("/checkout/", f)
	if r.StatusCode != http.StatusConflict {
		t.Fatalf("pay with another total than shown: %d %s, want 409 and the page again", r.StatusCode, r.Header.Get("Location"))
	}
	if n := len(sh.allOrders()); n != 0 {
		t.Fatalf("%d orders made for a total the customer never saw", n)
	}
	for _, want := range []string{"The total is now", "not " + displayCents(t, shown, "en"), "PostNL", "Nothing has been ordered or paid"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the page does not say %q:\n%s", want, r.body)
		}
	}
	// The page now shows (and carries) the Belgian total; paying it goes through
	// and the provider asks exactly that.
	shown2, shownFor2, key2 := checkoutFields(t, r.body)
	if shown2 == shown || shownFor2 != "postnl-be|BE||" {
		t.Fatalf("page after the refusal carries %s for %s", shown2, shownFor2)
	}
	if m := payButtonRe.FindStringSubmatch(r.body); m == nil || !strings.Contains(m[1], displayCents(t, shown2, "en")) {
		t.Fatalf("pay button %q does not say the total %s", m, shown2)
	}
	f.Set("idempotency_key", key2)
	f.Set("shown_total", shown2)
	f.Set("shown_for", shownFor2)
	r = sh.form("/checkout/", f)
	if r.StatusCode != http.StatusSeeOther || !payIDRe.MatchString(r.Header.Get("Location")) {
		t.Fatalf("pay the shown total: %d %s", r.StatusCode, r.body)
	}
	p, err := sh.sc.provider.GetPayment(context.Background(), payIDRe.FindStringSubmatch(r.Header.Get("Location"))[1])
	if err != nil || strconv.FormatInt(int64(p.Amount), 10) != shown2 {
		t.Fatalf("provider asks %+v (%v), the page showed %s", p, err, shown2)
	}
}

// TestCheckoutUpdateStep: without JavaScript the customer presses
// "Update total" after choosing; the page comes back priced for the choice,
// nothing is ordered.
func TestCheckoutUpdateStep(t *testing.T) {
	sh := newShop(t)
	sh.addToCart("KOF-GUJI-250-BO", 1)
	co := sh.req(http.MethodGet, "/checkout/", "")
	_, _, key := checkoutFields(t, co.body)
	f := belgianAddress()
	f.Set("idempotency_key", key)
	f.Set("update", "1")
	r := sh.form("/checkout/", f)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("update: %d %s", r.StatusCode, r.body)
	}
	shown, shownFor, _ := checkoutFields(t, r.body)
	if shownFor != "postnl-be|BE||" || shown == "1945" {
		t.Fatalf("updated page shows %s for %s", shown, shownFor)
	}
	if n := len(sh.allOrders()); n != 0 {
		t.Fatalf("the update step made %d orders", n)
	}
	// The JSON quote the page's script asks gives the same total.
	var q QuoteAnswer
	qr := sh.req(http.MethodPost, "/api/checkout/quote", `{"country":"BE","shipping_method":"postnl-be","lang":"en"}`)
	qr.json(t, &q)
	if qr.StatusCode != http.StatusOK || strconv.FormatInt(int64(q.Total), 10) != shown || q.ShownFor != "postnl-be|BE||" ||
		!strings.Contains(q.SummaryHTML, displayCents(t, shown, "en")) || !strings.Contains(q.PayText, displayCents(t, shown, "en")) {
		t.Fatalf("quote %d %+v, page showed %s", qr.StatusCode, q, shown)
	}
	// A method that does not ship to the chosen country: the quote picks one that does.
	sh.req(http.MethodPost, "/api/checkout/quote", `{"country":"BE","shipping_method":"postnl"}`).json(t, &q)
	if q.ShippingMethod != "postnl-be" {
		t.Errorf("quote for BE with postnl chose %q", q.ShippingMethod)
	}
}

// TestCheckoutAPIExpectedTotal: the JSON API refuses a total other than the
// one the client expects with 409 and the total now.
func TestCheckoutAPIExpectedTotal(t *testing.T) {
	sh := newShop(t)
	sh.addToCart("KOF-GUJI-250-BO", 1)
	body := strings.TrimSuffix(validCheckout, "}") + `,"expected_total":1900}`
	r := sh.req(http.MethodPost, "/api/checkout", body, "Idempotency-Key", "k-exp-1")
	var e struct {
		Error string `json:"error"`
		Total *int64 `json:"total"`
	}
	r.json(t, &e)
	if r.StatusCode != http.StatusConflict || e.Total == nil || *e.Total != 1945 || e.Error == "" {
		t.Fatalf("expected_total 1900: %d %s", r.StatusCode, r.body)
	}
	if n := len(sh.allOrders()); n != 0 {
		t.Fatalf("%d orders after a refused total", n)
	}
	body = strings.TrimSuffix(validCheckout, "}") + `,"expected_total":1945}`
	if r := sh.req(http.MethodPost, "/api/checkout", body, "Idempotency-Key", "k-exp-2"); r.StatusCode != http.StatusCreated {
		t.Fatalf("expected_total 1945: %d %s", r.StatusCode, r.body)
	}
}

// displayCents is a minor-unit amount as the pages write it.
func displayCents(t *testing.T, cents, lang string) string {
	t.Helper()
	n, err := strconv.ParseInt(cents, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return moneyDisplay(n, lang)
}

func moneyDisplay(n int64, lang string) string { return money.Display(money.Amount(n), "EUR", lang) }

func (sh *testShop) allOrders() []*order.Order {
	sh.t.Helper()
	os, err := sh.sc.store.Orders.ListOrders(storeFilterAll())
	if err != nil {
		sh.t.Fatal(err)
	}
	return os
}

// TestTotalChangedSaysTheCustomersCode: without JavaScript, a customer
// types a discount code on a page priced without it and presses pay; the
// total is not the one shown, and the page says it was the code they
// entered (not that "prices, stock or points changed meanwhile").
func TestTotalChangedSaysTheCustomersCode(t *testing.T) {
	sh := newShop(t)
	sh.adminLogin()
	sh.makeCode(`{"code":"VIJF","amount":500}`)
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.addToCart("KOF-GUJI-250-BO", 2)
	for _, lang := range []string{"nl", "en"} {
		co := sh.req(http.MethodGet, "/checkout/?lang="+lang, "")
		shown, shownFor, key := checkoutFields(t, co.body)
		f := url.Values{"name": {"Zoë"}, "email": {"zoe@example.nl"}, "street": {"Markt 1"}, "postal_code": {"3511 AA"},
			"city": {"Utrecht"}, "country": {"NL"}, "shipping_method": {"postnl"}, "lang": {lang}, "code": {"vijf"},
			"idempotency_key": {key}, "shown_total": {shown}, "shown_for": {shownFor}}
		r := sh.form("/checkout/", f)
		if r.StatusCode != http.StatusConflict || !strings.Contains(r.body, htmlText(fmt.Sprintf(web.T(lang, "total.why_code"), "VIJF"))) ||
			strings.Contains(r.body, htmlText(web.T(lang, "total.why_other"))) {
			t.Errorf("%s: a code typed on the page: %d, the reason is not the code:\n%s", lang, r.StatusCode, r.body)
		}
		sh.form("/checkout/", url.Values{"code": {""}, "update": {"1"}, "country": {"NL"}, "lang": {lang}, "idempotency_key": {key}})
	}
}

// TestDueChangedSaysTheCardWasEntered: without JavaScript, a customer
// types a gift card's code on a page priced without it and presses pay
// (not "use card"); the page says the card they entered changed what they
// pay, not that its balance changed.
func TestDueChangedSaysTheCardWasEntered(t *testing.T) {
	sh, f, clk := giftShop(t)
	buyGiftCard(t, sh, f, "CADEAU-25", "2026-12-08")
	clk.Add(24 * time.Hour)
	if sh.mailCount("giftcard") != 1 {
		t.Fatal("no gift card mail on the chosen day")
	}
	eml, _ := os.ReadFile(sh.outboxFiles("giftcard")[0])
	card := codeInMail.FindString(string(eml))
	if card == "" {
		t.Fatal("no gift card code in the mail")
	}
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.addToCart("KOF-GUJI-250-BO", 4)
	co := sh.req(http.MethodGet, "/checkout/?lang=nl", "")
	shown, shownFor, key := checkoutFields(t, co.body)
	due := regexp.MustCompile(`name="shown_due" value="(-?[0-9]+)"`).FindStringSubmatch(co.body)
	if due == nil {
		t.Fatalf("the checkout page carries no shown_due:\n%s", co.body)
	}
	v := url.Values{"name": {"Zoë"}, "email": {"zoe@example.nl"}, "street": {"Markt 1"}, "postal_code": {"3511 AA"},
		"city": {"Utrecht"}, "country": {"NL"}, "shipping_method": {"postnl"}, "lang": {"nl"}, "gift_code": {card},
		"idempotency_key": {key}, "shown_total": {shown}, "shown_for": {shownFor}, "shown_due": {due[1]}}
	r := sh.form("/checkout/", v)
	if r.StatusCode != http.StatusConflict || !strings.Contains(r.body, htmlText(strings.SplitN(web.T("nl", "gift.due_card_entered"), "%s", 2)[0])) ||
		strings.Contains(r.body, htmlText(strings.SplitN(web.T("nl", "gift.due_changed"), ":", 2)[0])) {
		t.Errorf("a card typed on the page: %d, the reason is not the card:\n%s", r.StatusCode, r.body)
	}
	if n := len(sh.allOrders()); n != 1 { // the card's own order only
		t.Errorf("%d orders; the refused checkout made one", n-1)
	}
}

// A Belgian customer priced as a consumer (VAT included) who then types a
// business VAT number and presses pay gets the page again with the total
// without VAT; the sentence said "Prices, stock or your points have changed
// meanwhile", which is not what happened and not what to check. It now
// names the VAT number and the reverse charge, in the customer's language.
func TestTotalChangedByVATNumberSaysSo(t *testing.T) {
	for _, lang := range []string{"en", "nl"} {
		sh := newShop(t)
		sh.addToCart("MOK-001", 1)
		f := belgianAddress()
		f.Set("lang", lang)
		f.Set("update", "1")
		page := sh.form("/checkout/", f)
		shown, shownFor, key := checkoutFields(t, page.body)
		if shownFor != "postnl-be|BE||" {
			t.Fatalf("the Belgian page is priced for %s", shownFor)
		}
		f.Del("update")
		f.Set("idempotency_key", key)
		f.Set("shown_total", shown)
		f.Set("shown_for", shownFor)
		f.Set("company", "Koffiebar \"Peeters\" BV")
		f.Set("vat_id", "BE0123456749")
		r := sh.form("/checkout/", f)
		if r.StatusCode != http.StatusConflict {
			t.Fatalf("%s: pay with a VAT number typed after pricing: %d", lang, r.StatusCode)
		}
		want := map[string]string{"en": "You entered the VAT number BE0123456749", "nl": "Je vulde het btw-nummer BE0123456749 in"}[lang]
		other := map[string]string{"en": "Prices, stock or your points", "nl": "Prijzen, voorraad of je punten"}[lang]
		if !strings.Contains(r.body, want) || strings.Contains(r.body, other) {
			t.Errorf("%s: the refusal does not say the VAT number changed the total", lang)
		}
		if n := len(sh.allOrders()); n != 0 {
			t.Fatalf("%s: %d orders made", lang, n)
		}
	}
}
