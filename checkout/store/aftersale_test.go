package store

import (
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
)

func afterSaleStore(t *testing.T) (*Store, *order.Order) {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "shop.db"), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	now := time.Now()
	o := &order.Order{State: order.Delivered, Currency: "EUR", PaymentID: "tr_x", PaidAt: now, CreatedAt: now,
		Customer: order.Customer{Email: "eva@example.nl"}, Lang: "nl",
		Lines:  []order.Line{{SKU: "A", Title: "Alpha", UnitPrice: 1000, Quantity: 2, LineTotal: 2000}},
		Totals: cart.Totals{Subtotal: 2000, Shipping: 495, GrandTotal: 2495, Currency: "EUR"}}
	o, _, err = s.Orders.CreateOrder(NewOrder{Order: o})
	if err != nil {
		t.Fatal(err)
	}
	return s, o
}

// TestRecordRefundConcurrent: refunds recorded at once never add up to more
// than was paid; the open-refunds index follows their status.
func TestRecordRefundConcurrent(t *testing.T) {
	s, o := afterSaleStore(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var ok, over int
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, r, err := s.Orders.RecordRefund(o.ID, "admin", func(*order.Order) (order.Refund, string, error) {
				return order.Refund{Amount: 1000, Reason: "owner"}, "", nil
			})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && r != nil:
				ok++
			case errors.Is(err, order.ErrOverRefund):
				over++
			default:
				t.Errorf("record: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok != 2 || over != 10 {
		t.Errorf("12 × 10.00 against 24.95: %d recorded, %d refused", ok, over)
	}
	ids, _ := s.Orders.OrdersWithOpenRefunds()
	if len(ids) != 1 || ids[0] != o.ID {
		t.Errorf("open refunds index: %v", ids)
	}
	cur, _ := s.Orders.GetOrder(o.ID)
	for _, r := range cur.Refunds {
		if _, _, err := s.Orders.ApplyRefund(o.ID, r.ID, "re_"+r.ID, order.RefundRefunded, "", "webhook"); err != nil {
			t.Fatal(err)
		}
	}
	if ids, _ := s.Orders.OrdersWithOpenRefunds(); len(ids) != 0 {
		t.Errorf("open refunds after all refunded: %v", ids)
	}
}

// TestRefundMailOnce: the same news from many messengers queues one e-mail.
func TestRefundMailOnce(t *testing.T) {
	s, o := afterSaleStore(t)
	_, r, err := s.Orders.RecordRefund(o.ID, "admin", func(*order.Order) (order.Refund, string, error) {
		return order.Refund{Amount: 500, Reason: "owner"}, "", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	accepted := make(chan bool, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status := order.RefundPending
			if i%2 == 0 {
				status = order.RefundRefunded
			}
			_, acc, err := s.Orders.ApplyRefund(o.ID, r.ID, "re_1", status, "", "webhook")
			if err != nil {
				t.Error(err)
			}
			accepted <- acc
		}()
	}
	wg.Wait()
	close(accepted)
	n := 0
	for a := range accepted {
		if a {
			n++
		}
	}
	if n != 1 {
		t.Errorf("accepted %d times, want once", n)
	}
	due, _ := s.MailQueue.Due(time.Now().Add(time.Minute), 0)
	mails := 0
	for _, m := range due {
		if m.Kind == MailRefunded {
			mails++
			if m.ID != AfterSaleMailID(MailRefunded, o.ID, r.ID) || m.To != "eva@example.nl" || m.Lang != "nl" {
				t.Errorf("mail: %+v", m)
			}
		}
	}
	if mails != 1 {
		t.Errorf("refund e-mails queued: %d", mails)
	}
	cur, _ := s.Orders.GetOrder(o.ID)
	if cur.Refunds[0].Status != order.RefundRefunded {
		t.Errorf("final status: %s (a final status must win over late pending news)", cur.Refunds[0].Status)
	}
}

// TestUpdateAfterSaleAtomic: an error in the change leaves nothing behind.
func TestUpdateAfterSaleAtomic(t *testing.T) {
	s, o := afterSaleStore(t)
	boom := errors.New("boom")
	_, _, err := s.Orders.UpdateAfterSale(o.ID, func(o *order.Order) (bool, []order.Effect, []Mail, error) {
		o.GiftNote = "changed"
		return true, nil, []Mail{{ID: "x:1", Kind: MailCanceled}}, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	cur, _ := s.Orders.GetOrder(o.ID)
	if cur.GiftNote != "" || cur.Version != o.Version {
		t.Errorf("a failed change was stored: %+v", cur)
	}
	if _, err := s.MailQueue.Get("x:1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a failed change queued its e-mail: %v", err)
	}
}
