package server

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
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
		s.log.Error("panic in handler", "route", c.FullPath(), "err", err, "request_id", c.GetString(ctxRequestID))
		fail(c, http.StatusInternalServerError, "internal error; the shop has been told")
	}))
	r.Use(requestID(), accessLog(s.log), securityHeaders(), limitBody())

	checkoutLimit := newLimiter(s.rateLimit(), 10, s.now, s.clientKey)
	formLimit := newLimiter(20, 10, s.now, s.clientKey)
	voteLimit := newLimiter(20, 10, s.now, s.netClientKey) // per IPv4 address or IPv6 /64; a household behind one votes too
	subLimit := newLimiter(6, 3, s.now, s.netClientKey)
	linkLimit := newLimiter(6, 3, s.now, s.netClientKey)
	pointsLimit := newLimiter(60, 20, s.now, s.clientKey) // pick-up point searches ask the carrier
	if s.opts.RateLimit < 0 {
		// Benchmarks and tests turn limits off; votes keep theirs.
		checkoutLimit, formLimit, subLimit, linkLimit, pointsLimit = nil, nil, nil, nil, nil
	}
	limited := checkoutLimit.middleware(s.tooManyPage)

	// The route table has four groups, each with its guard attached once:
	// public (no guard: each route changes nothing or carries its own
	// authority), the customer's JSON API and the customer's pages (same
	// origin on every state change), the owner's JSON API (bearer token)
	// and the owner's page (session cookie and CSRF token). A new route
	// goes into the group of who may call it; TestEveryRouteIsGuarded and
	// TestRoutesOnlyInRouteTable check.

	// Public.
	r.GET("/healthz", s.healthz) // process up (health.go); not proxied by the CDN
	r.HEAD("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.HEAD("/readyz", s.readyz)
	r.GET("/cart", redirectTo("/cart/"))
	r.GET("/checkout", redirectTo("/checkout/"))
	r.GET("/points", redirectTo("/points/"))
	r.GET("/admin", redirectTo("/admin/"))
	r.GET("/search/", s.pageSearch) // the site search without JavaScript (search.go)
	r.HEAD("/search/", s.pageSearch)
	r.GET("/search", redirectTo("/search/"))
	// The built-in provider's page checks the origin of its own form posts.
	r.Any("/pay/*rest", s.payments.payPage)
	// One-click from a mail program (RFC 8058) posts without Origin: the
	// token in the path is the authority (reviews.go, subscribe.go).
	r.POST("/order/:token/review/opt-out", s.formReviewOptOut)
	api := r.Group("/api")
	{
		// The webhook is a form post from Mollie's servers: no Origin, no JSON.
		api.POST("/webhooks/mollie", s.payments.handleWebhook)
		api.POST("/webhooks/sendcloud", s.sendcloudWebhook) // signed by Sendcloud (carrier.go)
		api.GET("/promise", s.apiPromise)                   // extra transit days (loyalty.go)
		api.HEAD("/promise", s.apiPromise)
		api.GET("/subscriptions/confirm/:token", s.pageConfirm)
		api.GET("/subscriptions/unsubscribe/:token", s.pageUnsubscribe)
		api.POST("/subscriptions/unsubscribe/:token", s.formUnsubscribe)
		api.GET("/polls/:id", s.apiPoll) // polls.go
		api.HEAD("/polls/:id", s.apiPoll)

		// The customer's JSON API: same origin, JSON bodies.
		cust := api.Group("", s.sameOrigin(), requireJSON())
		cust.GET("/cart", s.cart.apiGetCart)
		cust.HEAD("/cart", s.cart.apiGetCart)
		cust.POST("/cart/items", s.cart.apiAddItem)
		cust.PATCH("/cart/items/:sku", s.cart.apiUpdateItem)
		cust.DELETE("/cart/items/:sku", s.cart.apiRemoveItem)
		cust.POST("/cart/code", s.cart.apiCartCode) // a discount code kept with the cart (cartcode.go)
		cust.DELETE("/cart/code", s.cart.apiCartCode)
		cust.POST("/checkout", limited, s.checkout.apiCheckout)
		cust.POST("/checkout/quote", s.checkout.apiCheckoutQuote) // the checkout page's live total (checkoutpage.go)
		cust.GET("/orders/:token", s.orders.apiGetOrder)
		cust.GET("/availability", s.availability.apiAvailability)
		cust.HEAD("/availability", s.availability.apiAvailability)
		cust.GET("/orders/:token/returns", s.returns.apiReturns) // returns and cancel (returns.go)
		cust.POST("/orders/:token/returns", s.returns.apiRequestReturn)
		cust.POST("/orders/:token/cancel", s.returns.apiCancel)
		cust.GET("/pickup-points", pointsLimit.middleware(nil), s.apiPickupPoints) // carrier.go
		cust.POST("/standing/quote", s.apiStandingQuote)                           // standing orders (standing.go)
		cust.POST("/standing", limited, s.apiStandingBegin)
		cust.GET("/standing/:token", s.apiStandingShow)
		cust.POST("/standing/:token/:action", limited, s.apiStandingAct)

		// The owner's JSON API (`shop orders`, `shop reviews`, ...): the
		// bearer token, attached here once.
		admin := api.Group("/admin", s.adminAuth())
		admin.GET("/orders", s.adminListOrders) // orders and their actions (admin.go, owneractions.go)
		admin.GET("/orders/:id", s.adminShowOrder)
		admin.POST("/orders/:id/pack", s.adminPack)
		admin.POST("/orders/:id/ship", s.adminShip)
		admin.POST("/orders/:id/deliver", s.adminDeliver)
		admin.POST("/orders/:id/cancel", s.adminCancel)
		admin.GET("/backup", s.adminBackup)
		admin.GET("/orders/:id/returns", s.adminAfterSale) // returns, refunds, packing (refunds.go, packing.go)
		admin.POST("/orders/:id/return-received", s.adminReturnReceived)
		admin.POST("/orders/:id/refund", s.adminRefund)
		admin.GET("/orders/:id/packing-slip", s.pagePackingSlip)
		admin.GET("/pick-list", s.apiPickList)
		admin.GET("/mail/failed", s.apiFailedMail) // e-mails not sent (mailfail.go)
		admin.POST("/mail/:id/retry", s.apiRetryMail)
		admin.GET("/metrics", gin.WrapH(s.metrics.Handler())) // metrics, verified backups, alerts (health.go)
		admin.POST("/backup/verified", s.adminBackupVerified)
		admin.GET("/alerts", s.adminAlerts)
		admin.GET("/reviews", s.adminListReviews) // reviews, subscribers, notify (reviews.go, subscribe.go)
		admin.POST("/reviews/request", s.adminRequestReviews)
		admin.POST("/reviews/:order/:product/:action", s.adminModerateReview)
		admin.GET("/subscribers", s.adminListSubscribers)
		admin.POST("/notify", s.adminNotify)
		admin.GET("/stats", s.adminStats) // figures and points (stats.go, loyalty.go)
		admin.GET("/points", s.adminPoints)
		admin.POST("/orders/:id/label", s.apiCreateLabel) // labels and parcels (carrier.go)
		admin.GET("/orders/:id/label", s.apiLabelPDF)
		admin.POST("/labels", s.apiCreateLabels)
		admin.GET("/labels.pdf", s.labelsPDF)
		admin.POST("/parcels/check", s.apiCheckParcels)
		admin.GET("/orders/:id/invoice/:number", s.adminInvoicePDF) // invoices and the bookkeeper's export (invoices.go)
		admin.GET("/invoices", s.adminInvoicesCSV)
		admin.GET("/standing", s.adminStandingList) // standing orders (standing.go)
		admin.GET("/standing/:id", s.adminStandingShow)
		admin.POST("/standing/:id/:action", s.adminStandingAct)
		admin.GET("/back-in-stock", s.adminWaiting)   // back-in-stock alerts (backinstock.go)
		admin.GET("/giftcards", s.adminListGiftCards) // gift cards (giftcards.go)
		admin.GET("/giftcards/:id", s.adminShowGiftCard)
		admin.POST("/orders/:id/returns/:code/restock", s.adminRestock)
		admin.GET("/codes", s.adminListCodes) // discount codes (codes_admin.go)
		admin.POST("/codes", s.adminCreateCode)
		admin.POST("/codes/:code/:action", s.adminCodeAction)
	}

	// The customer's pages and forms: same origin on every POST.
	pages := r.Group("", s.sameOrigin())
	pages.GET("/cart/", s.cart.pageCart)
	pages.HEAD("/cart/", s.cart.pageCart)
	pages.POST("/cart/add", s.cart.formAdd)
	pages.POST("/cart/code", s.cart.formCartCode)
	pages.GET("/cart/code.js", s.script("cartcode.js")) // scripts.go
	pages.POST("/cart/update", s.cart.formUpdate)
	pages.POST("/cart/remove", s.cart.formRemove)
	pages.GET("/checkout/", s.checkout.pageCheckout)
	pages.HEAD("/checkout/", s.checkout.pageCheckout)
	pages.POST("/checkout/", limited, s.checkout.formCheckout)
	pages.GET("/order/:token", s.orders.pageOrder)
	pages.POST("/order/:token/pay", limited, s.checkout.formPayAgain)
	pages.GET("/order/:token/return", s.returns.pageReturn) // return form, cancel (returns.go)
	pages.POST("/order/:token/return", s.returns.formReturn)
	pages.POST("/order/:token/cancel", s.returns.formCancel)
	pages.GET("/order/:token/review", s.pageReview) // reviews (reviews.go)
	pages.HEAD("/order/:token/review", s.pageReview)
	pages.POST("/order/:token/review", formLimit.middleware(s.tooManyPage), s.formReview)
	pages.GET("/order/:token/review/opt-out", s.pageReviewOptOut)
	pages.GET("/points/", s.pagePoints) // points and the customer's data (loyalty.go, privacy.go)
	pages.HEAD("/points/", s.pagePoints)
	pages.POST("/points/", linkLimit.middleware(s.tooManyPage), s.mailLimit(), s.formPointsLink)
	pages.GET("/points/:token", s.pagePointsAccount)
	pages.POST("/points/:token/delete", s.formDeleteData)
	pages.POST("/points/:token/forget", s.formForgetLink)
	pages.POST("/api/subscriptions", subLimit.middleware(s.tooManyPage), s.mailLimit(), s.formSubscribe) // subscribe.go
	pages.POST("/api/subscriptions/confirm/:token", s.formConfirm)
	pages.POST("/api/polls/:id/vote", voteLimit.middleware(nil), s.votePoll) // polls.go
	pages.POST("/admin/login", s.shopLang(), s.adminLogin)                   // adminpage.go; in the shop's language
	pages.GET("/checkout/pickup.js", s.script("pickup.js"))                  // scripts.go
	pages.GET("/checkout/checkout.js", s.script("checkout.js"))              // scripts.go
	pages.GET("/order/:token/invoice/:number", s.pageInvoicePDF)             // invoices.go
	pages.GET("/standing/new/", s.pageStandingNew)                           // standing_checkout.go
	pages.POST("/standing/new/", limited, s.formStandingNew)
	pages.GET("/standing/:token", s.pageStanding) // standing.go
	pages.POST("/standing/:token/:action", limited, s.formStanding)
	pages.GET("/giftcard/:token", s.pageGiftCard) // a gift card's balance and history (giftcards.go)

	// The owner's page: in the shop's language, a session cookie and
	// CSRF-checked forms (adminpage.go), attached here once.
	owner := pages.Group("/admin", s.shopLang(), s.adminSession())
	owner.GET("/", s.adminHome)
	owner.POST("/logout", s.adminLogout)
	owner.GET("/orders/:id", s.adminOrderPage)
	owner.POST("/orders/:id/:action", s.adminOrderAction)
	owner.GET("/orders/:id/packing-slip", s.pagePackingSlip)
	owner.GET("/pick-list", s.pagePickList)
	owner.GET("/mail/", s.pageFailedMail) // mailfail.go
	owner.POST("/mail/retry", s.formRetryMail)
	owner.GET("/reviews/", s.adminReviewsPage) // reviews.go
	owner.POST("/reviews/:order/:product/:action", s.adminReviewsAction)
	owner.POST("/notify", s.adminNotifyForm)
	owner.GET("/stats/", s.adminStatsPage)        // stats.go
	owner.GET("/orders/:id/label", s.apiLabelPDF) // carrier.go
	owner.GET("/labels", s.pageLabels)
	owner.GET("/labels.pdf", s.labelsPDF)
	owner.POST("/labels", s.formLabels)
	owner.GET("/subscriptions/", s.adminStandingPage) // standing_admin.go
	owner.POST("/subscriptions/:id/:action", s.adminStandingForm)
	owner.GET("/orders/:id/invoice/:number", s.adminInvoicePDF) // invoices.go
	owner.GET("/invoices.csv", s.adminInvoicesCSV)
	owner.GET("/codes/", s.adminCodesPage) // codes_admin.go
	owner.POST("/codes/", s.adminCodesForm)
	owner.GET("/giftcards/", s.adminGiftCardsPage) // giftcards.go

	if s.opts.Dev {
		r.GET("/outbox/", s.pageOutbox)
		r.GET("/outbox", redirectTo("/outbox/"))
		r.GET("/outbox/:name", s.pageOutboxMessage)
	}

	r.NoRoute(s.noRoute)
	r.NoMethod(func(c *gin.Context) {
		fail(c, http.StatusMethodNotAllowed, c.Request.Method+" is not allowed here")
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
		fail(c, http.StatusNotFound, "no such API endpoint: "+p)
		return
	}
	if s.static != nil && !s.Owns(p) {
		c.Writer.Header().Del("Cache-Control")
		s.static.ServeHTTP(c.Writer, c.Request)
		return
	}
	s.notFoundPage(c)
}
