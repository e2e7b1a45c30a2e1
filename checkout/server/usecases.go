package server

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/server/giftcards"
	"github.com/storefront/storefront/checkout/server/owner"
	"github.com/storefront/storefront/checkout/server/retention"
	"github.com/storefront/storefront/checkout/store"
	"github.com/storefront/storefront/checkout/usecase"
)

// useCases are the resources whose logic lives in checkout/usecase; the
// handlers of reviews.go, polls.go, privacy.go, subscribe.go, stats.go,
// carrier.go and alerts.go call these and nothing of the store.
type useCases struct {
	deps     usecase.Deps
	carrier  *usecase.Carrier // made by openCarrier (carrier.go)
	health   *usecase.Health
	reviews  usecase.Reviews
	polls    usecase.Polls
	privacy  usecase.Privacy
	subs     usecase.Subscriptions
	stats    usecase.Stats
	orders   usecase.Orders
	mail     usecase.MailQueue
	refunds  usecase.Refunds
	sessions usecase.Sessions
}

// openUseCases wires the use cases once the store is open.
func (s *Sidecar) openUseCases() {
	// Loyalty and promises first: the privacy and stats use cases call them.
	s.loyalty = &retention.Loyalty{Web: s.Web, Store: s.store, Policy: s.Policy, InternalErr: s.InternalErr, Send: s.sendMail}
	s.promises = &retention.Promises{Web: s.Web, Store: s.store}
	s.gifts = giftcards.New(s.Web, s.store, s.handleEffects, s.InternalErr)
	d := usecase.Deps{Store: s.store, Catalog: s.Catalog.Current, Now: s.Now, Log: s.Log, KickMail: s.kickMail}
	s.uc = useCases{
		deps:    d,
		health:  &usecase.Health{Deps: d},
		reviews: usecase.Reviews{Deps: d},
		polls:   usecase.Polls{Deps: d},
		privacy: usecase.Privacy{Deps: d, LinkTTL: retention.PointsLinkTTL, LinkEvery: retention.PointsLinkEvery,
			ReturnWindow: s.loyalty.ReturnWindow, Lock: s.loyalty.LockEmail},
		subs:  usecase.Subscriptions{Deps: d},
		stats: usecase.Stats{Deps: d, Promises: s.promises.Refresh, Zone: s.Zone},
		refunds: usecase.Refunds{Deps: d, Provider: func() payment.Provider { return s.provider }, Lock: s.orderLocks.Lock,
			Checks: &s.refundChecks},
		mail:     usecase.MailQueue{Deps: d},
		sessions: usecase.Sessions{Deps: d, Idle: owner.SessionIdle, MaxAge: owner.SessionTTL},
		orders: usecase.Orders{Deps: d, Effects: s.handleEffects, TrackingLink: s.trackingLink, Zone: s.Zone,
			Provider: func() payment.Provider { return s.provider },
			// The payment handlers and code limits of this package are
			// built after the use cases (openShop): called late.
			SyncPayment: func(ctx context.Context, id, by string) error {
				return s.payments.SyncPayment(ctx, id, by) // payments.go
			},
			PaymentRequest: func(o *order.Order) payment.CreateRequest { return s.payments.PaymentRequest(o) },
			PayAgainCode:   func(o *order.Order) (*cart.Code, error) { return s.codes.PayAgainCode(o) }, // codes.go
			GiftCovers: func(o *order.Order) error {
				if ce := s.gifts.GiftStillCovers(o); ce != nil { // giftcards.go
					return ce
				}
				return nil
			},
			CancelPayment: func(id, why string) { s.payments.CancelPayment(id, why) },
			// The built-in provider keeps its payments in the order
			// database (wiring.go): a checkout's payment is made and
			// attached in one commit.
			InStore: func() store.CreatePaymentTx {
				if s.local == nil {
					return nil
				}
				return s.local.CreatePaymentTx
			},
			ProviderCall: func(op string, err error) { watchedProvider{s: s}.note(op, err) }, // health.go
			RefundAll: func(ctx context.Context, id, by string) (*order.Order, error) {
				o, _, err := s.uc.refunds.Refund(ctx, id, by, usecase.PlanFull("cancel"))
				if errors.Is(err, errRefundUncertain) {
					err = nil // recorded; the reconciler checks it with the provider
				}
				return o, err
			}},
	}
	s.polls = &retention.Polls{Web: s.Web, UC: s.uc.polls}
	s.reviews = &retention.Reviews{Web: s.Web, UC: s.uc.reviews, Subs: s.uc.subs, Notice: s.AdminNotice, Deliver: s.deliver}
	s.subs = &retention.Subscriptions{Web: s.Web, UC: s.uc.subs, Deliver: s.deliver}
	s.privacy = &retention.Privacy{Web: s.Web, UC: s.uc.privacy}
	s.stock = &retention.BackInStock{Web: s.Web, Orders: s.uc.orders, Waiting: s.store.Stock.WaitingForStock, Send: s.sendMail}
}

// trackingLink is the tracking link of a shipment: link when given, else
// the shipping method's link template (catalog) filled with code, else "".
// good is false for a link that is not an http(s) URL of sane length.
func (s *Sidecar) trackingLink(method, link, code string) (string, bool) {
	if link == "" && code != "" {
		if m, found := s.Catalog.Current().Method(method); found && m.TrackingURL != "" {
			link = strings.ReplaceAll(m.TrackingURL, "{code}", url.PathEscape(code))
		}
	}
	if link == "" {
		return "", true
	}
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(link) > 500 {
		return "", false
	}
	return link, true
}
