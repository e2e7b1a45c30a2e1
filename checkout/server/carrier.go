package server

import (
	"context"
	_ "embed"
	"time"

	"github.com/storefront/storefront/checkout/carrier"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/sendcloud"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
	"github.com/storefront/storefront/checkout/worker"
)

// Opening the carrier and its periodic parcel check (docs/carriers.md);
// the HTTP side of labels, tracking and pick-up points is package
// shipping, what they do checkout/usecase/carrier.go.

// Order Meta keys the carrier code writes (usecase).
const (
	metaPickupID   = usecase.MetaPickupID
	metaPickupText = usecase.MetaPickupText
)

const (
	defaultCarrierChk = 30 * time.Minute
)

// carrierState is what the sidecar keeps of the carrier: the webhook key
// (for shipping.Carrier), the check's pace and the label locks.
type carrierState struct {
	secret     string // webhook signature key; "" with the manual carrier
	checkEvery time.Duration
	locks      web.KeyLocks // one label creation per order at a time
}

// openCarrier picks the carrier from the options.
func (s *Sidecar) openCarrier() error {
	s.ship.checkEvery = s.opts.CarrierCheckEvery
	if s.ship.checkEvery == 0 {
		s.ship.checkEvery = defaultCarrierChk
	}
	u := &usecase.Carrier{Deps: s.uc.deps, C: carrier.Manual{}, Effects: s.handleEffects, TrackingLink: s.trackingLink,
		Lock: s.ship.locks.Lock, Zone: s.Zone}
	s.uc.carrier = u
	if s.opts.SendcloudPublicKey == "" {
		return nil
	}
	opts := []sendcloud.Option{sendcloud.WithLogger(s.Log)}
	if s.opts.SendcloudBaseURL != "" {
		opts = append(opts, sendcloud.WithBaseURL(s.opts.SendcloudBaseURL))
	}
	c, err := sendcloud.New(nil, s.opts.SendcloudPublicKey, s.opts.SendcloudSecretKey, opts...)
	if err != nil {
		return err
	}
	u.C = c
	s.ship.secret = s.opts.SendcloudWebhookSecret
	if s.ship.secret == "" {
		s.ship.secret = s.opts.SendcloudSecretKey // Sendcloud signs API-integration webhooks with the secret key
	}
	return nil
}

// startCarrierCheck asks the carrier about shipped parcels now and then
// (worker.ParcelCheck).
func (s *Sidecar) startCarrierCheck(ctx context.Context) {
	if s.uc.carrier.Manual() || s.ship.checkEvery < 0 {
		return
	}
	worker.ParcelCheck(worker.Runner{Ctx: ctx, WG: &s.wg, Guard: s.guard()}, s.uc.carrier, s.ship.checkEvery)
}

// setPickup stores the chosen point on a new order.
func setPickup(o *order.Order, p *carrier.PickupPoint) {
	if p == nil {
		return
	}
	if o.Meta == nil {
		o.Meta = map[string]string{}
	}
	o.Meta[metaPickupID], o.Meta[metaPickupText] = p.ID, p.Line()
}
