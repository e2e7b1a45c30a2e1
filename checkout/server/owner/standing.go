package owner

// The owner's page of standing orders and back-in-stock alerts:
// /admin/subscriptions/ (subscriptions by state, the figures, the coming
// week's deliveries, who waits for which sold-out SKU), with pause, resume
// and cancel buttons that take the same action as the CLI and the API.

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/recurring"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/standing"
	"github.com/storefront/storefront/checkout/store"
	"github.com/storefront/storefront/checkout/wire"
)

// Standing is the owner's page of standing orders and
// back-in-stock alerts.
type Standing struct {
	*web.Web
	List         StandingStore                                                            // store.Store.Standing
	Waiting      WaitingStore                                                             // store.Store.Stock
	Act          func(ctx context.Context, id, action string) (recurring.Standing, error) // standing.Service.OwnerAct
	StandingView func(st recurring.Standing, customer bool) wire.StandingView             // the standing orders' view
}

// StandingStore is the standing orders the page reads (store.Standing).
type StandingStore interface {
	ListStanding(state recurring.State) ([]recurring.Standing, error)
}

// WaitingStore is the customers waiting for stock the page reads
// (store.Stock).
type WaitingStore interface {
	WaitingForStock() ([]store.Waiting, error)
}

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
	V      wire.StandingView
	Amount string
}

func (h *Standing) AdminStandingPage(c *gin.Context) {
	all, err := h.List.ListStanding("")
	if err != nil {
		h.InternalPage(c, "standing orders", err)
		return
	}
	waiting, err := h.Waiting.WaitingForStock()
	if err != nil {
		h.InternalPage(c, "waiting for stock", err)
		return
	}
	f := standing.Compute(all, h.Now())
	d := adminStandingPage{CSRF: c.GetString("csrf"), F: f, Waiting: waiting, Churn: fmt.Sprintf("%.0f%%", f.Churn*100)}
	cur := f.Currency
	if cur == "" {
		cur = h.Catalog.Current().Currency
	}
	lang := h.Lang(c)
	d.MRR = money.Display(f.MRR, cur, lang)
	if code := c.Query("done"); code != "" {
		d.Notice = web.OwnerT(lang, "standing.done", code)
	}
	for _, state := range []recurring.State{recurring.Active, recurring.Paused, recurring.Canceled} {
		sec := adminStandingSection{State: state}
		for _, st := range all {
			if st.State == state {
				v := h.StandingView(st, false)
				sec.Rows = append(sec.Rows, adminStandingRow{V: v, Amount: money.Display(v.NextAmount, v.Currency, lang)})
			}
		}
		d.Sections = append(d.Sections, sec)
	}
	h.Page(c, http.StatusOK, "admin-standing", web.OwnerT(lang, "standing.browser_title"), d)
}

func (h *Standing) AdminStandingForm(c *gin.Context) {
	if c.PostForm("csrf") != c.GetString("csrf") {
		h.AdminMessage(c, http.StatusForbidden, web.OwnerT(h.Lang(c), "standing.expired"))
		return
	}
	action := c.Param("action")
	if action == "cancel" {
		action = standing.ActStop
	}
	if _, err := h.Act(c.Request.Context(), c.Param("id"), action); err != nil {
		status := web.StandingActStatus(err)
		if status == http.StatusInternalServerError {
			h.InternalPage(c, "standing order action", err)
			return
		}
		h.AdminMessage(c, status, ownerWords(h.Lang(c), err))
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/subscriptions/?done="+c.Param("action"))
}
