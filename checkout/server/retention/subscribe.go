package retention

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/subscribe"
	"github.com/storefront/storefront/checkout/usecase"
)

// Follow what you love (docs/retention.md): a form on category and maker
// pages posts to /api/subscriptions; the double opt-in e-mail links to
// /api/subscriptions/confirm/{token}; every digest carries
// /api/subscriptions/unsubscribe/{token} as a link and as List-Unsubscribe
// (one-click POST, RFC 8058). `shop notify` calls /api/admin/notify.

// subscribeRequest is what the form (or JSON) sends.
type subscribeRequest struct {
	Email   string `json:"email" form:"email"`
	Topic   string `json:"topic" form:"topic"` // category:koffie | maker:<slug>
	Label   string `json:"label" form:"label"` // the page's name for it
	Source  string `json:"source" form:"source"`
	Lang    string `json:"lang" form:"lang"`
	Website string `json:"website" form:"website"` // honeypot: people leave it empty
}

// SubscribeAnswer is the JSON answer of POST /api/subscriptions.
type SubscribeAnswer struct {
	Status  string `json:"status"` // "check_your_mail"
	Message string `json:"message"`
}

// Subscriptions is the HTTP side of subscriptions: the form, the
// confirm and unsubscribe links, their e-mails and the owner's notify.
type Subscriptions struct {
	*web.Web
	UC      usecase.Subscriptions
	Deliver func(context.Context, mail.Message) error // Sidecar.deliver
}

func isJSON(c *gin.Context) bool {
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	return mt == "application/json"
}

func (h *Subscriptions) FormSubscribe(c *gin.Context) {
	var req subscribeRequest
	asJSON := isJSON(c)
	if asJSON {
		if !web.DecodeJSON(c, &req) {
			return
		}
	} else {
		req = subscribeRequest{Email: c.PostForm("email"), Topic: c.PostForm("topic"), Label: c.PostForm("label"),
			Source: c.PostForm("source"), Lang: c.PostForm("lang"), Website: c.PostForm("website")}
	}
	if req.Lang == "en" || req.Lang == "nl" {
		c.Set("lang", req.Lang)
	}
	lang := h.Lang(c)
	bad := func(key string) {
		if asJSON {
			web.Fail(c, http.StatusUnprocessableEntity, web.T(lang, key))
			return
		}
		h.RetMessage(c, http.StatusUnprocessableEntity, web.T(lang, "sub.check.title"), web.T(lang, key))
	}
	source := safeSource(req.Source)
	label, err := h.UC.Subscribe(req.Email, req.Topic, source, lang, req.Website != "", view.ValidEmail)
	switch {
	case errors.Is(err, usecase.ErrBadTopic), errors.Is(err, usecase.ErrBadEmail):
		bad(err.Error())
		return
	case err != nil:
		if asJSON {
			h.Internal(c, "subscribe", err)
		} else {
			h.InternalPage(c, "subscribe", err)
		}
		return
	}
	// The same answer whether the address was new, pending or confirmed
	// already: the form tells nobody who follows what.
	msg := web.TF(lang, "sub.check.p1", label)
	if asJSON {
		web.OK(c, http.StatusAccepted, SubscribeAnswer{Status: "check_your_mail", Message: msg + " " + web.T(lang, "sub.check.p2")})
		return
	}
	h.Page(c, http.StatusOK, "subscribed", web.T(lang, "sub.check.title"), map[string]any{
		"Lang": lang, "Title": web.T(lang, "sub.check.title"), "Paras": []string{msg, web.T(lang, "sub.check.p2")},
		"Back": source, "Home": h.Home(lang)})
}

// safeSource keeps a same-site path ("/categories/koffie/") and nothing else.
// The path is checked as decoded, as it is sent on: "/%5Cevil.example"
// would be "/\evil.example", which browsers follow to evil.example.
func safeSource(src string) string {
	u, err := url.Parse(src)
	if err != nil || src == "" || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/") ||
		strings.HasPrefix(u.Path, "//") || len(src) > 300 || strings.ContainsAny(src, "\\\r\n") ||
		strings.ContainsFunc(u.Path, func(r rune) bool { return r == '\\' || r < 0x20 || r == 0x7f }) {
		return ""
	}
	return u.Path
}

func (h *Subscriptions) badSubLink(c *gin.Context) {
	lang := h.Lang(c)
	h.RetMessage(c, http.StatusNotFound, web.T(lang, "sub.bad_link.title"), web.T(lang, "sub.bad_link"))
}

