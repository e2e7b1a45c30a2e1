package usecase

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/storefront/storefront/checkout/carrier"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/store"
	"github.com/storefront/storefront/checkout/wire"
)

// Labels, tracking and pick-up points through a carrier (docs/carriers.md).
// The built-in manual carrier is the default (the owner types a tracking
// code); with the Sendcloud keys set, packing an order can create the
// parcel and its label, Sendcloud's webhook and a periodic check move
// shipped orders to delivered with the carrier's date, and pick-up point
// methods let the customer choose a point near a postcode.

// Order Meta keys the carrier code writes.
const (
	MetaCarrier      = "carrier"
	MetaParcelID     = "parcel_id"
	MetaPickupID     = "pickup_point_id"
	MetaPickupText   = "pickup_point"
	MetaCarrierEvent = "carrier_event_ms" // the newest carrier webhook applied (ms)
	MaxPickupShown   = 8
	MaxLabelBatch    = 100
)

// Errors of the carrier use cases.
var (
	ErrNotShippable = errors.New("not shippable")
	ErrBadPostcode  = errors.New("bad postcode")
	ErrNoLabel      = errors.New("the order has no label yet; create it first")
	ErrNoLabels     = errors.New("the carrier makes no labels")
	ErrNoPage       = errors.New("no labels on this page")
)

// Carrier is the carrier part of the sidecar.
type Carrier struct {
	Deps
	C carrier.Carrier
	// Effects carries out what an order transition leaves to do (payment
	// cancels, mails); TrackingLink makes a tracking link from a code.
	Effects      func(o *order.Order, eff []order.Effect)
	TrackingLink func(method, link, code string) (string, bool)
	// Lock holds one label creation per order at a time.
	Lock func(orderID string) (unlock func())
	// Zone is the shop's time zone ("today" of the labels).
	Zone func() *time.Location

	cacheMu sync.Mutex
	cache   map[string]pickupCached // "option|country|postcode"
}

type pickupCached struct {
	at     time.Time
	points []carrier.PickupPoint
}

// Manual reports whether the carrier is the built-in manual one.
func (u *Carrier) Manual() bool { _, m := u.C.(carrier.Manual); return m }

// Name is the carrier's name.
func (u *Carrier) Name() string { return u.C.Name() }

// MultiLabels reports whether the carrier makes one PDF of many labels.
func (u *Carrier) MultiLabels() bool { _, m := u.C.(carrier.MultiLabeler); return m }

// shipmentFor is what the carrier is asked to ship for an order.
func (u *Carrier) shipmentFor(o *order.Order) carrier.Shipment {
	sh := carrier.Shipment{Reference: o.ID, To: carrier.Address{Name: o.Customer.Name, Street: o.Customer.Street,
		PostalCode: o.Customer.PostalCode, City: o.Customer.City, Country: o.Customer.Country, Email: o.Customer.Email},
		PickupPoint: o.Meta[MetaPickupID]}
	if m, ok := u.Catalog().Method(o.ShippingMethod); ok {
		sh.Option = m.CarrierOption
	}
	grams := 0
	for _, l := range o.Lines {
		sh.Items = append(sh.Items, strconv.Itoa(l.Quantity)+" × "+strings.TrimSpace(l.SKU+" "+l.Variant))
		grams += l.Quantity * 300 // no weights in the catalog yet: a bag of coffee with its box
	}
	sh.WeightGrams = max(grams, 500)
	return sh
}

// CreateLabel makes the order's parcel and label and marks it shipped (a
// paid order is packed on the way). Asking again for an order that has its
// parcel returns that parcel: the carrier is not asked for a second one.
func (u *Carrier) CreateLabel(ctx context.Context, id, by string) (*order.Order, wire.LabelResult, error) {
	unlock := u.Lock(id)
	defer unlock()
	res := wire.LabelResult{Order: id}
	o, err := u.Store.Orders.GetOrder(id)
	if err != nil {
		return nil, res, err
	}
	if o.Meta[MetaParcelID] != "" {
		res.Existing = true
		return o, LabelResult(o, res), nil
	}
	if o.State != order.Paid && o.State != order.Packed {
		return o, res, fmt.Errorf("%w: order %s is %s; a label is made for a paid or packed order", ErrNotShippable, id, o.State)
	}
	if o.OnlyGiftCards() {
		return o, res, fmt.Errorf("%w: order %s: %w", ErrNotShippable, id, order.ErrNothingToShip)
	}
	if m, found := u.Catalog().Method(o.ShippingMethod); found && m.Pickup {
		return o, res, fmt.Errorf("%w: order %s is collected at the shop (%s); it needs no label", ErrNotShippable, id, m.ID)
	}
	p, err := u.C.CreateParcel(ctx, u.shipmentFor(o))
	if err != nil {
		return o, res, err
	}
	link := p.TrackingURL
	if link == "" {
		link, _ = u.TrackingLink(o.ShippingMethod, "", p.TrackingCode)
	}
	o2, effects, err := u.Store.Orders.UpdateOrder(id, func(o *order.Order) (bool, []order.Effect, error) {
		if o.Meta == nil {
			o.Meta = map[string]string{}
		}
		o.Meta[MetaCarrier], o.Meta[MetaParcelID] = u.C.Name(), p.ID
		o.TrackingCode, o.TrackingURL = p.TrackingCode, link
		var all []order.Effect
		if o.State == order.Paid {
			eff, err := o.Do(order.EventPack, by, order.Note(order.NoteLabel, p.TrackingCode), u.Now())
			if err != nil {
				return false, nil, err
			}
			all = append(all, eff...)
		}
		if o.State == order.Packed {
			eff, err := o.Do(order.EventShip, by, order.Note(order.NoteLabel, p.TrackingCode), u.Now())
			if err != nil {
				return false, nil, err
			}
			all = append(all, eff...)
		}
		return true, all, nil
	})
	if err != nil {
		return o, res, fmt.Errorf("order %s: the parcel %s exists at the carrier but could not be stored (create the label again to pick it up): %w", id, p.ID, err)
	}
	u.Effects(o2, effects)
	u.Log.Info("label created", "order", id, "carrier", u.C.Name(), "parcel", p.ID, "existing", p.Existing, "by", by)
	res.Existing = p.Existing
	return o2, LabelResult(o2, res), nil
}

