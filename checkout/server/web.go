package server

import (
	"log/slog"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/storefront/storefront/checkout/catalog/source"
	"github.com/storefront/storefront/checkout/order"
)

// web is what every handler needs to answer a request: the customer's
// language, the theme's shell and page templates, links on the public base
// URL, the shop's time zone, the log, and the order a token points to. Its
// methods are the page and answer helpers (pages.go, i18n.go, respond.go,
// templates.go); each resource's handlers are a type holding a *web and the
// use cases they call, and Sidecar only wires them (docs/architecture.md).
type web struct {
	opts Options
	log  *slog.Logger
	base *url.URL
	now  func() time.Time

	catalog    *source.Source
	shells     shells
	rulesCache atomic.Pointer[compiledRules]

	// orderOf finds the order a customer's token points to
	// (store.ErrNotFound when none); set once the store is open.
	orderOf func(token string) (*order.Order, error)
}
