package store

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
)

// checkSequence fails unless the invoices index holds exactly want numbers
// of year, 1..want with no gap and no duplicate, each pointing at an order
// (and refund) that carries the same number.
func checkSequence(t *testing.T, s *Store, year, want int) {
	t.Helper()
	entries, err := s.Orders.Invoices(time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	n := 0
	for _, e := range entries {
		if e.Number[:4] != fmt.Sprint(year) {
			continue
		}
		n++
		if wantNum := fmt.Sprintf("%d-%05d", year, n); e.Number != wantNum {
			t.Fatalf("document %d is numbered %s, want %s (gap or duplicate)", n, e.Number, wantNum)
		}
		if seen[e.Number] {
			t.Fatalf("duplicate %s", e.Number)
		}
		seen[e.Number] = true
		o, err := s.Orders.GetOrder(e.OrderID)
		if err != nil {
			t.Fatal(err)
		}
		switch e.Kind {
		case DocInvoice:
			if o.InvoiceNumber != e.Number {
				t.Fatalf("index says %s is the invoice of %s, the order says %q", e.Number, o.ID, o.InvoiceNumber)
			}
		case DocCreditNote:
			r := o.RefundByID(e.RefundID)
			if r == nil || r.CreditNote != e.Number {
				t.Fatalf("index says %s is the credit note of %s/%s, the order has %+v", e.Number, o.ID, e.RefundID, r)
			}
		default:
			t.Fatalf("kind %q", e.Kind)
		}
	}
	if n != want {
		t.Fatalf("%d documents in %d, want %d", n, year, want)
	}
}

// TestInvoiceNumbersUnderConcurrentPayments: many orders paid at once by
// several messengers each (webhook, return page, reconciler), some refunded
// at once too, on a real bbolt file with and without batched commits: every
// paid order has one invoice number, every taken refund one credit note,
// and together they are 1..n with no gap and no duplicate.
func TestInvoiceNumbersUnderConcurrentPayments(t *testing.T) {
	for _, batch := range []time.Duration{-1, 2 * time.Millisecond} {
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			f := open(t, batch)
			const orders = 30
			var paid []payment.Payment
			var ids []string
			for i := range orders {
				o := f.create(t, fmt.Sprint("k", i), f.newOrder(t, fmt.Sprint("c", i), "MOLEN-1", 1))
				p := paymentFor(o, fmt.Sprint("tr_", i), payment.StatusOpen)
				if _, _, err := f.s.Orders.AttachPayment(o.ID, "", p, "local"); err != nil {
					t.Fatal(err)
				}
				p.Status = payment.StatusPaid
				paid = append(paid, p)
				ids = append(ids, o.ID)
			}
			// One order fails instead: it must not take a number.
			failed := paid[orders-1]
			failed.Status = payment.StatusFailed
			var wg sync.WaitGroup
			for i, p := range paid {
				if i == orders-1 {
					p = failed
				}
				for _, by := range []string{"webhook", "return", "reconciler"} {
					wg.Go(func() {
						if _, _, _, err := f.s.Orders.ApplyPayment(p, by); err != nil {
							t.Error(err)
						}
					})
				}
			}
			wg.Wait()
			checkSequence(t, f.s, 2026, orders-1)

			// Refund a third of them at once, each told twice: a credit
			// note each, in the same sequence; a refund the provider
			// refuses gets none.
			for i := 0; i < orders-1; i += 3 {
				id := ids[i]
				_, r, err := f.s.Orders.RecordRefund(id, "admin", func(o *order.Order) (order.Refund, string, error) {
					return order.Refund{Amount: o.Refundable(), Reason: "owner"}, "", nil
				})
				if err != nil {
					t.Fatal(err)
				}
				status := order.RefundRefunded
				if i == 3 {
					status = order.RefundFailed
				}
				for range 2 {
					wg.Go(func() {
						if _, _, err := f.s.Orders.ApplyRefund(id, r.ID, "re_"+r.ID, status, "", "webhook"); err != nil {
							t.Error(err)
						}
					})
				}
			}
			wg.Wait()
			checkSequence(t, f.s, 2026, orders-1+9)
			for i, id := range ids {
				o, _ := f.s.Orders.GetOrder(id)
				if (o.InvoiceNumber == "") != (i == orders-1) {
					t.Errorf("order %d (%s): invoice %q", i, o.State, o.InvoiceNumber)
				}
			}
		})
	}
}

// TestInvoiceNumberIsKeptAndYearly: a cancel of a paid order keeps its
// number; the sequence starts again at 1 on 1 January in the shop's zone.
func TestInvoiceNumberIsKeptAndYearly(t *testing.T) {
	f := open(t, -1)
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	f.clock.t = time.Date(2026, 12, 31, 23, 30, 0, 0, ams)
	pay := func(i int) *order.Order {
		o := f.create(t, fmt.Sprint("y", i), f.newOrder(t, fmt.Sprint("cy", i), "MOLEN-1", 1))
		p := paymentFor(o, fmt.Sprint("tr_y", i), payment.StatusOpen)
		if _, _, err := f.s.Orders.AttachPayment(o.ID, "", p, "local"); err != nil {
			t.Fatal(err)
		}
		p.Status = payment.StatusPaid
		got, _, _, err := f.s.Orders.ApplyPayment(p, "webhook")
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	a := pay(1)
	if a.InvoiceNumber != "2026-00001" {
		t.Fatalf("first: %q", a.InvoiceNumber)
	}
	c, _, err := f.s.Orders.Do(a.ID, order.EventCancel, "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	if c.InvoiceNumber != "2026-00001" {
		t.Fatalf("canceled order lost its number: %q", c.InvoiceNumber)
	}
	f.clock.Add(time.Hour) // 00:30 on 1 January in Amsterdam, still 2026 in UTC
	b := pay(2)
	if b.InvoiceNumber != "2027-00001" {
		t.Fatalf("new year: %q", b.InvoiceNumber)
	}
	if d := pay(3); d.InvoiceNumber != "2027-00002" {
		t.Fatalf("second of the year: %q", d.InvoiceNumber)
	}
	checkSequence(t, f.s, 2026, 1)
	checkSequence(t, f.s, 2027, 2)
}
