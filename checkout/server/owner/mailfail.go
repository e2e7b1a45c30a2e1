package owner

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
	"github.com/storefront/storefront/checkout/wire"
)

// E-mail that cannot be sent (docs/after-sale.md): the queue keeps every
// failed message with its last error (usecase.MailQueue.FailedMails). The owner sees
// them on /admin/ (a count), on /admin/mail/ (the list, with a retry
// button), on the order's page and in `shop orders show` (the order's JSON
// for the owner carries mail_problems); the owner's alert hooks in through
// Options.OnMailGivenUp, and store.MailQueue.Failures counts them for a metric.

// MailFail is the HTTP side of e-mail that cannot be sent: the list
// and retry for the owner (API and page) and an order's failed mails.
type MailFail struct {
	*web.Web
	UC usecase.MailQueue
}

// MailProblems is the answer of GET /api/admin/mail/failed.
type MailProblems struct {
	usecase.MailFailureCount
	Failed []wire.MailProblemView `json:"failed"`
}

func mailProblemViews(ms []usecase.Mail) []wire.MailProblemView {
	out := make([]wire.MailProblemView, 0, len(ms))
	for _, m := range ms {
		v := wire.MailProblemView{ID: m.ID, Kind: m.Kind, OrderID: m.OrderID, To: m.To, Attempts: m.Attempts,
			LastError: m.LastError, Dead: m.Dead, CreatedAt: m.CreatedAt}
		if !m.Dead {
			v.NextAt = m.NextAt
		}
		out = append(out, v)
	}
	return out
}

// orderMailProblems are the failed e-mails of one order (nil on error: the
// page still shows the order, the log says why).
func (h *MailFail) orderMailProblems(orderID string) []wire.MailProblemView {
	ms, err := h.UC.FailedMails(orderID)
	if err != nil {
		h.Log.Error("failed mail of an order", "order", orderID, "err", err)
		return nil
	}
	if len(ms) == 0 {
		return nil
	}
	return mailProblemViews(ms)
}

func (h *MailFail) failedMail() (MailProblems, error) {
	ms, err := h.UC.FailedMails("")
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

func (h *MailFail) APIFailedMail(c *gin.Context) {
	p, err := h.failedMail()
	if err != nil {
		h.Internal(c, "failed mail", err)
		return
	}
	web.OK(c, http.StatusOK, p)
}

// retryMail puts a failed message back in the queue and kicks the worker.
func (h *MailFail) retryMail(id string) (usecase.Mail, error) {
	return h.UC.Retry(id)
}

func (h *MailFail) APIRetryMail(c *gin.Context) {
	m, err := h.retryMail(c.Param("id"))
	switch {
	case errors.Is(err, usecase.ErrNotFound):
		web.Fail(c, http.StatusNotFound, "no e-mail "+c.Param("id"))
	case errors.Is(err, usecase.ErrMailNotRetryable):
		web.Fail(c, http.StatusConflict, err.Error())
	case err != nil:
		h.Internal(c, "retry mail", err)
	default:
		web.OK(c, http.StatusOK, mailProblemViews([]usecase.Mail{m})[0])
	}
}

type failedMailPage struct {
	CSRF   string
	Notice string
	Error  string
	P      MailProblems
	Rows   mailRowsData
}

func (h *MailFail) PageFailedMail(c *gin.Context) {
	p, err := h.failedMail()
	if err != nil {
		h.InternalPage(c, "failed mail", err)
		return
	}
	lang, notice := h.Lang(c), ""
	if id := c.Query("retried"); id != "" {
		notice = web.OwnerT(lang, "mail.retried", id)
	}
	h.Page(c, http.StatusOK, "admin-mail", web.OwnerT(lang, "mail.browser_title"),
		failedMailPage{CSRF: c.GetString("csrf"), Notice: notice, Error: c.Query("error"), P: p,
			Rows: mailRowsData{CSRF: c.GetString("csrf"), Mails: p.Failed}})
}

func (h *MailFail) FormRetryMail(c *gin.Context) {
	id := c.PostForm("id")
	_, err := h.retryMail(id)
	back := "/admin/mail/?retried=" + url.QueryEscape(id)
	if err != nil {
		if !errors.Is(err, usecase.ErrNotFound) && !errors.Is(err, usecase.ErrMailNotRetryable) {
			h.InternalPage(c, "retry mail", err)
			return
		}
		back = "/admin/mail/?error=" + url.QueryEscape(ownerWords(h.Lang(c), err))
	}
	if to := c.PostForm("back"); strings.HasPrefix(to, "/") && !strings.HasPrefix(to, "//") && !strings.Contains(to, "\\") && err == nil {
		back = to
	}
	c.Redirect(http.StatusSeeOther, back)
}

// mailRowsData is the data of the admin-mail-problems template (Back: the
// page to come back to after a retry).
type mailRowsData struct {
	CSRF, Back string
	Mails      []wire.MailProblemView
}
