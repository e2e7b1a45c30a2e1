package usecase

import (
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/store"
)

// Alert kinds: what the owner is told about by e-mail (SHOP_ALERT_EMAIL, at
// most one e-mail per kind per AlertMailEvery), on the admin page and in
// the log. docs/reliability.md, "Alerts", lists them.
const (
	AlertUnconfirmed = "payment_unconfirmed" // paid at the provider, no paid order after UnconfirmedAfter
	AlertMailFailing = "mail_failing"        // an e-mail was given up after every retry
	AlertCatalog     = "catalog_reload"      // a new catalog was refused
	AlertBadRecord   = "record_undecodable"  // a stored record does not decode
	AlertBackup      = "backup_missing"      // no verified backup within BackupEvery + BackupGrace
	AlertPanic       = "worker_panic"        // a background pass panicked (recovered)
)

const (
	AlertMailEvery   = time.Hour
	UnconfirmedAfter = 10 * time.Minute
	BackupGrace      = time.Hour
	maxPaidWatch     = 10000 // payments remembered as paid and not yet confirmed
)

// Alerts is the sidecar's alert state, kept in memory, and the checks that
// raise alerts as time passes (the watchdog worker runs WatchOnce).
type Alerts struct {
	log         *slog.Logger
	now         func() time.Time
	mailTo      string        // SHOP_ALERT_EMAIL
	backupEvery time.Duration // SHOP_BACKUP_EVERY; 0: not watched
	kick        func()

	store   atomic.Pointer[store.Store] // set by Attach: alerts can be recorded
	mu      sync.Mutex
	paid    map[string]time.Time // payment id -> first seen paid at the provider
	started time.Time            // the baseline for "no backup yet"
	raised  map[string]int       // kind -> occurrences since start (metrics)
}

// NewAlerts starts the alert state; alerts are only logged until Attach.
func NewAlerts(log *slog.Logger, now func() time.Time, mailTo string, backupEvery time.Duration, kickMail func()) *Alerts {
	return &Alerts{log: log, now: now, mailTo: mailTo, backupEvery: backupEvery, kick: kickMail, started: now(),
		paid: map[string]time.Time{}, raised: map[string]int{}}
}

// Attach records alerts in st from now on.
func (a *Alerts) Attach(st *store.Store) { a.store.Store(st) }

// Started is when the sidecar started (the baseline for lags).
func (a *Alerts) Started() time.Time { return a.started }

// Raised counts the alerts raised since start, by kind.
func (a *Alerts) Raised() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return maps.Clone(a.raised)
}

// Raise logs the alert, records it, and queues an e-mail to the owner
// when one of this kind was not sent within the hour.
func (a *Alerts) Raise(kind, detail string) {
	a.log.Error("alert", "kind", kind, "detail", detail)
	a.mu.Lock()
	a.raised[kind]++
	a.mu.Unlock()
	st := a.store.Load()
	if st == nil {
		return // before the database is open (a catalog reload at start): the log has it
	}
	_, mailed, err := st.RaiseAlert(kind, detail, a.mailTo, AlertMailEvery)
	if err != nil {
		a.log.Error("alert not recorded", "kind", kind, "err", err)
		return
	}
	if mailed && a.kick != nil {
		a.kick()
	}
}

// NotePaid remembers when the provider first said a payment is paid; the
// watchdog alerts when its order is still not paid UnconfirmedAfter later.
func (a *Alerts) NotePaid(id string, st payment.Status) {
	if st != payment.StatusPaid {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.paid[id]; !ok && len(a.paid) < maxPaidWatch {
		a.paid[id] = a.now()
	}
}

// WatchOnce raises the alerts that come from time passing: a paid payment
// still without a paid order, a backup overdue.
func (a *Alerts) WatchOnce() {
	st := a.store.Load()
	if st == nil {
		return
	}
	now := a.now()
	a.mu.Lock()
	var due []string
	for id, at := range a.paid {
		if now.Sub(at) >= UnconfirmedAfter {
			due = append(due, id)
		}
	}
	a.mu.Unlock()
	for _, id := range due {
		o, err := st.Orders.OrderByPaymentID(id)
		confirmed := err == nil && o.State != order.AwaitingPayment
		if err == nil && !confirmed {
			a.Raise(AlertUnconfirmed, fmt.Sprintf("payment %s of order %s: paid at the provider, order %s", id, o.ID, o.State))
			continue // asked again at the next pass; the e-mail is limited per hour
		}
		a.mu.Lock()
		delete(a.paid, id)
		a.mu.Unlock()
	}
	if a.backupEvery > 0 {
		last, err := st.LastBackup()
		if err != nil {
			a.log.Warn("last backup", "err", err)
			return
		}
		since := last.At
		if since.IsZero() {
			since = a.started
		}
		if now.Sub(since) > a.backupEvery+BackupGrace {
			what := "none recorded since the sidecar started " + a.started.Format(time.RFC3339)
			if !last.At.IsZero() {
				what = "the last verified backup was at " + last.At.Format(time.RFC3339)
			}
			a.Raise(AlertBackup, fmt.Sprintf("expected every %s; %s", a.backupEvery, what))
		}
	}
}
