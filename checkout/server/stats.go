package server

import (
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// The owner's figures: delivery promises against reality per shipping
// method and the retention figures, at GET /api/admin/stats (what `shop
// stats` prints) and on /admin/stats/ with a small bar chart. The current
// lengthening of the promises is public at GET /api/promise, for the
// product pages' script.

// period reads ?from=YYYY-MM-DD&to=YYYY-MM-DD (usecase.Stats.Period).
func (s *Sidecar) period(c *gin.Context) (from, to time.Time, err error) {
	return s.uc.stats.Period(c.Query("from"), c.Query("to"))
}

func (s *Sidecar) adminStats(c *gin.Context) {
	from, to, err := s.period(c)
	if err != nil {
		fail(c, http.StatusBadRequest, err.Error())
		return
	}
	a, err := s.uc.stats.Figures(from, to)
	if err != nil {
		s.internal(c, "stats", err)
		return
	}
	ok(c, http.StatusOK, a)
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

func (s *Sidecar) apiPromise(c *gin.Context) {
	cat := s.catalog.Current()
	adj := s.promises.adjustments()
	a := PromiseAnswer{Target: cat.Shop.OnTimeTarget, Methods: map[string]PromiseMethod{}}
	for _, m := range cat.Shipping.Methods {
		ad := adj[m.ID]
		a.Methods[m.ID] = PromiseMethod{ExtraDays: s.promises.extraDays(m.ID), OnTime: ad.OnTime, Sample: ad.Sample}
	}
	c.Header("Cache-Control", "public, max-age=300")
	ok(c, http.StatusOK, a)
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
	A        StatsAnswer
	From, To string
	Bars     []bar
	Height   int
	Zone     *time.Location
}

func (s *Sidecar) adminStatsPage(c *gin.Context) {
	from, to, err := s.period(c)
	if err != nil {
		s.adminMessage(c, http.StatusBadRequest, err.Error())
		return
	}
	a, err := s.uc.stats.Figures(from, to)
	if err != nil {
		s.internalPage(c, "stats", err)
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
	r, lang := a.Retention, s.lang(c)
	add(ownerT(lang, "stats.bar.repeat"), r.RepeatRate, 0)
	add(ownerT(lang, "stats.bar.reviewed"), r.ReviewRate, 0)
	add(ownerT(lang, "stats.bar.returned"), r.ReturnRate, 0)
	for _, m := range a.Methods {
		add(ownerT(lang, "stats.bar.on_time", m.Name), m.Rate, a.Target)
	}
	d.Height = len(d.Bars)*28 + 4
	s.page(c, http.StatusOK, "admin-stats", ownerT(lang, "stats.browser_title"), d)
}

// statsFuncs are the functions of the figures page (templates/stats.html).
var statsFuncs = template.FuncMap{"pct": func(v float64) float64 { return v * 100 }}
