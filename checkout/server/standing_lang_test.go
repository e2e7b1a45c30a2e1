package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/server/view"
)

// An English customer taking coffee on subscription from the English
// product page met the Dutch names: "Ethiopië Guji · 250 g · bonen" on the
// subscription page, in the first order, on the standing order's page and
// in every later delivery, with "PostNL België" as the carrier. The names
// are now the customer's language from the first page on, as a one-off
// checkout's are; a change of address (to Belgium) keeps them English, and
// so do the orders of later deliveries, made from the standing order.
func TestStandingOrderSpeaksTheCustomersLanguage(t *testing.T) {
	clock := &standingClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	sh := newShop(t, withSubscription(clock))
	dutch := []string{"Ethiopië", "bonen", "België"}
	noDutch := func(where, s string) {
		t.Helper()
		for _, w := range dutch {
			if strings.Contains(s, w) {
				i := strings.Index(s, w)
				t.Errorf("%s in English says %q: …%s…", where, w, s[max(0, i-80):min(len(s), i+80)])
			}
		}
	}
	page := sh.req(http.MethodGet, "/standing/new/?sku=KOF-GUJI-250-BO&weeks=4&lang=en", "")
	if !strings.Contains(page.body, "Ethiopia Guji · 250 g · whole beans") {
		t.Errorf("the English subscription page does not name the product in English")
	}
	noDutch("the subscription page", page.body)

	var b StandingBegun
	body := strings.Replace(standingBody, `"weeks":4`, `"weeks":4,"lang":"en"`, 1)
	if r := sh.req(http.MethodPost, "/api/standing", body); r.StatusCode != http.StatusCreated {
		t.Fatalf("begin: %d %s", r.StatusCode, r.body)
	} else {
		r.json(t, &b)
	}
	o, err := sh.sc.store.Orders.OrderByToken(b.OrderToken)
	if err != nil {
		t.Fatal(err)
	}
	if l := o.Lines[0]; l.Title != "Ethiopia Guji" || l.Variant != "250 g · whole beans" {
		t.Errorf("the first order's line is %q (%q)", l.Title, l.Variant)
	}
	ctx := context.Background()
	sh.sc.local.SetStatus(ctx, o.PaymentID, payment.StatusPaid)
	if err := sh.sc.payments.SyncPayment(ctx, o.PaymentID, "test"); err != nil {
		t.Fatal(err)
	}
	token := strings.TrimPrefix(b.Standing.Page, sh.url+"/standing/")
	st := sh.req(http.MethodGet, "/standing/"+token+"?lang=en", "")
	if !strings.Contains(st.body, "whole beans") {
		t.Errorf("the standing order's page does not name the variant in English")
	}
	noDutch("the standing order's page", st.body)

	addr := `{"name":"Eva","street":"Grote Markt 1","postal_code":"1000","city":"Brussel","country":"BE"}`
	if r := sh.req(http.MethodPost, "/api/standing/"+token+"/address", addr); r.StatusCode != http.StatusOK {
		t.Fatalf("address: %d %s", r.StatusCode, r.body)
	}
	rec, err := sh.sc.store.Standing.StandingByToken(token)
	if err != nil {
		t.Fatal(err)
	}
	if rec.ShippingName != "PostNL Belgium" || rec.Title != "Ethiopia Guji" || rec.Variant != "250 g · whole beans" {
		t.Errorf("after moving to Belgium the standing order delivers %q (%q) by %q", rec.Title, rec.Variant, rec.ShippingName)
	}
}

// The standing order's page and its "started" e-mail said "Next delivery:
// Mon 4 January" and "The next delivery is on Mon 4 January" for the day
// of the charge: the coffee is roasted, packed and carried after that, so
// no delivery happens that day. They now say the delivery is charged on
// that day and then sent like any order (whose page and e-mail carry the
// honest dates), in both languages.
func TestStandingDoesNotPromiseDeliveryOnTheChargeDay(t *testing.T) {
	clock := &standingClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	sh := newShop(t, withSubscription(clock))
	token := paidStanding(t, sh)
	rec, err := sh.sc.store.Standing.StandingByToken(token)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "nl"} {
		day := view.DayText(rec.NextCharge.In(sh.sc.Zone()), lang)
		page := sh.req(http.MethodGet, "/standing/"+token+"?lang="+lang, "")
		wrong := map[string]string{"en": "Next delivery: " + day, "nl": "Volgende levering: " + day}[lang]
		right := map[string]string{"en": "on " + day + ", then pack and send it", "nl": "op " + day + " schrijven we"}[lang]
		if strings.Contains(page.body, wrong) || !strings.Contains(page.body, right) {
			t.Errorf("%s: the standing order's page promises delivery on the charge day %s, or does not say it charges then", lang, day)
		}
	}
	sh.flushMail()
	started := sh.mails("standing_started")
	if len(started) != 1 {
		t.Fatalf("%d started e-mails", len(started))
	}
	text, _ := bodies(started[0])
	if strings.Contains(text, "next delivery is on") || strings.Contains(text, "volgende levering is op") ||
		!(strings.Contains(text, "is charged on") || strings.Contains(text, "schrijven we af op")) {
		t.Errorf("the started e-mail promises delivery on the charge day:\n%s", text)
	}
}