// LabelResult fills r with the order's state, tracking and label links.
func LabelResult(o *order.Order, r wire.LabelResult) wire.LabelResult {
	r.State, r.TrackingCode, r.TrackingURL = string(o.State), o.TrackingCode, o.TrackingURL
	if o.Meta[MetaParcelID] != "" {
		r.LabelA6 = "/admin/orders/" + url.PathEscape(o.ID) + "/label?size=A6"
		r.LabelA4 = "/admin/orders/" + url.PathEscape(o.ID) + "/label?size=A4"
	}
	return r
}

// Label is the label PDF of one order: ErrNotFound, ErrNoLabel.
func (u *Carrier) Label(ctx context.Context, id string, paper carrier.Paper) (*order.Order, []byte, error) {
	o, err := u.Store.Orders.GetOrder(id)
	if err != nil {
		return nil, nil, ErrNotFound
	}
	pid := o.Meta[MetaParcelID]
	if pid == "" {
		return o, nil, ErrNoLabel
	}
	pdf, err := u.C.Label(ctx, pid, paper)
	return o, pdf, err
}

// LabelBatch makes the labels of the orders given, or of every paid and
// packed order when none are given ("print today's labels"); failed
// ones carry their error, in words by status.
func (u *Carrier) LabelBatch(ctx context.Context, ids []string, by string, words func(error) string) ([]wire.LabelResult, error) {
	if len(ids) == 0 {
		orders, err := u.Store.Orders.ListOrders(store.Filter{States: []order.State{order.Paid, order.Packed}})
		if err != nil {
			return nil, err
		}
		slices.SortFunc(orders, func(a, b *order.Order) int { return strings.Compare(a.ID, b.ID) })
		cat := u.Catalog()
		for _, o := range orders {
			if m, found := cat.Method(o.ShippingMethod); (found && m.Pickup) || o.OnlyGiftCards() {
				continue // collected at the shop, or gift cards only (sent by e-mail)
			}
			ids = append(ids, o.ID)
		}
	}
	if len(ids) > MaxLabelBatch {
		ids = ids[:MaxLabelBatch]
	}
	out := make([]wire.LabelResult, 0, len(ids))
	for _, id := range ids {
		_, r, err := u.CreateLabel(ctx, id, by)
		if err != nil {
			r.Error = words(err)
		}
		out = append(out, r)
	}
	return out, nil
}

// LabelRows is every order to ship and every shipped one with a label not
// yet delivered (the labels to print), with the errors of a batch.
func (u *Carrier) LabelRows(batch []wire.LabelResult) ([]wire.LabelResult, error) {
	orders, err := u.Store.Orders.ListOrders(store.Filter{States: []order.State{order.Paid, order.Packed, order.Shipped}})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(orders, func(a, b *order.Order) int { return strings.Compare(a.ID, b.ID) })
	failed := map[string]string{}
	for _, r := range batch {
		if r.Error != "" {
			failed[r.Order] = r.Error
		}
	}
	var rows []wire.LabelResult
	for _, o := range orders {
		if (o.State == order.Shipped && o.Meta[MetaParcelID] == "") || o.OnlyGiftCards() {
			continue
		}
		rows = append(rows, LabelResult(o, wire.LabelResult{Order: o.ID, Error: failed[o.ID]}))
	}
	return rows, nil
}

// TodaysParcels are the orders shipped today (shop's time zone) with a
// parcel at the carrier, by number: the labels to print today.
func (u *Carrier) TodaysParcels() ([]*order.Order, error) {
	orders, err := u.Store.Orders.ListOrders(store.Filter{States: []order.State{order.Shipped}})
	if err != nil {
		return nil, err
	}
	now := u.Now().In(u.Zone())
	start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	orders = slices.DeleteFunc(orders, func(o *order.Order) bool {
		return o.Meta[MetaParcelID] == "" || o.ShippedAt.Before(start)
	})
	slices.SortFunc(orders, func(a, b *order.Order) int { return strings.Compare(a.ID, b.ID) })
	return orders, nil
}

