package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/store"
)

// The owner's order actions, one use case each: pack, ship, deliver,
// cancel, return received, refund. The admin API (and so `shop orders`)
// and the owner's page call the same functions; they take no request and
// return the order and a domain error (errors.go), which each surface
// turns into its own status and words.

// PackOrder marks a paid order packed.
func (s *Sidecar) PackOrder(id, by string) (*order.Order, error) {
	return s.ownerEvent(id, order.EventPack, by, nil)
}

// DeliverOrder marks a shipped order delivered.
func (s *Sidecar) DeliverOrder(id, by string) (*order.Order, error) {
	return s.ownerEvent(id, order.EventDeliver, by, nil)
}

// ShipOrder marks an order shipped with its tracking link: link when
// given, else the shipping method's link template filled with code.
// A link that is not an http(s) URL gives ErrBadTrackingLink.
func (s *Sidecar) ShipOrder(id, by, link, code string) (*order.Order, error) {
	method := ""
	if link == "" && code != "" {
		o, err := s.store.GetOrder(id)
		if err != nil {
			return nil, err
		}
		method = o.ShippingMethod
	}
	link, good := s.trackingLink(method, link, code)
	if !good {
		return nil, ErrBadTrackingLink
	}
	if link == "" && code != "" {
		return nil, fmt.Errorf("%w (method %s)", ErrNoTrackingTemplate, method)
	}
	return s.ownerEvent(id, order.EventShip, by, func(o *order.Order) {
		o.TrackingURL, o.TrackingCode = link, code
	})
}

// CancelOrder cancels an order as the owner (also a packed one); a paid
// order is refunded in full. Canceling an order that is canceled already
// retries a refund that did not go through; with nothing left to refund
// it is a transition that does not apply (order.ErrTransition).
func (s *Sidecar) CancelOrder(ctx context.Context, id, by string) (*order.Order, error) {
	return s.cancelOrder(ctx, id, by, false)
}

// ReceiveReturn marks a return received (the customer is told once) and
// refunds it by the policy when refund is set.
func (s *Sidecar) ReceiveReturn(ctx context.Context, id, code string, refund bool, by string) (*order.Order, error) {
	return s.returnReceived(ctx, id, code, refund, by)
}

// RefundOrder refunds what req says (a return, lines, an amount, all).
func (s *Sidecar) RefundOrder(ctx context.Context, id string, req RefundRequest, by string) (*order.Order, *order.Refund, error) {
	return s.ownerRefund(ctx, id, req, by)
}

// ownerEvent applies pack, ship or deliver in one transaction; prepare
// (may be nil) changes the order just before the event.
func (s *Sidecar) ownerEvent(id string, ev order.Event, by string, prepare func(o *order.Order)) (*order.Order, error) {
	o, effects, err := s.store.UpdateOrder(id, func(o *order.Order) (bool, []order.Effect, error) {
		if prepare != nil {
			prepare(o)
		}
		eff, err := o.Do(ev, by, "", s.now())
		return err == nil, eff, err
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("order changed by owner", "order", o.ID, "event", string(ev), "by", by)
	s.handleEffects(o, effects)
	return o, nil
}

// cancelOrder cancels compare-and-set (the state is checked in the same
// transaction) and refunds a paid order in full. The customer may cancel
// only before packing; the owner also a packed order. The refund due is
// made right here, so it is not passed on as an anomaly.
func (s *Sidecar) cancelOrder(ctx context.Context, orderID, by string, customer bool) (*order.Order, error) {
	o, effects, err := s.store.UpdateAfterSale(orderID, func(o *order.Order) (bool, []order.Effect, []store.Mail, error) {
		if o.State == order.Canceled {
			if !customer && (o.PaidAt.IsZero() || o.Refundable() <= 0) {
				return false, nil, nil, fmt.Errorf("%w: order %s is canceled already", order.ErrTransition, o.ID)
			}
			return false, nil, nil, nil
		}
		if customer && !canCancel(o) {
			if o.State == order.AwaitingPayment {
				return false, nil, nil, errPaymentBusy
			}
			return false, nil, nil, errTooLate
		}
		eff, err := o.Do(order.EventCancel, by, "canceled", s.now())
		if err != nil {
			return false, nil, nil, err
		}
		kept := eff[:0]
		for _, e := range eff {
			if e.Kind != order.EffectRefundDue { // refunded right below, not an anomaly
				kept = append(kept, e)
			}
		}
		var mails []store.Mail
		// The wording is "as you asked"; the shop's own cancel is told by the
		// refund e-mail. An order nobody paid gets no e-mail: its address may
		// be a stranger's (issue 12, item 2).
		if customer && store.ConfirmedByOwner(o) {
			mails = append(mails, store.Mail{ID: store.AfterSaleMailID(store.MailCanceled, o.ID, "cancel"), Kind: store.MailCanceled})
		}
		return true, kept, mails, nil
	})
	if err != nil {
		return nil, err
	}
	if !customer {
		s.log.Info("order changed by owner", "order", o.ID, "event", string(order.EventCancel), "by", by)
	}
	s.handleEffects(o, effects)
	if o.State == order.Canceled && !o.PaidAt.IsZero() && o.Refundable() > 0 {
		// Also when it was canceled already: a refund that did not go
		// through before is picked up (planFull reuses a live one).
		o2, _, err := s.doRefund(ctx, orderID, by, planFull("cancel"))
		if err != nil && !errors.Is(err, errRefundUncertain) {
			s.log.Error("refund after cancel", "order", orderID, "err", err)
			return orOld(o2, o), fmt.Errorf("%w: %w", ErrCancelRefund, err)
		}
		o = orOld(o2, o)
	}
	return o, nil
}
