package server

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/review"
	"github.com/storefront/storefront/checkout/usecase"
	"github.com/storefront/storefront/checkout/wire"
)

// The HTTP side of reviews (docs/retention.md); what they do is
// checkout/usecase/reviews.go, the daily request job checkout/worker.

func (s *Sidecar) sendReviewRequest(ctx context.Context, m mailJob) error {
	o, products, send, err := s.uc.reviews.RequestMail(m.OrderID)
	if err != nil {
		return fmt.Errorf("order of mail %s: %w", m.ID, err)
	}
	if !send {
		return nil
	}
	rr := mail.ReviewRequest{Lang: o.Lang, ShopName: s.catalog.Current().Shop.Name, Number: o.ID,
		CustomerName: review.FirstName(o.Customer.Name), OptOutURL: s.abs(s.orderPath(o) + "/review/opt-out")}
	for _, p := range products {
		rr.Products = append(rr.Products, mail.ReviewProduct{Title: p.Title,
			URL: s.abs(s.orderPath(o) + "/review?product=" + p.Slug + "#p-" + p.Slug)})
	}
	subject, text, html, err := rr.Render()
	if err != nil {
		return err
	}
	return s.deliver(ctx, mail.Message{ID: m.ID, Kind: "review_request", To: o.Customer.Email, ToName: o.Customer.Name,
		Subject: subject, Text: text, HTML: html, Created: m.CreatedAt,
		Unsubscribe: nonEmpty(rr.OptOutURL, s.unsubscribeMailto("reviews "+o.ID))})
}

