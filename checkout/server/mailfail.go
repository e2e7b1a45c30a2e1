package server

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/store"
)

// E-mail that cannot be sent (docs/after-sale.md): the queue keeps every
// failed message with its last error (store.FailedMails). The owner sees
// them on /admin/ (a count), on /admin/mail/ (the list, with a retry
// button), on the order's page and in `shop orders show` (the order's JSON
// for the owner carries mail_problems); the owner's alert hooks in through
// Options.OnMailGivenUp, and store.MailFailures counts them for a metric.

// MailProblemView is a failed e-mail as the owner sees it. The error text
// holds neither the customer's name nor their address (mail.SMTP scrubs it).
type MailProblemView struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	OrderID   string    `json:"order_id,omitempty"`
	To        string    `json:"to"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error"`
	Dead      bool      `json:"given_up"` // no more automatic attempts
	NextAt    time.Time `json:"next_at,omitzero"`
	CreatedAt time.Time `json:"created_at"`
}

// MailProblems is the answer of GET /api/admin/mail/failed.
type MailProblems struct {
	store.MailFailureCount
	Failed []MailProblemView `json:"failed"`
}

func mailProblemViews(ms []store.Mail) []MailProblemView {
	out := make([]MailProblemView, 0, len(ms))
	for _, m := range ms {
		v := MailProblemView{ID: m.ID, Kind: m.Kind, OrderID: m.OrderID, To: m.To, Attempts: m.Attempts,
			LastError: m.LastError, Dead: m.Dead, CreatedAt: m.CreatedAt}
		if !m.Dead {
			v.NextAt = m.NextAt
		}
		out = append(out, v)
	}
	return out
}

// mailGivenUp tells the owner's alert (when wired) about a message given up.
func (s *Sidecar) mailGivenUp(m store.Mail) {
	if s.opts.OnMailGivenUp != nil {
		s.opts.OnMailGivenUp(m)
	}
}

// orderMailProblems are the failed e-mails of one order (nil on error: the
// page still shows the order, the log says why).
func (s *Sidecar) orderMailProblems(orderID string) []MailProblemView {
	ms, err := s.store.FailedMails(orderID)
	if err != nil {
		s.log.Error("failed mail of an order", "order", orderID, "err", err)
		return nil
	}
	if len(ms) == 0 {
		return nil
	}
	return mailProblemViews(ms)
}

// mailFailRoutes registers the JSON API (admin group) and the owner's page (ad group).
func (s *Sidecar) mailFailRoutes(admin, ad *gin.RouterGroup) {
	if admin != nil {
		admin.GET("/mail/failed", s.apiFailedMail)
		admin.POST("/mail/:id/retry", s.apiRetryMail)
	}
	if ad != nil {
		ad.GET("/mail/", s.pageFailedMail)
		ad.POST("/mail/retry", s.formRetryMail)
	}
}

func (s *Sidecar) failedMail() (MailProblems, error) {
	ms, err := s.store.FailedMails("")
	if err != nil {
		return MailProblems{}, err
	}
	p := MailProblems{Failed: mailProblemViews(ms)}
	for _, v := range p.Failed {
		if v.Dead {
			p.Dead++
			if v.CreatedAt.After(p.LastDead) {
				p.LastDead = v.CreatedAt
			}
		} else {
			p.Retrying++
		}
	}
	return p, nil
}

func (s *Sidecar) apiFailedMail(c *gin.Context) {
	p, err := s.failedMail()
	if err != nil {
		s.internal(c, "failed mail", err)
		return
	}
	ok(c, http.StatusOK, p)
}

// retryMail puts a failed message back in the queue and kicks the worker.
func (s *Sidecar) retryMail(id string) (store.Mail, error) {
	m, err := s.store.RetryMail(id, s.now())
	if err == nil {
		s.log.Info("mail retried by the owner", "mail", id, "order", m.OrderID)
		s.kickMail()
	}
	return m, err
}

