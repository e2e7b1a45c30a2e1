package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/server/orders"
	"github.com/storefront/storefront/checkout/store"
	"github.com/storefront/storefront/checkout/usecase"
	"github.com/storefront/storefront/checkout/worker"
)

// The mail queue's worker is worker.Mailer (checkout/worker/mail.go);
// here is how one message is rendered and what a failure sets off.

// mailer is the mail worker of this sidecar.
func (s *Sidecar) mailer() worker.Mailer {
	return worker.Mailer{Queue: usecase.MailQueue{Deps: s.uc.deps}, Mu: &s.sendMu, Send: s.sendOne,
		Failed: func(m, failed store.Mail, err error) {
			s.metrics.MailFailed()
			if failed.Dead {
				s.mailGivenUp(failed)           // mailfail.go
				s.alertHooks.mailGaveUp(m, err) // the owner's alert (alerts.go)
			}
		}}
}

// sendDue sends every message whose time has come; it returns how many went out.
func (s *Sidecar) sendDue(ctx context.Context) int { return s.mailer().SendDue(ctx) }

// sendOne renders an order e-mail from the order as it is now and sends it.
func (s *Sidecar) sendOne(ctx context.Context, m store.Mail) error {
	if send, mine := s.retentionMail(m.Kind); mine { // reviews.go
		return send(ctx, m)
	}
	if send, mine := s.loyalty.KeepMail(m.Kind); mine { // loyalty.go
		return send(ctx, m)
	}
	if send, mine := s.standingMail(m.Kind); mine { // standing.go
		return send(ctx, m)
	}
	if send, mine := s.alertHooks.alertMail(m.Kind); mine { // alerts.go
		return send(ctx, m)
	}
	if m.Kind == store.MailGiftCard { // a sold gift card, to its recipient (giftcards.go)
		msg, err := s.gifts.SendGiftCardMail(m)
		if err != nil {
			return err
		}
		sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
		defer cancel()
		return s.sender.Send(sctx, msg)
	}
	o, err := s.store.Orders.GetOrder(m.OrderID)
	if err != nil {
		return fmt.Errorf("order of mail %s: %w", m.ID, err)
	}
	sum := s.orders.Summary(o)
	var subject, text, html, kind string
	var files []mail.Attachment
	switch m.Kind {
	case store.MailConfirmation:
		kind = "confirmation"
		sum.Legal = s.invoices.Legal(o, sum.Lang) // invoices.go
		if files = s.invoices.InvoiceAttachment(o); files != nil {
			sum.Legal.InvoiceNumber = o.InvoiceNumber
		}
		subject, text, html, err = mail.Confirmation(sum)
	case store.MailShipped:
		kind = "shipped"
		subject, text, html, err = mail.Shipped(sum)
	default:
		if !orders.AfterSaleMailKind(m.Kind) {
			return errors.New("unknown mail kind " + m.Kind)
		}
		kind, subject, text, html, err = s.returns.RenderAfterSaleMail(o, m) // returns, refunds, cancel (return_mail.go)
	}
	if err != nil {
		return err
	}
	msg := mail.Message{ID: m.ID, Kind: kind, To: o.Customer.Email, ToName: o.Customer.Name,
		Subject: subject, Text: text, HTML: html, Created: m.CreatedAt, ReplyTo: s.Catalog.Current().Shop.Email, Attachments: files}
	sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	return s.sender.Send(sctx, msg)
}
