package server

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

// TestOwnerOrderPageNamesInOwnerLanguage: an English customer's order keeps its
// English names for the customer, but the Dutch owner's page names each
// line and the shipping method from the catalog in Dutch (the order's page
// and the pick list); a line whose SKU left the catalog shows
// the name the order kept.
func TestOwnerOrderPageNamesInOwnerLanguage(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	for _, sku := range []string{"KOF-GUJI-250-BO", "BOEK-001"} {
		if r := sh.req(http.MethodPost, "/api/cart/items", `{"sku":"`+sku+`","quantity":1,"lang":"en"}`); r.StatusCode != http.StatusOK {
			t.Fatalf("add %s: %d %s", sku, r.StatusCode, r.body)
		}
	}
	r := sh.req(http.MethodPost, "/api/checkout", `{"name":"Jan Peeters","email":"jan@example.be","street":"Meir 1","postal_code":"2000","city":"Antwerpen",`+
		`"country":"BE","shipping_method":"postnl-be","lang":"en"}`, "Idempotency-Key", "k-en-owner")
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("checkout: %d %s", r.StatusCode, r.body)
	}
	var a CheckoutAnswer
	r.json(t, &a)
	o, err := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if err != nil {
		t.Fatal(err)
	}
	if o.Lines[0].Title != "Ethiopia Guji" && o.Lines[1].Title != "Ethiopia Guji" || o.Totals.ShippingName != "PostNL Belgium" {
		t.Fatalf("the English order kept %+v by %q", o.Lines, o.Totals.ShippingName)
	}
	if lang := sh.sc.OwnerLang(); lang != "nl" {
		t.Fatalf("the test shop's owner speaks %s", lang)
	}
	sh.adminLogin()
	lines := func() string {
		page := sh.req(http.MethodGet, "/admin/orders/"+o.ID, "").body
		m := regexp.MustCompile(`(?s)<table class="sf-lines cart-table">(.*?)</table>`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no lines on the owner's page:\n%s", page)
		}
		return html.UnescapeString(m[1])
	}
	got := lines()
	for _, want := range []string{"Ethiopië Guji 250 g · bonen", "Het koffieboek", "(PostNL België)"} {
		if !strings.Contains(got, want) {
			t.Errorf("the Dutch owner's page lacks %q: %s", want, got)
		}
	}
	for _, english := range []string{"Ethiopia", "whole beans", "The coffee book", "Belgium"} {
		if strings.Contains(got, english) {
			t.Errorf("the Dutch owner's page says %q: %s", english, got)
		}
	}
	// The pick list (paid orders) likewise.
	if err := f.SetStatus(o.PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}
	if pick := html.UnescapeString(sh.req(http.MethodGet, "/admin/pick-list", "").body); !strings.Contains(pick, "Ethiopië Guji") || strings.Contains(pick, "Ethiopia") {
		t.Errorf("the Dutch owner's pick list does not name the coffee in Dutch:\n%s", pick)
	}
	// The customer's page still speaks English.
	if p := html.UnescapeString(sh.req(http.MethodGet, "/order/"+o.Token, "").body); !strings.Contains(p, "Ethiopia Guji") {
		t.Errorf("the customer's order page lost its English names")
	}

	// The book leaves the catalog: the owner sees the name the order kept.
	editCatalog(t, sh.sc.Catalog.Location(), func(c map[string]any) {
		var keep []any
		for _, it := range c["items"].([]any) {
			if it.(map[string]any)["sku"] != "BOEK-001" {
				keep = append(keep, it)
			}
		}
		c["items"] = keep
	})
	if err := sh.sc.Catalog.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := lines(); !strings.Contains(got, "The coffee book") || !strings.Contains(got, "Ethiopië Guji") {
		t.Errorf("after the book left the catalog the owner's page says: %s", got)
	}
}
