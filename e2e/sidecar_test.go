package e2e

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/storefront/storefront/checkout/server"
)

// sidecarConfig is what the harness gives the checkout sidecar.
type sidecarConfig struct {
	Catalog, DataFile, BaseURL, Admin, OutboxDir, PublicDir string
}

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
	}, log)
	if err != nil {
		return nil, nil, err
	}
	return s.Handler(), func() { s.Close() }, nil
}
