package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
)

// After-sale mail kinds. Their ids are kind:order:code (the return code or
// refund id), so each step of each return sends one e-mail however often
// it is recorded.
const (
	MailReturnRequested = "return_requested" // instructions: address, code, cost, refund time
	MailReturnReceived  = "return_received"  // we have the parcel
	MailRefunded        = "refund_sent"      // the money is on its way back
	MailCanceled        = "order_canceled"   // canceled by the customer (refund follows when paid)
)

// AfterSaleMailID is the queue id of an after-sale e-mail.
func AfterSaleMailID(kind, orderID, ref string) string { return kind + ":" + orderID + ":" + ref }

// bucketRefundsOpen indexes orders with a refund whose status may still
// change (order number -> nothing), for the reconciler.
var bucketRefundsOpen = []byte("refunds_open")

// AfterSaleFunc changes an order in one transaction: returns, refunds,
// cancel. It reports whether the order changed, the order effects to apply
// (stock release on cancel) and the e-mails to queue with it. It may run
// more than once, each time on a fresh copy, and must have no side effects.
type AfterSaleFunc func(o *order.Order) (changed bool, effects []order.Effect, mails []Mail, err error)

// UpdateAfterSale loads order id, lets fn change it and stores the result,
// its in-transaction effects and its e-mails together, or nothing. Effects
// the store cannot do (cancel a payment, refund due) are returned.
func (s *Orders) UpdateAfterSale(id string, fn AfterSaleFunc) (*order.Order, []order.Effect, error) {
	var out *order.Order
	var rest []order.Effect
	err := s.write(func(tx *bolt.Tx) error {
		out, rest = nil, nil
		var o order.Order
		if err := getJSON(tx.Bucket(bucketOrders), id, &o); err != nil {
			return err
		}
		prev := o.State
		var giftBefore money.Amount
		if o.GiftCard != nil {
			giftBefore = o.GiftCard.Refunded
		}
		changed, eff, mails, err := fn(&o)
		if err != nil {
			return err
		}
		out = &o
		if !changed {
			return nil
		}
		if o.GiftCard != nil {
			// Refunds that went back to the gift card (order.AddRefund).
			if err := s.creditGift(tx, &o, o.GiftCard.Refunded-giftBefore); err != nil {
				return err
			}
		}
		r, err := s.applyEffects(tx, &o, eff)
		if err != nil {
			return err
		}
		for _, m := range mails {
			if m.OrderID == "" {
				m.OrderID = o.ID
			}
			if m.To == "" {
				m.To = o.Customer.Email
			}
			if m.Lang == "" {
				m.Lang = o.Lang
			}
			if _, err := s.enqueue(tx, m); err != nil {
				return err
			}
		}
		if err := indexOpenRefunds(tx, &o); err != nil {
			return err
		}
		if err := s.numberDocuments(tx, &o, prev); err != nil {
			return err
		}
		o.Version++
		if err := putOrder(tx, &o, prev); err != nil {
			return err
		}
		rest = r
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("update order %s: %w", id, err)
	}
	s.logAnomalies(out, rest)
	return out, rest, nil
}

// indexOpenRefunds keeps the refunds_open index right for o.
func indexOpenRefunds(tx *bolt.Tx, o *order.Order) error {
	b, err := tx.CreateBucketIfNotExists(bucketRefundsOpen)
	if err != nil {
		return err
	}
	if len(o.OpenRefunds()) > 0 {
		return b.Put([]byte(o.ID), []byte{})
	}
	return b.Delete([]byte(o.ID))
}

// OrdersWithOpenRefunds lists the numbers of orders with a refund whose
// status may still change (recorded, queued, pending, processing).
func (s *Orders) OrdersWithOpenRefunds() ([]string, error) {
	var ids []string
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRefundsOpen)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, _ []byte) error { ids = append(ids, string(k)); return nil })
	})
	if err != nil {
		return nil, fmt.Errorf("orders with open refunds: %w", err)
	}
	return ids, nil
}
