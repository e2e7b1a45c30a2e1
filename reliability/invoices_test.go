package reliability

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/store"
)

// checkInvoices: after any number of kill -9s, the invoice numbers of a
// year are 1..n with no gap and no duplicate, every paid order has exactly
// the number the index gives it, and no unpaid order has one.
func checkInvoices(t *testing.T, st *store.Store, orders []*order.Order) {
	t.Helper()
	entries, err := st.Orders.Invoices(time.Time{}, time.Time{})
	if err != nil {
		t.Fatalf("list invoices after the crash: %v", err)
	}
	next := map[string]int{}
	byOrder := map[string]string{}
	for _, e := range entries {
		year, n, ok := strings.Cut(e.Number, "-")
		num, err := strconv.Atoi(n)
		if !ok || err != nil {
			t.Errorf("invoice number %q is not YEAR-NNNNN", e.Number)
			continue
		}
		next[year]++
		if num != next[year] {
			t.Errorf("invoice %s after %s-%05d: a gap or a duplicate", e.Number, year, next[year]-1)
			next[year] = num
		}
		if e.Kind == store.DocInvoice {
			if prev, dup := byOrder[e.OrderID]; dup {
				t.Errorf("order %s has two invoices: %s and %s", e.OrderID, prev, e.Number)
			}
			byOrder[e.OrderID] = e.Number
		}
	}
	for _, o := range orders {
		paid := !o.PaidAt.IsZero() && o.State != order.AwaitingPayment && o.State != order.PaymentFailed
		switch {
		case paid && o.InvoiceNumber == "":
			t.Errorf("paid order %s (%s) has no invoice number", o.ID, o.State)
		case o.InvoiceNumber != byOrder[o.ID]:
			t.Errorf("order %s says invoice %q, the index %q", o.ID, o.InvoiceNumber, byOrder[o.ID])
		}
	}
	t.Logf("invoices after the crash: %d numbered, per year %v, no gap, no duplicate", len(entries), next)
}
