package order

import (
	"fmt"
	"time"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/payment"
)

// EffectKind names a side effect a change of an order calls for.
type EffectKind string

const (
	// Done by the store in the same transaction as the order change:
	EffectReserveStock     EffectKind = "stock_reserve"     // hold stock while awaiting payment
	EffectCommitStock      EffectKind = "stock_commit"      // count the order's stock as sold
	EffectReleaseStock     EffectKind = "stock_release"     // give reserved or sold stock back
	EffectConfirmationMail EffectKind = "mail_confirmation" // queue the order confirmation
	EffectShippedMail      EffectKind = "mail_shipped"      // queue the shipping notice with tracking link
	EffectClearCart        EffectKind = "cart_clear"        // the cart is paid: empty it
	EffectAnomaly          EffectKind = "anomaly"           // logged as an error for the owner
	// Left to the caller, after the transaction committed:
	EffectCancelPayment EffectKind = "payment_cancel" // cancel an open attempt at the provider
	EffectRefundDue     EffectKind = "refund_due"     // money was paid that must go back
)

// Effect is one side effect. PaymentID is set for payment effects.
type Effect struct {
	Kind      EffectKind `json:"kind"`
	PaymentID string     `json:"payment_id,omitempty"`
	Note      string     `json:"note,omitempty"`
}

// statusRank orders Mollie statuses by progress, so older news is ignored.
func statusRank(s payment.Status) int {
	switch s {
	case payment.StatusOpen:
		return 0
	case payment.StatusPending:
		return 1
	case payment.StatusAuthorized:
		return 2
	}
	if s.Final() {
		return 3
	}
	return -1
}

// AttachPayment records a new payment attempt as the order's current one. A
// payment_failed order goes back to awaiting_payment (and must reserve stock
// again). An attempt already attached is a no-op. A still-open previous
// attempt is to be canceled at the provider.
func (o *Order) AttachPayment(p payment.Payment, provider, by string, now time.Time) ([]Effect, error) {
	if o.Attempt(p.ID) != nil {
		return nil, nil
	}
	if p.Amount != o.Due() || p.Currency != o.Currency {
		return nil, fmt.Errorf("order %s: attach payment %s: amount %s %s differs from the order's %s %s",
			o.ID, p.ID, money.Format(p.Amount, p.Currency), p.Currency, money.Format(o.Due(), o.Currency), o.Currency)
	}
	var eff []Effect
	switch o.State {
	case AwaitingPayment:
		if prev := o.Attempt(o.PaymentID); prev != nil && !prev.Status.Final() {
			eff = append(eff, Effect{Kind: EffectCancelPayment, PaymentID: prev.PaymentID, Note: "replaced by " + p.ID})
		}
		if o.Stock != StockReserved {
			eff = append(eff, Effect{Kind: EffectReserveStock})
		}
	case PaymentFailed:
		if err := o.Apply(EventRetry, by, Note(NoteNewPayment, p.ID), now); err != nil {
			return nil, err
		}
		eff = append(eff, Effect{Kind: EffectReserveStock})
	default:
		return nil, fmt.Errorf("order %s: attach payment %s: %w: order is %s", o.ID, p.ID, ErrTransition, o.State)
	}
	o.Attempts = append(o.Attempts, Attempt{
		PaymentID: p.ID, Provider: provider, Status: p.Status, Amount: p.Amount, Currency: p.Currency,
		CheckoutURL: p.CheckoutURL, CreatedAt: now, UpdatedAt: now, ExpiresAt: p.ExpiresAt,
	})
	o.PaymentID, o.PaymentStatus, o.CheckoutURL = p.ID, p.Status, p.CheckoutURL
	o.UpdatedAt = now
	return eff, nil
}

// Adopt records a payment that was created for this order but never
// attached (the process stopped between creating it and storing it), so that
// news about it counts. It becomes the current attempt only when the order
// has none; otherwise ApplyPayment treats it as an earlier attempt. Its
// status starts as open, for ApplyPayment to move. Adopting an attached
// payment is a no-op; a different amount or currency is refused.
func (o *Order) Adopt(p payment.Payment, provider, by string, now time.Time) error {
	if o.Attempt(p.ID) != nil {
		return nil
	}
	if p.Amount != o.Due() || p.Currency != o.Currency {
		return fmt.Errorf("order %s: adopt payment %s: amount %s %s differs from the order's %s %s",
			o.ID, p.ID, money.Format(p.Amount, p.Currency), p.Currency, money.Format(o.Due(), o.Currency), o.Currency)
	}
	o.Attempts = append(o.Attempts, Attempt{
		PaymentID: p.ID, Provider: provider, Status: payment.StatusOpen, Amount: p.Amount, Currency: p.Currency,
		CreatedAt: now, UpdatedAt: now, ExpiresAt: p.ExpiresAt,
	})
	if o.PaymentID == "" {
		o.PaymentID, o.PaymentStatus = p.ID, payment.StatusOpen
	}
	o.note(by, Note(NoteAdopted, p.ID), now)
	return nil
}

