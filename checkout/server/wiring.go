package server

import "context"

// open opens the store, the catalog, the shell, the provider and the mailer.
// TODO: wire CORE's store and catalog and PAYMENTS' providers as they land.
func (s *Sidecar) open(ctx context.Context) error { return nil }

func (s *Sidecar) close() error { return nil }
