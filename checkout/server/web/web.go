// Package web is what every resource's HTTP handlers share to answer a
// request: the customer's language, the theme's shell and the embedded page
// templates (overridable from the theme), the words (T), the JSON answer
// helpers (Fail, OK), the checkout's domain errors and their one mapper
// (CheckoutError, CheckoutStatus), links on the public base URL, the shop's
// time zone, and the small tools several resources use (Limiter, KeyLocks,
// TokenGuard, DecodeStrict). It imports nothing of checkout/server: the
// sidecar (package server) builds one Web and hands it to each resource's
// handler type, which embeds *web.Web (docs/architecture.md).
package web

import (
	"log/slog"
	"net/netip"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/storefront/storefront/checkout/catalog/source"
	"github.com/storefront/storefront/checkout/order"
)

// Config is the few settings the answer helpers read (from server.Options).
type Config struct {
	// AdminToken is the owner's token (empty: the admin API is off).
	AdminToken string
	// TrustedProxies are the proxies whose forwarding headers are believed
	// (ClientKey).
	TrustedProxies []netip.Prefix
}

// Web is what every handler needs to answer a request: the customer's
// language, the theme's shell and page templates, links on the public base
// URL, the shop's time zone, the log, and the order a token points to. Its
// methods are the page and answer helpers; each resource's handlers are a
// type holding a *Web and the use cases they call, and server.Sidecar only
// wires them.
type Web struct {
	Config Config
	Log    *slog.Logger
	Base   *url.URL
	Now    func() time.Time

	Catalog    *source.Source
	Shells     Shells
	rulesCache atomic.Pointer[compiledRules]

	// OrderOf finds the order a customer's token points to
	// (store.ErrNotFound when none); set once the store is open.
	OrderOf func(token string) (*order.Order, error)
}
