package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/server/web"
)

// TestRecurringCallsBudgetedAndCounted: the calls a standing order makes
// besides payments (create customer, list and revoke mandates) are counted
// in the provider metrics and held to the one provider call budget like
// every other call: a customer is created however empty the bucket (a
// write), a mandate list from a caller that may not wait is refused while
// the bucket is empty and goes through once it refills, and a refused call
// never reaches Mollie.
func TestRecurringCallsBudgetedAndCounted(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	clock := &standingClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	const rate = 1 // a burst of 2
	sh := newShop(t, withMollie(f), withSubscription(clock), func(o *Options) { o.ProviderCallsPerSecond = rate })
	if sh.sc.budget == nil {
		t.Fatal("no provider budget with Mollie")
	}
	ctx := context.Background()
	for i := range 3 { // each: a customer and a first payment, 6 writes against a bucket of 2
		body := strings.Replace(standingBody, "eva@", "eva"+string(rune('a'+i))+"@", 1)
		if r := sh.req(http.MethodPost, "/api/standing", body); r.StatusCode != http.StatusCreated {
			t.Fatalf("begin %d: %d %s (writes are never refused)", i, r.StatusCode, r.body)
		}
	}
	if got := f.Calls(molliefake.CreateCustomer); got != 3 {
		t.Fatalf("%d customers created at Mollie, want 3", got)
	}
	if got := sh.sc.budget.calls.Load(); got < 6 {
		t.Fatalf("the budget counted %d calls, want the 3 customers and 3 first payments", got)
	}
	rec := sh.sc.standing.Recurring
	cust, err := rec.CreateCustomer(ctx, "Eva", "eva@example.nl", "customer:direct")
	if err != nil {
		t.Fatal(err)
	}
	before, refused := f.Calls(molliefake.ListMandates), sh.sc.budget.refused.Load()
	if _, err := rec.ListMandates(ctx, cust.ID); !errors.Is(err, web.ErrProviderBusy) {
		t.Fatalf("mandates read with the budget spent: %v, want it refused", err)
	}
	if f.Calls(molliefake.ListMandates) != before || sh.sc.budget.refused.Load() != refused+1 {
		t.Fatal("a refused mandate read reached Mollie or was not counted as refused")
	}
	clock.set(clock.now().Add(time.Minute)) // the bucket refills
	if _, err := rec.ListMandates(ctx, cust.ID); err != nil {
		t.Fatalf("mandates with budget: %v", err)
	}
	if err := rec.RevokeMandate(ctx, cust.ID, "mdt_none"); err == nil {
		t.Fatal("revoked a mandate that does not exist")
	}
	m := sh.admin(http.MethodGet, "/api/admin/metrics", "").body
	for _, want := range []string{
		`shop_provider_calls_total{op="create_customer",outcome="ok"} 4`,
		`shop_provider_calls_total{op="list_mandates",outcome="ok"} 1`,
		`shop_provider_calls_total{op="revoke_mandate",outcome=`,
		`shop_provider_calls_total{op="create_payment",outcome="ok"} 3`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
