package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A subscriber could give, and later change to, an address the checkout
// refuses: "10 115" for Germany, "1234" for the Netherlands, a name with a
// bidi override. The standing order only asked the fields to be non-empty,
// so every delivery would go to an address no carrier takes. Begin (page
// and API) and a change of address (page and API) now check the address as
// the checkout does, say what to fix in the customer's language, and keep
// the standing order as it was; a good address still goes through, with a
// Dutch postal code written as the checkout writes it.
func TestStandingAddressCheckedAsAtCheckout(t *testing.T) {
	clock := &standingClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	sh := newShop(t, withSubscription(clock))

	bad := strings.Replace(standingBody, `"postal_code":"3511 AA"`, `"postal_code":"1234"`, 1)
	if r := sh.req(http.MethodPost, "/api/standing", bad); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "1234 AB") {
		t.Errorf("begin with the Dutch postal code 1234: %d %s", r.StatusCode, r.body)
	}
	bidi := strings.Replace(standingBody, `"name":"Eva de Vries"`, `"name":"Eva \u202edE"`, 1)
	if r := sh.req(http.MethodPost, "/api/standing", bidi); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("begin with a bidi override in the name: %d %s", r.StatusCode, r.body)
	}
	form := url.Values{"lang": {"en"}, "sku": {"KOF-GUJI-250-BO"}, "weeks": {"4"}, "quantity": {"1"}, "email": {"eva@example.nl"},
		"name": {"Zoë \"Ö\" 李"}, "street": {"Markt 1"}, "postal_code": {"35"}, "city": {"Utrecht"}, "country": {"NL"}, "shown_total": {"1845"}}
	if r := sh.form("/standing/new/", form); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Postal code: Give a valid postal code, e.g. 1234 AB.") {
		t.Errorf("the subscription page with the postal code 35: %d", r.StatusCode)
	}
	if n := len(sh.allOrders()); n != 0 {
		t.Fatalf("%d orders made for addresses the checkout refuses", n)
	}

	token := paidStanding(t, sh)
	before, _ := sh.sc.store.Standing.StandingByToken(token)
	addr := `{"name":"Eva","street":"Hauptstraße 5","postal_code":"10 115","city":"Berlin","country":"DE"}`
	if r := sh.req(http.MethodPost, "/api/standing/"+token+"/address", addr); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "10115") {
		t.Errorf("moving to Germany with the postal code 10 115: %d %s", r.StatusCode, r.body)
	}
	r := sh.form("/standing/"+token+"/address", url.Values{"lang": {"nl"}, "name": {"Eva"}, "street": {"Hauptstraße 5"},
		"postal_code": {"10 115"}, "city": {"Berlin"}, "country": {"DE"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Postcode: Vul een geldige Duitse postcode in") {
		t.Errorf("the page's address form with 10 115: %d", r.StatusCode)
	}
	after, _ := sh.sc.store.Standing.StandingByToken(token)
	if after.Address != before.Address || after.UpdatedAt != before.UpdatedAt {
		t.Errorf("a refused address changed the standing order: %+v", after.Address)
	}
	r = sh.form("/standing/"+token+"/address", url.Values{"lang": {"en"}, "name": {"Eva"}, "street": {"Oudegracht 1"},
		"postal_code": {"3511ab"}, "city": {"Utrecht"}, "country": {"NL"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good Dutch address: %d %s", r.StatusCode, r.body)
	}
	if after, _ = sh.sc.store.Standing.StandingByToken(token); after.Address.PostalCode != "3511 AB" || after.Address.Street != "Oudegracht 1" {
		t.Errorf("the new address is %+v", after.Address)
	}
}
