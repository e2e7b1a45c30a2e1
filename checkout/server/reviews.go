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

// retentionRoutes registers the review, subscription and poll URLs.
func (s *Sidecar) retentionRoutes(r *gin.Engine) {
	formLimit := newLimiter(20, 10, s.now, s.clientKey)
	voteLimit := newLimiter(20, 10, s.now, s.netClientKey) // per IPv4 address or IPv6 /64; a household behind one votes too
	subLimit := newLimiter(6, 3, s.now, s.netClientKey)
	if s.opts.RateLimit < 0 {
		formLimit, subLimit = nil, nil // benchmarks and tests turn limits off; votes keep theirs
	}

	pages := r.Group("", s.sameOrigin())
	pages.GET("/order/:token/review", s.pageReview)
	pages.HEAD("/order/:token/review", s.pageReview)
	pages.POST("/order/:token/review", formLimit.middleware(s.tooManyPage), s.formReview)
	pages.GET("/order/:token/review/opt-out", s.pageReviewOptOut)
	// One-click from a mail program (RFC 8058) posts without Origin: the
	// token in the path is the authority.
	r.POST("/order/:token/review/opt-out", s.formReviewOptOut)

	r.POST("/api/subscriptions", s.sameOrigin(), subLimit.middleware(s.tooManyPage), s.mailLimit(), s.formSubscribe)
	r.GET("/api/subscriptions/confirm/:token", s.pageConfirm)
	r.POST("/api/subscriptions/confirm/:token", s.sameOrigin(), s.formConfirm)
	r.GET("/api/subscriptions/unsubscribe/:token", s.pageUnsubscribe)
	r.POST("/api/subscriptions/unsubscribe/:token", s.formUnsubscribe)

	r.GET("/api/polls/:id", s.apiPoll)
	r.HEAD("/api/polls/:id", s.apiPoll)
	r.POST("/api/polls/:id/vote", s.sameOrigin(), voteLimit.middleware(nil), s.votePoll)

	admin := r.Group("/api/admin", s.adminAuth())
	admin.GET("/reviews", s.adminListReviews)
	admin.POST("/reviews/request", s.adminRequestReviews)
	admin.POST("/reviews/:order/:product/:action", s.adminModerateReview)
	admin.GET("/subscribers", s.adminListSubscribers)
	admin.POST("/notify", s.adminNotify)

	// The owner's page (logged in through /admin/, CSRF-checked forms).
	ad := r.Group("/admin", s.sameOrigin(), s.adminSession())
	ad.GET("/reviews/", s.adminReviewsPage)
	ad.POST("/reviews/:order/:product/:action", s.adminReviewsAction)
	ad.POST("/notify", s.adminNotifyForm)
}

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

