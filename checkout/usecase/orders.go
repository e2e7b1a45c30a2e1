package usecase

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/returns"
	"github.com/storefront/storefront/checkout/store"
)

// The order's after-sale actions, one use case each, for every surface:
// the admin API (and so `shop orders`), the owner's page and the
// customer's cancel call these same methods and get the order and a domain
// error, which each surface turns into its own status and words.

// Errors of the order actions.
var (
	// ErrBadTrackingLink: a tracking link that is not an http(s) URL of sane length.
	ErrBadTrackingLink = errors.New("tracking_url must be an http(s) link, e.g. https://jouw.postnl.nl/track-and-trace/3SABC123")
	// ErrNoTrackingTemplate: a bare tracking code for a shipping method
	// without a tracking_url template to build the link from.
	ErrNoTrackingTemplate = errors.New("the shipping method has no tracking_url template in data/shipping.toml; give the full tracking link (tracking_url)")
	// ErrCancelRefund: the order is canceled, but its refund did not go
	// through; canceling again retries it. Wraps the provider's error.
	ErrCancelRefund = errors.New("the order is canceled, but the refund failed")
	// ErrTooLate: the order is packed (or further) and the customer can no
	// longer cancel it.
	ErrTooLate = errors.New("the order is already packed or on its way and can no longer be canceled; you can return it once it arrives")
	// ErrGiftCardsIssued: the order bought gift cards and is paid, so its
	// cards exist and may be spent already; canceling (a refund in full)
	// would leave them spendable. The owner settles it by hand.
	ErrGiftCardsIssued = errors.New("the order's gift cards were issued when it was paid, so it cannot be canceled and refunded in full; refund its other lines, and settle the gift cards with the customer by hand")
	// ErrPaymentBusy: the payment is being confirmed; a customer's cancel
	// would race it.
	ErrPaymentBusy = errors.New("your payment is being confirmed; try again in a minute")
)

// Orders is what the owner (and for cancel, the customer) does to an order
// after it is placed.
type Orders struct {
	Deps
	// Effects carries out what a transition leaves to do (payment
	// cancels, mails, anomalies).
	Effects func(o *order.Order, eff []order.Effect)
	// TrackingLink makes a tracking link from a link or a code and the
	// shipping method's template; false for a link that is not http(s).
	TrackingLink func(method, link, code string) (string, bool)
	// RefundAll refunds what is still refundable of a canceled paid order
	// (the payment use cases, still in checkout/server). An answer the
	// provider did not give in time is no error: the reconciler settles it.
	RefundAll func(ctx context.Context, orderID, by string) (*order.Order, error)
	// Zone is the shop's time zone (the return window's last day).
	Zone func() *time.Location
	// Provider is the payment provider in force (Place cancels the
	// payment of a cart's earlier order).
	Provider func() payment.Provider
	// SyncPayment asks the provider about a payment and brings the news to
	// its order (the payment handlers, still in checkout/server).
	SyncPayment func(ctx context.Context, paymentID, by string) error

	// What PayAgain needs of the payment handlers, still in checkout/server.
	// PaymentRequest is the provider request for the order's payment: its
	// description, the customer's order page, the webhook and the locale
	// (PayAgain sets amount, currency and idempotency key).
	PaymentRequest func(o *order.Order) payment.CreateRequest
	// PayAgainCode is the order's discount code when a new payment takes
	// its use back (nil: none), or why it has no use left.
	PayAgainCode func(o *order.Order) (*cart.Code, error)
	// GiftCovers says why the order's gift card no longer covers its part
	// (nil: it does); the error is passed back as it is.
	GiftCovers func(o *order.Order) error
	// CancelPayment cancels a payment that will not be used, in the
	// background.
	CancelPayment func(paymentID, why string)
	// InStore is how the provider in force creates a payment inside the
	// store's transaction, when its payments live in the order database
	// (the built-in provider); nil otherwise (Mollie). PayAgain then
	// creates and attaches the payment in one commit.
	InStore func() store.CreatePaymentTx
	// ProviderCall counts a call made through InStore for the metrics and
	// readiness, as the provider's own calls are counted (nil: not counted).
	ProviderCall func(op string, err error)
}

// Get is one order (ErrNotFound when there is none).
func (u Orders) Get(id string) (*order.Order, error) { return u.Store.Orders.GetOrder(id) }

// List is the orders in any of states (all when none), newest first, at
// most limit (0: all).
func (u Orders) List(states []order.State, limit int) ([]*order.Order, error) {
	return u.Store.Orders.ListOrders(store.Filter{States: states, Limit: limit})
}

// StateOf is the order's state in its raw name, "unknown" when it cannot be read.
func (u Orders) StateOf(id string) string {
	if o, err := u.Store.Orders.GetOrder(id); err == nil {
		return string(o.State)
	}
	return "unknown"
}