// ApplyPayment decides, idempotently, what a provider's view of one of the
// order's payments means for the order. by says who brought the news
// (webhook, return, reconciler).
//
//   - paid: awaiting_payment or payment_failed become paid; the stock is
//     committed, the confirmation e-mail queued, the cart cleared. A second
//     paid attempt, or a payment paid after the order was canceled, is an
//     anomaly with a refund due; the order does not move.
//   - failed, canceled, expired of the current attempt: awaiting_payment
//     becomes payment_failed and the stock is released. The same news about an
//     older, replaced attempt only updates that attempt.
//   - open, pending, authorized: the attempt's status is updated.
//   - news older than what is known (a lower status rank, or anything after a
//     final status) is ignored.
//   - an amount or currency different from the attempt's is refused and
//     recorded once as an anomaly; the order is not marked paid.
//
// changed reports whether o was modified and must be stored.
func (o *Order) ApplyPayment(p payment.Payment, by string, now time.Time) (changed bool, effects []Effect) {
	a := o.Attempt(p.ID)
	if a == nil {
		return false, []Effect{{Kind: EffectAnomaly, PaymentID: p.ID,
			Note: fmt.Sprintf("order %s: payment %s is not one of its attempts", o.ID, p.ID)}}
	}
	if a.Anomaly != "" {
		return false, nil // refused before; the owner has been told
	}
	if p.Amount != a.Amount || p.Currency != a.Currency {
		parts := []any{money.Format(p.Amount, p.Currency), p.Currency, p.ID, money.Format(a.Amount, a.Currency), a.Currency}
		a.Anomaly = fmt.Sprintf("provider reports %s %s for payment %s, the order expects %s %s", parts...)
		a.UpdatedAt = now
		o.note(by, Note(NotePaymentRefused, parts...), now)
		eff := []Effect{{Kind: EffectAnomaly, PaymentID: p.ID, Note: a.Anomaly}}
		if p.Status == payment.StatusPaid {
			eff = append(eff, Effect{Kind: EffectRefundDue, PaymentID: p.ID, Note: a.Anomaly})
		}
		return true, eff
	}
	if a.Status.Final() || statusRank(p.Status) < statusRank(a.Status) || statusRank(p.Status) < 0 {
		return false, nil // stale, out of order, or unknown
	}
	if p.Status == a.Status {
		return false, nil
	}
	a.Status, a.UpdatedAt = p.Status, now
	if p.Status.Final() {
		a.CheckoutURL = ""
	}
	current := p.ID == o.PaymentID
	if current {
		o.PaymentStatus = p.Status
		o.CheckoutURL = a.CheckoutURL
	}
	o.UpdatedAt = now

	switch p.Status {
	case payment.StatusPaid:
		switch o.State {
		case AwaitingPayment, PaymentFailed:
			note := Note(NotePaid, p.ID)
			if !current {
				note = Note(NotePaidEarlier, p.ID)
				if cur := o.Attempt(o.PaymentID); cur != nil && !cur.Status.Final() {
					effects = append(effects, Effect{Kind: EffectCancelPayment, PaymentID: cur.PaymentID, Note: "order paid by " + p.ID})
				}
				o.PaymentID, o.PaymentStatus, o.CheckoutURL = p.ID, p.Status, ""
			}
			_ = o.Apply(EventPaid, by, note, now) // allowed from both states
			if !p.PaidAt.IsZero() {
				o.PaidAt = p.PaidAt
			}
			effects = append(effects,
				Effect{Kind: EffectCommitStock},
				Effect{Kind: EffectConfirmationMail},
				Effect{Kind: EffectClearCart})
		default:
			a.Anomaly = Note(NotePaidWhile, p.ID, o.State)
			o.note(by, a.Anomaly, now)
			effects = append(effects,
				Effect{Kind: EffectAnomaly, PaymentID: p.ID, Note: a.Anomaly},
				Effect{Kind: EffectRefundDue, PaymentID: p.ID, Note: a.Anomaly})
		}
	case payment.StatusFailed, payment.StatusCanceled, payment.StatusExpired:
		if current && o.State == AwaitingPayment {
			_ = o.Apply(EventPaymentFailed, by, Note(paymentEnded[p.Status], p.ID), now)
			effects = append(effects, Effect{Kind: EffectReleaseStock})
		}
	}
	return true, effects
}

// paymentEnded is the note of a payment that ended unpaid, by its status.
var paymentEnded = map[payment.Status]NoteKey{
	payment.StatusFailed: NotePaymentFailed, payment.StatusCanceled: NotePaymentCanceled, payment.StatusExpired: NotePaymentExpired,
}

// Do applies an owner's or customer's event (pack, ship, deliver, cancel) and
// returns its side effects: ship queues the shipping e-mail; cancel releases
// stock, cancels an open payment and, for a paid order, says a refund is due.
func (o *Order) Do(ev Event, by, note string, now time.Time) ([]Effect, error) {
	from := o.State
	if (ev == EventPack || ev == EventShip) && o.OnlyGiftCards() {
		return nil, ErrNothingToShip
	}
	if err := o.Apply(ev, by, note, now); err != nil {
		return nil, err
	}
	var eff []Effect
	switch ev {
	case EventShip:
		eff = append(eff, Effect{Kind: EffectShippedMail})
	case EventCancel:
		if o.Stock != StockNone {
			eff = append(eff, Effect{Kind: EffectReleaseStock})
		}
		if a := o.Attempt(o.PaymentID); a != nil && !a.Status.Final() {
			eff = append(eff, Effect{Kind: EffectCancelPayment, PaymentID: a.PaymentID})
		}
		if from == Paid || from == Packed {
			eff = append(eff, Effect{Kind: EffectRefundDue, PaymentID: o.PaymentID, Note: "paid order canceled"})
		}
	}
	return eff, nil
}

// note records an event that does not change the state.
func (o *Order) note(by, note string, now time.Time) {
	o.History = append(o.History, EventRecord{At: now, From: o.State, To: o.State, By: by, Note: note})
	o.UpdatedAt = now
}
