package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
	"github.com/storefront/storefront/checkout/worker"
)

// The owner's alerts: the state and the checks are usecase.Alerts, the
// watchdog worker.Watchdog; here are their words, the e-mail, and the
// hooks the rest of the sidecar calls. guard, safely and startWorkers stay on
// Sidecar: they start the background workers under its WaitGroup (wiring).

const (
	alertUnconfirmed = usecase.AlertUnconfirmed
	alertMailFailing = usecase.AlertMailFailing
	alertCatalog     = usecase.AlertCatalog
	alertBadRecord   = usecase.AlertBadRecord
	alertBackup      = usecase.AlertBackup
	alertPanic       = usecase.AlertPanic
)

// alertKeys name each kind's words in the translation source:
// owner.alert.<key>.title and owner.alert.<key>.do (what the owner does).
var alertKeys = map[string]string{
	alertUnconfirmed: "unconfirmed",
	alertMailFailing: "mail_failing",
	alertCatalog:     "catalog",
	alertBadRecord:   "bad_record",
	alertBackup:      "backup",
	alertPanic:       "panic",
}

// alertText is an alert's title and what the owner does about it.
type alertText struct{ Title, Do string }

// alertWords are the words of an alert kind in lang.
func alertWords(lang, kind string) alertText {
	k, ok := alertKeys[kind]
	if !ok {
		return alertText{Title: kind}
	}
	return alertText{Title: web.OwnerT(lang, "alert."+k+".title"), Do: web.OwnerT(lang, "alert."+k+".do")}
}

// alertHooks are the alerts' hooks the store and the mail worker call:
// a record that does not decode, an e-mail given up, the alert e-mail.
type alertHooks struct {
	*web.Web
	alerts *usecase.Alerts
	send   func(context.Context, mail.Message) error // Sidecar.sendMail
}

// onBadRecord is the store's report of a record that does not decode.
func (h *alertHooks) onBadRecord(r usecase.BadRecord) {
	h.alerts.Raise(alertBadRecord, fmt.Sprintf("%s/%s: %s", r.Bucket, r.Key, r.Err))
}

// mailGaveUp is the mail worker's give-up point (mailer.go).
func (h *alertHooks) mailGaveUp(m usecase.Mail, err error) {
	if m.Kind == usecase.MailAlert {
		h.Log.Error("alert e-mail given up; alerts stay on the admin page", "mail", m.ID, "err", err)
		return // an alert about an alert mail would not arrive either
	}
	h.alerts.Raise(alertMailFailing, fmt.Sprintf("mail %s (order %s) after %d attempts: %v", m.ID, m.OrderID, usecase.MailMaxAttempts, err))
}

// alertMail sends an alert e-mail (the mail worker's hook, mailer.go).
func (h *alertHooks) alertMail(kind string) (func(context.Context, usecase.Mail) error, bool) {
	if kind != usecase.MailAlert {
		return nil, false
	}
	return func(ctx context.Context, m usecase.Mail) error {
		var a usecase.Alert
		if err := json.Unmarshal(m.Body, &a); err != nil {
			return fmt.Errorf("alert mail %s: %w", m.ID, err)
		}
		lang := h.OwnerLang()
		w := alertWords(lang, a.Kind)
		shop := h.Catalog.Current().Shop.Name
		subject := fmt.Sprintf("[%s] %s", shop, w.Title)
		var b strings.Builder
		fmt.Fprintf(&b, "%s\n\n%s\n\n%s: %s\n%s: %s\n%s: %s\n%s: %d\n\n%s: %s\n",
			w.Title, w.Do, web.OwnerT(lang, "alert.mail.latest"), a.Detail, web.OwnerT(lang, "alert.mail.first"), a.First.Format(time.RFC3339),
			web.OwnerT(lang, "alert.mail.last"), a.Last.Format(time.RFC3339), web.OwnerT(lang, "alert.mail.times"), a.Count,
			web.OwnerT(lang, "alert.mail.alerts"), h.Abs("/admin/"))
		sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
		defer cancel()
		return h.send(sctx, mail.Message{ID: m.ID, Kind: "alert", To: m.To, Subject: subject, Text: b.String(), Created: m.CreatedAt})
	}, true
}

// guard is how every background pass runs (worker.Guard): a panic is
// logged, alerted and counted.
func (s *Sidecar) guard() worker.Guard {
	return worker.Guard{Log: s.Log,
		OnPanic: func(name string, p any) { s.alerts.Raise(alertPanic, fmt.Sprintf("%s: %v", name, p)) },
		Done: func(name string, panicked bool) {
			if s.metrics != nil {
				s.metrics.WorkerRun(name, panicked)
			}
			s.uc.health.WorkerDone(name) // for /readyz (health.go)
		}}
}

// safely runs one pass of a background worker under the guard.
func (s *Sidecar) safely(name string, pass func()) { s.guard().Run(name, pass) }

// startWorkers starts the background jobs, each under the guard
// (checkout/worker's Runner).
func (s *Sidecar) startWorkers(ctx context.Context) {
	r := worker.Runner{Ctx: ctx, WG: &s.wg, Guard: s.guard()}
	worker.MailQueue(r, s.mailer(), s.mailKick)
	worker.Reconciler(r, s.opts.ReconcileEvery, s.payments.ReconcilePass, usecase.Housekeeping{Deps: s.uc.deps})
	worker.Watchdog(r, s.alerts)
	worker.ReviewRequests(r, s.uc.reviews)
	// The promise check (retention.Promises) now, then every promiseEvery.
	s.promises.Refresh()
	r.Every("promises", 0, promiseEvery, func(context.Context) { s.promises.Refresh() })
	// The standing orders' scheduler (RunScheduler): at once, then every standingEvery.
	r.OnKick("standing", standingEvery, nil, func(ctx context.Context) { s.RunScheduler(ctx) })
}