func (s *Sidecar) apiRetryMail(c *gin.Context) {
	m, err := s.retryMail(c.Param("id"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		fail(c, http.StatusNotFound, "no e-mail "+c.Param("id"))
	case errors.Is(err, store.ErrMailNotRetryable):
		fail(c, http.StatusConflict, err.Error())
	case err != nil:
		s.internal(c, "retry mail", err)
	default:
		ok(c, http.StatusOK, mailProblemViews([]store.Mail{m})[0])
	}
}

type failedMailPage struct {
	CSRF   string
	Notice string
	Error  string
	P      MailProblems
	Rows   mailRowsData
}

func (s *Sidecar) pageFailedMail(c *gin.Context) {
	p, err := s.failedMail()
	if err != nil {
		s.internalPage(c, "failed mail", err)
		return
	}
	s.page(c, http.StatusOK, "admin-mail", "Admin · e-mail not sent",
		failedMailPage{CSRF: c.GetString("csrf"), Notice: c.Query("notice"), Error: c.Query("error"), P: p,
			Rows: mailRowsData{CSRF: c.GetString("csrf"), Mails: p.Failed}})
}

func (s *Sidecar) formRetryMail(c *gin.Context) {
	id := c.PostForm("id")
	_, err := s.retryMail(id)
	back := "/admin/mail/?notice=" + url.QueryEscape("E-mail "+id+" is queued again; it goes out within a few seconds if the mail server takes it.")
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrMailNotRetryable) {
			s.internalPage(c, "retry mail", err)
			return
		}
		back = "/admin/mail/?error=" + url.QueryEscape(err.Error())
	}
	if to := c.PostForm("back"); strings.HasPrefix(to, "/") && !strings.HasPrefix(to, "//") && !strings.Contains(to, "\\") && err == nil {
		back = to
	}
	c.Redirect(http.StatusSeeOther, back)
}

func init() {
	template.Must(pages.New("admin-mail-templates").Parse(mailFailTemplates))
}

const mailFailTemplates = `
{{define "admin-mail-problems"}}{{$csrf := .CSRF}}{{$back := .Back}}
<table class="sf-lines cart-table sf-mail-failed"><thead><tr><th scope="col">E-mail</th><th scope="col">Order</th><th scope="col">To</th><th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col">Status</th><th scope="col"></th></tr></thead><tbody>
{{range .Mails}}<tr data-mail="{{.ID}}"><td>{{.Kind}}</td><td>{{if .OrderID}}<a href="/admin/orders/{{.OrderID}}">{{.OrderID}}</a>{{end}}</td><td>{{.To}}</td><td>{{.Attempts}}</td><td>{{.LastError}}</td>
<td>{{if .Dead}}<strong>given up</strong>{{else}}retrying{{end}}</td>
<td><form method="post" action="/admin/mail/retry"><input type="hidden" name="csrf" value="{{$csrf}}"><input type="hidden" name="id" value="{{.ID}}">{{if $back}}<input type="hidden" name="back" value="{{$back}}">{{end}}<button class="button" type="submit">Retry now</button></form></td></tr>
{{end}}</tbody></table>
{{end}}

{{define "admin-mail"}}
<div class="wrap sf-admin sf-admin-mail">
{{template "admin-nav" .CSRF}}
<h1>E-mail not sent</h1>
{{if .Notice}}<p class="notice notice--success" role="status">{{.Notice}}</p>{{end}}
{{if .Error}}<p class="sf-error notice notice--error" role="alert">{{.Error}}</p>{{end}}
<p>{{.P.Dead}} given up · {{.P.Retrying}} still being retried. A message is tried 12 times over about a day and a half; then it is given up and the customer has not got it.
Fix the cause (the mail server settings, SHOP_SMTP_*, or the address on the order), then press "Retry now", or contact the customer yourself.</p>
{{if .P.Failed}}{{template "admin-mail-problems" .Rows}}{{else}}<p class="muted">Every e-mail went out.</p>{{end}}
</div>
{{end}}
`

// mailRowsData is the data of the admin-mail-problems template (Back: the
// page to come back to after a retry).
type mailRowsData struct {
	CSRF, Back string
	Mails      []MailProblemView
}
