package server

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/store"
)

// Alert kinds: what the owner is told about by e-mail (SHOP_ALERT_EMAIL, at
// most one e-mail per kind per alertMailEvery), on the admin page and in
// the log. docs/reliability.md, "Alerts", lists them.
const (
	alertUnconfirmed = "payment_unconfirmed" // paid at the provider, no paid order after unconfirmedAfter
	alertMailFailing = "mail_failing"        // an e-mail was given up after every retry
	alertCatalog     = "catalog_reload"      // a new catalog was refused
	alertBadRecord   = "record_undecodable"  // a stored record does not decode
	alertBackup      = "backup_missing"      // no verified backup within BackupEvery + backupGrace
	alertPanic       = "worker_panic"        // a background pass panicked (recovered)
)

// alertWords are the words of each kind: a title and what the owner does.
var alertWords = map[string]struct{ Title, Do string }{
	alertUnconfirmed: {"A paid payment has no confirmed order",
		"The provider says paid but the order is not paid after 10 minutes. Check the order on the admin page and the log (reconciler lines); the customer has paid."},
	alertMailFailing: {"An e-mail could not be sent",
		"A message was given up after every retry. Check the mail settings (SHOP_SMTP_*) and the log; contact the customer of the order named."},
	alertCatalog: {"The catalog could not be reloaded",
		"A new catalog.json was refused; the previous one stays in force. Fix the build (see the log line \"catalog refused\") and publish again."},
	alertBadRecord: {"A stored record could not be read",
		"A record of the database does not decode and is skipped. Run `shop checkout --check` on a fresh backup and restore the record's data from the newest good backup (docs/checkout.md, \"Backups and restore\")."},
	alertBackup: {"No backup ran",
		"No verified backup was recorded within the expected interval (SHOP_BACKUP_EVERY). Check the backup timer: systemctl status shop-backup.timer and journalctl -u shop-backup."},
	alertPanic: {"A background task crashed and was restarted",
		"A pass of a background task failed with a panic; the sidecar goes on. Send the log lines \"panic in background\" to the developers."},
}

const (
	alertMailEvery   = time.Hour
	unconfirmedAfter = 10 * time.Minute
	backupGrace      = time.Hour
	watchEvery       = time.Minute
	maxPaidWatch     = 10000 // payments remembered as paid and not yet confirmed
)

// alerting is the sidecar's alert state kept in memory.
type alerting struct {
	mu      sync.Mutex
	paid    map[string]time.Time // payment id -> first seen paid at the provider
	started time.Time            // the baseline for "no backup yet"
	raised  map[string]int       // kind -> occurrences since start (metrics)
	stored  atomic.Bool          // the store is open: alerts can be recorded
}

// raiseAlert logs the alert, records it, and queues an e-mail to the owner
// when one of this kind was not sent within the hour.
func (s *Sidecar) raiseAlert(kind, detail string) {
	s.log.Error("alert", "kind", kind, "detail", detail)
	s.alerts.mu.Lock()
	if s.alerts.raised == nil {
		s.alerts.raised = map[string]int{}
	}
	s.alerts.raised[kind]++
	s.alerts.mu.Unlock()
	if !s.alerts.stored.Load() {
		return // before the database is open (a catalog reload at start): the log has it
	}
	_, mailed, err := s.store.RaiseAlert(kind, detail, s.opts.AlertEmail, alertMailEvery)
	if err != nil {
		s.log.Error("alert not recorded", "kind", kind, "err", err)
		return
	}
	if mailed {
		select {
		case s.mailKick <- struct{}{}:
		default:
		}
	}
}

// onBadRecord is the store's report of a record that does not decode.
func (s *Sidecar) onBadRecord(r store.BadRecord) {
	s.raiseAlert(alertBadRecord, fmt.Sprintf("%s/%s: %s", r.Bucket, r.Key, r.Err))
}

// mailGaveUp is the mail worker's give-up point (mailer.go).
func (s *Sidecar) mailGaveUp(m store.Mail, err error) {
	if m.Kind == store.MailAlert {
		s.log.Error("alert e-mail given up; alerts stay on the admin page", "mail", m.ID, "err", err)
		return // an alert about an alert mail would not arrive either
	}
	s.raiseAlert(alertMailFailing, fmt.Sprintf("mail %s (order %s) after %d attempts: %v", m.ID, m.OrderID, store.MailMaxAttempts, err))
}

