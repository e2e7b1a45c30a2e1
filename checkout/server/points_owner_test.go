package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

// TestCanceledOrderPromisesNoPoints: the owner's page of a paid order says
// the points it will earn on delivery; once canceled (never delivered) it
// no longer does (a tester saw "75 te verdienen bij bezorging" on one).
func TestCanceledOrderPromisesNoPoints(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f), withLoyalty(t))
	o := sh.paidOrder(f, "points", map[string]int{"KOF-GUJI-250-BO": 2})
	if o.PointsToEarn == 0 {
		t.Fatal("the test shop gives no points: nothing to check")
	}
	earn := htmlText(sh.says("order.points_earn", o.PointsToEarn))
	sh.adminLogin()
	if page := sh.req(http.MethodGet, "/admin/orders/"+o.ID, "").body; !strings.Contains(page, earn) {
		t.Fatalf("a paid order's page lacks %q", earn)
	}
	if r := sh.admin(http.MethodPost, "/api/admin/orders/"+o.ID+"/cancel", ""); r.StatusCode != http.StatusOK {
		t.Fatalf("cancel: %d %s", r.StatusCode, r.body)
	}
	if page := sh.req(http.MethodGet, "/admin/orders/"+o.ID, "").body; strings.Contains(page, earn) {
		t.Errorf("a canceled order's page still promises %q", earn)
	}
}
