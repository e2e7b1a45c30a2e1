package server

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/review"
	"github.com/storefront/storefront/checkout/store"
	"github.com/storefront/storefront/checkout/subscribe"
)

// Reviews from verified buyers (docs/retention.md): a job asks each
// delivered order once, some days after delivery; the order's token link
// leads to a form per product; the owner moderates through the admin API
// and `shop reviews`; `shop reviews export` writes the approved ones into
// data/reviews/ for the next build.

// startRetention starts the review request job.
func (s *Sidecar) startRetention(ctx context.Context) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		first := time.NewTimer(30 * time.Second)
		defer first.Stop()
		t := time.NewTicker(reviewJobEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-first.C:
			case <-t.C:
			}
			s.safely("reviews", func() { s.requestReviews(ctx) })
		}
	}()
}

// reviewJobEvery is how often delivered orders are checked for a review request.
const reviewJobEvery = 15 * time.Minute

// requestReviews queues the review request of every delivered order whose
// day has come; it returns how many were queued.
func (s *Sidecar) requestReviews(ctx context.Context) int {
	days, on := review.AfterDays(s.catalog.Current().Shop.ReviewAfterDays)
	if !on {
		return 0
	}
	orders, err := s.store.ListOrders(store.Filter{States: []order.State{order.Delivered}})
	if err != nil {
		s.log.Error("review requests: list orders", "err", err)
		return 0
	}
	now, queued := s.now(), 0
	for _, o := range orders {
		if ctx.Err() != nil {
			break
		}
		if !review.Due(o, days, now) {
			continue
		}
		if _, done := s.store.ReviewRequested(o.ID); done {
			continue
		}
		ok, err := s.store.RequestReview(o)
		if err != nil {
			s.log.Error("review request", "order", o.ID, "err", err)
			continue
		}
		if ok {
			queued++
		}
	}
	if queued > 0 {
		s.log.Info("review requests queued", "orders", queued)
		s.kickMail()
	}
	return queued
}

// retentionMail sends the e-mails of this file's kinds (called from sendOne).
func (s *Sidecar) retentionMail(kind string) (func(context.Context, store.Mail) error, bool) {
	switch kind {
	case store.MailReviewRequest:
		return s.sendReviewRequest, true
	case store.MailSubscribeCheck:
		return s.sendSubscribeConfirm, true
	case store.MailDigest:
		return s.sendDigest, true
	}
	return nil, false
}

// abs makes a site path absolute on the public base URL.
func (s *Sidecar) abs(p string) string {
	if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
		return p
	}
	return strings.TrimSuffix(s.base.String(), "/") + "/" + strings.TrimPrefix(p, "/")
}

// unsubscribeMailto is the mailto: fallback of List-Unsubscribe: a message
// to the shop, which the owner handles by hand.
func (s *Sidecar) unsubscribeMailto(token string) string {
	email := s.catalog.Current().Shop.Email
	if email == "" {
		return ""
	}
	return "mailto:" + email + "?subject=" + url.PathEscape("unsubscribe "+token)
}

