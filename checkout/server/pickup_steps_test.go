package server

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/wire"
)

// withPickupMethod adds collecting at the shop (pickup = true) to the test
// catalog's Dutch methods.
func withPickupMethod() shopOpt {
	return func(o *Options) {
		b, err := os.ReadFile(o.Catalog)
		if err != nil {
			panic(err)
		}
		var c map[string]any
		if err := json.Unmarshal(b, &c); err != nil {
			panic(err)
		}
		sh := c["shipping"].(map[string]any)
		sh["methods"] = append(sh["methods"].([]any), map[string]any{"id": "pickup", "name": "Afhalen in de winkel",
			"name_en": "Pick up at the shop", "price": 0, "vat_rate": 21, "transit_days": 0, "pickup": true, "countries": []string{"NL"}})
		b, _ = json.Marshal(c)
		if err := os.WriteFile(o.Catalog, b, 0o644); err != nil {
			panic(err)
		}
	}
}

// An order to collect at the shop: the checkout promised "Ready to
// collect: <day>", and then the order page, its JSON and the confirmation
// e-mail planned "Shipped · expected <day>" and "Delivered · expected
// <day>", carrier steps no carrier takes. The plan now says "Ready to
// collect" on that day and "Collected" (when is the customer's choice),
// in both languages; a parcel's plan is unchanged.
func TestPickupOrderPlanSaysCollect(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f), withPickupMethod())
	for _, lang := range []string{"en", "nl"} {
		words := map[string][2]string{"en": {"Ready to collect", "Collected"}, "nl": {"Klaar om af te halen", "Afgehaald"}}[lang]
		body := strings.Replace(validCheckout, `"shipping_method":"postnl"`, `"shipping_method":"pickup","lang":"`+lang+`"`, 1)
		o := sh.paidWith(f, "pickup-"+lang, body)
		var v wire.OrderView
		sh.req(http.MethodGet, "/api/orders/"+o.Token+"?lang="+lang, "").json(t, &v)
		labels := map[string]wire.StepView{}
		for _, s := range v.Steps {
			labels[s.Step] = s
		}
		if s := labels["shipped"]; s.Label != words[0] || s.Expected == "" {
			t.Errorf("%s: the pickup order's third step is %q (expected %q), want %q on a day", lang, s.Label, s.Expected, words[0])
		}
		if s := labels["delivered"]; s.Label != words[1] || s.Expected != "" {
			t.Errorf("%s: the pickup order's last step is %q (expected %q), want %q without a day", lang, s.Label, s.Expected, words[1])
		}
		page := sh.req(http.MethodGet, "/order/"+o.Token+"?lang="+lang, "")
		shipped := map[string]string{"en": "Shipped", "nl": "Verzonden"}[lang]
		if !strings.Contains(page.body, words[0]) || strings.Contains(page.body, shipped) {
			t.Errorf("%s: the pickup order's page does not plan %q, or plans %q", lang, words[0], shipped)
		}
	}
	sh.flushMail()
	if len(sh.mails("confirmation")) != 2 {
		t.Errorf("%d confirmations of the two pickup orders", len(sh.mails("confirmation")))
	}
	for _, m := range sh.mails("confirmation") {
		text, _ := bodies(m)
		if !strings.Contains(text, "Ready to collect") && !strings.Contains(text, "Klaar om af te halen") {
			t.Errorf("the confirmation of a pickup order does not plan the collection:\n%s", text)
		}
	}
	o := sh.paidWith(f, "parcel", validCheckout)
	var v wire.OrderView
	sh.req(http.MethodGet, "/api/orders/"+o.Token+"?lang=en", "").json(t, &v)
	if v.Steps[3].Label != "Shipped" || v.Steps[4].Label != "Delivered" || v.Steps[4].Expected == "" {
		t.Errorf("a parcel's plan changed: %+v", v.Steps)
	}
}
