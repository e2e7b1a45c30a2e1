// Package worker runs the sidecar's background jobs: each job is a use
// case (checkout/usecase) called on a timer, one pass at a time, with a
// panic in a pass logged, alerted and survived (Guard). The jobs here:
// review requests, the alert watchdog, the parcel check, the mail queue
// (mail.go) and the reconciler's loop and housekeeping. The reconciler's
// payment checks, the promise check and standing orders are still passes
// of checkout/server (docs/architecture.md says why).
package worker

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/storefront/storefront/checkout/usecase"
)

// Guard runs one pass of a background worker; a panic is logged, handed
// to OnPanic and counted, and the worker goes on with its next pass
// instead of taking the process (and, under systemd, a restart loop) with it.
type Guard struct {
	Log     *slog.Logger
	OnPanic func(worker string, p any)         // raise the alert
	Done    func(worker string, panicked bool) // metrics, last run
}

// Run runs pass under the guard.
func (g Guard) Run(worker string, pass func()) {
	panicked := false
	defer func() {
		if g.Done != nil {
			g.Done(worker, panicked)
		}
	}()
	defer func() {
		if p := recover(); p != nil {
			panicked = true
			g.Log.Error("panic in background", "worker", worker, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if g.OnPanic != nil {
				g.OnPanic(worker, p)
			}
		}
	}()
	pass()
}

// Runner starts jobs that run until Ctx ends; WG waits for them.
type Runner struct {
	Ctx   context.Context
	WG    *sync.WaitGroup
	Guard Guard
}

// Every runs pass first after first (0: no early pass), then every every,
// until the context ends.
func (r Runner) Every(name string, first, every time.Duration, pass func(ctx context.Context)) {
	r.WG.Add(1)
	go func() {
		defer r.WG.Done()
		var early <-chan time.Time
		if first > 0 {
			f := time.NewTimer(first)
			defer f.Stop()
			early = f.C
		}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-r.Ctx.Done():
				return
			case <-early:
			case <-t.C:
			}
			r.Guard.Run(name, func() { pass(r.Ctx) })
		}
	}()
}

// OnKick runs pass at once, then whenever kick has a value or every has
// passed, until the context ends.
func (r Runner) OnKick(name string, every time.Duration, kick <-chan struct{}, pass func(ctx context.Context)) {
	r.WG.Add(1)
	go func() {
		defer r.WG.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			r.Guard.Run(name, func() { pass(r.Ctx) })
			select {
			case <-r.Ctx.Done():
				return
			case <-kick:
			case <-t.C:
			}
		}
	}()
}

// ReviewEvery is how often delivered orders are checked for a review request.
const ReviewEvery = 15 * time.Minute

// ReviewRequests asks each delivered order for a review when its day has
// come (usecase.Reviews.RequestDue): first 30 seconds after start.
func ReviewRequests(r Runner, reviews usecase.Reviews) {
	r.Every("reviews", 30*time.Second, ReviewEvery, func(ctx context.Context) { reviews.RequestDue(ctx) })
}

// WatchEvery is how often the watchdog looks at what no request would notice.
const WatchEvery = time.Minute

// Watchdog raises the alerts that come from time passing
// (usecase.Alerts.WatchOnce).
func Watchdog(r Runner, a *usecase.Alerts) {
	r.Every("watchdog", 0, WatchEvery, func(context.Context) { a.WatchOnce() })
}

// ParcelCheck asks the carrier about shipped parcels every every, as the
// reconciler does for payments: a lost webhook delays, never loses, a
// delivery (usecase.Carrier.CheckParcels).
func ParcelCheck(r Runner, c *usecase.Carrier, every time.Duration) {
	r.Every("carrier", 0, every, func(ctx context.Context) {
		if n, err := c.CheckParcels(ctx); err != nil {
			r.Guard.Log.Warn("carrier check", "err", err, "delivered", n)
		}
	})
}