// Pack marks a paid order packed.
func (u Orders) Pack(id, by string) (*order.Order, error) {
	return u.event(id, order.EventPack, by, nil)
}

// Deliver marks a shipped order delivered.
func (u Orders) Deliver(id, by string) (*order.Order, error) {
	return u.event(id, order.EventDeliver, by, nil)
}

// Ship marks an order shipped with its tracking link: link when given,
// else the shipping method's link template filled with code. A link that
// is not an http(s) URL gives ErrBadTrackingLink.
func (u Orders) Ship(id, by, link, code string) (*order.Order, error) {
	method := ""
	if link == "" && code != "" {
		o, err := u.Store.Orders.GetOrder(id)
		if err != nil {
			return nil, err
		}
		method = o.ShippingMethod
	}
	link, good := u.TrackingLink(method, link, code)
	if !good {
		return nil, ErrBadTrackingLink
	}
	if link == "" && code != "" {
		return nil, fmt.Errorf("%w (method %s)", ErrNoTrackingTemplate, method)
	}
	return u.event(id, order.EventShip, by, func(o *order.Order) {
		o.TrackingURL, o.TrackingCode = link, code
	})
}

// event applies pack, ship or deliver in one transaction; prepare (may be
// nil) changes the order just before the event.
func (u Orders) event(id string, ev order.Event, by string, prepare func(o *order.Order)) (*order.Order, error) {
	o, effects, err := u.Store.Orders.UpdateOrder(id, func(o *order.Order) (bool, []order.Effect, error) {
		if prepare != nil {
			prepare(o)
		}
		eff, err := o.Do(ev, by, "", u.Now())
		return err == nil, eff, err
	})
	if err != nil {
		return nil, err
	}
	u.Log.Info("order changed by owner", "order", o.ID, "event", string(ev), "by", by)
	u.Effects(o, effects)
	return o, nil
}

// Cancel cancels an order as the owner (also a packed one); a paid order
// is refunded in full. Canceling an order that is canceled already
// retries a refund that did not go through; with nothing left to refund it
// is a transition that does not apply (order.ErrTransition).
func (u Orders) Cancel(ctx context.Context, id, by string) (*order.Order, error) {
	return u.cancel(ctx, id, by, false)
}

// CustomerCancel cancels an order the customer may still cancel
// (CustomerMayCancel): ErrTooLate once it is packed, ErrPaymentBusy while
// a payment could still complete. Canceling twice is no error.
func (u Orders) CustomerCancel(ctx context.Context, id string) (*order.Order, error) {
	return u.cancel(ctx, id, "customer", true)
}

// CustomerMayCancel reports whether the customer may cancel the order now:
// paid and not packed, or unpaid with no payment that could still
// complete. An open payment (iDEAL, say) cannot always be canceled at the
// provider and might be paid in another tab after the order was canceled;
// the customer can cancel once it has failed or expired (it expires by
// itself).
func CustomerMayCancel(o *order.Order) bool {
	if GiftCardsIssued(o) {
		return false
	}
	switch o.State {
	case order.PaymentFailed, order.Paid:
		return true
	case order.AwaitingPayment:
		a := o.Attempt(o.PaymentID)
		return a == nil || a.Status.Final()
	}
	return false
}

// GiftCardsIssued reports whether o bought gift cards and was paid: its
// cards were made in the same transaction (docs/giftcards.md).
func GiftCardsIssued(o *order.Order) bool {
	if o.PaidAt.IsZero() {
		return false
	}
	for _, l := range o.Lines {
		if l.GiftCard {
			return true
		}
	}
	return false
}