// LabelsPDF is page (from 1) of the labels of orders (TodaysParcels) in
// one PDF, carrier.MaxLabelsPerPDF a page: ErrNoLabels, ErrNoPage (with
// the count).
func (u *Carrier) LabelsPDF(ctx context.Context, orders []*order.Order, page int, paper carrier.Paper) ([]byte, error) {
	ml, multi := u.C.(carrier.MultiLabeler)
	if !multi {
		return nil, ErrNoLabels
	}
	from := (page - 1) * carrier.MaxLabelsPerPDF
	if from >= len(orders) {
		return nil, fmt.Errorf("%w: no labels made today on page %d (%d label(s) today)", ErrNoPage, page, len(orders))
	}
	var ids []string
	for _, o := range orders[from:min(len(orders), from+carrier.MaxLabelsPerPDF)] {
		ids = append(ids, o.Meta[MetaParcelID])
	}
	return ml.Labels(ctx, ids, paper)
}

// DeliverParcel moves a shipped order to delivered with the carrier's
// delivery time. eventMS orders webhooks: an older event than one applied
// changes nothing. It reports whether the order changed.
func (u *Carrier) DeliverParcel(id, parcelID string, at time.Time, eventMS int64, by string) (bool, error) {
	changed := false
	o, effects, err := u.Store.Orders.UpdateOrder(id, func(o *order.Order) (bool, []order.Effect, error) {
		if parcelID != "" && o.Meta[MetaParcelID] != parcelID {
			return false, nil, nil // another parcel (not ours, or replaced)
		}
		if last, _ := strconv.ParseInt(o.Meta[MetaCarrierEvent], 10, 64); eventMS != 0 && eventMS <= last {
			return false, nil, nil // replayed or out of order
		}
		if o.State != order.Shipped {
			return false, nil, nil // delivered already, or not shipped by us
		}
		now := u.Now()
		eff, err := o.Do(order.EventDeliver, by, order.Note(order.NoteCarrierDelivery), now)
		if err != nil {
			return false, nil, err
		}
		o.DeliveredAt = carrier.DeliveredAt(o.ShippedAt, at, now) // the real day feeds the promise check
		if eventMS != 0 {
			o.Meta[MetaCarrierEvent] = strconv.FormatInt(eventMS, 10)
		}
		changed = true
		return true, eff, nil
	})
	if err != nil {
		return false, err
	}
	if changed {
		u.Effects(o, effects)
		u.Log.Info("order delivered (carrier)", "order", id, "at", o.DeliveredAt, "by", by)
	}
	return changed, nil
}

// CheckParcels asks the carrier about every shipped order with a parcel
// and records the deliveries; it returns how many were delivered.
func (u *Carrier) CheckParcels(ctx context.Context) (int, error) {
	orders, err := u.Store.Orders.ListOrders(store.Filter{States: []order.State{order.Shipped}})
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, o := range orders {
		pid := o.Meta[MetaParcelID]
		if pid == "" || ctx.Err() != nil {
			continue
		}
		st, err := u.C.Status(ctx, pid, o.TrackingCode)
		if err != nil {
			errs = append(errs, fmt.Errorf("order %s: %w", o.ID, err))
			continue
		}
		if !st.Delivered {
			continue
		}
		changed, err := u.DeliverParcel(o.ID, pid, st.DeliveredAt, 0, "carrier-check")
		if err != nil {
			errs = append(errs, err)
		} else if changed {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// PickupPoints lists points for a pick-up point method near postcode,
// nearest first, cached for ten minutes (each search is a carrier call):
// ErrBadPostcode.
func (u *Carrier) PickupPoints(ctx context.Context, m catalog.ShippingMethod, country, postcode string) ([]carrier.PickupPoint, error) {
	pc, good := carrier.NormalizePostcode(postcode)
	if !good {
		return nil, ErrBadPostcode
	}
	key := m.CarrierOption + "|" + strings.ToUpper(country) + "|" + pc
	u.cacheMu.Lock()
	if e, hit := u.cache[key]; hit && u.Now().Sub(e.at) < 10*time.Minute {
		u.cacheMu.Unlock()
		return e.points, nil
	}
	u.cacheMu.Unlock()
	pts, err := u.C.PickupPoints(ctx, country, pc, m.CarrierOption)
	if err != nil {
		return nil, err
	}
	pts = carrier.Nearest(pts, MaxPickupShown)
	u.cacheMu.Lock()
	if u.cache == nil || len(u.cache) > 2000 {
		u.cache = map[string]pickupCached{}
	}
	u.cache[key] = pickupCached{at: u.Now(), points: pts}
	u.cacheMu.Unlock()
	return pts, nil
}
