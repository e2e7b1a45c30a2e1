package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/returns"
)

// An order paid with a discount code: the return form listed each item at
// its list price (€ 14,50 a bag) while the refund, rightly, is what the
// item cost after the code (€ 13,05), so the form promised more than the
// customer gets back. It now says what one unit cost, in the order's
// language, and the refund the order page shows after the request is that
// amount times the units.
func TestReturnFormSaysWhatAnItemCostAfterTheCode(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	sh.makeCode(`{"code":"TIEN","percent":10}`)
	for _, lang := range []string{"en", "nl"} {
		jar, _ := newJar()
		sh.jar, sh.client.Jar = jar, jar
		sh.addToCart("KOF-GUJI-250-BO", 2)
		sh.addToCart("MOK-001", 1)
		body := strings.Replace(validCheckout, `"shipping_method":"postnl"`, `"shipping_method":"postnl","code":"TIEN","lang":"`+lang+`"`, 1)
		r := sh.req(http.MethodPost, "/api/checkout", body, "Idempotency-Key", "ret-code-"+lang)
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("checkout: %d %s", r.StatusCode, r.body)
		}
		var a CheckoutAnswer
		r.json(t, &a)
		o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
		if err := f.SetStatus(o.PaymentID, "paid"); err != nil {
			t.Fatal(err)
		}
		o, _ = sh.sc.store.Orders.GetOrder(o.ID)
		if o.State != order.Paid {
			t.Fatalf("order %s is %s", o.ID, o.State)
		}
		o = sh.delivered(o)
		one := returns.PaidFor(o, []order.ReturnLine{{SKU: "KOF-GUJI-250-BO", Quantity: 1, UnitPrice: 1450}})
		if one >= 1450 {
			t.Fatalf("the code took nothing off a bag: %d", one)
		}
		list, paid := money.Display(1450, "EUR", lang), money.Display(one, "EUR", lang)
		form := sh.req(http.MethodGet, "/order/"+o.Token+"/return?lang="+lang, "")
		each := map[string]string{"en": "you paid " + paid + " each", "nl": "je betaalde " + paid + " per stuk"}[lang]
		if !strings.Contains(form.body, each) || !strings.Contains(form.body, "<s>"+list+"</s>") {
			t.Errorf("%s: the return form does not say a bag cost %s after the code (list %s):\n%s", lang, paid, list, form.body)
		}
		r = sh.form("/order/"+o.Token+"/return", url.Values{"qty_KOF-GUJI-250-BO": {"1"}, "lang": {lang}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: return request: %d %s", lang, r.StatusCode, r.body)
		}
		page := sh.req(http.MethodGet, "/order/"+o.Token+"?lang="+lang, "")
		if !strings.Contains(page.body, paid) {
			t.Errorf("%s: the order page after the request does not give back %s", lang, paid)
		}
	}
}
