package server

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/storefront/storefront/checkout/server/web"
)

func init() { gin.SetMode(gin.ReleaseMode) }

// routes builds the router: the one route table, every URL the sidecar
// answers; no other file registers a route.
func (s *Sidecar) routes() *gin.Engine {
	r := gin.New()
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.HandleMethodNotAllowed = true
	r.Use(s.metrics.Middleware()) // outside the recovery: a panicking request counts as its 500
	r.Use(gin.CustomRecovery(func(c *gin.Context, err any) {
		if err == http.ErrAbortHandler {
			panic(err) // a stream cut on purpose (backup failed midway)
		}
		s.Log.Error("panic in handler", "route", c.FullPath(), "err", err, "request_id", c.GetString(web.CtxRequestID))
		web.Fail(c, http.StatusInternalServerError, "internal error; the shop has been told")
	}))
	r.Use(requestID(), accessLog(s.Log), securityHeaders(), limitBody())

	checkoutLimit := web.NewLimiter(s.rateLimit(), 10, s.Now, s.ClientKey)
	formLimit := web.NewLimiter(20, 10, s.Now, s.ClientKey)
	voteLimit := web.NewLimiter(20, 10, s.Now, s.netClientKey) // per IPv4 address or IPv6 /64; a household behind one votes too
	subLimit := web.NewLimiter(6, 3, s.Now, s.netClientKey)
	linkLimit := web.NewLimiter(6, 3, s.Now, s.netClientKey)
	pointsLimit := web.NewLimiter(60, 20, s.Now, s.ClientKey) // pick-up point searches ask the carrier
	if s.opts.RateLimit < 0 {
		// Benchmarks and tests turn limits off; votes keep theirs.
		checkoutLimit, formLimit, subLimit, linkLimit, pointsLimit = nil, nil, nil, nil, nil
	}
	limited := checkoutLimit.Middleware(s.TooManyPage)

	// The route table has four groups, each with its guard attached once:
	// public (no guard: each route changes nothing or carries its own
	// authority), the customer's JSON API and the customer's pages (same
	// origin on every state change), the owner's JSON API (bearer token)
	// and the owner's page (session cookie and CSRF token). A new route
	// goes into the group of who may call it; TestEveryRouteIsGuarded and
	// TestRoutesOnlyInRouteTable check.

	// Public.
	r.GET("/healthz", s.health.Healthz) // process up (owner); not proxied by the CDN
	r.HEAD("/healthz", s.health.Healthz)
	r.GET("/readyz", s.health.Readyz)
	r.HEAD("/readyz", s.health.Readyz)
	r.GET("/cart", redirectTo("/cart/"))
	r.GET("/checkout", redirectTo("/checkout/"))
	r.GET("/points", redirectTo("/points/"))
	r.GET("/admin", redirectTo("/admin/"))
	r.GET("/search/", s.search.PageSearch) // the site search without JavaScript (search.go)
	r.HEAD("/search/", s.search.PageSearch)
	r.GET("/search", redirectTo("/search/"))
	// The built-in provider's page checks the origin of its own form posts.
	r.Any("/pay/*rest", s.payments.PayPage)
	// One-click from a mail program (RFC 8058) posts without Origin: the
	// token in the path is the authority (reviews.go, subscribe.go).
	r.POST("/order/:token/review/opt-out", s.reviews.FormReviewOptOut)
	api := r.Group("/api")
	{
		// The webhook is a form post from Mollie's servers: no Origin, no JSON.
		api.POST("/webhooks/mollie", s.payments.HandleWebhook)
		api.POST("/webhooks/sendcloud", s.carrier.SendcloudWebhook) // signed by Sendcloud (shipping)
		api.GET("/promise", s.stats.APIPromise)                     // extra transit days (owner)
		api.HEAD("/promise", s.stats.APIPromise)
		api.GET("/subscriptions/confirm/:token", s.subs.PageConfirm)
		api.GET("/subscriptions/unsubscribe/:token", s.subs.PageUnsubscribe)
		api.POST("/subscriptions/unsubscribe/:token", s.subs.FormUnsubscribe)
		api.GET("/polls/:id", s.polls.APIPoll) // polls.go
		api.HEAD("/polls/:id", s.polls.APIPoll)

		// The customer's JSON API: same origin, JSON bodies.
		cust := api.Group("", s.sameOrigin(), requireJSON())
		cust.GET("/cart", s.cart.APIGetCart)
		cust.HEAD("/cart", s.cart.APIGetCart)
		cust.POST("/cart/items", s.cart.APIAddItem)
		cust.PATCH("/cart/items/:sku", s.cart.APIUpdateItem)
		cust.DELETE("/cart/items/:sku", s.cart.APIRemoveItem)
		cust.POST("/cart/code", s.cart.APICartCode) // a discount code kept with the cart (cartcode.go)
		cust.DELETE("/cart/code", s.cart.APICartCode)
		cust.POST("/checkout", limited, s.checkout.APICheckout)
		cust.POST("/checkout/quote", s.checkout.APICheckoutQuote) // the checkout page's live total (checkoutpage.go)
		cust.GET("/orders/:token", s.orders.APIGetOrder)
		cust.GET("/availability", s.availability.APIAvailability)
		cust.HEAD("/availability", s.availability.APIAvailability)
		cust.GET("/orders/:token/returns", s.returns.APIReturns) // returns and cancel (returns.go)
		cust.POST("/orders/:token/returns", s.returns.APIRequestReturn)
		cust.POST("/orders/:token/cancel", s.returns.APICancel)
		cust.GET("/pickup-points", pointsLimit.Middleware(nil), s.carrier.APIPickupPoints) // shipping
		cust.POST("/standing/quote", s.standingHTTP.APIStandingQuote)                      // standing orders (standing.go)
		cust.POST("/standing", limited, s.standingHTTP.APIStandingBegin)
		cust.GET("/standing/:token", s.standingHTTP.APIStandingShow)
		cust.POST("/standing/:token/:action", limited, s.standingHTTP.APIStandingAct)

		// The owner's JSON API (`shop orders`, `shop reviews`, ...): the
		// bearer token, attached here once.
		admin := api.Group("/admin", s.adminAPI.AdminAuth())
		admin.GET("/orders", s.adminAPI.AdminListOrders) // orders and their actions (owner: api.go)
		admin.GET("/orders/:id", s.adminAPI.AdminShowOrder)
		admin.POST("/orders/:id/pack", s.adminAPI.AdminPack)
		admin.POST("/orders/:id/ship", s.adminAPI.AdminShip)
		admin.POST("/orders/:id/deliver", s.adminAPI.AdminDeliver)
		admin.POST("/orders/:id/cancel", s.adminAPI.AdminCancel)
		admin.GET("/backup", s.adminAPI.AdminBackup)
		admin.GET("/orders/:id/returns", s.refunds.AdminAfterSale) // returns, refunds, packing (owner)
		admin.POST("/orders/:id/return-received", s.refunds.AdminReturnReceived)
		admin.POST("/orders/:id/refund", s.refunds.AdminRefund)
		admin.GET("/orders/:id/packing-slip", s.packing.PagePackingSlip)
		admin.GET("/pick-list", s.packing.APIPickList)
		admin.GET("/mail/failed", s.mailFail.APIFailedMail) // e-mails not sent (owner)
		admin.POST("/mail/:id/retry", s.mailFail.APIRetryMail)
		admin.GET("/metrics", gin.WrapH(s.metrics.Handler())) // metrics, verified backups, alerts (owner)
		admin.POST("/backup/verified", s.health.AdminBackupVerified)
		admin.GET("/alerts", s.health.AdminAlerts)
		admin.GET("/reviews", s.reviews.AdminListReviews) // reviews, subscribers, notify (reviews.go, subscribe.go)
		admin.POST("/reviews/request", s.reviews.AdminRequestReviews)
		admin.POST("/reviews/:order/:product/:action", s.reviews.AdminModerateReview)
		admin.GET("/subscribers", s.subs.AdminListSubscribers)
		admin.POST("/notify", s.subs.AdminNotify)
		admin.GET("/stats", s.stats.AdminStats) // figures (owner) and points (loyalty.go)
		admin.GET("/points", s.privacy.AdminPoints)
		admin.POST("/orders/:id/label", s.carrier.APICreateLabel) // labels and parcels (shipping)
		admin.GET("/orders/:id/label", s.carrier.APILabelPDF)
		admin.POST("/labels", s.carrier.APICreateLabels)
		admin.GET("/labels.pdf", s.carrier.LabelsPDF)
		admin.POST("/parcels/check", s.carrier.APICheckParcels)
		admin.GET("/orders/:id/invoice/:number", s.invoices.AdminInvoicePDF) // invoices and the bookkeeper's export (invoices)
		admin.GET("/invoices", s.invoices.AdminInvoicesCSV)
		admin.GET("/standing", s.standingHTTP.AdminStandingList) // standing orders (standing.go)
		admin.GET("/standing/:id", s.standingHTTP.AdminStandingShow)
		admin.POST("/standing/:id/:action", s.standingHTTP.AdminStandingAct)
		admin.GET("/back-in-stock", s.stock.AdminWaiting)   // back-in-stock alerts (backinstock.go)
		admin.GET("/giftcards", s.gifts.AdminListGiftCards) // gift cards (giftcards.go)
		admin.GET("/giftcards/:id", s.gifts.AdminShowGiftCard)
		admin.POST("/giftcards/:id/void", s.gifts.AdminVoidGiftCard) // void.go
		admin.POST("/orders/:id/returns/:code/restock", s.stock.AdminRestock)
		admin.GET("/codes", s.codesAdmin.AdminListCodes) // discount codes (owner)
		admin.POST("/codes", s.codesAdmin.AdminCreateCode)
		admin.POST("/codes/:code/:action", s.codesAdmin.AdminCodeAction)
	}

	// The customer's pages and forms: same origin on every POST.
	pages := r.Group("", s.sameOrigin())
	pages.GET("/cart/", s.cart.PageCart)
	pages.HEAD("/cart/", s.cart.PageCart)
	pages.POST("/cart/add", s.cart.FormAdd)
	pages.POST("/cart/code", s.cart.FormCartCode)
	pages.GET("/cart/code.js", s.script("cartcode.js")) // scripts.go
	pages.POST("/cart/update", s.cart.FormUpdate)
	pages.POST("/cart/remove", s.cart.FormRemove)
	pages.GET("/checkout/", s.checkout.PageCheckout)
	pages.HEAD("/checkout/", s.checkout.PageCheckout)
	pages.POST("/checkout/", limited, s.checkout.FormCheckout)
	pages.GET("/order/:token", s.orders.PageOrder)
	pages.POST("/order/:token/pay", limited, s.checkout.FormPayAgain)
	pages.GET("/order/:token/return", s.returns.PageReturn) // return form, cancel (returns.go)
	pages.POST("/order/:token/return", s.returns.FormReturn)
	pages.POST("/order/:token/cancel", s.returns.FormCancel)
	pages.GET("/order/:token/review", s.reviews.PageReview) // reviews (reviews.go)
	pages.HEAD("/order/:token/review", s.reviews.PageReview)
	pages.POST("/order/:token/review", formLimit.Middleware(s.TooManyPage), s.reviews.FormReview)
	pages.GET("/order/:token/review/opt-out", s.reviews.PageReviewOptOut)
	pages.GET("/points/", s.privacy.PagePoints) // points and the customer's data (loyalty.go, privacy.go)
	pages.HEAD("/points/", s.privacy.PagePoints)
	pages.POST("/points/", linkLimit.Middleware(s.TooManyPage), s.mailLimit(), s.privacy.FormPointsLink)
	pages.GET("/points/:token", s.privacy.PagePointsAccount)
	pages.POST("/points/:token/delete", s.privacy.FormDeleteData)
	pages.POST("/points/:token/forget", s.privacy.FormForgetLink)
	pages.POST("/api/subscriptions", subLimit.Middleware(s.TooManyPage), s.mailLimit(), s.subs.FormSubscribe) // subscribe.go
	pages.POST("/api/subscriptions/confirm/:token", s.subs.FormConfirm)
	pages.POST("/api/polls/:id/vote", voteLimit.Middleware(nil), s.polls.VotePoll) // polls.go
	pages.POST("/admin/login", s.ownerPages.ShopLang(), s.ownerPages.AdminLogin)   // owner; in the shop's language
	pages.GET("/checkout/pickup.js", s.script("pickup.js"))                        // scripts.go
	pages.GET("/checkout/checkout.js", s.script("checkout.js"))                    // scripts.go
	pages.GET("/order/:token/invoice/:number", s.invoices.PageInvoicePDF)          // invoices
	pages.GET("/standing/new/", s.standingHTTP.PageStandingNew)                    // standing_checkout.go
	pages.POST("/standing/new/", limited, s.standingHTTP.FormStandingNew)
	pages.GET("/standing/:token", s.standingHTTP.PageStanding) // standing.go
	pages.POST("/standing/:token/:action", limited, s.standingHTTP.FormStanding)
	pages.GET("/giftcard/:token", s.gifts.PageGiftCard) // a gift card's balance and history (giftcards.go)

	// The owner's page: in the shop's language, a session cookie and
	// CSRF-checked forms (owner.Pages), attached here once.
	owner := pages.Group("/admin", s.ownerPages.ShopLang(), s.ownerPages.AdminSession())
	owner.GET("/", s.ownerPages.AdminHome)
	owner.POST("/logout", s.ownerPages.AdminLogout)
	owner.GET("/orders/:id", s.ownerPages.AdminOrderPage)
	owner.POST("/orders/:id/:action", s.ownerPages.AdminOrderAction)
	owner.GET("/orders/:id/packing-slip", s.packing.PagePackingSlip)
	owner.GET("/pick-list", s.packing.PagePickList)
	owner.GET("/mail/", s.mailFail.PageFailedMail) // owner
	owner.POST("/mail/retry", s.mailFail.FormRetryMail)
	owner.GET("/reviews/", s.reviews.AdminReviewsPage) // reviews.go
	owner.POST("/reviews/:order/:product/:action", s.reviews.AdminReviewsAction)
	owner.POST("/notify", s.subs.AdminNotifyForm)
	owner.GET("/stats/", s.stats.AdminStatsPage)          // owner
	owner.GET("/orders/:id/label", s.carrier.APILabelPDF) // shipping
	owner.GET("/labels", s.carrier.PageLabels)
	owner.GET("/labels.pdf", s.carrier.LabelsPDF)
	owner.POST("/labels", s.carrier.FormLabels)
	owner.GET("/subscriptions/", s.standingAdmin.AdminStandingPage) // owner
	owner.POST("/subscriptions/:id/:action", s.standingAdmin.AdminStandingForm)
	owner.GET("/orders/:id/invoice/:number", s.invoices.AdminInvoicePDF) // invoices
	owner.GET("/invoices.csv", s.invoices.AdminInvoicesCSV)
	owner.GET("/codes/", s.codesAdmin.AdminCodesPage) // owner
	owner.POST("/codes/", s.codesAdmin.AdminCodesForm)
	owner.GET("/giftcards/", s.gifts.AdminGiftCardsPage) // giftcards.go
	owner.GET("/giftcards/:id/void", s.gifts.AdminVoidGiftCardPage)
	owner.POST("/giftcards/:id/void", s.gifts.AdminVoidGiftCardForm)

	if s.opts.Dev {
		r.GET("/outbox/", s.outboxPages.PageOutbox)
		r.GET("/outbox", redirectTo("/outbox/"))
		r.GET("/outbox/:name", s.outboxPages.PageOutboxMessage)
	}

	r.NoRoute(s.noRoute)
	r.NoMethod(func(c *gin.Context) {
		web.Fail(c, http.StatusMethodNotAllowed, c.Request.Method+" is not allowed here")
	})
	return r
}

func (s *Sidecar) rateLimit() int {
	if s.opts.RateLimit > 0 {
		return s.opts.RateLimit
	}
	return 30
}

// redirectTo answers with path plus this request's own query. The target is
// built per request: appending to the captured path would carry one
// visitor's query into every later answer and grow it without end.
func redirectTo(path string) gin.HandlerFunc {
	return func(c *gin.Context) {
		target := path
		if q := c.Request.URL.RawQuery; q != "" {
			target += "?" + q
		}
		c.Redirect(http.StatusMovedPermanently, target)
	}
}

// noRoute serves the static site when PublicDir is set; otherwise a 404 in
// the shape the caller expects (JSON under /api/, a page elsewhere).
func (s *Sidecar) noRoute(c *gin.Context) {
	p := c.Request.URL.Path
	if strings.HasPrefix(p, "/api/") {
		web.Fail(c, http.StatusNotFound, "no such API endpoint: "+p)
		return
	}
	if s.static != nil && !s.Owns(p) {
		c.Writer.Header().Del("Cache-Control")
		s.static.ServeHTTP(c.Writer, c.Request)
		return
	}
	s.NotFoundPage(c)
}
