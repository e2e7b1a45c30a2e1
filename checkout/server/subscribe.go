package server

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/money"
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

func isJSON(c *gin.Context) bool {
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	return mt == "application/json"
}

func (s *Sidecar) formSubscribe(c *gin.Context) {
	var req subscribeRequest
	asJSON := isJSON(c)
	if asJSON {
		if !decodeJSON(c, &req) {
			return
		}
	} else {
		req = subscribeRequest{Email: c.PostForm("email"), Topic: c.PostForm("topic"), Label: c.PostForm("label"),
			Source: c.PostForm("source"), Lang: c.PostForm("lang"), Website: c.PostForm("website")}
	}
	if req.Lang == "en" || req.Lang == "nl" {
		c.Set("lang", req.Lang)
	}
	lang := s.lang(c)
	bad := func(key string) {
		if asJSON {
			fail(c, http.StatusUnprocessableEntity, tr(lang, key))
			return
		}
		s.retMessage(c, http.StatusUnprocessableEntity, tr(lang, "sub.check.title"), tr(lang, key))
	}
	source := safeSource(req.Source)
	label, err := s.uc.subs.Subscribe(req.Email, req.Topic, source, lang, req.Website != "", validEmail)
	switch {
	case errors.Is(err, usecase.ErrBadTopic), errors.Is(err, usecase.ErrBadEmail):
		bad(err.Error())
		return
	case err != nil:
		if asJSON {
			s.internal(c, "subscribe", err)
		} else {
			s.internalPage(c, "subscribe", err)
		}
		return
	}
	// The same answer whether the address was new, pending or confirmed
	// already: the form tells nobody who follows what.
	msg := fmt.Sprintf(tr(lang, "sub.check.p1"), label)
	if asJSON {
		ok(c, http.StatusAccepted, SubscribeAnswer{Status: "check_your_mail", Message: msg + " " + tr(lang, "sub.check.p2")})
		return
	}
	s.page(c, http.StatusOK, "subscribed", tr(lang, "sub.check.title"), map[string]any{
		"Lang": lang, "Title": tr(lang, "sub.check.title"), "Paras": []string{msg, tr(lang, "sub.check.p2")},
		"Back": source, "Home": s.home(lang)})
}

// safeSource keeps a same-site path ("/categories/koffie/") and nothing else.
func safeSource(src string) string {
	u, err := url.Parse(src)
	if err != nil || src == "" || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/") ||
		strings.HasPrefix(u.Path, "//") || len(src) > 300 || strings.ContainsAny(src, "\\\r\n") {
		return ""
	}
	return u.Path
}

func (s *Sidecar) badSubLink(c *gin.Context) {
	lang := s.lang(c)
	s.retMessage(c, http.StatusNotFound, tr(lang, "sub.bad_link.title"), tr(lang, "sub.bad_link"))
}

// pageConfirm shows the confirmation button. Confirming takes a POST, so a
// mail scanner that fetches links cannot subscribe anyone.
func (s *Sidecar) pageConfirm(c *gin.Context) {
	sub, cons := s.uc.subs.PendingConsent(c.Param("token"))
	if sub == nil || cons.State == subscribe.Unsubscribed {
		s.badSubLink(c)
		return
	}
	lang := s.langOr(c, sub.Lang)
	if cons.State == subscribe.Confirmed {
		s.page(c, http.StatusOK, "subscribed", tr(lang, "sub.confirmed.title"), map[string]any{
			"Lang": lang, "Title": tr(lang, "sub.confirmed.title"), "Paras": []string{fmt.Sprintf(tr(lang, "sub.confirmed.p"), cons.Label)},
			"Back": cons.Source, "Home": s.home(lang)})
		return
	}
	s.page(c, http.StatusOK, "subscribed", tr(lang, "sub.confirm.title"), map[string]any{
		"Lang": lang, "Title": tr(lang, "sub.confirm.title"), "Paras": []string{fmt.Sprintf(tr(lang, "sub.confirm.p"), cons.Label)},
		"Action": "/api/subscriptions/confirm/" + c.Param("token"), "Button": tr(lang, "sub.confirm.button"), "Home": s.home(lang)})
}

func (s *Sidecar) formConfirm(c *gin.Context) {
	sub, cons, err := s.uc.subs.Confirm(c.Param("token"))
	if errors.Is(err, usecase.ErrBadLink) {
		s.badSubLink(c)
		return
	}
	if err != nil {
		s.internalPage(c, "confirm subscription", err)
		return
	}
	lang := s.langOr(c, sub.Lang)
	s.page(c, http.StatusOK, "subscribed", tr(lang, "sub.confirmed.title"), map[string]any{
		"Lang": lang, "Title": tr(lang, "sub.confirmed.title"), "Paras": []string{fmt.Sprintf(tr(lang, "sub.confirmed.p"), cons.Label)},
		"Back": cons.Source, "Home": s.home(lang)})
}

type followed struct{ Topic, Label string }

func (s *Sidecar) pageUnsubscribe(c *gin.Context) {
	token := c.Param("token")
	sub, err := s.uc.subs.Subscriber(token)
	if err != nil {
		s.badSubLink(c)
		return
	}
	lang := s.langOr(c, sub.Lang)
	var topics []followed
	for _, cons := range sub.Topics {
		if cons.State != subscribe.Unsubscribed {
			topics = append(topics, followed{cons.Topic.String(), cons.Label})
		}
	}
	data := map[string]any{"Lang": lang, "Title": tr(lang, "sub.unsub.title"), "Home": s.home(lang)}
	if len(topics) == 0 {
		data["Paras"] = []string{tr(lang, "sub.unsub.none")}
	} else {
		action := "/api/subscriptions/unsubscribe/" + token
		data["Paras"], data["Topics"], data["Unsub"] = []string{tr(lang, "sub.unsub.p")}, topics, action
		data["Action"], data["Button"] = action, tr(lang, "sub.unsub.button")
	}
	s.page(c, http.StatusOK, "subscribed", tr(lang, "sub.unsub.title"), data)
}

