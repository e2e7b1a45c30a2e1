package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/store"
)

// mailWorker sends queued e-mails: when kicked after an order change, and
// every few seconds for retries. It runs alone, so a message is never sent
// twice at once; the webhook only queues and never waits for it.
func (s *Sidecar) mailWorker(ctx context.Context) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		s.safely("mail", func() { s.sendDue(ctx) })
		select {
		case <-ctx.Done():
			return
		case <-s.mailKick:
		case <-t.C:
		}
	}
}

// sendDue sends every message whose time has come; it returns how many went out.
func (s *Sidecar) sendDue(ctx context.Context) int {
	s.sendMu.Lock() // one sender at a time: a message is never sent twice at once
	defer s.sendMu.Unlock()
	due, err := s.store.Due(s.now(), 50)
	if err != nil {
		s.log.Error("mail queue", "err", err)
		return 0
	}
	sent := 0
	for _, m := range due {
		if ctx.Err() != nil {
			return sent
		}
		err := s.sendOne(ctx, m)
		if err == nil {
			if err := s.store.MarkSent(m.ID, s.now()); err != nil {
				s.log.Error("mail sent but not marked", "mail", m.ID, "err", err)
			}
			sent++
			continue
		}
		failed, merr := s.store.MarkFailed(m.ID, err, s.now())
		if merr != nil {
			s.log.Error("mail failed and not marked", "mail", m.ID, "err", merr)
			continue
		}
		s.metrics.MailFailed()
		level := "will retry"
		if failed.Dead {
			level = "given up; listed on /admin/mail/ and the order, for the owner to retry"
			s.mailGivenUp(failed) // mailfail.go
		}
		s.log.Error("send mail", "mail", m.ID, "order", m.OrderID, "attempt", failed.Attempts, "next", failed.NextAt, "status", level, "err", err)
		if failed.Dead {
			s.mailGaveUp(m, err) // the owner's alert (alerts.go)
		}
	}
	return sent
}

// sendOne renders an order e-mail from the order as it is now and sends it.
func (s *Sidecar) sendOne(ctx context.Context, m store.Mail) error {
	if send, mine := s.retentionMail(m.Kind); mine { // reviews.go
		return send(ctx, m)
	}
	if send, mine := s.keepMail(m.Kind); mine { // loyalty.go
		return send(ctx, m)
	}
	if send, mine := s.standingMail(m.Kind); mine { // standing.go
		return send(ctx, m)
	}
	if send, mine := s.alertMail(m.Kind); mine { // alerts.go
		return send(ctx, m)
	}
	if m.Kind == store.MailGiftCard { // a sold gift card, to its recipient (giftcards.go)
		msg, err := s.sendGiftCardMail(m)
		if err != nil {
			return err
		}
		sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
		defer cancel()
		return s.sender.Send(sctx, msg)
	}
	o, err := s.store.GetOrder(m.OrderID)
	if err != nil {
		return fmt.Errorf("order of mail %s: %w", m.ID, err)
	}
	sum := s.summary(o)
	var subject, text, html, kind string
	var files []mail.Attachment
	switch m.Kind {
	case store.MailConfirmation:
		kind = "confirmation"
		sum.Legal = s.legal(o, sum.Lang) // invoices.go
		if files = s.invoiceAttachment(o); files != nil {
			sum.Legal.InvoiceNumber = o.InvoiceNumber
		}
		subject, text, html, err = mail.Confirmation(sum)
	case store.MailShipped:
		kind = "shipped"
		subject, text, html, err = mail.Shipped(sum)
	default:
		if !afterSaleMailKind(m.Kind) {
			return errors.New("unknown mail kind " + m.Kind)
		}
		kind, subject, text, html, err = s.renderAfterSaleMail(o, m) // returns, refunds, cancel (return_mail.go)
	}
	if err != nil {
		return err
	}
	msg := mail.Message{ID: m.ID, Kind: kind, To: o.Customer.Email, ToName: o.Customer.Name,
		Subject: subject, Text: text, HTML: html, Created: m.CreatedAt, ReplyTo: s.catalog.Current().Shop.Email, Attachments: files}
	sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	return s.sender.Send(sctx, msg)
}
