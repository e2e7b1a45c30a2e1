package server

// The owner's page of standing orders and back-in-stock alerts:
// /admin/subscriptions/ (subscriptions by state, the figures, the coming
// week's deliveries, who waits for which sold-out SKU), with pause, resume
// and cancel buttons that take the same action as the CLI and the API.

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/recurring"
	"github.com/storefront/storefront/checkout/standing"
	"github.com/storefront/storefront/checkout/store"
)

type adminStandingPage struct {
	CSRF     string
	Notice   string
	Sections []adminStandingSection
	F        standing.Figures
	MRR      string
	Churn    string
	Waiting  []store.Waiting
}

type adminStandingSection struct {
	State recurring.State
	Rows  []adminStandingRow
}

type adminStandingRow struct {
	V      StandingView
	Amount string
}

func (s *Sidecar) adminStandingPage(c *gin.Context) {
	all, err := s.store.ListStanding("")
	if err != nil {
		s.internalPage(c, "standing orders", err)
		return
	}
	waiting, err := s.store.WaitingForStock()
	if err != nil {
		s.internalPage(c, "waiting for stock", err)
		return
	}
	f := standing.Compute(all, s.now())
	d := adminStandingPage{CSRF: c.GetString("csrf"), F: f, Waiting: waiting, Churn: fmt.Sprintf("%.0f%%", f.Churn*100)}
	cur := f.Currency
	if cur == "" {
		cur = s.catalog.Current().Currency
	}
	lang := s.lang(c)
	d.MRR = money.Display(f.MRR, cur, lang)
	if code := c.Query("done"); code != "" {
		d.Notice = ownerT(lang, "standing.done", code)
	}
	for _, state := range []recurring.State{recurring.Active, recurring.Paused, recurring.Canceled} {
		sec := adminStandingSection{State: state}
		for _, st := range all {
			if st.State == state {
				v := s.standingHTTP.standingView(st, false)
				sec.Rows = append(sec.Rows, adminStandingRow{V: v, Amount: money.Display(v.NextAmount, v.Currency, lang)})
			}
		}
		d.Sections = append(d.Sections, sec)
	}
	s.page(c, http.StatusOK, "admin-standing", ownerT(lang, "standing.browser_title"), d)
}

func (s *Sidecar) adminStandingForm(c *gin.Context) {
	if c.PostForm("csrf") != c.GetString("csrf") {
		s.adminMessage(c, http.StatusForbidden, ownerT(s.lang(c), "standing.expired"))
		return
	}
	action := c.Param("action")
	if action == "cancel" {
		action = standing.ActStop
	}
	if _, err := s.standing.OwnerAct(c.Request.Context(), c.Param("id"), action); err != nil {
		status := actStatus(err)
		if status == http.StatusInternalServerError {
			s.internalPage(c, "standing order action", err)
			return
		}
		s.adminMessage(c, status, err.Error())
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/subscriptions/?done="+c.Param("action"))
}