func nonEmpty(xs ...string) []string {
	var out []string
	for _, x := range xs {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

func (s *Sidecar) deliver(ctx context.Context, m mail.Message) error {
	m.Created, m.ReplyTo = m.Created.UTC(), s.catalog.Current().Shop.Email
	sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	return s.sender.Send(sctx, m)
}

// reviewProduct is one product of an order, as the review form shows it.
type reviewProduct struct {
	Slug, Title string
	Review      *review.Review
	Thanks      bool
	Errors      map[string]string
	Form        review.Input
}

// orderProducts lists an order's products once each, by slug: the catalog
// item's product, or the last part of the line's URL when the SKU is gone.
func (s *Sidecar) orderProducts(o *order.Order) []reviewProduct {
	cat := s.catalog.Current()
	seen := map[string]bool{}
	var out []reviewProduct
	for _, l := range o.Lines {
		slug := ""
		if it, ok := cat.Lookup(l.SKU); ok {
			slug = it.Product
		}
		if slug == "" && l.URL != "" {
			u := strings.TrimSuffix(l.URL, "/")
			slug = u[strings.LastIndex(u, "/")+1:]
		}
		if !review.ValidSlug(slug) || seen[slug] {
			continue
		}
		seen[slug] = true
		out = append(out, reviewProduct{Slug: slug, Title: l.Title})
	}
	return out
}

func (s *Sidecar) sendReviewRequest(ctx context.Context, m store.Mail) error {
	o, err := s.store.GetOrder(m.OrderID)
	if err != nil {
		return fmt.Errorf("order of mail %s: %w", m.ID, err)
	}
	if s.store.ReviewOptedOut(o.Customer.Email) {
		s.log.Info("review request not sent: the customer opted out meanwhile", "order", o.ID)
		return nil
	}
	lang := o.Lang
	rr := mail.ReviewRequest{Lang: lang, ShopName: s.catalog.Current().Shop.Name, Number: o.ID,
		CustomerName: review.FirstName(o.Customer.Name), OptOutURL: s.abs(s.orderPath(o) + "/review/opt-out")}
	for _, p := range s.orderProducts(o) {
		rr.Products = append(rr.Products, mail.ReviewProduct{Title: p.Title,
			URL: s.abs(s.orderPath(o) + "/review?product=" + p.Slug + "#p-" + p.Slug)})
	}
	if len(rr.Products) == 0 {
		return nil
	}
	subject, text, html, err := rr.Render()
	if err != nil {
		return err
	}
	return s.deliver(ctx, mail.Message{ID: m.ID, Kind: "review_request", To: o.Customer.Email, ToName: o.Customer.Name,
		Subject: subject, Text: text, HTML: html, Created: m.CreatedAt,
		Unsubscribe: nonEmpty(rr.OptOutURL, s.unsubscribeMailto("reviews "+o.ID))})
}

// reviewPage is the data of the review form page.
type reviewPage struct {
	Lang     string
	O        *order.Order
	Products []reviewProduct
	Open     bool // delivered: reviews may be written
	OptedOut bool
	Home     string
}

func (s *Sidecar) pageReview(c *gin.Context) {
	o, found := s.orderByToken(c, true)
	if !found {
		return
	}
	s.renderReview(c, http.StatusOK, o, "", nil, review.Input{})
}

func (s *Sidecar) renderReview(c *gin.Context, status int, o *order.Order, errProduct string, errs map[string]string, in review.Input) {
	lang := s.orderLang(c, o)
	mine, err := s.store.ReviewsOfOrder(o.ID)
	if err != nil {
		s.internalPage(c, "reviews of order", err)
		return
	}
	byProduct := map[string]*review.Review{}
	for i := range mine {
		byProduct[mine[i].Product] = &mine[i]
	}
	p := reviewPage{Lang: lang, O: o, Open: o.State == order.Delivered, OptedOut: s.store.ReviewOptedOut(o.Customer.Email), Home: s.home(lang)}
	thanks := c.Query("thanks")
	for _, rp := range s.orderProducts(o) {
		rp.Review = byProduct[rp.Slug]
		rp.Thanks = thanks == rp.Slug
		rp.Form = review.Input{Author: review.FirstName(o.Customer.Name)}
		if rp.Review != nil {
			rp.Form = review.Input{Rating: rp.Review.Rating, Text: rp.Review.Text, Author: rp.Review.Author}
		}
		if rp.Slug == errProduct {
			rp.Errors, rp.Form = errs, in
		}
		p.Products = append(p.Products, rp)
	}
	s.page(c, status, "review", tr(lang, "review.title"), p)
}

func (s *Sidecar) formReview(c *gin.Context) {
	o, found := s.orderByToken(c, true)
	if !found {
		return
	}
	lang := s.lang(c)
	if o.State != order.Delivered {
		s.renderReview(c, http.StatusConflict, o, "", nil, review.Input{})
		return
	}
	rating, _ := strconv.Atoi(c.PostForm("rating"))
	in := review.Input{Product: c.PostForm("product"), Rating: rating, Text: c.PostForm("text"), Author: c.PostForm("author"), Lang: lang}
	var title string
	for _, p := range s.orderProducts(o) {
		if p.Slug == in.Product {
			title = p.Title
		}
	}
	if title == "" {
		s.retMessage(c, http.StatusUnprocessableEntity, tr(lang, "review.title"), tr(lang, "review.err.product"))
		return
	}
	if errs := in.Clean(); len(errs) > 0 {
		for k, v := range errs {
			errs[k] = tr(lang, v)
		}
		s.renderReview(c, http.StatusUnprocessableEntity, o, in.Product, errs, in)
		return
	}
	_, _, err := s.store.SaveReview(review.Review{OrderID: o.ID, Product: in.Product, ProductTitle: title, Rating: in.Rating,
		Text: in.Text, Author: in.Author, Email: o.Customer.Email, Lang: in.Lang})
	if errors.Is(err, store.ErrReviewLocked) {
		s.renderReview(c, http.StatusConflict, o, in.Product, map[string]string{"text": tr(lang, "review.err.locked")}, in)
		return
	}
	if err != nil {
		s.internalPage(c, "save review", err)
		return
	}
	s.log.Info("review written", "order", o.ID, "product", in.Product)
	c.Redirect(http.StatusSeeOther, s.orderPath(o)+"/review?thanks="+url.QueryEscape(in.Product)+"#p-"+in.Product)
}

func (s *Sidecar) pageReviewOptOut(c *gin.Context) {
	o, found := s.orderByToken(c, true)
	if !found {
		return
	}
	lang := s.orderLang(c, o)
	s.page(c, http.StatusOK, "review-optout", tr(lang, "optout.title"), map[string]any{
		"Lang": lang, "Action": s.orderPath(o) + "/review/opt-out", "Done": s.store.ReviewOptedOut(o.Customer.Email), "Home": s.home(lang)})
}

func (s *Sidecar) formReviewOptOut(c *gin.Context) {
	o, found := s.orderByToken(c, true)
	if !found {
		return
	}
	if err := s.store.ReviewOptOut(o.Customer.Email); err != nil {
		s.internalPage(c, "review opt-out", err)
		return
	}
	s.log.Info("customer opted out of review requests", "order", o.ID)
	lang := s.orderLang(c, o)
	s.page(c, http.StatusOK, "review-optout", tr(lang, "optout.title"), map[string]any{
		"Lang": lang, "Done": true, "Home": s.home(lang)})
}

func (s *Sidecar) adminListReviews(c *gin.Context) {
	st := review.State(c.Query("state"))
	if st != "" && !st.Valid() {
		fail(c, http.StatusBadRequest, fmt.Sprintf("unknown state %q; states are pending, approved, rejected", st))
		return
	}
	list, err := s.store.ListReviews(st)
	if err != nil {
		s.internal(c, "list reviews", err)
		return
	}
	if list == nil {
		list = []review.Review{}
	}
	ok(c, http.StatusOK, ReviewList{Reviews: list})
}

func (s *Sidecar) adminModerateReview(c *gin.Context) {
	a := review.Action(c.Param("action"))
	if a != review.Approve && a != review.Reject {
		fail(c, http.StatusNotFound, "unknown action "+string(a)+"; use approve or reject")
		return
	}
	id := review.ID(c.Param("order"), c.Param("product"))
	r, err := s.store.ModerateReview(id, a, actor(c))
	switch {
	case errors.Is(err, store.ErrNotFound):
		fail(c, http.StatusNotFound, "no review "+id)
		return
	case errors.Is(err, review.ErrModeration):
		fail(c, http.StatusConflict, err.Error())
		return
	case err != nil:
		s.internal(c, "moderate review", err)
		return
	}
	s.log.Info("review moderated", "review", id, "action", string(a), "by", actor(c))
	ok(c, http.StatusOK, r)
}

func (s *Sidecar) adminRequestReviews(c *gin.Context) {
	n := s.requestReviews(c.Request.Context())
	ok(c, http.StatusOK, gin.H{"queued": n})
}

// adminRetentionPage is the owner's page of reviews and subscriptions.
type adminRetentionPage struct {
	CSRF, Notice     string
	Pending          []review.Review
	Approved         []review.Review // newest first, at most 20
	ApprovedN        int
	RejectedN        int
	Topics           []topicCount
	Addresses        int
	Preview          store.NotifyResult
	PreviewErr       string
	ReviewsOff       bool
	AfterDays        int
	ReviewsRequested int
}

func (s *Sidecar) adminReviewsPage(c *gin.Context) {
	all, err := s.store.ListReviews("")
	if err != nil {
		s.internalPage(c, "admin reviews", err)
		return
	}
	d := adminRetentionPage{CSRF: c.GetString("csrf"), Notice: adminNotice(c)}
	for _, r := range all {
		switch r.State {
		case review.Pending:
			d.Pending = append(d.Pending, r)
		case review.Approved:
			d.ApprovedN++
			d.Approved = append([]review.Review{r}, d.Approved...)
		case review.Rejected:
			d.RejectedN++
		}
	}
	if len(d.Approved) > 20 {
		d.Approved = d.Approved[:20]
	}
	days, on := review.AfterDays(s.catalog.Current().Shop.ReviewAfterDays)
	d.AfterDays, d.ReviewsOff = days, !on
	d.Topics, d.Addresses = s.topicCounts()
	cat := s.catalog.Current()
	if res, err := s.store.Notify(cat.Version, subscribe.Products(cat), true); err != nil {
		d.PreviewErr = err.Error()
	} else {
		d.Preview = res
	}
	c.Set("lang", "en")
	s.page(c, http.StatusOK, "admin-retention", "Admin · reviews and subscribers", d)
}

func (s *Sidecar) adminReviewsAction(c *gin.Context) {
	a := review.Action(c.Param("action"))
	id := review.ID(c.Param("order"), c.Param("product"))
	if a != review.Approve && a != review.Reject {
		s.adminMessage(c, http.StatusNotFound, "Unknown action "+string(a)+".")
		return
	}
	if _, err := s.store.ModerateReview(id, a, actor(c)); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.adminMessage(c, http.StatusNotFound, "There is no review "+id+".")
			return
		}
		s.adminMessage(c, http.StatusConflict, err.Error())
		return
	}
	s.log.Info("review moderated", "review", id, "action", string(a), "by", actor(c))
	c.Redirect(http.StatusSeeOther, "/admin/reviews/"+noticeQuery("review-"+string(a)))
}

// retMessage is a page with a heading and one paragraph.
func (s *Sidecar) retMessage(c *gin.Context, status int, title, text string) {
	lang := s.lang(c)
	s.page(c, status, "message", title, map[string]string{"Lang": lang, "Title": title, "Text": text, "Home": s.home(lang)})
}

// retentionFuncs are the functions of templates/reviews.html.
var retentionFuncs = template.FuncMap{
	"seq": func() []int { return []int{5, 4, 3, 2, 1} },
}
