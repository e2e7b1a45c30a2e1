package standing_test

import (
	"context"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/recurring"
	"github.com/storefront/storefront/checkout/store"
)

// TestExactlyOneOrderPerPaidCharge: whatever the order of scheduler ticks,
// Mollie's background work (charges settling, webhooks), lost webhooks,
// repeated webhooks, reconciler runs and restarts (the bbolt file closed
// and reopened), every recurring payment Mollie reports paid becomes
// exactly one order, and no period has two paid charges.
func TestExactlyOneOrderPerPaidCharge(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		r, f := newMollieRig(t)
		r.t = rt
		_, st := r.begin()
		ctx := context.Background()
		hook := r.hook
		for range rapid.IntRange(5, 40).Draw(rt, "steps") {
			switch rapid.IntRange(0, 6).Draw(rt, "op") {
			case 0:
				r.at(r.clock.Now().Add(time.Duration(rapid.IntRange(1, 14*24).Draw(rt, "hours")) * time.Hour))
			case 1:
				f.Tick()
			case 2:
				r.restart()
			case 3:
				r.svc.Reconcile(ctx)
			case 4:
				if ids := f.PaymentIDs(); len(ids) > 0 {
					r.news(rapid.SampledFrom(ids).Draw(rt, "news"))
				}
			case 5:
				if rapid.Bool().Draw(rt, "reachable") {
					r.hook = hook
				} else {
					r.hook = ""
				}
				r.svc.WebhookURL = r.hook
			case 6:
				f.FailRecurring(rapid.IntRange(0, 3).Draw(rt, "fail") == 0)
			}
		}
		// Settle: Mollie finishes, the reconciler runs.
		f.Tick()
		r.restart()
		r.svc.Reconcile(ctx)

		got := r.standing(st.ID)
		periods := map[string]string{}
		for _, id := range f.PaymentIDs() {
			p, _ := f.Payment(id)
			if p.SequenceType != "recurring" || p.Status != "paid" {
				continue
			}
			pp, err := r.prov.GetPayment(ctx, id)
			if err != nil {
				rt.Fatal(err)
			}
			o, err := r.st.Orders.OrderByPaymentID(id)
			if err != nil {
				rt.Fatalf("paid recurring payment %s has no order (standing %+v)", id, got)
			}
			period := pp.Metadata["period"]
			if prev, dup := periods[period]; dup {
				rt.Fatalf("period %s paid twice: %s and %s", period, prev, id)
			}
			periods[period] = o.ID
			if o.Total() != pp.Amount || o.Attempt(id) == nil {
				rt.Fatalf("order %s does not match payment %s", o.ID, id)
			}
		}
		if len(got.Orders) != len(periods)+1 {
			rt.Fatalf("standing order records %d paid periods, Mollie has %d paid charges (+1 first)", len(got.Orders), len(periods))
		}
		orders, err := r.st.Orders.ListOrders(store.Filter{})
		if err != nil {
			rt.Fatal(err)
		}
		deliveries := 0
		for _, o := range orders {
			if o.Meta["standing"] == st.ID {
				deliveries++
			}
		}
		if deliveries != len(periods) {
			rt.Fatalf("%d delivery orders for %d paid charges", deliveries, len(periods))
		}
		all, _ := r.st.Standing.ListStanding("")
		if len(all) != 1 {
			rt.Fatalf("%d standing orders", len(all))
		}
		if got.State == recurring.Canceled {
			rt.Fatal("canceled by itself")
		}
		_ = payment.StatusPaid
	})
}