// PageConfirm shows the confirmation button. Confirming takes a POST, so a
// mail scanner that fetches links cannot subscribe anyone.
func (h *Subscriptions) PageConfirm(c *gin.Context) {
	sub, cons := h.UC.PendingConsent(c.Param("token"))
	if sub == nil || cons.State == subscribe.Unsubscribed {
		h.badSubLink(c)
		return
	}
	lang := h.LangOr(c, sub.Lang)
	if cons.State == subscribe.Confirmed {
		h.Page(c, http.StatusOK, "subscribed", web.T(lang, "sub.confirmed.title"), map[string]any{
			"Lang": lang, "Title": web.T(lang, "sub.confirmed.title"), "Paras": []string{web.TF(lang, "sub.confirmed.p", cons.Label)},
			"Back": cons.Source, "Home": h.Home(lang)})
		return
	}
	h.Page(c, http.StatusOK, "subscribed", web.T(lang, "sub.confirm.title"), map[string]any{
		"Lang": lang, "Title": web.T(lang, "sub.confirm.title"), "Paras": []string{web.TF(lang, "sub.confirm.p", cons.Label)},
		"Action": "/api/subscriptions/confirm/" + c.Param("token"), "Button": web.T(lang, "sub.confirm.button"), "Home": h.Home(lang)})
}

func (h *Subscriptions) FormConfirm(c *gin.Context) {
	sub, cons, err := h.UC.Confirm(c.Param("token"))
	if errors.Is(err, usecase.ErrBadLink) {
		h.badSubLink(c)
		return
	}
	if err != nil {
		h.InternalPage(c, "confirm subscription", err)
		return
	}
	lang := h.LangOr(c, sub.Lang)
	h.Page(c, http.StatusOK, "subscribed", web.T(lang, "sub.confirmed.title"), map[string]any{
		"Lang": lang, "Title": web.T(lang, "sub.confirmed.title"), "Paras": []string{web.TF(lang, "sub.confirmed.p", cons.Label)},
		"Back": cons.Source, "Home": h.Home(lang)})
}

type followed struct{ Topic, Label string }

func (h *Subscriptions) PageUnsubscribe(c *gin.Context) {
	token := c.Param("token")
	sub, err := h.UC.Subscriber(token)
	if err != nil {
		h.badSubLink(c)
		return
	}
	lang := h.LangOr(c, sub.Lang)
	var topics []followed
	for _, cons := range sub.Topics {
		if cons.State != subscribe.Unsubscribed {
			topics = append(topics, followed{cons.Topic.String(), cons.Label})
		}
	}
	data := map[string]any{"Lang": lang, "Title": web.T(lang, "sub.unsub.title"), "Home": h.Home(lang)}
	if len(topics) == 0 {
		data["Paras"] = []string{web.T(lang, "sub.unsub.none")}
	} else {
		action := "/api/subscriptions/unsubscribe/" + token
		data["Paras"], data["Topics"], data["Unsub"] = []string{web.T(lang, "sub.unsub.p")}, topics, action
		data["Action"], data["Button"] = action, web.T(lang, "sub.unsub.button")
	}
	h.Page(c, http.StatusOK, "subscribed", web.T(lang, "sub.unsub.title"), data)
}

// FormUnsubscribe ends consent: the whole address, or one topic (form field
// or query "topic"). A mail program's one-click POST (body
// "List-Unsubscribe=One-Click", no Origin, no cookies) lands here too.
func (h *Subscriptions) FormUnsubscribe(c *gin.Context) {
	token := c.Param("token")
	topic := c.PostForm("topic")
	if topic == "" {
		topic = c.Query("topic")
	}
	err := h.UC.Unsubscribe(token, topic, c.PostForm("List-Unsubscribe") == "One-Click")
	if errors.Is(err, usecase.ErrBadLink) {
		h.badSubLink(c)
		return
	}
	if err != nil {
		h.InternalPage(c, "unsubscribe", err)
		return
	}
	lang := h.Lang(c)
	if sub, err := h.UC.Subscriber(token); err == nil {
		lang = h.LangOr(c, sub.Lang)
	}
	h.Page(c, http.StatusOK, "subscribed", web.T(lang, "sub.unsub.title"), map[string]any{
		"Lang": lang, "Title": web.T(lang, "sub.unsub.title"), "Paras": []string{web.T(lang, "sub.unsub.done")}, "Home": h.Home(lang)})
}

