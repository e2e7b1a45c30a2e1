package server

import (
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/money"
)

// TestOwnerPageLook: the owner's pages have their own plain frame (not the
// customer's header), in the shop's language (the demo's is Dutch), with
// order states in words and money in the shop's format (€ 12,95).
func TestOwnerPageLook(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	o := sh.paidOrder(f, "look-1", map[string]int{"MOK-001": 1})
	sh.adminLogin()
	for _, p := range []string{"/admin/", "/admin/orders/" + o.ID} {
		r := sh.req("GET", p, "")
		if r.StatusCode != 200 {
			t.Fatalf("GET %s: %d", p, r.StatusCode)
		}
		if strings.Contains(r.body, "THEME-HEADER") || !strings.Contains(r.body, `class="sf-owner-bar"`) || !strings.Contains(r.body, `<html lang="nl">`) {
			t.Errorf("%s: not the owner's own frame in Dutch:\n%s", p, r.body)
		}
		if strings.Contains(r.body, ">paid (") || !strings.Contains(r.body, "Betaald") {
			t.Errorf("%s: the state is not in words", p)
		}
	}
	page := sh.req("GET", "/admin/orders/"+o.ID, "")
	want := money.Display(o.Totals.GrandTotal, "EUR", "nl")
	if !strings.HasPrefix(want, "€ ") || !strings.Contains(page.body, want) {
		t.Errorf("the total %q (the shop's format) is not on the order page", want)
	}
	if en := money.Display(o.Totals.GrandTotal, "EUR", "en"); strings.Contains(page.body, en) {
		t.Errorf("the total is shown as %q, not in the shop's format", en)
	}
}
