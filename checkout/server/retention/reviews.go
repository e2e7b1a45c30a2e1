package retention

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
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
	"github.com/storefront/storefront/checkout/wire"
)

// The HTTP side of reviews (docs/retention.md); what they do is
// checkout/usecase/reviews.go, the daily request job checkout/worker.

// Reviews is the HTTP side of reviews (pages, forms, the owner's
// moderation, the request mail).
type Reviews struct {
	*web.Web
	UC      usecase.Reviews
	Subs    usecase.Subscriptions                     // the owner's page shows the followed topics too
	Notice  func(*gin.Context) string                 // the owner's page's ?notice= text (adminnotice.go)
	Deliver func(context.Context, mail.Message) error // Sidecar.deliver
}

func (h *Reviews) SendReviewRequest(ctx context.Context, m mailJob) error {
	o, products, send, err := h.UC.RequestMail(m.OrderID)
	if err != nil {
		return fmt.Errorf("order of mail %s: %w", m.ID, err)
	}
	if !send {
		return nil
	}
	rr := mail.ReviewRequest{Lang: o.Lang, ShopName: h.Catalog.Current().Shop.Name, Number: o.ID,
		CustomerName: review.FirstName(o.Customer.Name), OptOutURL: h.Abs(h.OrderPath(o) + "/review/opt-out")}
	for _, p := range products {
		rr.Products = append(rr.Products, mail.ReviewProduct{Title: p.Title,
			URL: h.Abs(h.OrderPath(o) + "/review?product=" + p.Slug + "#p-" + p.Slug)})
	}
	subject, text, html, err := rr.Render()
	if err != nil {
		return err
	}
	return h.Deliver(ctx, mail.Message{ID: m.ID, Kind: "review_request", To: o.Customer.Email, ToName: o.Customer.Name,
		Subject: subject, Text: text, HTML: html, Created: m.CreatedAt,
		Unsubscribe: nonEmpty(rr.OptOutURL, h.UnsubscribeMailto("reviews "+o.ID))})
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

func (h *Reviews) PageReview(c *gin.Context) {
	o, found := h.OrderByToken(c, true)
	if !found {
		return
	}
	h.renderReview(c, http.StatusOK, o, "", nil, review.Input{})
}

func (h *Reviews) renderReview(c *gin.Context, status int, o *order.Order, errProduct string, errs map[string]string, in review.Input) {
	lang := h.OrderLang(c, o)
	mine, err := h.UC.OfOrder(o)
	if err != nil {
		h.InternalPage(c, "reviews of order", err)
		return
	}
	p := reviewPage{Lang: lang, O: o, Open: o.State == order.Delivered, OptedOut: mine.OptedOut, Home: h.Home(lang)}
	thanks := c.Query("thanks")
	for _, pr := range h.UC.Products(o) {
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
	h.Page(c, status, "review", web.T(lang, "review.title"), p)
}

func (h *Reviews) FormReview(c *gin.Context) {
	o, found := h.OrderByToken(c, true)
	if !found {
		return
	}
	lang := h.OrderLang(c, o) // the review page's language, not the browser's
	rating, _ := strconv.Atoi(c.PostForm("rating"))
	in := review.Input{Product: c.PostForm("product"), Rating: rating, Text: c.PostForm("text"), Author: c.PostForm("author"), Lang: lang}
	err := h.UC.Write(o, in)
	var fields usecase.FieldErrors
	switch {
	case errors.Is(err, usecase.ErrNotDelivered):
		h.renderReview(c, http.StatusConflict, o, "", nil, review.Input{})
	case errors.Is(err, usecase.ErrUnknownProduct):
		h.RetMessage(c, http.StatusUnprocessableEntity, web.T(lang, "review.title"), web.T(lang, "review.err.product"))
	case errors.As(err, &fields):
		errs := map[string]string{}
		for k, v := range fields {
			errs[k] = web.T(lang, v)
		}
		h.renderReview(c, http.StatusUnprocessableEntity, o, in.Product, errs, in)
	case errors.Is(err, usecase.ErrReviewLocked):
		h.renderReview(c, http.StatusConflict, o, in.Product, map[string]string{"text": web.T(lang, "review.err.locked")}, in)
	case err != nil:
		h.InternalPage(c, "save review", err)
	default:
		c.Redirect(http.StatusSeeOther, h.OrderPath(o)+"/review?thanks="+url.QueryEscape(in.Product)+"#p-"+in.Product)
	}
}

func (h *Reviews) PageReviewOptOut(c *gin.Context) {
	o, found := h.OrderByToken(c, true)
	if !found {
		return
	}
	lang := h.OrderLang(c, o)
	h.Page(c, http.StatusOK, "review-optout", web.T(lang, "optout.title"), map[string]any{
		"Lang": lang, "Action": h.OrderPath(o) + "/review/opt-out", "Done": h.UC.OptedOut(o), "Home": h.Home(lang)})
}

func (h *Reviews) FormReviewOptOut(c *gin.Context) {
	o, found := h.OrderByToken(c, true)
	if !found {
		return
	}
	if err := h.UC.OptOut(o); err != nil {
		h.InternalPage(c, "review opt-out", err)
		return
	}
	lang := h.OrderLang(c, o)
	h.Page(c, http.StatusOK, "review-optout", web.T(lang, "optout.title"), map[string]any{
		"Lang": lang, "Done": true, "Home": h.Home(lang)})
}

func (h *Reviews) AdminListReviews(c *gin.Context) {
	st := review.State(c.Query("state"))
	list, err := h.UC.List(st)
	switch {
	case errors.Is(err, usecase.ErrUnknownState):
		web.Fail(c, http.StatusBadRequest, fmt.Sprintf("unknown state %q; states are pending, approved, rejected", st))
	case err != nil:
		h.Internal(c, "list reviews", err)
	default:
		web.OK(c, http.StatusOK, wire.ReviewList{Reviews: list})
	}
}

func (h *Reviews) AdminModerateReview(c *gin.Context) {
	a := review.Action(c.Param("action"))
	id := review.ID(c.Param("order"), c.Param("product"))
	r, err := h.UC.Moderate(c.Param("order"), c.Param("product"), a, web.Actor(c))
	switch {
	case errors.Is(err, usecase.ErrUnknownAction):
		web.Fail(c, http.StatusNotFound, "unknown action "+string(a)+"; use approve or reject")
	case errors.Is(err, usecase.ErrNotFound):
		web.Fail(c, http.StatusNotFound, "no review "+id)
	case errors.Is(err, usecase.ErrModeration):
		web.Fail(c, http.StatusConflict, err.Error())
	case err != nil:
		h.Internal(c, "moderate review", err)
	default:
		web.OK(c, http.StatusOK, r)
	}
}

func (h *Reviews) AdminRequestReviews(c *gin.Context) {
	n := h.UC.RequestDue(c.Request.Context())
	web.OK(c, http.StatusOK, gin.H{"queued": n})
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

func (h *Reviews) AdminReviewsPage(c *gin.Context) {
	v, err := h.UC.Overview()
	if err != nil {
		h.InternalPage(c, "admin reviews", err)
		return
	}
	d := adminRetentionPage{CSRF: c.GetString("csrf"), Notice: h.Notice(c), Pending: v.Pending, Approved: v.Approved,
		ApprovedN: v.ApprovedN, RejectedN: v.RejectedN, ReviewsOff: v.Off, AfterDays: v.AfterDays}
	d.Topics, d.Addresses = h.Subs.TopicCounts()
	if res, err := h.Subs.Preview(); err != nil {
		d.PreviewErr = err.Error()
	} else {
		d.Preview = res
	}
	h.Page(c, http.StatusOK, "admin-retention", web.OwnerT(h.Lang(c), "reviews.browser_title"), d)
}

func (h *Reviews) AdminReviewsAction(c *gin.Context) {
	a := review.Action(c.Param("action"))
	id := review.ID(c.Param("order"), c.Param("product"))
	_, err := h.UC.Moderate(c.Param("order"), c.Param("product"), a, web.Actor(c))
	switch {
	case errors.Is(err, usecase.ErrUnknownAction):
		h.AdminMessage(c, http.StatusNotFound, web.OwnerT(h.Lang(c), "reviews.unknown_action", string(a)))
	case errors.Is(err, usecase.ErrNotFound):
		h.AdminMessage(c, http.StatusNotFound, web.OwnerT(h.Lang(c), "reviews.no_review", id))
	case err != nil:
		h.AdminMessage(c, http.StatusConflict, err.Error())
	default:
		c.Redirect(http.StatusSeeOther, "/admin/reviews/"+web.NoticeQuery("review-"+string(a)))
	}
}

// retentionFuncs are the functions of templates/reviews.html.
var retentionFuncs = template.FuncMap{
	"seq": func() []int { return []int{5, 4, 3, 2, 1} },
}

// The page templates use these functions (web.AddFuncs).
func init() { web.AddFuncs(retentionFuncs) }
