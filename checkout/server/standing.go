package server

import (
	"context"
	"strings"
	"time"

	"github.com/storefront/storefront/checkout/server/standingorders"
	"github.com/storefront/storefront/checkout/standing"
	"github.com/storefront/storefront/checkout/store"
)

// The wiring of standing orders (checkout/server/standingorders): the
// service and its handlers, the scheduler worker, which RunScheduler runs
// once, and the mail kinds they send.

// standingEvery is how often the scheduler looks for notices and charges due.
const standingEvery = 5 * time.Minute

// openStanding builds the standing order service and its handlers, once
// the provider and the payments are open.
func (s *Sidecar) openStanding() {
	rec := recurringOf(s.provider)
	s.standing = &standing.Service{Store: s.store, Provider: s.provider, Recurring: rec, Catalog: s.Catalog.Current,
		PublicURL: strings.TrimSuffix(s.Base.String(), "/"), WebhookURL: s.payments.WebhookURL(), Now: s.Now, Log: s.Log}
	s.standingHTTP = &standingorders.Standing{Web: s.Web, Svc: s.standing, Store: s.store, Provider: s.provider,
		KickMail: s.kickMail, NoRoute: s.noRoute, Send: s.sendMail}
}

// RunScheduler does now what the scheduler does every standingEvery:
// back-in-stock alerts whose SKU is back (retention), then the
// standing orders' price notices, pre-charge notices and charges due at
// the sidecar's clock, and the charges whose news never came. Returns how
// many standing order actions it took. The browser journeys call it after
// moving the clock.
func (s *Sidecar) RunScheduler(ctx context.Context) int {
	s.stock.BackInStock()
	return s.standingHTTP.Schedule(ctx)
}

// standingMail sends the e-mails of standing orders.
func (s *Sidecar) standingMail(kind string) (func(context.Context, store.Mail) error, bool) {
	switch kind {
	case store.MailStandingNotice, store.MailStandingFailed, store.MailStandingPaused, store.MailStandingPriceNotice, store.MailStandingStarted:
		return s.standingHTTP.SendStandingMail, true
	case store.MailBackInStock:
		return s.stock.SendBackInStock, true // retention
	}
	return nil, false
}

// The standing order API's bodies, by the names the server exported
// before they moved to standingorders (the CLI's tests read them here).
type (
	StandingRequest  = standingorders.StandingRequest
	StandingQuote    = standingorders.StandingQuote
	StandingBegun    = standingorders.StandingBegun
	StandingActInput = standingorders.StandingActInput
)
