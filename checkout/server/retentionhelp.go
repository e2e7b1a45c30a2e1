package server

import (
	"context"
	"time"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/store"
)

// mailJob is one queued e-mail as the mail worker hands it to a sender; the
// names keep the handler files of the retention resources off the store
// (checkout/archtest).
type mailJob = store.Mail

var (
	mailReviewRequest  = store.MailReviewRequest
	mailSubscribeCheck = store.MailSubscribeCheck
	mailDigest         = store.MailDigest
)

// Helpers of the retention mails and pages (reviews, subscriptions,
// back-in-stock, points links, alerts).

func nonEmpty(xs ...string) []string {
	var out []string
	for _, x := range xs {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

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
func (s *Sidecar) retentionMail(kind string) (func(context.Context, mailJob) error, bool) {
	switch kind {
	case mailReviewRequest:
		return s.reviews.sendReviewRequest, true
	case mailSubscribeCheck:
		return s.subs.sendSubscribeConfirm, true
	case mailDigest:
		return s.subs.sendDigest, true
	}
	return nil, false
}
