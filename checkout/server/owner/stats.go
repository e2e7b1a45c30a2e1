package owner

import (
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/promise"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
	"github.com/storefront/storefront/checkout/wire"
)

// The owner's figures: delivery promises against reality per shipping
// method and the retention figures, at GET /api/admin/stats (what `shop
// stats` prints) and on /admin/stats/ with a small bar chart. The current
// lengthening of the promises is public at GET /api/promise, for the
// product pages' script.

// Stats is the HTTP side of the owner's figures and the public promise.
type Stats struct {
	*web.Web
	UC          usecase.Stats
	Adjustments func() map[string]promise.Adjustment // on-time share per method (the sidecar's promises)
	ExtraDays   func(method string) int              // the current lengthening of a promise
}

// period reads ?from=YYYY-MM-DD&to=YYYY-MM-DD (usecase.Stats.Period).
func (h *Stats) period(c *gin.Context) (from, to time.Time, err error) {
	return h.UC.Period(c.Query("from"), c.Query("to"))
}

func (h *Stats) AdminStats(c *gin.Context) {
	from, to, err := h.period(c)
	if err != nil {
		web.Fail(c, http.StatusBadRequest, err.Error())
		return
	}
	a, err := h.UC.Figures(from, to)
	if err != nil {
		h.Internal(c, "stats", err)
		return
	}
	web.OK(c, http.StatusOK, a)
}

// PromiseAnswer is the answer of GET /api/promise.
type PromiseAnswer struct {
	Target  float64                  `json:"on_time_target"`
	Methods map[string]PromiseMethod `json:"methods"`
}

// PromiseMethod is the lengthening of one method's promise.
type PromiseMethod struct {
	ExtraDays int     `json:"extra_days"`
	OnTime    float64 `json:"on_time"` // share on time over the recent deliveries
	Sample    int     `json:"sample"`
}

func (h *Stats) APIPromise(c *gin.Context) {
	cat := h.Catalog.Current()
	adj := h.Adjustments()
	a := PromiseAnswer{Target: cat.Shop.OnTimeTarget, Methods: map[string]PromiseMethod{}}
	for _, m := range cat.Shipping.Methods {
		ad := adj[m.ID]
		a.Methods[m.ID] = PromiseMethod{ExtraDays: h.ExtraDays(m.ID), OnTime: ad.OnTime, Sample: ad.Sample}
	}
	c.Header("Cache-Control", "public, max-age=300")
	web.OK(c, http.StatusOK, a)
}

// bar is one bar of the admin chart.
type bar struct {
	Label  string
	Value  float64 // 0..1
	Target float64 // 0: none
	Text   string
	Y      int
	W      int // width in px of the value
	TX     int // x of the target mark
}

type statsPage struct {
	CSRF     string
	A        wire.StatsAnswer
	From, To string
	Bars     []bar
	Height   int
	Zone     *time.Location
}

func (h *Stats) AdminStatsPage(c *gin.Context) {
	from, to, err := h.period(c)
	if err != nil {
		h.AdminMessage(c, http.StatusBadRequest, err.Error())
		return
	}
	a, err := h.UC.Figures(from, to)
	if err != nil {
		h.InternalPage(c, "stats", err)
		return
	}
	d := statsPage{CSRF: c.GetString("csrf"), A: a, From: from.Format(time.DateOnly), To: to.AddDate(0, 0, -1).Format(time.DateOnly)}
	add := func(label string, v, target float64) {
		b := bar{Label: label, Value: v, Target: target, Text: fmt.Sprintf("%.0f%%", v*100), Y: len(d.Bars) * 28}
		b.W = int(v*300 + 0.5)
		if target > 0 {
			b.TX = 160 + int(target*300+0.5)
		}
		d.Bars = append(d.Bars, b)
	}
	r, lang := a.Retention, h.Lang(c)
	add(web.OwnerT(lang, "stats.bar.repeat"), r.RepeatRate, 0)
	add(web.OwnerT(lang, "stats.bar.reviewed"), r.ReviewRate, 0)
	add(web.OwnerT(lang, "stats.bar.returned"), r.ReturnRate, 0)
	for _, m := range a.Methods {
		add(web.OwnerT(lang, "stats.bar.on_time", m.Name), m.Rate, a.Target)
	}
	d.Height = len(d.Bars)*28 + 4
	h.Page(c, http.StatusOK, "admin-stats", web.OwnerT(lang, "stats.browser_title"), d)
}

// statsFuncs are the functions of the figures page (templates/stats.html).
var statsFuncs = template.FuncMap{"pct": func(v float64) float64 { return v * 100 }}

// The page templates use these functions (web.AddFuncs).
func init() { web.AddFuncs(statsFuncs) }
