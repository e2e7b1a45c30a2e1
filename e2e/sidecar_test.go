package e2e

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/storefront/storefront/checkout/server"
)

// sidecarConfig is what the harness gives the checkout sidecar.
type sidecarConfig struct {
	Catalog, DataFile, BaseURL, Admin, OutboxDir, PublicDir string
}

// sidecarClock is the sidecar's clock: the real time, moved by a journey
// that needs an order placed in the past (the journeys run one at a time).
var sidecarClock offsetClock

type offsetClock struct{ off atomic.Int64 }

func (c *offsetClock) now() time.Time { return time.Now().Add(time.Duration(c.off.Load())) }

// back runs fn with the clock d in the past.
func (c *offsetClock) back(d time.Duration, fn func()) { c.ahead(-d, fn) }

// ahead runs fn with the clock d in the future (a standing order's next
// delivery weeks away).
func (c *offsetClock) ahead(d time.Duration, fn func()) {
	c.off.Add(int64(d))
	defer c.off.Add(-int64(d))
	fn()
}

// sidecarScheduler runs the sidecar's scheduler now (server.RunScheduler),
// for journeys that moved the clock on; set by openSidecar.
var sidecarScheduler func(context.Context) int

// openSidecar opens the checkout sidecar in-process in development mode with
// the built-in local payment provider (no Mollie key). Its handler also serves
// the static site from PublicDir, as `shop serve` does.
func openSidecar(ctx context.Context, c sidecarConfig, log *slog.Logger) (http.Handler, func(), error) {
	s, err := server.Open(ctx, server.Options{
		Catalog:    c.Catalog,
		DataFile:   c.DataFile,
		BaseURL:    c.BaseURL,
		AdminToken: c.Admin,
		OutboxDir:  c.OutboxDir,
		PublicDir:  c.PublicDir,
		Dev:        true,
		RateLimit:  -1, // the journeys check out more often than a customer would
		Now:        sidecarClock.now,
	}, log)
	if err != nil {
		return nil, nil, err
	}
	sidecarScheduler = s.RunScheduler
	return s.Handler(), func() { s.Close() }, nil
}
