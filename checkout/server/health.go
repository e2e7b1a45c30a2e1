package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/metrics"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/store"
)

// Readiness limits (docs/reliability.md, "Health").
const (
	providerDownAfter = 3               // consecutive failed provider calls ...
	providerDownFor   = 5 * time.Minute // ... with no success for this long: not ready
	mailStuckAfter    = 15 * time.Minute
)

// opsState is what health, readiness and metrics read; set by the workers.
type opsState struct {
	mu         sync.Mutex
	lastRun    map[string]time.Time // worker -> last finished pass
	provOK     time.Time            // last provider call that was answered
	provFails  int                  // consecutive failed provider calls
	provErr    string
	provFailAt time.Time

	readyMu   sync.Mutex // one readiness check at a time, its answer reused for readyCache
	readyAt   time.Time
	readyLast Readiness
}

// readyCache: /readyz is public; a flood of probes costs one check per this.
const readyCache = time.Second

// workerDone records a finished pass of a background worker.
func (s *Sidecar) workerDone(worker string) {
	s.ops.mu.Lock()
	defer s.ops.mu.Unlock()
	if s.ops.lastRun == nil {
		s.ops.lastRun = map[string]time.Time{}
	}
	s.ops.lastRun[worker] = s.now()
}

// healthz: the process is up and serving.
func (s *Sidecar) healthz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	ok(c, http.StatusOK, gin.H{"status": "ok"})
}

// check is one readiness check's outcome.
type check struct {
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

// Readiness is the body of /readyz.
type Readiness struct {
	Ready  bool             `json:"ready"`
	Failed []string         `json:"failed,omitempty"`
	Checks map[string]check `json:"checks"`
}

// readiness runs the checks: database open, catalog loaded, provider
// reachable recently, mail queue not stuck.
func (s *Sidecar) readiness() Readiness {
	now := s.now()
	r := Readiness{Ready: true, Checks: map[string]check{}}
	set := func(name string, c check) {
		r.Checks[name] = c
		if !c.OK {
			r.Ready = false
			r.Failed = append(r.Failed, name)
		}
	}
	if err := s.store.Ping(); err != nil {
		set("database", check{Detail: err.Error()})
	} else {
		set("database", check{OK: true})
	}
	if cat := s.catalog.Current(); cat == nil || len(cat.Items) == 0 {
		set("catalog", check{Detail: "no catalog with products loaded"})
	} else {
		set("catalog", check{OK: true, Detail: "version " + cat.Version})
	}
	s.ops.mu.Lock()
	fails, okAt, perr, failAt := s.ops.provFails, s.ops.provOK, s.ops.provErr, s.ops.provFailAt
	s.ops.mu.Unlock()
	if fails >= providerDownAfter && now.Sub(okAt) > providerDownFor {
		set("provider", check{Detail: "the last " + strconv.Itoa(fails) + " calls failed since " + failAt.Format(time.RFC3339) + ": " + perr})
	} else {
		set("provider", check{OK: true})
	}
	g, err := s.store.Gauges(now)
	switch {
	case err != nil:
		set("mail", check{Detail: err.Error()})
	case !g.OldestDueMail.IsZero() && now.Sub(g.OldestDueMail) > mailStuckAfter:
		set("mail", check{Detail: "a message due since " + g.OldestDueMail.Format(time.RFC3339) + " was not tried: the mail worker is stuck"})
	default:
		set("mail", check{OK: true})
	}
	return r
}

// readyz answers 200 when every check passes, else 503, with the checks.
func (s *Sidecar) readyz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	s.ops.readyMu.Lock()
	if now := time.Now(); now.Sub(s.ops.readyAt) >= readyCache || now.Before(s.ops.readyAt) {
		s.ops.readyLast, s.ops.readyAt = s.readiness(), now
	}
	r := s.ops.readyLast
	s.ops.readyMu.Unlock()
	status := http.StatusOK
	if !r.Ready {
		status = http.StatusServiceUnavailable
	}
	ok(c, status, r)
}

// metricsState is read at every scrape.
func (s *Sidecar) metricsState() metrics.State {
	now := s.now()
	st := metrics.State{OrdersByState: map[string]int{}, Alerts: map[string]int{}}
	if g, err := s.store.Gauges(now); err == nil {
		for k, n := range g.OrdersByState {
			st.OrdersByState[string(k)] = n
		}
		st.AwaitingPayments, st.MailQueued, st.MailDead = g.AwaitingPayments, g.MailQueued, g.MailDead
		if !g.OldestAwaiting.IsZero() {
			st.OldestAwaiting = now.Sub(g.OldestAwaiting)
		}
	}
	if cat := s.catalog.Current(); cat != nil {
		st.CatalogVersion = cat.Version
		if !cat.GeneratedAt.IsZero() {
			st.CatalogAge = now.Sub(cat.GeneratedAt)
		}
	}
	s.ops.mu.Lock()
	if at, ok := s.ops.lastRun["reconciler"]; ok {
		st.ReconcileLag = now.Sub(at)
	} else {
		st.ReconcileLag = now.Sub(s.alerts.Started())
	}
	s.ops.mu.Unlock()
	for k, n := range s.alerts.Raised() {
		st.Alerts[k] = n
	}
	st.BadRecords = len(s.store.BadRecords())
	return st
}

