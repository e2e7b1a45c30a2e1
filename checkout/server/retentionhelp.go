package server

import (
	"context"
	"time"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/store"
)

// The wiring of the retention resources (checkout/server/retention): which
// of them sends which mail kind, the sender they share, and the promise
// check's timer.

// promiseEvery is how often the delivery promises are recomputed.
const promiseEvery = 10 * time.Minute

func (s *Sidecar) deliver(ctx context.Context, m mail.Message) error {
	m.Created, m.ReplyTo = m.Created.UTC(), s.Catalog.Current().Shop.Email
	sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	return s.sender.Send(sctx, m)
}

// sendMail hands m to the sender as it is; it reads s.sender at each
// call (tests swap the sender of a running sidecar).
func (s *Sidecar) sendMail(ctx context.Context, m mail.Message) error { return s.sender.Send(ctx, m) }

// retentionMail sends the e-mails of the retention kinds (called from sendOne).
func (s *Sidecar) retentionMail(kind string) (func(context.Context, store.Mail) error, bool) {
	switch kind {
	case store.MailReviewRequest:
		return s.reviews.SendReviewRequest, true
	case store.MailSubscribeCheck:
		return s.subs.SendSubscribeConfirm, true
	case store.MailDigest:
		return s.subs.SendDigest, true
	}
	return nil, false
}
