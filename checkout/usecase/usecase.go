// Package usecase holds what the sidecar does for one resource at a time,
// apart from how it is asked: each type (Reviews, Polls, Privacy, Stats,
// Alerts, …) takes plain arguments, calls the store, and returns domain
// results and errors. The HTTP layer (checkout/server) turns a request into
// a call and the answer into JSON or a page; the background workers
// (checkout/worker) call the same methods on a timer. This package imports
// neither Gin nor net/http (checkout/archtest).
//
// One small type per resource rather than one Shop type: a type with
// hundreds of methods is what issue 11 set out to end.
package usecase

import (
	"errors"
	"log/slog"
	"time"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/store"
)

// Deps are what every use case needs: the store, the catalog in force, the
// clock, the log, and a nudge for the mail worker after queueing a mail.
type Deps struct {
	Store    *store.Store
	Catalog  func() *catalog.Catalog
	Now      func() time.Time
	Log      *slog.Logger
	KickMail func()
}

func (d Deps) kick() {
	if d.KickMail != nil {
		d.KickMail()
	}
}

// Errors the surfaces map to a status and words (checkout/server/web/errors.go
// and the handlers of each resource).
var (
	// ErrNotFound: the thing asked for does not exist.
	ErrNotFound = store.ErrNotFound
	// ErrInvalid wraps input that is refused as given; its text says why.
	ErrInvalid = errors.New("invalid")
	// ErrConflict: the change does not apply to the thing as it is now
	// (e.g. restocking a return that is not received yet).
	ErrConflict = store.ErrConflict
	// ErrStore wraps a failure of the store (the surfaces answer 500).
	ErrStore = errors.New("store")
)
