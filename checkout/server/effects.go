package server

import "github.com/storefront/storefront/checkout/order"

// handleEffects carries out what the store leaves to us, after commit, and
// wakes the mail worker. It stays on Sidecar because it is wiring: it fans
// out to payments (cancel), refunds (a stray payment) and the mail queue,
// and the use cases, payments, carrier and gift cards all hand it their
// effects.
func (s *Sidecar) handleEffects(o *order.Order, effects []order.Effect) {
	for _, e := range effects {
		switch e.Kind {
		case order.EffectCancelPayment:
			s.payments.CancelPayment(e.PaymentID, e.Note)
		case order.EffectRefundDue:
			// Logged as an anomaly by the store; a cancel of a paid order
			// refunds it itself and does not pass it on (owneractions.go). A stray paid
			// payment is refunded here (refunds.go).
			s.refundStrayLater(o, e.PaymentID)
		}
	}
	s.kickMail()
}

// kickMail wakes the mail worker; wiring, as the queue is Sidecar's.
func (s *Sidecar) kickMail() {
	select {
	case s.mailKick <- struct{}{}:
	default:
	}
}
