package server

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/metrics"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
)

// healthHTTP is the HTTP side of the shop's health: /healthz and /readyz
// for operators, the metrics' state, verified backups and alerts for the
// owner.
type healthHTTP struct {
	*web.Web
	uc     *usecase.Health
	alerts *usecase.Alerts
	ready  readyState
}

// readyState is /readyz's cache: /readyz is public; a flood of probes
// costs one check per readyCache. The checks are usecase.Health.
type readyState struct {
	readyMu   sync.Mutex // one readiness check at a time, its answer reused for readyCache
	readyAt   time.Time
	readyLast Readiness
}

// readyCache: /readyz is public; a flood of probes costs one check per this.
const readyCache = time.Second

// healthz: the process is up and serving.
func (h *healthHTTP) healthz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	web.OK(c, http.StatusOK, gin.H{"status": "ok"})
}

// Readiness is the body of /readyz (usecase.Health.Readiness).
type Readiness = usecase.Readiness

// readyz answers 200 when every check passes, else 503, with the checks.
func (h *healthHTTP) readyz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	h.ready.readyMu.Lock()
	if now := time.Now(); now.Sub(h.ready.readyAt) >= readyCache || now.Before(h.ready.readyAt) {
		h.ready.readyLast, h.ready.readyAt = h.uc.Readiness(), now
	}
	r := h.ready.readyLast
	h.ready.readyMu.Unlock()
	status := http.StatusOK
	if !r.Ready {
		status = http.StatusServiceUnavailable
	}
	web.OK(c, status, r)
}

// metricsState is read at every scrape.
func (h *healthHTTP) metricsState() metrics.State {
	now := h.Now()
	st := metrics.State{OrdersByState: map[string]int{}, Alerts: map[string]int{}}
	if g, err := h.uc.Gauges(now); err == nil {
		for k, n := range g.OrdersByState {
			st.OrdersByState[string(k)] = n
		}
		st.AwaitingPayments, st.MailQueued, st.MailDead = g.AwaitingPayments, g.MailQueued, g.MailDead
		if !g.OldestAwaiting.IsZero() {
			st.OldestAwaiting = now.Sub(g.OldestAwaiting)
		}
	}
	if cat := h.Catalog.Current(); cat != nil {
		st.CatalogVersion = cat.Version
		if !cat.GeneratedAt.IsZero() {
			st.CatalogAge = now.Sub(cat.GeneratedAt)
		}
	}
	if at, ok := h.uc.LastRun("reconciler"); ok {
		st.ReconcileLag = now.Sub(at)
	} else {
		st.ReconcileLag = now.Sub(h.alerts.Started())
	}
	for k, n := range h.alerts.Raised() {
		st.Alerts[k] = n
	}
	st.BadRecords = h.uc.BadRecordCount()
	return st
}

// MetricsHandler serves the metrics (cli: on SHOP_METRICS_ADDR).
func (s *Sidecar) MetricsHandler() http.Handler { return s.metrics.Handler() }

// adminBackupVerified records a backup that `shop backup` wrote and verified.
func (h *healthHTTP) adminBackupVerified(c *gin.Context) {
	var in struct {
		Bytes int64 `json:"bytes"`
	}
	err := c.ShouldBindJSON(&in)
	if err == nil {
		err = h.uc.RecordBackup(in.Bytes)
	}
	switch {
	case errors.Is(err, usecase.ErrStore):
		h.Log.Error("record backup", "err", err)
		web.Fail(c, http.StatusInternalServerError, "could not record the backup")
		return
	case err != nil: // not JSON, or not a positive size
		web.Fail(c, http.StatusBadRequest, `send {"bytes": N}: the size of the verified copy`)
		return
	}
	web.OK(c, http.StatusOK, gin.H{"recorded": true})
}

// AlertsView is the body of GET /api/admin/alerts.
type AlertsView struct {
	Alerts     []usecase.Alert     `json:"alerts"`
	BadRecords []usecase.BadRecord `json:"bad_records"`
	LastBackup time.Time           `json:"last_backup,omitzero"`
}

func (h *healthHTTP) alertsView() (AlertsView, error) {
	a, bad, last, err := h.uc.AlertsNow()
	return AlertsView{Alerts: a, BadRecords: bad, LastBackup: last}, err
}

func (h *healthHTTP) adminAlerts(c *gin.Context) {
	v, err := h.alertsView()
	if err != nil {
		h.Log.Error("alerts", "err", err)
		web.Fail(c, http.StatusInternalServerError, "could not read the alerts")
		return
	}
	web.OK(c, http.StatusOK, v)
}

// watchedProvider counts provider calls for metrics and readiness, and
// tells the alerting about paid payments.
type watchedProvider struct {
	payment.Provider
	s *Sidecar
}

func (w watchedProvider) note(op string, err error) {
	outcome := w.s.uc.health.ProviderCall(err)
	if w.s.metrics != nil {
		w.s.metrics.ProviderCall(op, outcome)
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
func (h *healthHTTP) adminAlerts7d(lang string) []adminAlert {
	v, err := h.alertsView()
	if err != nil {
		h.Log.Error("alerts", "err", err)
		return []adminAlert{{Title: web.OwnerT(lang, "alerts.unreadable"), Detail: err.Error()}}
	}
	var out []adminAlert
	for _, a := range v.Alerts {
		if h.Now().Sub(a.Last) > alertsShownFor {
			continue
		}
		w := alertWords(lang, a.Kind)
		out = append(out, adminAlert{Title: w.Title, Do: w.Do, Detail: a.Detail, Count: a.Count,
			Last: a.Last.In(h.Zone()).Format("2006-01-02 15:04")})
	}
	for _, r := range v.BadRecords {
		w := alertWords(lang, alertBadRecord)
		out = append(out, adminAlert{Title: w.Title, Do: w.Do, Detail: r.Bucket + "/" + r.Key + ": " + r.Err, Count: 1,
			Last: r.Seen.In(h.Zone()).Format("2006-01-02 15:04")})
	}
	return out
}