// cancel cancels compare-and-set (the state is checked in the same
// transaction) and refunds a paid order in full. The customer may cancel
// only before packing; the owner also a packed order. The refund due is
// made right here, so it is not passed on as an anomaly.
func (u Orders) cancel(ctx context.Context, orderID, by string, customer bool) (*order.Order, error) {
	o, effects, err := u.Store.Orders.UpdateAfterSale(orderID, func(o *order.Order) (bool, []order.Effect, []store.Mail, error) {
		if o.State == order.Canceled {
			if !customer && (o.PaidAt.IsZero() || o.Refundable() <= 0) {
				return false, nil, nil, fmt.Errorf("%w: order %s is canceled already", order.ErrTransition, o.ID)
			}
			return false, nil, nil, nil
		}
		if GiftCardsIssued(o) {
			return false, nil, nil, ErrGiftCardsIssued
		}
		if customer && !CustomerMayCancel(o) {
			if o.State == order.AwaitingPayment {
				return false, nil, nil, ErrPaymentBusy
			}
			return false, nil, nil, ErrTooLate
		}
		eff, err := o.Do(order.EventCancel, by, order.Note(order.NoteCanceled), u.Now())
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
		u.Log.Info("order changed by owner", "order", o.ID, "event", string(order.EventCancel), "by", by)
	}
	u.Effects(o, effects)
	if o.State == order.Canceled && !o.PaidAt.IsZero() && o.Refundable() > 0 {
		// Also when it was canceled already: a refund that did not go
		// through before is picked up (a full refund reuses a live one).
		o2, err := u.RefundAll(ctx, orderID, by)
		if o2 == nil {
			o2 = o
		}
		if err != nil {
			u.Log.Error("refund after cancel", "order", orderID, "err", err)
			return o2, fmt.Errorf("%w: %w", ErrCancelRefund, err)
		}
		o = o2
	}
	return o, nil
}

// InvoiceEntry is one invoice or credit note number issued: its order and date.
type InvoiceEntry = store.InvoiceEntry

// Invoices are the invoice and credit note numbers issued in [from, to).
func (u Orders) Invoices(from, to time.Time) ([]InvoiceEntry, error) {
	return u.Store.Orders.Invoices(from, to)
}

// OpenRefunds is how many orders have a refund the provider has not settled.
func (u Orders) OpenRefunds() (int, error) {
	ids, err := u.Store.Orders.OrdersWithOpenRefunds()
	return len(ids), err
}

// Restocked is which of the order's returns are back in stock, by code.
func (u Orders) Restocked(id string) (map[string]bool, error) { return u.Store.Stock.Restocked(id) }

// MailFailureCount is how many e-mails were given up and are being retried.
type MailFailureCount = store.MailFailureCount

// MailFailures counts the e-mails that could not be sent.
func (u Orders) MailFailures() (MailFailureCount, error) { return u.Store.MailQueue.Failures() }

// Restock puts the items of a received return back in stock (once per
// return: changed is false the second time) and queues the alerts of what
// is buyable again. store.ErrConflict: the return is not received yet.
func (u Orders) Restock(orderID, code string) (changed bool, err error) {
	changed, err = u.Store.Stock.RestockReturn(orderID, code)
	if err == nil && changed {
		u.Log.Info("return put back in stock", "order", orderID, "return", code)
		u.BackInStock()
	}
	return changed, err
}

// BackInStock queues the alerts whose SKU can be bought again.
func (u Orders) BackInStock() {
	n, err := u.Store.Stock.BackInStock(u.Catalog())
	if err != nil {
		u.Log.Error("back in stock", "err", err)
		return
	}
	if n > 0 {
		u.Log.Info("back-in-stock alerts queued", "mails", n)
		u.kick()
	}
}

// RequestReturn records the customer's return in one transaction with its
// e-mail. The window and the quantities are checked on the order as it is
// inside the transaction. The same lines asked again within two minutes
// (a double click) give the same return.
func (u Orders) RequestReturn(orderID string, want map[string]int, reason string) (*order.Order, string, error) {
	reason, err := returns.CleanReason(reason)
	if err != nil {
		return nil, "", err
	}
	p := returns.PolicyFrom(u.Catalog().Returns)
	var code string
	o, _, err := u.Store.Orders.UpdateAfterSale(orderID, func(o *order.Order) (bool, []order.Effect, []store.Mail, error) {
		code = ""
		now := u.Now()
		if _, err := p.Open(o, now, u.Zone()); err != nil {
			return false, nil, nil, err
		}
		if prev := recentSame(o, want, now); prev != "" {
			code = prev // a double click: the same return
			return false, nil, nil, nil
		}
		lines, err := returns.Lines(o, maps.Clone(want), returns.Returnable(o))
		if err != nil {
			return false, nil, nil, err
		}
		a := p.ForLines(o, lines, returns.AllBack(o, lines, true))
		r := order.Return{Code: o.NextReturnCode(), Lines: lines, Reason: reason, Amount: a.Total(), Shipping: a.Shipping}
		if err := o.AddReturn(r, "customer", now); err != nil {
			return false, nil, nil, err
		}
		code = r.Code
		return true, nil, []store.Mail{{ID: store.AfterSaleMailID(store.MailReturnRequested, o.ID, r.Code), Kind: store.MailReturnRequested}}, nil
	})
	if err != nil {
		return nil, "", err
	}
	u.kick()
	return o, code, nil
}

// recentSame finds a return with exactly these lines asked in the last two minutes.
func recentSame(o *order.Order, want map[string]int, now time.Time) string {
	for _, r := range o.Returns {
		if now.Sub(r.RequestedAt) > 2*time.Minute {
			continue
		}
		same := true
		n := 0
		for _, l := range r.Lines {
			if want[l.SKU] != l.Quantity {
				same = false
			}
			n++
		}
		for _, q := range want {
			if q == 0 {
				n++ // zero quantities are not in the return
			}
		}
		if same && n == len(want) {
			return r.Code
		}
	}
	return ""
}
