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
	r.GET("/healthz", s.health.healthz) // process up (health.go); not proxied by the CDN
	r.HEAD("/healthz", s.health.healthz)
	r.GET("/readyz", s.health.readyz)
	r.HEAD("/readyz", s.health.readyz)
	r.GET("/cart", redirectTo("/cart/"))
	r.GET("/checkout", redirectTo("/checkout/"))
	r.GET("/points", redirectTo("/points/"))
	r.GET("/admin", redirectTo("/admin/"))
	r.GET("/search/", s.search.pageSearch) // the site search without JavaScript (search.go)
	r.HEAD("/search/", s.search.pageSearch)
	r.GET("/search", redirectTo("/search/"))
	// The built-in provider's page checks the origin of its own form posts.
	r.Any("/pay/*rest", s.payments.PayPage)
	// One-click from a mail program (RFC 8058) posts without Origin: the
	// token in the path is the authority (reviews.go, subscribe.go).
	r.POST("/order/:token/review/opt-out", s.reviews.formReviewOptOut)
	api := r.Group("/api")
	{
		// The webhook is a form post from Mollie's servers: no Origin, no JSON.
		api.POST("/webhooks/mollie", s.payments.HandleWebhook)
		api.POST("/webhooks/sendcloud", s.carrier.sendcloudWebhook) // signed by Sendcloud (carrier.go)
		api.GET("/promise", s.stats.apiPromise)                     // extra transit days (loyalty.go)
		api.HEAD("/promise", s.stats.apiPromise)
		api.GET("/subscriptions/confirm/:token", s.subs.pageConfirm)
		api.GET("/subscriptions/unsubscribe/:token", s.subs.pageUnsubscribe)
		api.POST("/subscriptions/unsubscribe/:token", s.subs.formUnsubscribe)
		api.GET("/polls/:id", s.polls.apiPoll) // polls.go
		api.HEAD("/polls/:id", s.polls.apiPoll)

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
		cust.GET("/pickup-points", pointsLimit.Middleware(nil), s.carrier.apiPickupPoints) // carrier.go
		cust.POST("/standing/quote", s.standingHTTP.apiStandingQuote)                      // standing orders (standing.go)
		cust.POST("/standing", limited, s.standingHTTP.apiStandingBegin)
		cust.GET("/standing/:token", s.standingHTTP.apiStandingShow)
		cust.POST("/standing/:token/:action", limited, s.standingHTTP.apiStandingAct)

		// The owner's JSON API (`shop orders`, `shop reviews`, ...): the
		// bearer token, attached here once.
		admin := api.Group("/admin", s.adminAPI.adminAuth())
		admin.GET("/orders", s.adminAPI.adminListOrders) // orders and their actions (admin.go, owneractions.go)
		admin.GET("/orders/:id", s.adminAPI.adminShowOrder)
		admin.POST("/orders/:id/pack", s.adminAPI.adminPack)
		admin.POST("/orders/:id/ship", s.adminAPI.adminShip)
		admin.POST("/orders/:id/deliver", s.adminAPI.adminDeliver)
		admin.POST("/orders/:id/cancel", s.adminAPI.adminCancel)
		admin.GET("/backup", s.adminAPI.adminBackup)
		admin.GET("/orders/:id/returns", s.refunds.adminAfterSale) // returns, refunds, packing (refunds.go, packing.go)
		admin.POST("/orders/:id/return-received", s.refunds.adminReturnReceived)
		admin.POST("/orders/:id/refund", s.refunds.adminRefund)
		admin.GET("/orders/:id/packing-slip", s.packing.pagePackingSlip)
		admin.GET("/pick-list", s.packing.apiPickList)
		admin.GET("/mail/failed", s.mailFail.apiFailedMail) // e-mails not sent (mailfail.go)
		admin.POST("/mail/:id/retry", s.mailFail.apiRetryMail)
		admin.GET("/metrics", gin.WrapH(s.metrics.Handler())) // metrics, verified backups, alerts (health.go)
		admin.POST("/backup/verified", s.health.adminBackupVerified)
		admin.GET("/alerts", s.health.adminAlerts)
		admin.GET("/reviews", s.reviews.adminListReviews) // reviews, subscribers, notify (reviews.go, subscribe.go)
		admin.POST("/reviews/request", s.reviews.adminRequestReviews)
		admin.POST("/reviews/:order/:product/:action", s.reviews.adminModerateReview)
		admin.GET("/subscribers", s.subs.adminListSubscribers)
		admin.POST("/notify", s.subs.adminNotify)
		admin.GET("/stats", s.stats.adminStats) // figures and points (stats.go, loyalty.go)
		admin.GET("/points", s.privacy.adminPoints)
		admin.POST("/orders/:id/label", s.carrier.apiCreateLabel) // labels and parcels (carrier.go)
		admin.GET("/orders/:id/label", s.carrier.apiLabelPDF)
		admin.POST("/labels", s.carrier.apiCreateLabels)
		admin.GET("/labels.pdf", s.carrier.labelsPDF)
		admin.POST("/parcels/check", s.carrier.apiCheckParcels)
		admin.GET("/orders/:id/invoice/:number", s.invoices.adminInvoicePDF) // invoices and the bookkeeper's export (invoices.go)
		admin.GET("/invoices", s.invoices.adminInvoicesCSV)
		admin.GET("/standing", s.standingHTTP.adminStandingList) // standing orders (standing.go)
		admin.GET("/standing/:id", s.standingHTTP.adminStandingShow)
		admin.POST("/standing/:id/:action", s.standingHTTP.adminStandingAct)
		admin.GET("/back-in-stock", s.stock.adminWaiting)   // back-in-stock alerts (backinstock.go)
		admin.GET("/giftcards", s.gifts.adminListGiftCards) // gift cards (giftcards.go)
		admin.GET("/giftcards/:id", s.gifts.adminShowGiftCard)
		admin.POST("/orders/:id/returns/:code/restock", s.stock.adminRestock)
		admin.GET("/codes", s.codesAdmin.adminListCodes) // discount codes (codes_admin.go)
		admin.POST("/codes", s.codesAdmin.adminCreateCode)
		admin.POST("/codes/:code/:action", s.codesAdmin.adminCodeAction)
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
	pages.GET("/order/:token/review", s.reviews.pageReview) // reviews (reviews.go)
	pages.HEAD("/order/:token/review", s.reviews.pageReview)
	pages.POST("/order/:token/review", formLimit.Middleware(s.TooManyPage), s.reviews.formReview)
	pages.GET("/order/:token/review/opt-out", s.reviews.pageReviewOptOut)
	pages.GET("/points/", s.privacy.pagePoints) // points and the customer's data (loyalty.go, privacy.go)
	pages.HEAD("/points/", s.privacy.pagePoints)
	pages.POST("/points/", linkLimit.Middleware(s.TooManyPage), s.mailLimit(), s.privacy.formPointsLink)
	pages.GET("/points/:token", s.privacy.pagePointsAccount)
	pages.POST("/points/:token/delete", s.privacy.formDeleteData)
	pages.POST("/points/:token/forget", s.privacy.formForgetLink)
	pages.POST("/api/subscriptions", subLimit.Middleware(s.TooManyPage), s.mailLimit(), s.subs.formSubscribe) // subscribe.go
	pages.POST("/api/subscriptions/confirm/:token", s.subs.formConfirm)
	pages.POST("/api/polls/:id/vote", voteLimit.Middleware(nil), s.polls.votePoll) // polls.go
	pages.POST("/admin/login", s.ownerPages.shopLang(), s.ownerPages.adminLogin)   // adminpage.go; in the shop's language
	pages.GET("/checkout/pickup.js", s.script("pickup.js"))                        // scripts.go
	pages.GET("/checkout/checkout.js", s.script("checkout.js"))                    // scripts.go
	pages.GET("/order/:token/invoice/:number", s.invoices.pageInvoicePDF)          // invoices.go
	pages.GET("/standing/new/", s.standingHTTP.pageStandingNew)                    // standing_checkout.go
	pages.POST("/standing/new/", limited, s.standingHTTP.formStandingNew)
	pages.GET("/standing/:token", s.standingHTTP.pageStanding) // standing.go
	pages.POST("/standing/:token/:action", limited, s.standingHTTP.formStanding)
	pages.GET("/giftcard/:token", s.gifts.pageGiftCard) // a gift card's balance and history (giftcards.go)

	// The owner's page: in the shop's language, a session cookie and
	// CSRF-checked forms (adminpage.go), attached here once.
	owner := pages.Group("/admin", s.ownerPages.shopLang(), s.ownerPages.adminSession())
	owner.GET("/", s.ownerPages.adminHome)
	owner.POST("/logout", s.ownerPages.adminLogout)
	owner.GET("/orders/:id", s.ownerPages.adminOrderPage)
	owner.POST("/orders/:id/:action", s.ownerPages.adminOrderAction)
	owner.GET("/orders/:id/packing-slip", s.packing.pagePackingSlip)
	owner.GET("/pick-list", s.packing.pagePickList)
	owner.GET("/mail/", s.mailFail.pageFailedMail) // mailfail.go
	owner.POST("/mail/retry", s.mailFail.formRetryMail)
	owner.GET("/reviews/", s.reviews.adminReviewsPage) // reviews.go
	owner.POST("/reviews/:order/:product/:action", s.reviews.adminReviewsAction)
	owner.POST("/notify", s.subs.adminNotifyForm)
	owner.GET("/stats/", s.stats.adminStatsPage)          // stats.go
	owner.GET("/orders/:id/label", s.carrier.apiLabelPDF) // carrier.go
	owner.GET("/labels", s.carrier.pageLabels)
	owner.GET("/labels.pdf", s.carrier.labelsPDF)
	owner.POST("/labels", s.carrier.formLabels)
	owner.GET("/subscriptions/", s.standingAdmin.adminStandingPage) // standing_admin.go
	owner.POST("/subscriptions/:id/:action", s.standingAdmin.adminStandingForm)
	owner.GET("/orders/:id/invoice/:number", s.invoices.adminInvoicePDF) // invoices.go
	owner.GET("/invoices.csv", s.invoices.adminInvoicesCSV)
	owner.GET("/codes/", s.codesAdmin.adminCodesPage) // codes_admin.go
	owner.POST("/codes/", s.codesAdmin.adminCodesForm)
	owner.GET("/giftcards/", s.gifts.adminGiftCardsPage) // giftcards.go

	if s.opts.Dev {
		r.GET("/outbox/", s.outboxPages.pageOutbox)
		r.GET("/outbox", redirectTo("/outbox/"))
		r.GET("/outbox/:name", s.outboxPages.pageOutboxMessage)
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
