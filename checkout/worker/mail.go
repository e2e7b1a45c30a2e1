package worker

import (
	"context"
	"sync"
	"time"

	"github.com/storefront/storefront/checkout/usecase"
)

// MailEvery is how often the mail queue is looked at for retries; an order
// change kicks it at once.
const MailEvery = 5 * time.Second

// Mailer sends the queued e-mails. It runs alone (Mu), so a message is
// never sent twice at once; the webhook only queues and never waits for it.
type Mailer struct {
	Queue usecase.MailQueue
	Mu    *sync.Mutex
	// Send renders a message from the order as it is now and sends it.
	Send func(ctx context.Context, m usecase.Mail) error
	// Failed is told of each failed attempt, with the message as it is
	// after it (Dead once given up): metrics, the owner's list and alert.
	Failed func(m, after usecase.Mail, err error)
}

// SendDue sends every message whose time has come; it returns how many went out.
func (w Mailer) SendDue(ctx context.Context) int {
	w.Mu.Lock()
	defer w.Mu.Unlock()
	log := w.Queue.Log
	due, err := w.Queue.Due(50)
	if err != nil {
		log.Error("mail queue", "err", err)
		return 0
	}
	sent := 0
	for _, m := range due {
		if ctx.Err() != nil {
			return sent
		}
		err := w.Send(ctx, m)
		if err == nil {
			if err := w.Queue.Sent(m.ID); err != nil {
				log.Error("mail sent but not marked", "mail", m.ID, "err", err)
			}
			sent++
			continue
		}
		failed, merr := w.Queue.Failed(m.ID, err)
		if merr != nil {
			log.Error("mail failed and not marked", "mail", m.ID, "err", merr)
			continue
		}
		level := "will retry"
		if failed.Dead {
			level = "given up; listed on /admin/mail/ and the order, for the owner to retry"
		}
		log.Error("send mail", "mail", m.ID, "order", m.OrderID, "attempt", failed.Attempts, "next", failed.NextAt, "status", level, "err", err)
		if w.Failed != nil {
			w.Failed(m, failed, err)
		}
	}
	return sent
}

// MailQueue runs the mailer: at once, then whenever kick says a message
// was queued, and every MailEvery for retries.
func MailQueue(r Runner, w Mailer, kick <-chan struct{}) {
	r.OnKick("mail", MailEvery, kick, func(ctx context.Context) { w.SendDue(ctx) })
}

// Reconciler runs the payment checks (pass: orders awaiting payment and
// open refunds, asked of the provider) every every, and the housekeeping
// once an hour: a lost webhook delays, never loses, a payment.
func Reconciler(r Runner, every time.Duration, pass func(ctx context.Context), hk usecase.Housekeeping) {
	var lastPrune time.Time
	r.Every("reconciler", 0, every, func(ctx context.Context) {
		pass(ctx)
		if now := hk.Now(); now.Sub(lastPrune) > time.Hour {
			lastPrune = now
			hk.Prune()
		}
	})
}
