package usecase

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/store"
)

// Readiness limits (docs/reliability.md, "Health").
const (
	ProviderDownAfter = 3               // consecutive failed provider calls ...
	ProviderDownFor   = 5 * time.Minute // ... with no success for this long: not ready
	MailStuckAfter    = 15 * time.Minute
)

// Health is what health, readiness and metrics read; the workers and the
// provider calls write it.
type Health struct {
	Deps

	mu         sync.Mutex
	lastRun    map[string]time.Time // worker -> last finished pass
	provOK     time.Time            // last provider call that was answered
	provFails  int                  // consecutive failed provider calls
	provErr    string
	provFailAt time.Time
}

// WorkerDone records a finished pass of a background worker.
func (h *Health) WorkerDone(worker string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.lastRun == nil {
		h.lastRun = map[string]time.Time{}
	}
	h.lastRun[worker] = h.Now()
}

// LastRun is when worker last finished a pass.
func (h *Health) LastRun(worker string) (time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	at, ok := h.lastRun[worker]
	return at, ok
}

// ProviderCall records the outcome of one payment provider call and
// returns it as the metrics name it: ok, not_found or error (a canceled
// call is neither a success nor a failure).
func (h *Health) ProviderCall(err error) string {
	outcome := "ok"
	switch {
	case errors.Is(err, payment.ErrNotFound):
		outcome = "not_found"
	case err != nil && !errors.Is(err, context.Canceled):
		outcome = "error"
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if outcome == "error" {
		if h.provFails == 0 {
			h.provFailAt = h.Now()
		}
		h.provFails++
		h.provErr = err.Error()
	} else if err == nil || outcome == "not_found" {
		h.provFails, h.provOK = 0, h.Now()
	}
	return outcome
}

// Check is one readiness check's outcome.
type Check struct {
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

// Readiness is the body of /readyz.
type Readiness struct {
	Ready  bool             `json:"ready"`
	Failed []string         `json:"failed,omitempty"`
	Checks map[string]Check `json:"checks"`
}

// Readiness runs the checks: database open, catalog loaded, provider
// reachable recently, mail queue not stuck.
func (h *Health) Readiness() Readiness {
	now := h.Now()
	r := Readiness{Ready: true, Checks: map[string]Check{}}
	set := func(name string, c Check) {
		r.Checks[name] = c
		if !c.OK {
			r.Ready = false
			r.Failed = append(r.Failed, name)
		}
	}
	if err := h.Store.Ping(); err != nil {
		set("database", Check{Detail: err.Error()})
	} else {
		set("database", Check{OK: true})
	}
	if cat := h.Catalog(); cat == nil || len(cat.Items) == 0 {
		set("catalog", Check{Detail: "no catalog with products loaded"})
	} else {
		set("catalog", Check{OK: true, Detail: "version " + cat.Version})
	}
	h.mu.Lock()
	fails, okAt, perr, failAt := h.provFails, h.provOK, h.provErr, h.provFailAt
	h.mu.Unlock()
	if fails >= ProviderDownAfter && now.Sub(okAt) > ProviderDownFor {
		set("provider", Check{Detail: "the last " + strconv.Itoa(fails) + " calls failed since " + failAt.Format(time.RFC3339) + ": " + perr})
	} else {
		set("provider", Check{OK: true})
	}
	g, err := h.Store.Gauges(now)
	switch {
	case err != nil:
		set("mail", Check{Detail: err.Error()})
	case !g.OldestDueMail.IsZero() && now.Sub(g.OldestDueMail) > MailStuckAfter:
		set("mail", Check{Detail: "a message due since " + g.OldestDueMail.Format(time.RFC3339) + " was not tried: the mail worker is stuck"})
	default:
		set("mail", Check{OK: true})
	}
	return r
}

// Alert is a raised alert as recorded; BadRecord a stored record that
// does not decode; Gauges the store's figures for the metrics scrape.
type (
	Alert     = store.Alert
	BadRecord = store.BadRecord
	Gauges    = store.Gauges
)

// Gauges are the store's figures at now (orders by state, the mail queue).
func (h *Health) Gauges(now time.Time) (Gauges, error) { return h.Store.Gauges(now) }

// BadRecordCount is how many stored records do not decode.
func (h *Health) BadRecordCount() int { return len(h.Store.BadRecords()) }

// Backup writes a consistent copy of the database to w (the store copies
// it to a local file first, so writers go on meanwhile).
func (h *Health) Backup(w io.Writer) (int64, error) { return h.Store.Backup(w) }

// RecordBackup records a backup that `shop backup` wrote and verified:
// ErrInvalid when bytes is not positive.
func (h *Health) RecordBackup(bytes int64) error {
	if bytes <= 0 {
		return fmt.Errorf("%w: a backup of %d bytes", ErrInvalid, bytes)
	}
	if err := h.Store.RecordBackup(bytes); err != nil {
		return fmt.Errorf("%w: record backup: %w", ErrStore, err)
	}
	return nil
}

// AlertsNow are the alerts recorded, the records that do not decode, and
// the last verified backup.
func (h *Health) AlertsNow() ([]store.Alert, []store.BadRecord, time.Time, error) {
	a, err := h.Store.Alerts()
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	b, err := h.Store.LastBackup()
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	return a, h.Store.BadRecords(), b.At, nil
}