// reviewProduct is one product of an order, as the review form shows it.
type reviewProduct struct {
	Slug, Title string
	Review      *review.Review
	Thanks      bool
	Errors      map[string]string
	Form        review.Input
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
	mine, err := s.uc.reviews.OfOrder(o)
	if err != nil {
		s.internalPage(c, "reviews of order", err)
		return
	}
	p := reviewPage{Lang: lang, O: o, Open: o.State == order.Delivered, OptedOut: mine.OptedOut, Home: s.home(lang)}
	thanks := c.Query("thanks")
	for _, pr := range s.uc.reviews.Products(o) {
		rp := reviewProduct{Slug: pr.Slug, Title: pr.Title, Review: mine.ByProduct[pr.Slug], Thanks: thanks == pr.Slug}
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
	rating, _ := strconv.Atoi(c.PostForm("rating"))
	in := review.Input{Product: c.PostForm("product"), Rating: rating, Text: c.PostForm("text"), Author: c.PostForm("author"), Lang: lang}
	err := s.uc.reviews.Write(o, in)
	var fields usecase.FieldErrors
	switch {
	case errors.Is(err, usecase.ErrNotDelivered):
		s.renderReview(c, http.StatusConflict, o, "", nil, review.Input{})
	case errors.Is(err, usecase.ErrUnknownProduct):
		s.retMessage(c, http.StatusUnprocessableEntity, tr(lang, "review.title"), tr(lang, "review.err.product"))
	case errors.As(err, &fields):
		errs := map[string]string{}
		for k, v := range fields {
			errs[k] = tr(lang, v)
		}
		s.renderReview(c, http.StatusUnprocessableEntity, o, in.Product, errs, in)
	case errors.Is(err, usecase.ErrReviewLocked):
		s.renderReview(c, http.StatusConflict, o, in.Product, map[string]string{"text": tr(lang, "review.err.locked")}, in)
	case err != nil:
		s.internalPage(c, "save review", err)
	default:
		c.Redirect(http.StatusSeeOther, s.orderPath(o)+"/review?thanks="+url.QueryEscape(in.Product)+"#p-"+in.Product)
	}
}

func (s *Sidecar) pageReviewOptOut(c *gin.Context) {
	o, found := s.orderByToken(c, true)
	if !found {
		return
	}
	lang := s.orderLang(c, o)
	s.page(c, http.StatusOK, "review-optout", tr(lang, "optout.title"), map[string]any{
		"Lang": lang, "Action": s.orderPath(o) + "/review/opt-out", "Done": s.uc.reviews.OptedOut(o), "Home": s.home(lang)})
}

func (s *Sidecar) formReviewOptOut(c *gin.Context) {
	o, found := s.orderByToken(c, true)
	if !found {
		return
	}
	if err := s.uc.reviews.OptOut(o); err != nil {
		s.internalPage(c, "review opt-out", err)
		return
	}
	lang := s.orderLang(c, o)
	s.page(c, http.StatusOK, "review-optout", tr(lang, "optout.title"), map[string]any{
		"Lang": lang, "Done": true, "Home": s.home(lang)})
}

func (s *Sidecar) adminListReviews(c *gin.Context) {
	st := review.State(c.Query("state"))
	list, err := s.uc.reviews.List(st)
	switch {
	case errors.Is(err, usecase.ErrUnknownState):
		fail(c, http.StatusBadRequest, fmt.Sprintf("unknown state %q; states are pending, approved, rejected", st))
	case err != nil:
		s.internal(c, "list reviews", err)
	default:
		ok(c, http.StatusOK, ReviewList{Reviews: list})
	}
}

func (s *Sidecar) adminModerateReview(c *gin.Context) {
	a := review.Action(c.Param("action"))
	id := review.ID(c.Param("order"), c.Param("product"))
	r, err := s.uc.reviews.Moderate(c.Param("order"), c.Param("product"), a, actor(c))
	switch {
	case errors.Is(err, usecase.ErrUnknownAction):
		fail(c, http.StatusNotFound, "unknown action "+string(a)+"; use approve or reject")
	case errors.Is(err, usecase.ErrNotFound):
		fail(c, http.StatusNotFound, "no review "+id)
	case errors.Is(err, usecase.ErrModeration):
		fail(c, http.StatusConflict, err.Error())
	case err != nil:
		s.internal(c, "moderate review", err)
	default:
		ok(c, http.StatusOK, r)
	}
}

func (s *Sidecar) adminRequestReviews(c *gin.Context) {
	n := s.uc.reviews.RequestDue(c.Request.Context())
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
	Preview          wire.NotifyResult
	PreviewErr       string
	ReviewsOff       bool
	AfterDays        int
	ReviewsRequested int
}

func (s *Sidecar) adminReviewsPage(c *gin.Context) {
	v, err := s.uc.reviews.Overview()
	if err != nil {
		s.internalPage(c, "admin reviews", err)
		return
	}
	d := adminRetentionPage{CSRF: c.GetString("csrf"), Notice: s.adminNotice(c), Pending: v.Pending, Approved: v.Approved,
		ApprovedN: v.ApprovedN, RejectedN: v.RejectedN, ReviewsOff: v.Off, AfterDays: v.AfterDays}
	d.Topics, d.Addresses = s.uc.subs.TopicCounts()
	if res, err := s.uc.subs.Preview(); err != nil {
		d.PreviewErr = err.Error()
	} else {
		d.Preview = res
	}
	s.page(c, http.StatusOK, "admin-retention", ownerT(s.lang(c), "reviews.browser_title"), d)
}

func (s *Sidecar) adminReviewsAction(c *gin.Context) {
	a := review.Action(c.Param("action"))
	id := review.ID(c.Param("order"), c.Param("product"))
	_, err := s.uc.reviews.Moderate(c.Param("order"), c.Param("product"), a, actor(c))
	switch {
	case errors.Is(err, usecase.ErrUnknownAction):
		s.adminMessage(c, http.StatusNotFound, ownerT(s.lang(c), "reviews.unknown_action", string(a)))
	case errors.Is(err, usecase.ErrNotFound):
		s.adminMessage(c, http.StatusNotFound, ownerT(s.lang(c), "reviews.no_review", id))
	case err != nil:
		s.adminMessage(c, http.StatusConflict, err.Error())
	default:
		c.Redirect(http.StatusSeeOther, "/admin/reviews/"+noticeQuery("review-"+string(a)))
	}
}

// retentionFuncs are the functions of templates/reviews.html.
var retentionFuncs = template.FuncMap{
	"seq": func() []int { return []int{5, 4, 3, 2, 1} },
}
