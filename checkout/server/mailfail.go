package server

import (
	"github.com/storefront/storefront/checkout/usecase"
)

// E-mail that cannot be sent (docs/after-sale.md): the queue keeps every
// failed message with its last error (usecase.MailQueue.FailedMails). The
// owner sees them (owner.MailFail) on /admin/ (a count), on /admin/mail/ (the list, with a retry
// button), on the order's page and in `shop orders show` (the order's JSON
// for the owner carries mail_problems); the owner's alert hooks in through
// Options.OnMailGivenUp, and store.MailQueue.Failures counts them for a metric.

// mailGivenUp tells the owner's alert (when wired) about a message given up.
func (s *Sidecar) mailGivenUp(m usecase.Mail) {
	if s.opts.OnMailGivenUp != nil {
		s.opts.OnMailGivenUp(m)
	}
}