func (h *Subscriptions) SendSubscribeConfirm(ctx context.Context, m mailJob) error {
	p, sub, err := h.UC.Mail(m)
	if err != nil {
		return err
	}
	if c := sub.Topics[p.Topic]; c == nil || c.State != subscribe.Pending || c.ConfirmToken != p.Token {
		return nil // confirmed or ended meanwhile: nothing to ask
	}
	sc := mail.SubscribeConfirm{Lang: sub.Lang, ShopName: h.Catalog.Current().Shop.Name, Label: p.Label,
		ConfirmURL: h.Abs("/api/subscriptions/confirm/" + p.Token)}
	subject, text, html, err := sc.Render()
	if err != nil {
		return err
	}
	return h.Deliver(ctx, mail.Message{ID: m.ID, Kind: "subscribe_confirm", To: sub.Email, Subject: subject,
		Text: text, HTML: html, Created: m.CreatedAt})
}

// SendDigest sends a queued digest, leaving out every topic whose consent
// ended since it was queued (and the whole e-mail when none is left).
func (h *Subscriptions) SendDigest(ctx context.Context, m mailJob) error {
	p, sub, err := h.UC.Mail(m)
	if err != nil {
		return err
	}
	unsub := h.Abs("/api/subscriptions/unsubscribe/" + sub.Token)
	d := mail.DigestMail{Lang: sub.Lang, ShopName: h.Catalog.Current().Shop.Name, UnsubscribeURL: unsub}
	for _, sec := range p.Sections {
		if c := sub.Topics[sec.Topic.String()]; c == nil || c.State != subscribe.Confirmed {
			continue
		}
		ds := mail.DigestSection{Label: sec.Label, UnsubscribeURL: unsub + "?topic=" + url.QueryEscape(sec.Topic.String())}
		for _, pr := range sec.Products {
			ds.Products = append(ds.Products, mail.DigestProduct{Title: pr.Title, URL: h.Abs(pr.URL),
				Price: money.Display(pr.Price, pr.Currency, sub.Lang)})
		}
		d.Sections = append(d.Sections, ds)
	}
	if len(d.Sections) == 0 {
		h.Log.Info("digest not sent: no consent left", "mail", m.ID)
		return nil
	}
	subject, text, html, err := d.Render()
	if err != nil {
		return err
	}
	return h.Deliver(ctx, mail.Message{ID: m.ID, Kind: "digest", To: sub.Email, Subject: subject, Text: text, HTML: html,
		Created: m.CreatedAt, Unsubscribe: nonEmpty(unsub, h.UnsubscribeMailto(sub.Token))})
}

// SubscriberList is the admin API's overview: counts, never the addresses'
// consent details beyond what the owner needs.
type SubscriberList struct {
	Subscribers []subscribe.Subscriber `json:"subscribers"`
}

func (h *Subscriptions) AdminListSubscribers(c *gin.Context) {
	subs, err := h.UC.List()
	if err != nil {
		h.Internal(c, "list subscribers", err)
		return
	}
	web.OK(c, http.StatusOK, SubscriberList{Subscribers: subs})
}

// topicCount is one followed topic on the owner's page.
type topicCount = usecase.TopicCount

// AdminNotifyForm is the owner's page's "send the digests" button.
func (h *Subscriptions) AdminNotifyForm(c *gin.Context) {
	res, err := h.UC.Notify(false, web.Actor(c))
	if err != nil {
		h.InternalPage(c, "notify", err)
		return
	}
	q := web.NoticeQuery("digests") + "&n=" + strconv.Itoa(res.Queued)
	switch {
	case res.Baseline:
		q = web.NoticeQuery("digest-baseline")
	case res.Unchanged:
		q = web.NoticeQuery("digest-unchanged")
	}
	c.Redirect(http.StatusSeeOther, "/admin/reviews/"+q)
}

// AdminNotify compares the catalog in force with the last one announced and
// queues the digests (see store.Notify); ?dry_run=1 only says what it would do.
func (h *Subscriptions) AdminNotify(c *gin.Context) {
	dry := c.Query("dry_run") == "1" || c.Query("dry_run") == "true"
	res, err := h.UC.Notify(dry, web.Actor(c))
	if err != nil {
		h.Internal(c, "notify", err)
		return
	}
	web.OK(c, http.StatusOK, res)
}
