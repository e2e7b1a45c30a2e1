package store

import (
	bolt "go.etcd.io/bbolt"

	"testing"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
)

// One cart has at most one order awaiting payment: a resubmit of the same
// checkout gets that order, a changed one replaces it (stock released, its
// open payment to be canceled by the caller).
func TestPlaceCartOrder(t *testing.T) {
	sameSKUs := func(prev, next *order.Order) bool {
		return len(prev.Lines) == len(next.Lines) && prev.Lines[0].Quantity == next.Lines[0].Quantity
	}
	f := open(t, -1)
	first, created, eff, err := f.s.Orders.PlaceCartOrder(NewOrder{IdempotencyKey: "c1:k1", RequestHash: "h", Order: f.newOrder(t, "c1", "BOEK-001", 1), Catalog: f.cat}, sameSKUs)
	if err != nil || !created || len(eff) != 0 {
		t.Fatalf("first: created=%v eff=%v err=%v", created, eff, err)
	}
	if _, _, err := f.s.Orders.AttachPayment(first.ID, "", paymentFor(first, "tr_1", payment.StatusOpen), "local"); err != nil {
		t.Fatal(err)
	}

	// Same checkout under a new key: the open order, and the key remembered.
	again, created, eff, err := f.s.Orders.PlaceCartOrder(NewOrder{IdempotencyKey: "c1:k2", RequestHash: "h", Order: f.newOrder(t, "c1", "BOEK-001", 1), Catalog: f.cat}, sameSKUs)
	if err != nil || created || again.ID != first.ID || len(eff) != 0 {
		t.Fatalf("resubmit: %s created=%v eff=%v err=%v, want order %s", again.ID, created, eff, err, first.ID)
	}
	if o, err := f.s.Orders.OrderByIdempotencyKey("c1:k2"); err != nil || o.ID != first.ID {
		t.Fatalf("key of the resubmit: %v %v", o, err)
	}
	if a := f.avail(t, "BOEK-001"); a.Reserved != 1 {
		t.Errorf("resubmit reserved again: %+v", a)
	}

	// Changed checkout: the old order is canceled, its payment to be canceled.
	next, created, eff, err := f.s.Orders.PlaceCartOrder(NewOrder{IdempotencyKey: "c1:k3", RequestHash: "h3", Order: f.newOrder(t, "c1", "BOEK-001", 2), Catalog: f.cat}, sameSKUs)
	if err != nil || !created || next.ID == first.ID {
		t.Fatalf("changed: created=%v err=%v", created, err)
	}
	if len(eff) != 1 || eff[0].Kind != order.EffectCancelPayment || eff[0].PaymentID != "tr_1" {
		t.Errorf("effects of the replaced order: %+v, want cancel of tr_1", eff)
	}
	if old, _ := f.s.Orders.GetOrder(first.ID); old.State != order.Canceled {
		t.Errorf("replaced order is %s, want canceled", old.State)
	}
	if a := f.avail(t, "BOEK-001"); a.Reserved != 2 {
		t.Errorf("reserved %d after the replace, want 2 (the old hold released): %+v", a.Reserved, a)
	}

	// Another cart is left alone; CreateOrder keeps its old behaviour.
	other, created, eff, err := f.s.Orders.PlaceCartOrder(NewOrder{IdempotencyKey: "c2:k1", RequestHash: "h", Order: f.newOrder(t, "c2", "MOLEN-1", 1), Catalog: f.cat}, sameSKUs)
	if err != nil || !created || len(eff) != 0 {
		t.Fatalf("other cart: created=%v eff=%v err=%v", created, eff, err)
	}
	if cur, _ := f.s.Orders.GetOrder(next.ID); cur.State != order.AwaitingPayment {
		t.Errorf("order of cart c1 is %s after cart c2's checkout", cur.State)
	}
	_ = other
}

// A database made before the cart index finds its open orders after Open.
func TestCartIndexBuiltOnOpen(t *testing.T) {
	f := open(t, -1)
	first := f.create(t, "c1:k1", f.newOrder(t, "c1", "BOEK-001", 1))
	if err := f.s.db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketCartOrders) }); err != nil {
		t.Fatal(err)
	}
	f.s.Close()
	s, err := Open(f.path, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	f.s = s
	_, created, _, err := f.s.Orders.PlaceCartOrder(NewOrder{IdempotencyKey: "c1:k2", RequestHash: "h", Order: f.newOrder(t, "c1", "BOEK-001", 2), Catalog: f.cat}, nil)
	if err != nil || !created {
		t.Fatalf("created=%v err=%v", created, err)
	}
	if old, _ := f.s.Orders.GetOrder(first.ID); old.State != order.Canceled {
		t.Errorf("old order is %s, want canceled through the rebuilt index", old.State)
	}
}