// ReviewList is the admin API's answer with reviews.
type ReviewList struct {
	Reviews []review.Review `json:"reviews"`
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

func init() {
	template.Must(pages.New("retention").Funcs(template.FuncMap{
		"seq": func() []int { return []int{5, 4, 3, 2, 1} },
	}).Parse(retentionTemplates))
	addPhrases(retentionPhrases)
}

const retentionTemplates = `
{{define "review"}}{{$l := .Lang}}{{$o := .O}}
<div class="wrap sf-review">
<h1>{{t $l "review.title"}}</h1>
{{if not .Open}}<p class="sf-notice notice" role="status">{{t $l "review.not_yet"}}</p>
{{else}}<p>{{tf $l "review.intro" $o.ID}}</p>
{{range .Products}}
<section class="sf-review-product" id="p-{{.Slug}}" aria-labelledby="h-{{.Slug}}">
<h2 id="h-{{.Slug}}">{{.Title}}</h2>
{{if .Thanks}}<p class="sf-notice notice notice--success" role="status">{{t $l "review.thanks"}}</p>{{end}}
{{if and .Review (ne .Review.State "pending")}}<p class="sf-review-done">{{t $l (print "review.state." .Review.State)}}</p>
<p>{{.Review.Rating}}/5 · {{.Review.Text}}</p>
{{else}}
<form method="post" action="/order/{{$o.Token}}/review#p-{{.Slug}}" class="sf-review-form">
<input type="hidden" name="product" value="{{.Slug}}"><input type="hidden" name="lang" value="{{$l}}">
<fieldset class="sf-field form-row{{if .Errors.rating}} sf-invalid{{end}}"{{if .Errors.rating}} aria-describedby="e-rating-{{.Slug}}"{{end}}>
<legend>{{t $l "review.rating"}}</legend>
{{$f := .Form}}{{$slug := .Slug}}{{range seq}}<label class="sf-star"><input type="radio" name="rating" value="{{.}}" required{{if eq . $f.Rating}} checked{{end}}> {{tf $l "review.stars" .}}</label>
{{end}}{{with .Errors.rating}}<span id="e-rating-{{$slug}}" class="sf-error field-error">{{.}}</span>{{end}}
</fieldset>
<p class="sf-field form-row{{if .Errors.text}} sf-invalid{{end}}">
<label for="text-{{.Slug}}">{{t $l "review.text"}}</label>
<textarea id="text-{{.Slug}}" name="text" rows="5" maxlength="2000" required{{if .Errors.text}} aria-invalid="true" aria-describedby="e-text-{{.Slug}}"{{end}}>{{.Form.Text}}</textarea>
{{with .Errors.text}}<span id="e-text-{{$slug}}" class="sf-error field-error">{{.}}</span>{{end}}
</p>
<p class="sf-field form-row{{if .Errors.author}} sf-invalid{{end}}">
<label for="author-{{.Slug}}">{{t $l "review.author"}}</label>
<input id="author-{{.Slug}}" name="author" value="{{.Form.Author}}" maxlength="40" required autocomplete="given-name"{{if .Errors.author}} aria-invalid="true" aria-describedby="e-author-{{.Slug}}"{{end}}>
{{with .Errors.author}}<span id="e-author-{{$slug}}" class="sf-error field-error">{{.}}</span>{{end}}
</p>
<p class="muted small">{{t $l "review.moderated"}}</p>
<p><button type="submit" class="sf-button button button--primary">{{if .Review}}{{t $l "review.update"}}{{else}}{{t $l "review.submit"}}{{end}}</button></p>
</form>
{{end}}
</section>
{{end}}{{end}}
{{if not .OptedOut}}<p class="muted small"><a href="/order/{{$o.Token}}/review/opt-out">{{t $l "optout.link"}}</a></p>{{end}}
<p><a href="/order/{{$o.Token}}">{{t $l "review.order"}}</a> · <a href="{{.Home}}">{{t $l "home"}}</a></p>
</div>
{{end}}

{{define "admin-retention"}}{{$csrf := .CSRF}}
<div class="wrap sf-admin sf-admin-retention">
<nav class="sf-admin-nav" aria-label="Admin"><a href="/admin/">Orders</a> · <a href="/admin/pick-list">Pick list</a> · <a href="/admin/reviews/" aria-current="page">Reviews and subscribers</a></nav>
<h1>Reviews and subscribers</h1>
{{if .Notice}}<p class="notice notice--success" role="status">{{.Notice}}</p>{{end}}
<h2>Reviews waiting for you ({{len .Pending}})</h2>
<p class="muted">{{if .ReviewsOff}}Review requests are off (review_after_days is negative in data/shop.toml).{{else}}Customers are asked once, {{.AfterDays}} days after delivery.{{end}}
Approved reviews appear on the site after <code>shop reviews export</code> and the next build ({{.ApprovedN}} approved, {{.RejectedN}} rejected so far).</p>
{{if .Pending}}<table class="sf-lines cart-table"><thead><tr><th scope="col">Product</th><th scope="col">Stars</th><th scope="col">Review</th><th scope="col">By</th><th scope="col">Decide</th></tr></thead><tbody>
{{range .Pending}}<tr data-review="{{.ID}}"><td>{{.ProductTitle}}<br><small><a href="/admin/orders/{{.OrderID}}">{{.OrderID}}</a></small></td><td>{{.Rating}}/5</td><td>{{.Text}}</td><td>{{.Author}}<br><small>{{.CreatedAt.Format "2006-01-02"}}</small></td>
<td><form method="post" action="/admin/reviews/{{.ID}}/approve" class="sf-inline"><input type="hidden" name="csrf" value="{{$csrf}}"><button type="submit" class="button button--primary">Approve</button></form>
<form method="post" action="/admin/reviews/{{.ID}}/reject" class="sf-inline"><input type="hidden" name="csrf" value="{{$csrf}}"><button type="submit" class="button button--link">Reject</button></form></td></tr>
{{end}}</tbody></table>{{else}}<p class="muted">None.</p>{{end}}
{{if .Approved}}<h2>Recently approved</h2><ul>{{range .Approved}}<li>{{.ProductTitle}} · {{.Rating}}/5 · {{.Author}}: {{.Text}}
<form method="post" action="/admin/reviews/{{.ID}}/reject" class="sf-inline"><input type="hidden" name="csrf" value="{{$csrf}}"><button type="submit" class="button button--link">Withdraw</button></form></li>{{end}}</ul>{{end}}
<h2>Subscribers ({{.Addresses}} addresses)</h2>
{{if .Topics}}<table class="sf-lines cart-table"><thead><tr><th scope="col">Follows</th><th scope="col" class="num">Confirmed</th><th scope="col" class="num">Awaiting confirmation</th></tr></thead><tbody>
{{range .Topics}}<tr><td>{{.Label}} <small class="muted">({{.Topic}})</small></td><td class="num">{{.Confirmed}}</td><td class="num">{{.Pending}}</td></tr>{{end}}
</tbody></table>{{else}}<p class="muted">Nobody follows a category or maker yet.</p>{{end}}
<h2>New arrivals e-mail</h2>
{{if .PreviewErr}}<p class="sf-error">{{.PreviewErr}}</p>
{{else if .Preview.Baseline}}<p>Nothing announced yet: the first run records the current catalog as the starting point and sends nothing.</p>
{{else if .Preview.Unchanged}}<p>Nothing new since the last announcement.</p>
{{else}}<p>{{len .Preview.Arrivals}} new product(s) since the last announcement{{if .Preview.Arrivals}}: {{range $i, $a := .Preview.Arrivals}}{{if $i}}, {{end}}{{$a}}{{end}}{{end}}. A digest would go to {{len .Preview.Recipients}} address(es){{if .Preview.Already}} ({{.Preview.Already}} had it already){{end}}.</p>{{end}}
<form method="post" action="/admin/notify"><input type="hidden" name="csrf" value="{{$csrf}}"><button type="submit" class="button">{{if .Preview.Baseline}}Record the starting point{{else}}Send the digests{{end}}</button></form>
<p class="muted small">The same as <code>shop notify</code>; running it again sends nothing twice.</p>
</div>
{{end}}

{{define "review-optout"}}{{$l := .Lang}}
<div class="wrap prose sf-optout">
<h1>{{t $l "optout.title"}}</h1>
{{if .Done}}<p class="sf-notice notice notice--success" role="status">{{t $l "optout.done"}}</p>
{{else}}<p>{{t $l "optout.p"}}</p>
<form method="post" action="{{.Action}}"><input type="hidden" name="lang" value="{{$l}}"><button type="submit" class="sf-button button">{{t $l "optout.button"}}</button></form>{{end}}
<p><a href="{{.Home}}">{{t $l "home"}}</a></p>
</div>
{{end}}

{{define "subscribed"}}{{$l := .Lang}}
<div class="wrap prose sf-subscribe">
<h1>{{.Title}}</h1>
{{range .Paras}}<p>{{.}}</p>{{end}}
{{if .Action}}<form method="post" action="{{.Action}}"><input type="hidden" name="lang" value="{{$l}}">{{with .Topic}}<input type="hidden" name="topic" value="{{.}}">{{end}}<button type="submit" class="sf-button button button--primary">{{.Button}}</button></form>{{end}}
{{with .Topics}}<ul class="sf-following">{{range .}}<li>{{.Label}} <form method="post" action="{{$.Unsub}}" class="sf-inline"><input type="hidden" name="lang" value="{{$l}}"><input type="hidden" name="topic" value="{{.Topic}}"><button type="submit" class="button button--link">{{t $l "sub.stop_one"}}</button></form></li>{{end}}</ul>{{end}}
{{if .Back}}<p><a href="{{.Back}}">{{t $l "sub.back"}}</a></p>{{end}}
<p><a href="{{.Home}}">{{t $l "home"}}</a></p>
</div>
{{end}}
`

var retentionPhrases = map[string]map[string]string{
	"nl": {
		"review.title":           "Je mening over je bestelling",
		"review.intro":           "Vertel andere klanten wat je vindt van wat je bestelde (bestelling %s). Eén review per product; je voornaam staat erbij.",
		"review.not_yet":         "Je kunt een review schrijven zodra je bestelling is bezorgd.",
		"review.rating":          "Hoeveel sterren?",
		"review.stars":           "%d sterren",
		"review.text":            "Wat vind je ervan?",
		"review.author":          "Je naam bij de review",
		"review.moderated":       "We lezen elke review voor hij op de site komt; we passen niets aan.",
		"review.submit":          "Review versturen",
		"review.update":          "Review bijwerken",
		"review.thanks":          "Dank je wel! Je review staat op de site zodra we hem hebben gelezen.",
		"review.state.approved":  "Je review is gelezen en komt (of staat) op de site. Dank je wel!",
		"review.state.rejected":  "We hebben deze review niet geplaatst. Vragen? Beantwoord gerust onze e-mail.",
		"review.order":           "Je bestelling bekijken",
		"review.err.rating":      "Kies 1 tot 5 sterren.",
		"review.err.text_short":  "Schrijf een paar woorden.",
		"review.err.text_long":   "Houd het korter dan 2000 tekens.",
		"review.err.text_chars":  "De tekst bevat tekens die we niet kunnen tonen.",
		"review.err.author":      "Met welke naam mogen we de review ondertekenen?",
		"review.err.author_long": "Gebruik een kortere naam (hoogstens 40 tekens).",
		"review.err.product":     "Dit product zit niet in deze bestelling.",
		"review.err.locked":      "Deze review is al gelezen en kan niet meer worden aangepast.",
		"optout.title":           "Geen vragen om reviews meer",
		"optout.p":               "Wil je nooit meer een e-mail met de vraag om een review? Eén klik is genoeg.",
		"optout.button":          "Nooit meer vragen",
		"optout.done":            "Afgesproken: we vragen je nooit meer om een review.",
		"optout.link":            "Nooit meer om een review vragen",
		"sub.check.title":        "Kijk in je mail",
		"sub.check.p1":           "Als je adres klopt, krijg je zo een e-mail met een link om te bevestigen dat je nieuws over %s wilt ontvangen.",
		"sub.check.p2":           "Zonder bevestiging sturen we je niets.",
		"sub.err.email":          "Dit lijkt geen e-mailadres. Kijk het even na.",
		"sub.err.topic":          "Dit onderwerp kun je niet volgen.",
		"sub.confirm.title":      "Bevestig je aanmelding",
		"sub.confirm.p":          "Wil je een e-mail als er iets nieuws is bij %s?",
		"sub.confirm.button":     "Ja, houd me op de hoogte",
		"sub.confirmed.title":    "Aangemeld",
		"sub.confirmed.p":        "Dank je! Je krijgt bericht als er iets nieuws is bij %s. Afmelden kan altijd met één klik onderaan elke e-mail.",
		"sub.bad_link":           "Deze link werkt niet (meer). Meld je gerust opnieuw aan op de pagina van wat je wilt volgen.",
		"sub.bad_link.title":     "Link verlopen",
		"sub.unsub.title":        "Afmelden",
		"sub.unsub.p":            "Je volgt nu:",
		"sub.unsub.none":         "Je bent nergens meer voor aangemeld. We sturen je geen nieuws meer.",
		"sub.unsub.button":       "Afmelden voor alles",
		"sub.unsub.done":         "Je bent afgemeld. We sturen je hierover geen e-mail meer.",
		"sub.stop_one":           "stoppen",
		"sub.back":               "Terug naar de pagina",
	},
	"en": {
		"review.title":           "Your opinion of your order",
		"review.intro":           "Tell other customers what you think of what you ordered (order %s). One review per product, signed with your first name.",
		"review.not_yet":         "You can write a review once your order has been delivered.",
		"review.rating":          "How many stars?",
		"review.stars":           "%d stars",
		"review.text":            "What do you think of it?",
		"review.author":          "Your name with the review",
		"review.moderated":       "We read every review before it goes on the site; we change nothing.",
		"review.submit":          "Send review",
		"review.update":          "Update review",
		"review.thanks":          "Thank you! Your review goes on the site once we have read it.",
		"review.state.approved":  "We have read your review; it is (or will soon be) on the site. Thank you!",
		"review.state.rejected":  "We have not published this review. Questions? Just reply to our e-mail.",
		"review.order":           "See your order",
		"review.err.rating":      "Choose 1 to 5 stars.",
		"review.err.text_short":  "Write a few words.",
		"review.err.text_long":   "Keep it under 2000 characters.",
		"review.err.text_chars":  "The text holds characters we cannot show.",
		"review.err.author":      "Which name may we sign the review with?",
		"review.err.author_long": "Use a shorter name (at most 40 characters).",
		"review.err.product":     "This product is not in this order.",
		"review.err.locked":      "This review has been read already and can no longer be changed.",
		"optout.title":           "No more review requests",
		"optout.p":               "Never want an e-mail asking for a review again? One click is enough.",
		"optout.button":          "Never ask me again",
		"optout.done":            "Agreed: we will never ask you for a review again.",
		"optout.link":            "Never ask me for a review again",
		"sub.check.title":        "Check your inbox",
		"sub.check.p1":           "If the address is right, you will shortly get an e-mail with a link to confirm that you want news about %s.",
		"sub.check.p2":           "Without confirmation we send you nothing.",
		"sub.err.email":          "That does not look like an e-mail address. Please check it.",
		"sub.err.topic":          "This cannot be followed.",
		"sub.confirm.title":      "Confirm your subscription",
		"sub.confirm.p":          "Do you want an e-mail when there is something new in %s?",
		"sub.confirm.button":     "Yes, keep me posted",
		"sub.confirmed.title":    "Subscribed",
		"sub.confirmed.p":        "Thank you! You will hear from us when there is something new in %s. Unsubscribe any time with one click at the bottom of every e-mail.",
		"sub.bad_link":           "This link does not work (any more). Feel free to subscribe again on the page of what you want to follow.",
		"sub.bad_link.title":     "Link expired",
		"sub.unsub.title":        "Unsubscribe",
		"sub.unsub.p":            "You follow:",
		"sub.unsub.none":         "You are not subscribed to anything. We send you no more news.",
		"sub.unsub.button":       "Unsubscribe from everything",
		"sub.unsub.done":         "You are unsubscribed. We will not e-mail you about this again.",
		"sub.stop_one":           "stop",
		"sub.back":               "Back to the page",
	},
}
