package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// Routes are labelled by pattern: a thousand different tokens make one
// series, and the state gauges come out as reported.
func TestScrape(t *testing.T) {
	m := New(func() State {
		return State{OrdersByState: map[string]int{"paid": 3}, AwaitingPayments: 2, OldestAwaiting: 90 * time.Second,
			MailQueued: 4, CatalogVersion: "v7", ReconcileLag: time.Minute}
	})
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(m.Middleware())
	r.Use(gin.CustomRecovery(func(c *gin.Context, _ any) { c.AbortWithStatus(500) }))
	r.GET("/order/:token", func(c *gin.Context) { c.String(200, "ok") })
	r.GET("/boom", func(c *gin.Context) { panic("boom") })
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/boom", nil))
	for i := range 1000 {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("GET", "/order/tok"+strings.Repeat("x", i%7)+string(rune('a'+i%26)), nil))
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("BREW", "/nowhere/"+strings.Repeat("y", 50), nil))
	m.ProviderCall("get_payment", "error")
	m.MailFailed()
	m.WorkerRun("reconciler", true)

	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	body := string(b)
	for _, want := range []string{
		`shop_http_requests_total{method="GET",route="/order/:token",status="200"} 1000`,
		`shop_http_requests_total{method="other",route="unmatched",status="404"} 1`,
		`shop_http_requests_total{method="GET",route="/boom",status="500"} 1`,
		`shop_orders{state="paid"} 3`,
		`shop_payments_awaiting_confirmation 2`,
		`shop_payments_awaiting_oldest_seconds 90`,
		`shop_mail_queue_depth 4`,
		`shop_catalog_info{version="v7"} 1`,
		`shop_reconciler_lag_seconds 60`,
		`shop_provider_calls_total{op="get_payment",outcome="error"} 1`,
		`shop_mail_send_failures_total 1`,
		`shop_worker_panics_total{worker="reconciler"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
	if strings.Contains(body, "toka") || strings.Contains(body, "yyyy") {
		t.Error("a path's variable part became a label")
	}
}
