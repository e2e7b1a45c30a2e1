package usecase

import (
	"time"

	"github.com/storefront/storefront/checkout/store"
)

// Mail is one queued e-mail (its kind, its order, its attempts).
type Mail = store.Mail

// MailAlert is the kind of the owner's alert e-mails; MailMaxAttempts how
// many times a message is tried before it is given up.
const (
	MailAlert       = store.MailAlert
	MailMaxAttempts = store.MailMaxAttempts
)

// MailQueue is the queue of e-mails to send: stored with the change they
// tell of, sent by the mail worker (checkout/worker), retried with backoff
// and given up after store.MailMaxAttempts.
type MailQueue struct{ Deps }

// Due is at most max messages whose time has come.
func (u MailQueue) Due(max int) ([]Mail, error) { return u.Store.MailQueue.Due(u.Now(), max) }

// Sent marks a message sent.
func (u MailQueue) Sent(id string) error { return u.Store.MailQueue.MarkSent(id, u.Now()) }

// Failed records a failed attempt and returns the message as it is now
// (Dead once it is given up).
func (u MailQueue) Failed(id string, sendErr error) (Mail, error) {
	return u.Store.MailQueue.MarkFailed(id, sendErr, u.Now())
}

// ErrMailNotRetryable: the message was sent, or is not failing.
var ErrMailNotRetryable = store.ErrMailNotRetryable

// FailedMails are the failed messages (given up or being retried), of one
// order or ("") of all.
func (u MailQueue) FailedMails(orderID string) ([]Mail, error) {
	return u.Store.MailQueue.Failed(orderID)
}

// Retry puts a failed message back in the queue (the owner's button) and
// nudges the mail worker.
func (u MailQueue) Retry(id string) (Mail, error) {
	m, err := u.Store.MailQueue.Retry(id, u.Now())
	if err == nil {
		u.Log.Info("mail retried by the owner", "mail", id, "order", m.OrderID)
		u.kick()
	}
	return m, err
}

// Housekeeping drops what is kept only for a while: carts untouched for
// 30 days, idempotency keys after a day, sent e-mails after 90 days.
type Housekeeping struct{ Deps }

// Prune drops them; errors are logged, the next pass tries again.
func (u Housekeeping) Prune() {
	now := u.Now()
	if n, err := u.Store.Carts.PruneCarts(now.Add(-30 * 24 * time.Hour)); err != nil {
		u.Log.Warn("prune carts", "err", err)
	} else if n > 0 {
		u.Log.Info("pruned old carts", "carts", n)
	}
	if _, err := u.Store.Orders.PruneIdempotency(now.Add(-24 * time.Hour)); err != nil {
		u.Log.Warn("prune idempotency keys", "err", err)
	}
	if _, err := u.Store.MailQueue.Prune(now.Add(-90 * 24 * time.Hour)); err != nil {
		u.Log.Warn("prune mail queue", "err", err)
	}
}