// formUnsubscribe ends consent: the whole address, or one topic (form field
// or query "topic"). A mail program's one-click POST (body
// "List-Unsubscribe=One-Click", no Origin, no cookies) lands here too.
func (s *Sidecar) formUnsubscribe(c *gin.Context) {
	token := c.Param("token")
	topic := c.PostForm("topic")
	if topic == "" {
		topic = c.Query("topic")
	}
	err := s.uc.subs.Unsubscribe(token, topic, c.PostForm("List-Unsubscribe") == "One-Click")
	if errors.Is(err, usecase.ErrBadLink) {
		s.badSubLink(c)
		return
	}
	if err != nil {
		s.internalPage(c, "unsubscribe", err)
		return
	}
	lang := s.lang(c)
	if sub, err := s.uc.subs.Subscriber(token); err == nil {
		lang = s.langOr(c, sub.Lang)
	}
	s.page(c, http.StatusOK, "subscribed", tr(lang, "sub.unsub.title"), map[string]any{
		"Lang": lang, "Title": tr(lang, "sub.unsub.title"), "Paras": []string{tr(lang, "sub.unsub.done")}, "Home": s.home(lang)})
}

func (s *Sidecar) sendSubscribeConfirm(ctx context.Context, m mailJob) error {
	p, sub, err := s.uc.subs.Mail(m)
	if err != nil {
		return err
	}
	if c := sub.Topics[p.Topic]; c == nil || c.State != subscribe.Pending || c.ConfirmToken != p.Token {
		return nil // confirmed or ended meanwhile: nothing to ask
	}
	sc := mail.SubscribeConfirm{Lang: sub.Lang, ShopName: s.catalog.Current().Shop.Name, Label: p.Label,
		ConfirmURL: s.abs("/api/subscriptions/confirm/" + p.Token)}
	subject, text, html, err := sc.Render()
	if err != nil {
		return err
	}
	return s.deliver(ctx, mail.Message{ID: m.ID, Kind: "subscribe_confirm", To: sub.Email, Subject: subject,
		Text: text, HTML: html, Created: m.CreatedAt})
}

// sendDigest sends a queued digest, leaving out every topic whose consent
// ended since it was queued (and the whole e-mail when none is left).
func (s *Sidecar) sendDigest(ctx context.Context, m mailJob) error {
	p, sub, err := s.uc.subs.Mail(m)
	if err != nil {
		return err
	}
	unsub := s.abs("/api/subscriptions/unsubscribe/" + sub.Token)
	d := mail.DigestMail{Lang: sub.Lang, ShopName: s.catalog.Current().Shop.Name, UnsubscribeURL: unsub}
	for _, sec := range p.Sections {
		if c := sub.Topics[sec.Topic.String()]; c == nil || c.State != subscribe.Confirmed {
			continue
		}
		ds := mail.DigestSection{Label: sec.Label, UnsubscribeURL: unsub + "?topic=" + url.QueryEscape(sec.Topic.String())}
		for _, pr := range sec.Products {
			ds.Products = append(ds.Products, mail.DigestProduct{Title: pr.Title, URL: s.abs(pr.URL),
				Price: money.Display(pr.Price, pr.Currency, sub.Lang)})
		}
		d.Sections = append(d.Sections, ds)
	}
	if len(d.Sections) == 0 {
		s.log.Info("digest not sent: no consent left", "mail", m.ID)
		return nil
	}
	subject, text, html, err := d.Render()
	if err != nil {
		return err
	}
	return s.deliver(ctx, mail.Message{ID: m.ID, Kind: "digest", To: sub.Email, Subject: subject, Text: text, HTML: html,
		Created: m.CreatedAt, Unsubscribe: nonEmpty(unsub, s.unsubscribeMailto(sub.Token))})
}

// SubscriberList is the admin API's overview: counts, never the addresses'
// consent details beyond what the owner needs.
type SubscriberList struct {
	Subscribers []subscribe.Subscriber `json:"subscribers"`
}

func (s *Sidecar) adminListSubscribers(c *gin.Context) {
	subs, err := s.uc.subs.List()
	if err != nil {
		s.internal(c, "list subscribers", err)
		return
	}
	ok(c, http.StatusOK, SubscriberList{Subscribers: subs})
}

// topicCount is one followed topic on the owner's page.
type topicCount = usecase.TopicCount

// adminNotifyForm is the owner's page's "send the digests" button.
func (s *Sidecar) adminNotifyForm(c *gin.Context) {
	res, err := s.uc.subs.Notify(false, actor(c))
	if err != nil {
		s.internalPage(c, "notify", err)
		return
	}
	q := noticeQuery("digests") + "&n=" + strconv.Itoa(res.Queued)
	switch {
	case res.Baseline:
		q = noticeQuery("digest-baseline")
	case res.Unchanged:
		q = noticeQuery("digest-unchanged")
	}
	c.Redirect(http.StatusSeeOther, "/admin/reviews/"+q)
}

// adminNotify compares the catalog in force with the last one announced and
// queues the digests (see store.Notify); ?dry_run=1 only says what it would do.
func (s *Sidecar) adminNotify(c *gin.Context) {
	dry := c.Query("dry_run") == "1" || c.Query("dry_run") == "true"
	res, err := s.uc.subs.Notify(dry, actor(c))
	if err != nil {
		s.internal(c, "notify", err)
		return
	}
	ok(c, http.StatusOK, res)
}
