package server

import (
	"context"

	"github.com/storefront/storefront/checkout/recurring"
)

// openOwnerHTTP builds the resources of the owner's side: the admin JSON
// API and the owner's pages, and what they show and share with the
// customer's side (invoices, labels and pick-up points, failed mail,
// health, figures and the promise, codes, standing orders, the outbox). It
// runs once the store, the use cases, the mailer and the carrier are open.
// Each resource is a type holding the *web.Web and the use cases and
// collaborators it calls; Sidecar only wires them here and routes.go names
// their handlers.
func (s *Sidecar) openOwnerHTTP() {
	s.stats = &statsHTTP{Web: s.Web, uc: s.uc.stats, adjustments: s.promises.adjustments, extraDays: s.promises.extraDays}
	s.outboxPages = &outboxHTTP{Web: s.Web, dir: s.outbox}
	s.packing = &packingHTTP{Web: s.Web, orders: s.uc.orders}
	s.mailFail = &mailFailHTTP{Web: s.Web, uc: s.uc.mail}
	s.health = &healthHTTP{Web: s.Web, uc: s.uc.health, alerts: s.alerts}
	s.adminAPI = &adminAPI{Web: s.Web, orders: s.uc.orders, health: s.uc.health, guard: s.abuse.api, mails: s.mailFail,
		orderView: s.orders.OrderView}
	s.codesAdmin = &codesAdminHTTP{Web: s.Web, codes: s.store, fileCodes: s.codes.FileCodes}
	s.standingAdmin = &standingAdminHTTP{Web: s.Web, list: s.store,
		standingView: func(st recurring.Standing, customer bool) StandingView {
			return s.standingHTTP.standingView(st, customer) // made by startStanding, after this
		},
		act: func(ctx context.Context, id, action string) (recurring.Standing, error) {
			return s.standing.OwnerAct(ctx, id, action) // made by startStanding, after this
		}}
	s.ownerPages = &ownerPages{Web: s.Web, orders: s.uc.orders, refunds: s.uc.refunds, sessions: s.uc.sessions,
		guard: s.abuse.login, mails: s.mailFail, health: s.health, orderView: s.orders.OrderView, afterSaleView: s.returns.AfterSaleView,
		labelAction: s.carrier.adminLabelAction}
	s.refunds = &refundsHTTP{Web: s.Web, uc: s.uc.refunds, admin: s.adminAPI, afterSaleView: s.returns.AfterSaleView}
}
