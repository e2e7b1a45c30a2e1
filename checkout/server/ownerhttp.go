package server

import (
	"github.com/storefront/storefront/checkout/server/owner"
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
	s.stats = &owner.Stats{Web: s.Web, UC: s.uc.stats, Adjustments: s.promises.Adjustments, ExtraDays: s.promises.ExtraDays}
	s.outboxPages = &owner.Outbox{Web: s.Web, Dir: s.outbox}
	s.packing = &owner.Packing{Web: s.Web, Orders: s.uc.orders}
	s.mailFail = &owner.MailFail{Web: s.Web, UC: s.uc.mail}
	s.health = &owner.Health{Web: s.Web, UC: s.uc.health, Alerts: s.alerts,
		AlertWords: func(lang, kind string) (string, string) { w := alertWords(lang, kind); return w.Title, w.Do }} // alerts.go
	s.adminAPI = &owner.API{Web: s.Web, Orders: s.uc.orders, Health: s.uc.health, Guard: s.abuse.api, Mails: s.mailFail,
		OrderView: s.orders.OrderView}
	s.codesAdmin = &owner.Codes{Web: s.Web, Store: s.store, Stored: s.store.Codes, FileCodes: s.codes.FileCodes}
	s.standingAdmin = &owner.Standing{Web: s.Web, List: s.store.Standing, Waiting: s.store.Stock,
		StandingView: s.standingHTTP.StandingView, Act: s.standing.OwnerAct} // built by openStanding (openShop)
	s.ownerPages = &owner.Pages{Web: s.Web, Orders: s.uc.orders, Refunds: s.uc.refunds, Sessions: s.uc.sessions,
		Guard: s.abuse.login, Mails: s.mailFail, Health: s.health, OrderView: s.orders.OrderView, AfterSaleView: s.returns.AfterSaleView,
		LabelAction: s.carrier.AdminLabelAction}
	s.refunds = &owner.Refunds{Web: s.Web, UC: s.uc.refunds, Admin: s.adminAPI, AfterSaleView: s.returns.AfterSaleView}
}
