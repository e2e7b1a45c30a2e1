package server

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/order"
)

// TestOwnerCancelNoFalseAnomaly: canceling a paid order through the admin
// API (the CLI's path) and through the owner's page is one use case: the
// order is refunded in full and no "order anomaly" is logged (the refund
// due is made by the cancel itself).
func TestOwnerCancelNoFalseAnomaly(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	o := sh.paidOrder(f, "owner-cancel-api", map[string]int{"BOEK-001": 1})
	if r := sh.admin(http.MethodPost, "/api/admin/orders/"+o.ID+"/cancel", ""); r.StatusCode != http.StatusOK {
		t.Fatalf("API cancel: %d %s", r.StatusCode, r.body)
	}
	o2 := sh.paidOrder(f, "owner-cancel-page", map[string]int{"BOEK-001": 1})
	sh.adminLogin()
	csrf := csrfOf(t, sh.req(http.MethodGet, "/admin/orders/"+o2.ID, "").body)
	r := sh.form("/admin/orders/"+o2.ID+"/cancel", url.Values{"csrf": {csrf}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("page cancel: %d %s", r.StatusCode, r.body)
	}
	for _, id := range []string{o.ID, o2.ID} {
		got, _ := sh.sc.store.Orders.GetOrder(id)
		if got.State != order.Canceled || got.RefundedAmount() != got.PaidAmount() {
			t.Errorf("%s after cancel: %s, refunded %d of %d", id, got.State, got.RefundedAmount(), got.PaidAmount())
		}
	}
	if msgs := logScan.messages(t.Name()); slices.Contains(msgs, "order anomaly") {
		t.Errorf("a cancel of a paid order logged an anomaly: %q", msgs)
	}
	// Canceling again with nothing left to refund does not apply, on both surfaces.
	if r := sh.admin(http.MethodPost, "/api/admin/orders/"+o.ID+"/cancel", ""); r.StatusCode != http.StatusConflict {
		t.Errorf("API cancel again: %d %s", r.StatusCode, r.body)
	}
}
