// Package server is the checkout sidecar's HTTP side: the cart and checkout
// JSON API, the server-rendered pages that wear the theme's shell, the Mollie
// webhook, the admin API, and the background reconciler and mail worker.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/storefront/storefront/checkout/server/giftcards"
	"github.com/storefront/storefront/checkout/server/invoices"
	"github.com/storefront/storefront/checkout/server/orders"
	"github.com/storefront/storefront/checkout/server/owner"
	"github.com/storefront/storefront/checkout/server/retention"
	"github.com/storefront/storefront/checkout/server/shipping"
	"github.com/storefront/storefront/checkout/server/shop"
	"github.com/storefront/storefront/checkout/server/standingorders"
	"github.com/storefront/storefront/checkout/server/web"
)

// Sidecar is one running checkout service.
type Sidecar struct {
	*web.Web // the page and answer helpers (package web)
	opts     Options

	// The HTTP side of each resource: a type holding *web.Web and the use
	// cases it calls, built in openUseCases (usecases.go); routes.go names
	// their handlers.
	polls    *retention.Polls
	search   *retention.Search // built in open: every catalog load reloads its index
	reviews  *retention.Reviews
	subs     *retention.Subscriptions
	privacy  *retention.Privacy
	stock    *retention.BackInStock
	loyalty  *retention.Loyalty
	promises *retention.Promises
	gifts    *giftcards.Cards
	// standingHTTP is built in openStanding (from openShop), with the service it calls.
	standingHTTP *standingorders.Standing
	// alertHooks is built in open, before the store it listens to.
	alertHooks *alertHooks

	parts
	uc     useCases // checkout/usecase (usecases.go)
	router *gin.Engine
	static http.Handler // the static site (PublicDir), or nil

	// The customer's shop, one type per resource, built by openShop (shop.go).
	codes        *shop.Codes
	cart         *shop.Cart
	availability *shop.Availability
	payments     *orders.Payments
	orders       *orders.Orders
	checkout     *shop.Checkout
	returns      *orders.Returns

	cancel context.CancelFunc
	wg     sync.WaitGroup

	refundChecks sync.Map // order id -> time.Time of its last refund check (refundCheckDue)
	closed       sync.Once

	// The owner's resources, built by openOwnerHTTP (ownerhttp.go).
	stats         *owner.Stats       // package owner
	outboxPages   *owner.Outbox      // package owner
	packing       *owner.Packing     // package owner
	mailFail      *owner.MailFail    // package owner
	health        *owner.Health      // package owner
	invoices      *invoices.Invoices // package invoices
	adminAPI      *owner.API         // package owner
	ownerPages    *owner.Pages       // package owner
	refunds       *owner.Refunds     // package owner
	carrier       *shipping.Carrier  // package shipping
	codesAdmin    *owner.Codes       // package owner
	standingAdmin *owner.Standing    // package owner
}

// ownedPrefixes are the paths the sidecar answers (docs/architecture.md).
var ownedPrefixes = []string{"/api/", "/cart/", "/checkout/", "/order/", "/pay/", "/admin/", "/points/", "/search/", "/standing/", "/giftcard/"}

// Open validates the options, opens the database, loads the catalog and the
// shell, and starts the background workers (reconciler, mail queue). ctx
// bounds the loading only; the workers run until Close, which the caller must
// call (it also closes the database).
func Open(ctx context.Context, opts Options, log *slog.Logger) (*Sidecar, error) {
	if log == nil {
		log = slog.Default()
	}
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("checkout settings: %w", err)
	}
	base, _ := parseBaseURL(opts.BaseURL)
	if opts.ReconcileEvery == 0 {
		opts.ReconcileEvery = time.Minute
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	s := &Sidecar{opts: opts, Web: &web.Web{Config: webConfig(opts), Log: log, Base: base, Now: now}}
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	if err := s.open(bg); err != nil {
		cancel()
		return nil, err
	}
	s.router = s.routes()
	return s, nil
}

// Handler is the sidecar's HTTP handler (and the static site when PublicDir is set).
func (s *Sidecar) Handler() http.Handler { return s.router }

// Owns reports whether path is answered by the sidecar rather than the static site.
func (s *Sidecar) Owns(path string) bool {
	for _, p := range ownedPrefixes {
		if strings.HasPrefix(path, p) || path == strings.TrimSuffix(p, "/") {
			return true
		}
	}
	if s != nil && s.Web != nil && s.opts.Dev && (path == "/outbox" || strings.HasPrefix(path, "/outbox/")) {
		return true
	}
	return false
}

// Close stops the background workers and closes the database.
func (s *Sidecar) Close() error {
	var err error
	s.closed.Do(func() {
		s.cancel()
		s.wg.Wait()
		err = s.close()
	})
	return err
}

// htmlSafe marks HTML produced by a trusted template as safe.

// OwnedPrefixes are the paths the sidecar answers for customers and the
// owner, for the site's proxy rules to be checked against (cmd/shop tests).
func OwnedPrefixes() []string { return append([]string(nil), ownedPrefixes...) }

// webConfig is what the answer helpers read of the options.
func webConfig(o Options) web.Config {
	return web.Config{AdminToken: o.AdminToken, TrustedProxies: o.TrustedProxies}
}
