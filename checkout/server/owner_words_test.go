package server

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

// TestAdminCodesFormSaysItsLabels: the code form's errors name the fields
// by the labels the owner sees (never value or max_uses), and a chosen kind
// with nothing off blames the value, not the kind.
func TestAdminCodesFormSaysItsLabels(t *testing.T) {
	sh := newShop(t)
	sh.adminLogin()
	csrf := csrfOf(t, sh.req(http.MethodGet, "/admin/codes/", "").body)
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"kind": {"percent"}, "value": {"abc"}}, sh.says("codes.err.number", sh.says("codes.value"), "abc")},
		{url.Values{"kind": {"amount"}, "value": {"-5"}}, sh.says("codes.err.amount", sh.says("codes.value"), "-5")},
		{url.Values{"kind": {"amount"}, "value": {"5"}, "max_uses": {"abc"}}, sh.says("codes.err.number", sh.says("codes.max_uses"), "abc")},
		{url.Values{"kind": {"amount"}, "value": {"5"}, "min_order": {"x"}}, sh.says("codes.err.amount", sh.says("codes.min_order"), "x")},
		{url.Values{"kind": {"amount"}, "value": {"0"}}, sh.says("codes.err.value_zero")},
		{url.Values{"kind": {"percent"}, "value": {"0"}}, sh.says("codes.err.value_zero")},
	} {
		tc.form.Set("csrf", csrf)
		tc.form.Set("code", "lente")
		r := sh.form("/admin/codes/", tc.form)
		m := regexp.MustCompile(`(?s)role="alert">(.*?)</p>`).FindStringSubmatch(r.body)
		if m == nil {
			t.Errorf("%v: no error: %d\n%s", tc.form, r.StatusCode, r.body)
			continue
		}
		body := html.UnescapeString(m[1])
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
			t.Errorf("%v: %d, want %q in\n%s", tc.form, r.StatusCode, tc.want, body)
		}
		for _, inner := range []string{"value:", "max_uses", "min_order:", sh.says("codes.err.kind")} {
			if strings.Contains(body, inner) {
				t.Errorf("%v: the page says %q", tc.form, inner)
			}
		}
	}
}

// TestOwnerOrderPageSaysDiscountsAndHistoryInOwnerWords: a paid order with
// a discount code, on the Dutch owner's page: the discount names the code
// (not the kind "code"), the history's actors and events are in Dutch (the
// stored history stays English), and the points to earn follow the rule
// (spendable after the return window, docs/loyalty-and-promises.md).
func TestOwnerOrderPageSaysDiscountsAndHistoryInOwnerWords(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f), withLoyalty(t))
	sh.makeCode(`{"code":"vijf","amount":500}`)
	sh.addToCart("KOF-GUJI-250-BO", 2)
	r := sh.req(http.MethodPost, "/api/checkout", strings.Replace(validCheckout, "{", `{"code":"VIJF",`, 1), "Idempotency-Key", "k-vijf")
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("checkout with a code: %d %s", r.StatusCode, r.body)
	}
	var a CheckoutAnswer
	r.json(t, &a)
	o, err := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetStatus(o.PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}
	if o, err = sh.sc.store.Orders.GetOrder(o.ID); err != nil {
		t.Fatal(err)
	}
	if o.DiscountCode != "VIJF" || len(o.Totals.Adjustments) == 0 || o.PointsToEarn == 0 || len(o.History) < 2 {
		t.Fatalf("the order has code %q, adjustments %+v, %d points to earn, history %+v: nothing to check",
			o.DiscountCode, o.Totals.Adjustments, o.PointsToEarn, o.History)
	}
	sh.adminLogin()
	page := html.UnescapeString(sh.req(http.MethodGet, "/admin/orders/"+o.ID, "").body)
	for _, want := range []string{
		sh.says("order.discount", "code VIJF", o.Totals.Adjustments[0].VATRate),
		sh.says("history.placed"), sh.says("history.by.customer"), sh.says("history.by.webhook"),
		sh.says("history.paid", o.PaymentID),
		sh.says("order.points_earn", o.PointsToEarn),
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the Dutch owner's page lacks %q", want)
		}
	}
	for _, english := range []string{"Korting: code (", "order placed", "<td>customer</td>", "<td>webhook</td>", " paid", "bij bezorging"} {
		if strings.Contains(page, english) {
			t.Errorf("the Dutch owner's page says %q", english)
		}
	}
	if o, _ := sh.sc.store.Orders.GetOrder(o.ID); o.History[0].Note != "order placed" || o.History[0].By != "customer" {
		t.Errorf("the stored history changed: %+v", o.History[0])
	}
}
