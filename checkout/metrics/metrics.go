// Package metrics is the sidecar's Prometheus metrics: a Gin middleware
// for requests (labelled by route pattern, so the number of series is
// bounded by the routes, not by what strangers type), counters the sidecar
// bumps (provider calls, mail failures, worker runs), and gauges read from
// the sidecar's state at scrape time (orders by state, payments awaiting
// confirmation, mail queue, catalog). Served in Prometheus' text format by
// Handler, on a listen address of its own or behind the admin token.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// State is what the sidecar reports at each scrape.
type State struct {
	OrdersByState    map[string]int
	AwaitingPayments int           // orders with a payment the provider has not settled
	OldestAwaiting   time.Duration // age of the oldest of those
	MailQueued       int           // unsent, not given up
	MailDead         int           // given up
	CatalogVersion   string
	CatalogAge       time.Duration // since the catalog was generated
	ReconcileLag     time.Duration // since the reconciler's last finished pass
	Alerts           map[string]int
	BadRecords       int
}

// Metrics holds the collectors. Safe for concurrent use.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	provider *prometheus.CounterVec
	mailFail prometheus.Counter
	runs     *prometheus.CounterVec
	panics   *prometheus.CounterVec
}

// New makes the collectors; state is called at every scrape.
func New(state func() State) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "shop_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
	}, []string{"route", "method", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "shop_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
		Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route"})
	m.provider = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "shop_provider_calls_total", Help: "Calls to the payment provider by operation and outcome (ok, error, not_found).",
	}, []string{"op", "outcome"})
	m.mailFail = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "shop_mail_send_failures_total", Help: "E-mail send attempts that failed (each retry counts).",
	})
	m.runs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "shop_worker_runs_total", Help: "Finished passes of background workers (reconciler, mail, watchdog, ...).",
	}, []string{"worker"})
	m.panics = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "shop_worker_panics_total", Help: "Passes of background workers that panicked (recovered; the worker goes on).",
	}, []string{"worker"})
	m.reg.MustRegister(m.requests, m.latency, m.provider, m.mailFail, m.runs, m.panics,
		stateCollector(state),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{MaxRequestsInFlight: 2})
}

// Middleware counts requests and their latency by route pattern
// (c.FullPath(): "/order/:token", never the token itself); requests no
// route matched count as "unmatched".
func (m *Metrics) Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, method(c.Request.Method), strconv.Itoa(c.Writer.Status())).Inc()
		m.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	}
}

// method bounds the method label to the known verbs.
func method(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// ProviderCall counts one call to the payment provider.
func (m *Metrics) ProviderCall(op, outcome string) {
	m.provider.WithLabelValues(op, outcome).Inc()
}

// MailFailed counts one failed send attempt.
func (m *Metrics) MailFailed() { m.mailFail.Inc() }

// WorkerRun counts a finished pass of a background worker, and whether it panicked.
func (m *Metrics) WorkerRun(worker string, panicked bool) {
	m.runs.WithLabelValues(worker).Inc()
	if panicked {
		m.panics.WithLabelValues(worker).Inc()
	}
}

// state turns State into gauges at scrape time.
type state struct {
	fn                                           func() State
	orders, awaiting, oldest, queued, dead       *prometheus.Desc
	catalog, catalogAge, lag, alerts, badRecords *prometheus.Desc
}

func stateCollector(fn func() State) prometheus.Collector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	return &state{fn: fn,
		orders:     d("shop_orders", "Orders by state.", "state"),
		awaiting:   d("shop_payments_awaiting_confirmation", "Orders awaiting payment that have a payment at the provider."),
		oldest:     d("shop_payments_awaiting_oldest_seconds", "Age of the oldest order awaiting payment confirmation."),
		queued:     d("shop_mail_queue_depth", "E-mails queued and not yet sent (retries included)."),
		dead:       d("shop_mail_dead", "E-mails given up after every retry."),
		catalog:    d("shop_catalog_info", "The catalog in force (value 1).", "version"),
		catalogAge: d("shop_catalog_age_seconds", "Time since the catalog in force was generated."),
		lag:        d("shop_reconciler_lag_seconds", "Time since the reconciler last finished a pass."),
		alerts:     d("shop_alerts_raised", "Alerts raised since start, by kind.", "kind"),
		badRecords: d("shop_records_undecodable", "Stored records skipped because they do not decode."),
	}
}

func (s *state) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{s.orders, s.awaiting, s.oldest, s.queued, s.dead, s.catalog, s.catalogAge, s.lag, s.alerts, s.badRecords} {
		ch <- d
	}
}

func (s *state) Collect(ch chan<- prometheus.Metric) {
	st := s.fn()
	g := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	for k, n := range st.OrdersByState {
		g(s.orders, float64(n), k)
	}
	g(s.awaiting, float64(st.AwaitingPayments))
	g(s.oldest, st.OldestAwaiting.Seconds())
	g(s.queued, float64(st.MailQueued))
	g(s.dead, float64(st.MailDead))
	g(s.catalog, 1, st.CatalogVersion)
	g(s.catalogAge, st.CatalogAge.Seconds())
	g(s.lag, st.ReconcileLag.Seconds())
	for k, n := range st.Alerts {
		g(s.alerts, float64(n), k)
	}
	g(s.badRecords, float64(st.BadRecords))
}
