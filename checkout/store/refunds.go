package store

import (
	"fmt"

	"github.com/storefront/storefront/checkout/order"
)

// RefundPlan decides, on the order as it is inside the transaction, which
// refund to record. It returns the refund to add, or the id of an existing
// refund that already does the job (then nothing is added: asking twice
// refunds once).
type RefundPlan func(o *order.Order) (r order.Refund, existing string, err error)

// RecordRefund stores a refund before it is sent, in one transaction with
// the check that it does not exceed what was paid and not yet refunded
// (order.ErrOverRefund). A plan that comes to nothing (everything was
// refunded already) records nothing and returns a nil refund. Because recorded refunds count as refunded, two
// refunds recorded at the same time can never together exceed the payment.
func (s *Orders) RecordRefund(orderID, by string, plan RefundPlan) (*order.Order, *order.Refund, error) {
	var rid string
	o, _, err := s.UpdateAfterSale(orderID, func(o *order.Order) (bool, []order.Effect, []Mail, error) {
		rid = ""
		r, existing, err := plan(o)
		if err != nil {
			return false, nil, nil, err
		}
		if existing != "" {
			rid = existing
			return false, nil, nil, nil
		}
		if r.Amount == 0 && r.Reason != "" {
			return false, nil, nil, nil // nothing left to give back: no refund
		}
		added, err := o.AddRefund(r, by, s.opts.Now())
		if err != nil {
			return false, nil, nil, err
		}
		rid = added.ID
		if added.Status == order.RefundRefunded {
			// All of it went back to the gift card: done, tell the customer.
			return true, nil, []Mail{{ID: AfterSaleMailID(MailRefunded, o.ID, rid), Kind: MailRefunded}}, nil
		}
		return true, nil, nil, nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("record refund: %w", err)
	}
	return o, o.RefundByID(rid), nil
}

// StartRefundSend counts a send of refund id before it is made (see
// order.StartSend): after a crash or a timeout, Attempts > 0 tells the next
// sender to list the provider's refunds before sending again.
func (s *Orders) StartRefundSend(orderID, refundID string) (*order.Order, error) {
	o, _, err := s.UpdateAfterSale(orderID, func(o *order.Order) (bool, []order.Effect, []Mail, error) {
		return true, nil, nil, o.StartSend(refundID, s.opts.Now())
	})
	return o, err
}

// ApplyRefund brings the provider's news of a refund (its id there and
// status, or an error text) to the order; see order.UpdateRefund. When the
// provider has just taken the refund, the customer's e-mail is queued in the
// same transaction, once per refund. Safe to call any number of times, from
// the sender, the webhook and the reconciler at once.
func (s *Orders) ApplyRefund(orderID, refundID, providerID, status, errText, by string) (o *order.Order, accepted bool, err error) {
	o, _, err = s.UpdateAfterSale(orderID, func(o *order.Order) (bool, []order.Effect, []Mail, error) {
		changed, acc := o.UpdateRefund(refundID, providerID, status, errText, by, s.opts.Now())
		accepted = acc
		var mails []Mail
		if acc {
			mails = append(mails, Mail{ID: AfterSaleMailID(MailRefunded, o.ID, refundID), Kind: MailRefunded})
		}
		return changed, nil, mails, nil
	})
	return o, accepted, err
}

// RecordStrayRefund records the refund of a stray paid payment of the order
// (see order.AddStrayRefund), once: a refund already recorded for it that did
// not fail is returned instead. A nil refund means nothing is left to refund.
func (s *Orders) RecordStrayRefund(orderID, paymentID, by string) (*order.Order, *order.Refund, error) {
	var rid string
	o, _, err := s.UpdateAfterSale(orderID, func(o *order.Order) (bool, []order.Effect, []Mail, error) {
		rid = ""
		for _, r := range o.Refunds {
			if r.PaymentID == paymentID && r.Reason == order.ReasonStray && !order.RefundVoid(r.Status) {
				rid = r.ID
				return false, nil, nil, nil
			}
		}
		r, err := o.AddStrayRefund(paymentID, by, s.opts.Now())
		if err != nil || r == nil {
			return false, nil, nil, err
		}
		rid = r.ID
		return true, nil, nil, nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("record stray refund: %w", err)
	}
	return o, o.RefundByID(rid), nil
}
