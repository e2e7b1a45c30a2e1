package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/wire"
)

// withPickupMethod adds collecting at the shop (pickup = true) to the test
// catalog's Dutch methods.
func withPickupMethod() shopOpt {
	return catalogOpt(func(c map[string]any) {
		sh := c["shipping"].(map[string]any)
		sh["methods"] = append(sh["methods"].([]any), map[string]any{"id": "pickup", "name": "Afhalen in de winkel",
			"name_en": "Pick up at the shop", "price": 0, "vat_rate": 21, "transit_days": 0, "pickup": true, "countries": []string{"NL"}})
	})
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

// When the owner marked a pickup order shipped, the customer got "Your
// order SF-… is on its way" and "Your order has been shipped. Follow your
// parcel here:" with an empty link, and the order page said "Your order is
// on its way", for an order waiting at the shop. It now says the order is
// ready to collect, and where; delivered, that it was collected. A parcel
// shipped without a tracking link no longer promises one.
func TestPickupOrderReadyMailAndPage(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f), withPickupMethod())
	for _, lang := range []string{"en", "nl"} {
		body := strings.Replace(validCheckout, `"shipping_method":"postnl"`, `"shipping_method":"pickup","lang":"`+lang+`"`, 1)
		o := sh.paidWith(f, "ready-"+lang, body)
		if r := sh.admin(http.MethodPost, "/api/admin/orders/"+o.ID+"/ship", "{}"); r.StatusCode != http.StatusOK {
			t.Fatalf("ship the pickup order: %d %s", r.StatusCode, r.body)
		}
		ready := map[string]string{"en": "Your order is ready to collect", "nl": "Je bestelling ligt klaar om af te halen"}[lang]
		page := sh.req(http.MethodGet, "/order/"+o.Token+"?lang="+lang, "")
		if !strings.Contains(page.body, ready) {
			t.Errorf("%s: the shipped pickup order's page does not say %q", lang, ready)
		}
		if r := sh.admin(http.MethodPost, "/api/admin/orders/"+o.ID+"/deliver", ""); r.StatusCode != http.StatusOK {
			t.Fatalf("deliver the pickup order: %d %s", r.StatusCode, r.body)
		}
		collected := map[string]string{"en": "You have collected your order", "nl": "Je hebt je bestelling afgehaald"}[lang]
		if page := sh.req(http.MethodGet, "/order/"+o.Token+"?lang="+lang, ""); !strings.Contains(page.body, collected) {
			t.Errorf("%s: the delivered pickup order's page does not say %q", lang, collected)
		}
	}
	parcel := sh.paidWith(f, "untracked", validCheckout)
	if r := sh.admin(http.MethodPost, "/api/admin/orders/"+parcel.ID+"/ship", "{}"); r.StatusCode != http.StatusOK {
		t.Fatalf("ship without tracking: %d %s", r.StatusCode, r.body)
	}
	sh.flushMail()
	mails := sh.mails("shipped")
	if len(mails) != 3 {
		t.Fatalf("%d shipped e-mails, want 3", len(mails))
	}
	var ready, untracked int
	for _, m := range mails {
		subject := m.Header.Get("Subject")
		text, _ := bodies(m)
		switch {
		case strings.Contains(text, "Afhalen in de winkel") || strings.Contains(text, "Pick up at the shop"):
			ready++
			if strings.Contains(text, "Follow your parcel") || strings.Contains(text, "Volg je pakket") || strings.Contains(text, "shipped") || strings.Contains(text, "verzonden") {
				t.Errorf("the pickup order's e-mail speaks of a parcel:\n%s", text)
			}
			if !strings.Contains(text, "ready to collect") && !strings.Contains(text, "klaar om af te halen") {
				t.Errorf("the pickup order's e-mail does not say it is ready to collect:\n%s", text)
			}
			if strings.Contains(subject, "on its way") || strings.Contains(subject, "onderweg") {
				t.Errorf("the pickup order's subject %q", subject)
			}
		default:
			untracked++
			if strings.Contains(text, "Follow your parcel") || strings.Contains(text, "Volg je pakket") {
				t.Errorf("a parcel without tracking link promises one:\n%s", text)
			}
		}
	}
	if ready != 2 || untracked != 1 {
		t.Errorf("%d pickup and %d parcel e-mails", ready, untracked)
	}
}

// A pickup order's page and confirmation headed the customer's own address
// "Delivery address", as if the order went there. They now call it the
// address for the invoice, and the page says where to collect it.
func TestPickupOrderAddressIsForTheInvoice(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f), withPickupMethod())
	body := strings.Replace(validCheckout, `"shipping_method":"postnl"`, `"shipping_method":"pickup","lang":"en"`, 1)
	o := sh.paidWith(f, "pickup-address", body)
	page := sh.req(http.MethodGet, "/order/"+o.Token+"?lang=en", "")
	if strings.Contains(page.body, "Delivery address") || !strings.Contains(page.body, "Address (for the invoice)") ||
		!strings.Contains(page.body, `<p class="sf-collect"><strong>Pick up at the shop</strong></p>`) {
		t.Errorf("the pickup order's page calls the customer's address the delivery address, or does not say where to collect")
	}
	sh.flushMail()
	for _, m := range sh.mails("confirmation") {
		text, _ := bodies(m)
		if strings.Contains(text, "Delivery address") || !strings.Contains(text, "Address (for the invoice):") {
			t.Errorf("the pickup order's confirmation calls the customer's address the delivery address:\n%s", text)
		}
	}
}