// alertMail sends an alert e-mail (the mail worker's hook, mailer.go).
func (s *Sidecar) alertMail(kind string) (func(context.Context, store.Mail) error, bool) {
	if kind != store.MailAlert {
		return nil, false
	}
	return func(ctx context.Context, m store.Mail) error {
		var a store.Alert
		if err := json.Unmarshal(m.Body, &a); err != nil {
			return fmt.Errorf("alert mail %s: %w", m.ID, err)
		}
		w := alertWords[a.Kind]
		shop := s.catalog.Current().Shop.Name
		subject := fmt.Sprintf("[%s] %s", shop, w.Title)
		var b strings.Builder
		fmt.Fprintf(&b, "%s\n\n%s\n\nLatest: %s\nFirst seen: %s\nLast seen: %s\nTimes: %d\n\nAlerts: %s\n",
			w.Title, w.Do, a.Detail, a.First.Format(time.RFC3339), a.Last.Format(time.RFC3339), a.Count, s.abs("/admin/"))
		sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
		defer cancel()
		return s.sender.Send(sctx, mail.Message{ID: m.ID, Kind: "alert", To: m.To, Subject: subject, Text: b.String(), Created: m.CreatedAt})
	}, true
}

// safely runs one pass of a background worker; a panic is logged, alerted
// and counted, and the worker goes on with its next pass instead of taking
// the process (and, under systemd, a restart loop) with it.
func (s *Sidecar) safely(worker string, pass func()) {
	panicked := false
	defer func() {
		if s.metrics != nil {
			s.metrics.WorkerRun(worker, panicked)
		}
		s.workerDone(worker)
	}()
	defer func() {
		if p := recover(); p != nil {
			panicked = true
			s.log.Error("panic in background", "worker", worker, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			s.raiseAlert(alertPanic, fmt.Sprintf("%s: %v", worker, p))
		}
	}()
	pass()
}

// notePaid remembers when the provider first said a payment is paid; the
// watchdog alerts when its order is still not paid unconfirmedAfter later.
func (s *Sidecar) notePaid(id string, st payment.Status) {
	if st != payment.StatusPaid {
		return
	}
	s.alerts.mu.Lock()
	defer s.alerts.mu.Unlock()
	if s.alerts.paid == nil {
		s.alerts.paid = map[string]time.Time{}
	}
	if _, ok := s.alerts.paid[id]; !ok && len(s.alerts.paid) < maxPaidWatch {
		s.alerts.paid[id] = s.now()
	}
}

// watchdog checks, every watchEvery, what no request would notice.
func (s *Sidecar) watchdog(ctx context.Context) {
	t := time.NewTicker(watchEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s.safely("watchdog", s.watchOnce)
	}
}

// watchOnce raises the alerts that come from time passing: a paid payment
// still without a paid order, a backup overdue.
func (s *Sidecar) watchOnce() {
	now := s.now()
	s.alerts.mu.Lock()
	var due []string
	for id, at := range s.alerts.paid {
		if now.Sub(at) >= unconfirmedAfter {
			due = append(due, id)
		}
	}
	s.alerts.mu.Unlock()
	for _, id := range due {
		o, err := s.store.OrderByPaymentID(id)
		confirmed := err == nil && o.State != order.AwaitingPayment
		if err == nil && !confirmed {
			s.raiseAlert(alertUnconfirmed, fmt.Sprintf("payment %s of order %s: paid at the provider, order %s", id, o.ID, o.State))
			continue // asked again at the next pass; the e-mail is limited per hour
		}
		s.alerts.mu.Lock()
		delete(s.alerts.paid, id)
		s.alerts.mu.Unlock()
	}
	if s.opts.BackupEvery > 0 {
		last, err := s.store.LastBackup()
		if err != nil {
			s.log.Warn("last backup", "err", err)
			return
		}
		since := last.At
		if since.IsZero() {
			since = s.alerts.started
		}
		if now.Sub(since) > s.opts.BackupEvery+backupGrace {
			what := "none recorded since the sidecar started " + s.alerts.started.Format(time.RFC3339)
			if !last.At.IsZero() {
				what = "the last verified backup was at " + last.At.Format(time.RFC3339)
			}
			s.raiseAlert(alertBackup, fmt.Sprintf("expected every %s; %s", s.opts.BackupEvery, what))
		}
	}
}
