package server

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

func init() { gin.SetMode(gin.ReleaseMode) }

// routes builds the router: one place that lists every URL the sidecar answers.
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
	if s.opts.RateLimit < 0 {
		checkoutLimit = nil
	}

	limited := checkoutLimit.middleware(s.tooManyPage)

	api := r.Group("/api")
	{
		// The webhook is a form post from Mollie's servers: no Origin, no JSON.
		api.POST("/webhooks/mollie", s.handleWebhook)

		cust := api.Group("", s.sameOrigin(), requireJSON())
		cust.GET("/cart", s.apiGetCart)
		cust.HEAD("/cart", s.apiGetCart)
		cust.POST("/cart/items", s.apiAddItem)
		cust.PATCH("/cart/items/:sku", s.apiUpdateItem)
		cust.DELETE("/cart/items/:sku", s.apiRemoveItem)
		cust.POST("/checkout", limited, s.apiCheckout)
		cust.POST("/checkout/quote", s.apiCheckoutQuote) // the checkout page's live total (pages.go)
		cust.GET("/orders/:token", s.apiGetOrder)
		cust.GET("/availability", s.apiAvailability)
		cust.HEAD("/availability", s.apiAvailability)
		s.afterSaleCustomerAPI(cust) // returns and cancel (returns.go)

		admin := api.Group("/admin", s.adminAuth())
		admin.GET("/orders", s.adminListOrders)
		admin.GET("/orders/:id", s.adminShowOrder)
		admin.POST("/orders/:id/pack", s.adminPack)
		admin.POST("/orders/:id/ship", s.adminShip)
		admin.POST("/orders/:id/deliver", s.adminDeliver)
		admin.POST("/orders/:id/cancel", s.adminCancel)
		admin.GET("/backup", s.adminBackup)
		s.afterSaleAdminAPI(admin)          // returns, refunds, packing (refunds.go, packing.go)
		s.opsRoutes(r, admin)               // health, readiness, metrics, alerts (health.go)
		s.invoiceAdminAPI(admin)            // invoice PDFs and the bookkeeper's export (invoices.go)
		s.standingAPI(cust, admin, limited) // standing orders (standing.go)
	}

	pages := r.Group("", s.sameOrigin())
	pages.GET("/cart/", s.pageCart)
	pages.HEAD("/cart/", s.pageCart)
	pages.GET("/cart", redirectTo("/cart/"))
	pages.POST("/cart/add", s.formAdd)
	pages.POST("/cart/update", s.formUpdate)
	pages.POST("/cart/remove", s.formRemove)
	pages.GET("/checkout/", s.pageCheckout)
	pages.HEAD("/checkout/", s.pageCheckout)
	pages.GET("/checkout", redirectTo("/checkout/"))
	pages.POST("/checkout/", limited, s.formCheckout)
	pages.GET("/order/:token", s.pageOrder)
	pages.POST("/order/:token/pay", limited, s.formPayAgain)
	s.afterSalePages(pages, r)      // return form, cancel, the owner's /admin/ (returns.go, adminpage.go)
	s.invoicePages(pages)           // the invoice PDFs of the order page and the owner's page (invoices.go)
	s.standingPages(pages, limited) // the standing order's own page (standing.go)
	// The built-in provider's page checks the origin of its own form posts.
	r.Any("/pay/*rest", s.payPage)
	if s.opts.Dev {
		r.GET("/outbox/", s.pageOutbox)
		r.GET("/outbox", redirectTo("/outbox/"))
		r.GET("/outbox/:name", s.pageOutboxMessage)
	}

	s.retentionRoutes(r) // reviews, subscriptions, polls (reviews.go)
	s.keepRoutes(r)      // points page, promise API, figures (loyalty.go)
	s.searchRoutes(r)    // the site search without JavaScript (search.go)

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
