package server

import (
	"github.com/storefront/storefront/checkout/usecase"
)

// useCases are the resources whose logic lives in checkout/usecase; the
// handlers of reviews.go, polls.go, privacy.go, subscribe.go, stats.go,
// carrier.go and alerts.go call these and nothing of the store.
type useCases struct {
	deps    usecase.Deps
	carrier *usecase.Carrier // made by openCarrier (carrier.go)
	health  *usecase.Health
	reviews usecase.Reviews
	polls   usecase.Polls
	privacy usecase.Privacy
	subs    usecase.Subscriptions
	stats   usecase.Stats
}

// openUseCases wires the use cases once the store is open.
func (s *Sidecar) openUseCases() {
	d := usecase.Deps{Store: s.store, Catalog: s.catalog.Current, Now: s.now, Log: s.log, KickMail: s.kickMail}
	s.uc = useCases{
		deps:    d,
		health:  &usecase.Health{Deps: d},
		reviews: usecase.Reviews{Deps: d},
		polls:   usecase.Polls{Deps: d},
		privacy: usecase.Privacy{Deps: d, LinkTTL: pointsLinkTTL, LinkEvery: pointsLinkEvery,
			ReturnWindow: s.returnWindow, Lock: s.lockEmail},
		subs:  usecase.Subscriptions{Deps: d},
		stats: usecase.Stats{Deps: d, Promises: s.refreshPromises, Zone: s.zone},
	}
}
