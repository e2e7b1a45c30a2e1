package server

// The owner's page of standing orders and back-in-stock alerts:
// /admin/subscriptions/ (subscriptions by state, the figures, the coming
// week's deliveries, who waits for which sold-out SKU), with pause, resume
// and cancel buttons that take the same action as the CLI and the API.

import (
	"fmt"
	"html/template"
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

var _ = template.Must(pages.New("admin-standing").Parse(`{{define "admin-standing"}}{{$csrf := .CSRF}}
<div class="wrap sf-admin sf-admin-standing">
{{template "admin-nav" .CSRF}}
<h1>Subscriptions</h1>
{{if .Notice}}<p class="notice notice--success" role="status">{{.Notice}}</p>{{end}}
<p>Monthly recurring revenue <strong data-mrr="{{.F.MRR}}">{{.MRR}}</strong> · churn (stopped in the last 30 days) <strong>{{.Churn}}</strong></p>
<h2>Coming 7 days</h2>
{{if .F.Upcoming}}<table class="sf-lines cart-table"><thead><tr><th scope="col">SKU</th><th scope="col">Product</th><th scope="col" class="num">Deliveries</th><th scope="col" class="num">Units</th><th scope="col" class="num">Grams</th></tr></thead><tbody>
{{range .F.Upcoming}}<tr><td>{{.SKU}}</td><td>{{.Title}} {{.Variant}}</td><td class="num">{{.Delivers}}</td><td class="num">{{.Units}}</td><td class="num">{{.Grams}}</td></tr>{{end}}
</tbody></table>{{else}}<p class="muted">No deliveries.</p>{{end}}
{{range .Sections}}<section class="sf-admin-state" data-state="{{.State}}">
<h2>{{.State}} ({{len .Rows}})</h2>
{{if .Rows}}<table class="sf-lines cart-table"><thead><tr><th scope="col">Id</th><th scope="col">Customer</th><th scope="col">Product</th><th scope="col">Every</th><th scope="col">Next charge</th><th scope="col" class="num">Amount</th><th scope="col">Action</th></tr></thead><tbody>
{{range .Rows}}<tr><td>{{.V.ID}}</td><td>{{.V.Email}}</td><td>{{.V.Title}} {{.V.Variant}} ×{{.V.Quantity}}</td><td>{{.V.Weeks}} weeks</td><td>{{.V.NextCharge}}</td><td class="num">{{.Amount}}</td>
<td>{{if eq .V.State "active"}}<form method="post" action="/admin/subscriptions/{{.V.ID}}/pause" style="display:inline"><input type="hidden" name="csrf" value="{{$csrf}}"><button class="button" type="submit">Pause</button></form>{{end}}
{{if eq .V.State "paused"}}<form method="post" action="/admin/subscriptions/{{.V.ID}}/resume" style="display:inline"><input type="hidden" name="csrf" value="{{$csrf}}"><button class="button" type="submit">Resume</button></form>{{end}}
{{if ne .V.State "canceled"}}<form method="post" action="/admin/subscriptions/{{.V.ID}}/cancel" style="display:inline"><input type="hidden" name="csrf" value="{{$csrf}}"><button class="button button--danger" type="submit">Cancel</button></form>{{end}}</td></tr>
{{end}}</tbody></table>{{else}}<p class="muted">None.</p>{{end}}
</section>{{end}}
<h2>Waiting for stock</h2>
{{if .Waiting}}<table class="sf-lines cart-table"><thead><tr><th scope="col">SKU</th><th scope="col">Product</th><th scope="col" class="num">Waiting</th><th scope="col" class="num">Not yet confirmed</th></tr></thead><tbody>
{{range .Waiting}}<tr><td>{{.SKU}}</td><td>{{.Label}}</td><td class="num">{{.Waiting}}</td><td class="num">{{.Pending}}</td></tr>{{end}}
</tbody></table>{{else}}<p class="muted">Nobody waits for a sold-out product.</p>{{end}}
</div>
{{end}}`))

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
	d.MRR = money.Display(f.MRR, cur, "en")
	if code := c.Query("done"); code != "" {
		d.Notice = "Done: " + code + "."
	}
	for _, state := range []recurring.State{recurring.Active, recurring.Paused, recurring.Canceled} {
		sec := adminStandingSection{State: state}
		for _, st := range all {
			if st.State == state {
				v := s.standingView(st, false)
				sec.Rows = append(sec.Rows, adminStandingRow{V: v, Amount: money.Display(v.NextAmount, v.Currency, "en")})
			}
		}
		d.Sections = append(d.Sections, sec)
	}
	s.page(c, http.StatusOK, "admin-standing", "Admin · subscriptions", d)
}

func (s *Sidecar) adminStandingForm(c *gin.Context) {
	if c.PostForm("csrf") != c.GetString("csrf") {
		s.adminMessage(c, http.StatusForbidden, "This form has expired; reload the page and try again.")
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
