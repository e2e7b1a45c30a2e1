package owner

import (
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/metrics"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
)

// Health is the HTTP side of the shop's health: /healthz and /readyz
// for operators, the metrics' state, verified backups and alerts for the
// owner.
type Health struct {
	*web.Web
	UC     *usecase.Health
	Alerts *usecase.Alerts
	// AlertWords are an alert kind's title and what the owner does about
	// it, in lang (the sidecar's alert e-mail says them too).
	AlertWords func(lang, kind string) (title, do string)
	ready      readyState
}

// readyState is /readyz's cache: /readyz is public; a flood of probes
// costs one check per readyCache. The checks are usecase.Health.
type readyState struct {
	readyMu   sync.Mutex // one readiness check at a time, its answer reused for readyCache
	readyAt   time.Time
	readyLast usecase.Readiness
}

// readyCache: /readyz is public; a flood of probes costs one check per this.
const readyCache = time.Second

// Healthz: the process is up and serving.
func (h *Health) Healthz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	web.OK(c, http.StatusOK, gin.H{"status": "ok"})
}

// ForgetReadiness drops the reused answer, so the next /readyz checks
// again (for tests, which cannot wait out readyCache).
func (h *Health) ForgetReadiness() {
	h.ready.readyMu.Lock()
	h.ready.readyAt = time.Time{}
	h.ready.readyMu.Unlock()
}

// Readyz answers 200 when every check passes, else 503, with the checks.
func (h *Health) Readyz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	h.ready.readyMu.Lock()
	if now := time.Now(); now.Sub(h.ready.readyAt) >= readyCache || now.Before(h.ready.readyAt) {
		h.ready.readyLast, h.ready.readyAt = h.UC.Readiness(), now
	}
	r := h.ready.readyLast
	h.ready.readyMu.Unlock()
	status := http.StatusOK
	if !r.Ready {
		status = http.StatusServiceUnavailable
	}
	web.OK(c, status, r)
}

// MetricsState is read at every scrape.
func (h *Health) MetricsState() metrics.State {
	now := h.Now()
	st := metrics.State{OrdersByState: map[string]int{}, Alerts: map[string]int{}}
	if g, err := h.UC.Gauges(now); err == nil {
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
	if at, ok := h.UC.LastRun("reconciler"); ok {
		st.ReconcileLag = now.Sub(at)
	} else {
		st.ReconcileLag = now.Sub(h.Alerts.Started())
	}
	for k, n := range h.Alerts.Raised() {
		st.Alerts[k] = n
	}
	st.BadRecords = h.UC.BadRecordCount()
	return st
}

// AdminBackupVerified records a backup that `shop backup` wrote and verified.
func (h *Health) AdminBackupVerified(c *gin.Context) {
	var in struct {
		Bytes int64 `json:"bytes"`
	}
	err := c.ShouldBindJSON(&in)
	if err == nil {
		err = h.UC.RecordBackup(in.Bytes)
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

func (h *Health) alertsView() (AlertsView, error) {
	a, bad, last, err := h.UC.AlertsNow()
	return AlertsView{Alerts: a, BadRecords: bad, LastBackup: last}, err
}

func (h *Health) AdminAlerts(c *gin.Context) {
	v, err := h.alertsView()
	if err != nil {
		h.Log.Error("alerts", "err", err)
		web.Fail(c, http.StatusInternalServerError, "could not read the alerts")
		return
	}
	web.OK(c, http.StatusOK, v)
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
func (h *Health) adminAlerts7d(lang string) []adminAlert {
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
		title, do := h.AlertWords(lang, a.Kind)
		out = append(out, adminAlert{Title: title, Do: do, Detail: a.Detail, Count: a.Count,
			Last: a.Last.In(h.Zone()).Format("2006-01-02 15:04")})
	}
	for _, r := range v.BadRecords {
		title, do := h.AlertWords(lang, usecase.AlertBadRecord)
		out = append(out, adminAlert{Title: title, Do: do, Detail: r.Bucket + "/" + r.Key + ": " + r.Err, Count: 1,
			Last: r.Seen.In(h.Zone()).Format("2006-01-02 15:04")})
	}
	return out
}