// MetricsHandler serves the metrics (cli: on SHOP_METRICS_ADDR).
func (s *Sidecar) MetricsHandler() http.Handler { return s.metrics.Handler() }

// adminBackupVerified records a backup that `shop backup` wrote and verified.
func (s *Sidecar) adminBackupVerified(c *gin.Context) {
	var in struct {
		Bytes int64 `json:"bytes"`
	}
	if err := c.ShouldBindJSON(&in); err != nil || in.Bytes <= 0 {
		fail(c, http.StatusBadRequest, `send {"bytes": N}: the size of the verified copy`)
		return
	}
	if err := s.store.RecordBackup(in.Bytes); err != nil {
		s.log.Error("record backup", "err", err)
		fail(c, http.StatusInternalServerError, "could not record the backup")
		return
	}
	ok(c, http.StatusOK, gin.H{"recorded": true})
}

// AlertsView is the body of GET /api/admin/alerts.
type AlertsView struct {
	Alerts     []store.Alert     `json:"alerts"`
	BadRecords []store.BadRecord `json:"bad_records"`
	LastBackup time.Time         `json:"last_backup,omitzero"`
}

func (s *Sidecar) alertsView() (AlertsView, error) {
	a, err := s.store.Alerts()
	if err != nil {
		return AlertsView{}, err
	}
	b, err := s.store.LastBackup()
	if err != nil {
		return AlertsView{}, err
	}
	return AlertsView{Alerts: a, BadRecords: s.store.BadRecords(), LastBackup: b.At}, nil
}

func (s *Sidecar) adminAlerts(c *gin.Context) {
	v, err := s.alertsView()
	if err != nil {
		s.log.Error("alerts", "err", err)
		fail(c, http.StatusInternalServerError, "could not read the alerts")
		return
	}
	ok(c, http.StatusOK, v)
}

// watchedProvider counts provider calls for metrics and readiness, and
// tells the alerting about paid payments.
type watchedProvider struct {
	payment.Provider
	s *Sidecar
}

func (w watchedProvider) note(op string, err error) {
	outcome := "ok"
	switch {
	case errors.Is(err, payment.ErrNotFound):
		outcome = "not_found"
	case err != nil && !errors.Is(err, context.Canceled):
		outcome = "error"
	}
	if w.s.metrics != nil {
		w.s.metrics.ProviderCall(op, outcome)
	}
	st := &w.s.ops
	st.mu.Lock()
	defer st.mu.Unlock()
	if outcome == "error" {
		if st.provFails == 0 {
			st.provFailAt = w.s.now()
		}
		st.provFails++
		st.provErr = err.Error()
	} else if err == nil || outcome == "not_found" {
		st.provFails, st.provOK = 0, w.s.now()
	}
}

func (w watchedProvider) CreatePayment(ctx context.Context, req payment.CreateRequest) (*payment.Payment, error) {
	p, err := w.Provider.CreatePayment(ctx, req)
	w.note("create_payment", err)
	return p, err
}

func (w watchedProvider) GetPayment(ctx context.Context, id string) (*payment.Payment, error) {
	p, err := w.Provider.GetPayment(ctx, id)
	w.note("get_payment", err)
	if err == nil && p != nil {
		w.s.alerts.NotePaid(p.ID, p.Status)
	}
	return p, err
}

func (w watchedProvider) CancelPayment(ctx context.Context, id string) (*payment.Payment, error) {
	p, err := w.Provider.CancelPayment(ctx, id)
	w.note("cancel_payment", err)
	return p, err
}

func (w watchedProvider) CreateRefund(ctx context.Context, paymentID string, req payment.RefundRequest) (*payment.Refund, error) {
	r, err := w.Provider.CreateRefund(ctx, paymentID, req)
	w.note("create_refund", err)
	return r, err
}

func (w watchedProvider) ListRefunds(ctx context.Context, paymentID string) ([]payment.Refund, error) {
	r, err := w.Provider.ListRefunds(ctx, paymentID)
	w.note("list_refunds", err)
	return r, err
}

// adminAlert is one line of the alerts on the owner's home page.
type adminAlert struct {
	Title, Do, Detail, Last string
	Count                   int
}

// alertsShownFor is how long an alert stays on the owner's home page.
const alertsShownFor = 7 * 24 * time.Hour

// adminAlerts7d lists the alerts of the last week and the records that do
// not decode, for the owner's home page.
func (s *Sidecar) adminAlerts7d() []adminAlert {
	v, err := s.alertsView()
	if err != nil {
		s.log.Error("alerts", "err", err)
		return []adminAlert{{Title: "Alerts could not be read", Detail: err.Error()}}
	}
	var out []adminAlert
	for _, a := range v.Alerts {
		if s.now().Sub(a.Last) > alertsShownFor {
			continue
		}
		w := alertWords[a.Kind]
		out = append(out, adminAlert{Title: w.Title, Do: w.Do, Detail: a.Detail, Count: a.Count,
			Last: a.Last.In(s.zone()).Format("2006-01-02 15:04")})
	}
	for _, r := range v.BadRecords {
		w := alertWords[alertBadRecord]
		out = append(out, adminAlert{Title: w.Title, Do: w.Do, Detail: r.Bucket + "/" + r.Key + ": " + r.Err, Count: 1,
			Last: r.Seen.In(s.zone()).Format("2006-01-02 15:04")})
	}
	return out
}
