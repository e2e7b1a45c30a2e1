package server

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/carrier"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/sendcloud"
	"github.com/storefront/storefront/checkout/store"
)

// Labels, tracking and pick-up points through a carrier (docs/carriers.md).
// The built-in manual carrier is the default (the owner types a tracking
// code); with the Sendcloud keys set, packing an order can create the
// parcel and its label, Sendcloud's webhook and a periodic check move
// shipped orders to delivered with the carrier's date, and pick-up point
// methods let the customer choose a point near a postcode.

// Order Meta keys the carrier code writes.
const (
	metaCarrier       = "carrier"
	metaParcelID      = "parcel_id"
	metaPickupID      = "pickup_point_id"
	metaPickupText    = "pickup_point"
	metaCarrierEvent  = "carrier_event_ms" // the newest carrier webhook applied (ms)
	defaultCarrierChk = 30 * time.Minute
	maxPickupShown    = 8
	maxLabelBatch     = 100
	webhookMaxAge     = 72 * time.Hour // Sendcloud retries for about ten hours; older is a replay
)

// carrierState is the carrier part of the sidecar.
type carrierState struct {
	c          carrier.Carrier
	secret     string // webhook signature key; "" with the manual carrier
	checkEvery time.Duration
	locks      keyLocks // one label creation per order at a time

	cacheMu sync.Mutex
	cache   map[string]pickupCached // "option|country|postcode"
}

type pickupCached struct {
	at     time.Time
	points []carrier.PickupPoint
}

// openCarrier picks the carrier from the options.
func (s *Sidecar) openCarrier() error {
	s.ship.checkEvery = s.opts.CarrierCheckEvery
	if s.ship.checkEvery == 0 {
		s.ship.checkEvery = defaultCarrierChk
	}
	if s.opts.SendcloudPublicKey == "" {
		s.ship.c = carrier.Manual{}
		return nil
	}
	opts := []sendcloud.Option{sendcloud.WithLogger(s.log)}
	if s.opts.SendcloudBaseURL != "" {
		opts = append(opts, sendcloud.WithBaseURL(s.opts.SendcloudBaseURL))
	}
	c, err := sendcloud.New(nil, s.opts.SendcloudPublicKey, s.opts.SendcloudSecretKey, opts...)
	if err != nil {
		return err
	}
	s.ship.c = c
	s.ship.secret = s.opts.SendcloudWebhookSecret
	if s.ship.secret == "" {
		s.ship.secret = s.opts.SendcloudSecretKey // Sendcloud signs API-integration webhooks with the secret key
	}
	return nil
}

// startCarrierCheck asks the carrier about shipped parcels now and then,
// as the reconciler does for payments: a lost webhook delays, never loses,
// a delivery.
func (s *Sidecar) startCarrierCheck(ctx context.Context) {
	if _, manual := s.ship.c.(carrier.Manual); manual || s.ship.checkEvery < 0 {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(s.ship.checkEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if n, err := s.checkParcels(ctx); err != nil {
					s.log.Warn("carrier check", "err", err, "delivered", n)
				}
			}
		}
	}()
}

//go:embed pickup.js
var pickupJS []byte

// pickupScript serves the pick-up point chooser, only asked for by a
// checkout page that offers pick-up points (kept out of shop.js and its
// 14 KB budget).
func (s *Sidecar) pickupScript(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=300")
	c.Data(http.StatusOK, "text/javascript; charset=utf-8", pickupJS)
}

// shipmentFor is what the carrier is asked to ship for an order.
func (s *Sidecar) shipmentFor(o *order.Order) carrier.Shipment {
	sh := carrier.Shipment{Reference: o.ID, To: carrier.Address{Name: o.Customer.Name, Street: o.Customer.Street,
		PostalCode: o.Customer.PostalCode, City: o.Customer.City, Country: o.Customer.Country, Email: o.Customer.Email},
		PickupPoint: o.Meta[metaPickupID]}
	if m, ok := s.catalog.Current().Method(o.ShippingMethod); ok {
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

var errNotShippable = errors.New("not shippable")

// createLabel makes the order's parcel and label and marks it shipped (a
// paid order is packed on the way). Asking again for an order that has its
// parcel returns that parcel: the carrier is not asked for a second one.
func (s *Sidecar) createLabel(ctx context.Context, id, by string) (*order.Order, LabelResult, error) {
	unlock := s.ship.locks.lock(id)
	defer unlock()
	res := LabelResult{Order: id}
	o, err := s.store.GetOrder(id)
	if err != nil {
		return nil, res, err
	}
	if o.Meta[metaParcelID] != "" {
		res.Existing = true
		return o, s.labelResult(o, res), nil
	}
	if o.State != order.Paid && o.State != order.Packed {
		return o, res, fmt.Errorf("%w: order %s is %s; a label is made for a paid or packed order", errNotShippable, id, o.State)
	}
	if m, found := s.catalog.Current().Method(o.ShippingMethod); found && m.Pickup {
		return o, res, fmt.Errorf("%w: order %s is collected at the shop (%s); it needs no label", errNotShippable, id, m.ID)
	}
	p, err := s.ship.c.CreateParcel(ctx, s.shipmentFor(o))
	if err != nil {
		return o, res, err
	}
	link := p.TrackingURL
	if link == "" {
		link, _ = s.trackingLink(o.ShippingMethod, "", p.TrackingCode)
	}
	o2, effects, err := s.store.UpdateOrder(id, func(o *order.Order) (bool, []order.Effect, error) {
		if o.Meta == nil {
			o.Meta = map[string]string{}
		}
		o.Meta[metaCarrier], o.Meta[metaParcelID] = s.ship.c.Name(), p.ID
		o.TrackingCode, o.TrackingURL = p.TrackingCode, link
		var all []order.Effect
		if o.State == order.Paid {
			eff, err := o.Do(order.EventPack, by, "label "+p.TrackingCode, s.now())
			if err != nil {
				return false, nil, err
			}
			all = append(all, eff...)
		}
		if o.State == order.Packed {
			eff, err := o.Do(order.EventShip, by, "label "+p.TrackingCode, s.now())
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
	s.handleEffects(o2, effects)
	s.log.Info("label created", "order", id, "carrier", s.ship.c.Name(), "parcel", p.ID, "existing", p.Existing, "by", by)
	res.Existing = p.Existing
	return o2, s.labelResult(o2, res), nil
}

func (s *Sidecar) labelResult(o *order.Order, r LabelResult) LabelResult {
	r.State, r.TrackingCode, r.TrackingURL = string(o.State), o.TrackingCode, o.TrackingURL
	if o.Meta[metaParcelID] != "" {
		r.LabelA6 = "/admin/orders/" + url.PathEscape(o.ID) + "/label?size=A6"
		r.LabelA4 = "/admin/orders/" + url.PathEscape(o.ID) + "/label?size=A4"
	}
	return r
}

// labelStatus maps a label error to an HTTP status and words for the owner.
func labelStatus(err error) (int, string) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "no such order"
	case errors.Is(err, errNotShippable), errors.Is(err, order.ErrTransition):
		return http.StatusConflict, err.Error()
	case errors.Is(err, carrier.ErrNotSupported):
		return http.StatusConflict, err.Error()
	case errors.Is(err, sendcloud.ErrInvalidAddress):
		return http.StatusUnprocessableEntity, "the carrier refused the address; correct it with the customer and try again: " + err.Error()
	case errors.Is(err, sendcloud.ErrUnauthorized):
		return http.StatusBadGateway, sendcloud.ErrUnauthorized.Error() + " (" + err.Error() + ")"
	case errors.Is(err, sendcloud.ErrTimeout), errors.Is(err, sendcloud.ErrServer):
		return http.StatusBadGateway, "the carrier did not answer; try again (no second parcel is made): " + err.Error()
	}
	return http.StatusBadGateway, err.Error()
}

// apiCreateLabel is POST /api/admin/orders/{id}/label.
func (s *Sidecar) apiCreateLabel(c *gin.Context) {
	_, res, err := s.createLabel(c.Request.Context(), c.Param("id"), actor(c))
	if err != nil {
		st, msg := labelStatus(err)
		fail(c, st, "label for "+c.Param("id")+": "+msg)
		return
	}
	ok(c, http.StatusOK, res)
}

// apiLabelPDF is GET .../orders/{id}/label?size=A6|A4: the label PDF.
func (s *Sidecar) apiLabelPDF(c *gin.Context) {
	paper, good := carrier.ParsePaper(c.Query("size"))
	if !good {
		fail(c, http.StatusBadRequest, "size must be A6 (label printer) or A4 (normal printer)")
		return
	}
	o, err := s.store.GetOrder(c.Param("id"))
	if err != nil {
		fail(c, http.StatusNotFound, "no order "+c.Param("id"))
		return
	}
	pid := o.Meta[metaParcelID]
	if pid == "" {
		fail(c, http.StatusNotFound, "order "+o.ID+" has no label yet; create it first")
		return
	}
	pdf, err := s.ship.c.Label(c.Request.Context(), pid, paper)
	if err != nil {
		st, msg := labelStatus(err)
		fail(c, st, "label of "+o.ID+": "+msg)
		return
	}
	c.Header("Content-Disposition", `inline; filename="label-`+o.ID+`-`+string(paper)+`.pdf"`)
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", pdf)
}

// labelBatch makes the labels of the orders given, or of every paid and
// packed order when none are given ("print today's labels").
func (s *Sidecar) labelBatch(ctx context.Context, ids []string, by string) ([]LabelResult, error) {
	if len(ids) == 0 {
		orders, err := s.store.ListOrders(store.Filter{States: []order.State{order.Paid, order.Packed}})
		if err != nil {
			return nil, err
		}
		slices.SortFunc(orders, func(a, b *order.Order) int { return strings.Compare(a.ID, b.ID) })
		cat := s.catalog.Current()
		for _, o := range orders {
			if m, found := cat.Method(o.ShippingMethod); found && m.Pickup {
				continue // collected at the shop
			}
			ids = append(ids, o.ID)
		}
	}
	if len(ids) > maxLabelBatch {
		ids = ids[:maxLabelBatch]
	}
	out := make([]LabelResult, 0, len(ids))
	for _, id := range ids {
		_, r, err := s.createLabel(ctx, id, by)
		if err != nil {
			_, r.Error = labelStatus(err)
		}
		out = append(out, r)
	}
	return out, nil
}

// apiCreateLabels is POST /api/admin/labels {"orders": [...]} (empty: all to ship).
func (s *Sidecar) apiCreateLabels(c *gin.Context) {
	var req struct {
		Orders []string `json:"orders"`
	}
	if c.Request.ContentLength != 0 && !decodeJSON(c, &req) {
		return
	}
	if len(req.Orders) > maxLabelBatch {
		fail(c, http.StatusBadRequest, fmt.Sprintf("at most %d orders at once", maxLabelBatch))
		return
	}
	res, err := s.labelBatch(c.Request.Context(), req.Orders, actor(c))
	if err != nil {
		s.internal(c, "labels", err)
		return
	}
	ok(c, http.StatusOK, map[string]any{"labels": res})
}

// pageLabels is GET /admin/labels: today's labels, with a button to make
// the missing ones.
func (s *Sidecar) pageLabels(c *gin.Context) {
	rows, err := s.labelRows(nil)
	if err != nil {
		s.internalPage(c, "labels", err)
		return
	}
	s.renderLabels(c, http.StatusOK, rows, "")
}

// labelRows is every order to ship and every shipped one with a label not
// yet delivered (the labels to print), with the errors of a batch.
func (s *Sidecar) labelRows(batch []LabelResult) ([]LabelResult, error) {
	orders, err := s.store.ListOrders(store.Filter{States: []order.State{order.Paid, order.Packed, order.Shipped}})
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
	var rows []LabelResult
	for _, o := range orders {
		if o.State == order.Shipped && o.Meta[metaParcelID] == "" {
			continue
		}
		rows = append(rows, s.labelResult(o, LabelResult{Order: o.ID, Error: failed[o.ID]}))
	}
	return rows, nil
}

func (s *Sidecar) renderLabels(c *gin.Context, status int, rows []LabelResult, notice string) {
	c.Set("lang", "en")
	_, manual := s.ship.c.(carrier.Manual)
	today, err := s.todaysParcels()
	if err != nil {
		s.internalPage(c, "labels", err)
		return
	}
	var pages []int
	if _, multi := s.ship.c.(carrier.MultiLabeler); multi {
		for i := 0; i*carrier.MaxLabelsPerPDF < len(today); i++ {
			pages = append(pages, i+1)
		}
	}
	s.page(c, status, "admin-labels", "Labels", map[string]any{"CSRF": c.GetString("csrf"), "Rows": rows,
		"Manual": manual, "Notice": notice, "Carrier": s.ship.c.Name(), "Today": len(today), "Pages": pages})
}

// todaysParcels are the orders shipped today (shop's time zone) with a
// parcel at the carrier, by number: the labels to print today.
func (s *Sidecar) todaysParcels() ([]*order.Order, error) {
	orders, err := s.store.ListOrders(store.Filter{States: []order.State{order.Shipped}})
	if err != nil {
		return nil, err
	}
	now := s.now().In(s.zone())
	start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	orders = slices.DeleteFunc(orders, func(o *order.Order) bool {
		return o.Meta[metaParcelID] == "" || o.ShippedAt.Before(start)
	})
	slices.SortFunc(orders, func(a, b *order.Order) int { return strings.Compare(a.ID, b.ID) })
	return orders, nil
}

// labelsPDF is GET /admin/labels.pdf?size=A6|A4&page=N (and under
// /api/admin/): today's labels in one PDF, MaxLabelsPerPDF a page of
// the list.
func (s *Sidecar) labelsPDF(c *gin.Context) {
	paper, good := carrier.ParsePaper(c.Query("size"))
	if !good {
		fail(c, http.StatusBadRequest, "size must be A6 (label printer) or A4 (normal printer)")
		return
	}
	page := 1
	if p := c.Query("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1000 {
			fail(c, http.StatusBadRequest, "page must be a number from 1")
			return
		}
		page = n
	}
	ml, multi := s.ship.c.(carrier.MultiLabeler)
	if !multi {
		fail(c, http.StatusConflict, "the "+s.ship.c.Name()+" carrier makes no labels")
		return
	}
	orders, err := s.todaysParcels()
	if err != nil {
		s.internal(c, "labels", err)
		return
	}
	from := (page - 1) * carrier.MaxLabelsPerPDF
	if from >= len(orders) {
		fail(c, http.StatusNotFound, fmt.Sprintf("no labels made today on page %d (%d label(s) today)", page, len(orders)))
		return
	}
	var ids []string
	for _, o := range orders[from:min(len(orders), from+carrier.MaxLabelsPerPDF)] {
		ids = append(ids, o.Meta[metaParcelID])
	}
	pdf, err := ml.Labels(c.Request.Context(), ids, paper)
	if err != nil {
		st, msg := labelStatus(err)
		fail(c, st, "today's labels: "+msg)
		return
	}
	name := "labels-" + s.now().In(s.zone()).Format("2006-01-02") + "-" + string(paper)
	if page > 1 {
		name += "-" + strconv.Itoa(page)
	}
	c.Header("Content-Disposition", `inline; filename="`+name+`.pdf"`)
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", pdf)
}

// formLabels is POST /admin/labels: make the labels of every order to ship.
func (s *Sidecar) formLabels(c *gin.Context) {
	res, err := s.labelBatch(c.Request.Context(), nil, adminBy)
	if err != nil {
		s.internalPage(c, "labels", err)
		return
	}
	made := 0
	for _, r := range res {
		if r.Error == "" {
			made++
		}
	}
	rows, err := s.labelRows(res)
	if err != nil {
		s.internalPage(c, "labels", err)
		return
	}
	s.renderLabels(c, http.StatusOK, rows, fmt.Sprintf("%d new label(s), %d failed.", made, len(res)-made))
}

// adminLabelAction is the admin order page's "Create label" button; it
// returns a code of adminNotices.
func (s *Sidecar) adminLabelAction(ctx context.Context, id string) (string, error) {
	_, _, err := s.createLabel(ctx, id, adminBy)
	if err != nil {
		_, msg := labelStatus(err)
		return "", errors.New("Label not created: " + msg)
	}
	return "label", nil
}

// deliverParcel moves a shipped order to delivered with the carrier's
// delivery time. eventMS orders webhooks: an older event than one applied
// changes nothing. It reports whether the order changed.
func (s *Sidecar) deliverParcel(id, parcelID string, at time.Time, eventMS int64, by string) (bool, error) {
	changed := false
	o, effects, err := s.store.UpdateOrder(id, func(o *order.Order) (bool, []order.Effect, error) {
		if parcelID != "" && o.Meta[metaParcelID] != parcelID {
			return false, nil, nil // another parcel (not ours, or replaced)
		}
		if last, _ := strconv.ParseInt(o.Meta[metaCarrierEvent], 10, 64); eventMS != 0 && eventMS <= last {
			return false, nil, nil // replayed or out of order
		}
		if o.State != order.Shipped {
			return false, nil, nil // delivered already, or not shipped by us
		}
		now := s.now()
		eff, err := o.Do(order.EventDeliver, by, "carrier: delivered", now)
		if err != nil {
			return false, nil, err
		}
		o.DeliveredAt = carrier.DeliveredAt(o.ShippedAt, at, now) // the real day feeds the promise check
		if eventMS != 0 {
			o.Meta[metaCarrierEvent] = strconv.FormatInt(eventMS, 10)
		}
		changed = true
		return true, eff, nil
	})
	if err != nil {
		return false, err
	}
	if changed {
		s.handleEffects(o, effects)
		s.log.Info("order delivered (carrier)", "order", id, "at", o.DeliveredAt, "by", by)
	}
	return changed, nil
}

// sendcloudWebhook is POST /api/webhooks/sendcloud: a parcel status
// change, signed with Sendcloud-Signature (HMAC-SHA256 of the raw body).
func (s *Sidecar) sendcloudWebhook(c *gin.Context) {
	if s.ship.secret == "" {
		fail(c, http.StatusNotFound, "no carrier webhook is configured")
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		fail(c, http.StatusRequestEntityTooLarge, "webhook body too large or unreadable")
		return
	}
	if !sendcloud.VerifySignature(body, c.GetHeader("Sendcloud-Signature"), s.ship.secret) {
		s.log.Warn("sendcloud webhook with a bad signature", "remote", c.ClientIP())
		fail(c, http.StatusUnauthorized, "bad Sendcloud-Signature")
		return
	}
	wh, err := sendcloud.ParseWebhook(body)
	if err != nil {
		fail(c, http.StatusBadRequest, "webhook body is not Sendcloud's JSON")
		return
	}
	if wh.Timestamp != 0 && s.now().Sub(time.UnixMilli(wh.Timestamp)) > webhookMaxAge {
		fail(c, http.StatusBadRequest, "webhook too old (replayed?)")
		return
	}
	delivered, at := wh.Delivered()
	if !delivered || wh.Parcel.OrderNumber == "" {
		c.Status(http.StatusOK) // other statuses: nothing to do
		return
	}
	_, err = s.deliverParcel(wh.Parcel.OrderNumber, strconv.FormatInt(wh.Parcel.ID, 10), at, wh.Timestamp, "carrier")
	if errors.Is(err, store.ErrNotFound) {
		c.Status(http.StatusOK) // not our order
		return
	}
	if err != nil {
		s.log.Error("sendcloud webhook", "order", wh.Parcel.OrderNumber, "err", err)
		fail(c, http.StatusServiceUnavailable, "could not record the delivery; retry later")
		return
	}
	c.Status(http.StatusOK)
}

// checkParcels asks the carrier about every shipped order with a parcel
// and records the deliveries; it returns how many were delivered.
func (s *Sidecar) checkParcels(ctx context.Context) (int, error) {
	orders, err := s.store.ListOrders(store.Filter{States: []order.State{order.Shipped}})
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, o := range orders {
		pid := o.Meta[metaParcelID]
		if pid == "" || ctx.Err() != nil {
			continue
		}
		st, err := s.ship.c.Status(ctx, pid, o.TrackingCode)
		if err != nil {
			errs = append(errs, fmt.Errorf("order %s: %w", o.ID, err))
			continue
		}
		if !st.Delivered {
			continue
		}
		changed, err := s.deliverParcel(o.ID, pid, st.DeliveredAt, 0, "carrier-check")
		if err != nil {
			errs = append(errs, err)
		} else if changed {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// apiCheckParcels is POST /api/admin/parcels/check: the periodic check, now.
func (s *Sidecar) apiCheckParcels(c *gin.Context) {
	n, err := s.checkParcels(c.Request.Context())
	res := map[string]any{"delivered": n}
	if err != nil {
		res["errors"] = err.Error()
	}
	ok(c, http.StatusOK, res)
}

// pickupPoints lists points for a pick-up point method near postcode,
// nearest first, cached for ten minutes (each search is a carrier call).
func (s *Sidecar) pickupPoints(ctx context.Context, m catalog.ShippingMethod, country, postcode string) ([]carrier.PickupPoint, error) {
	pc, good := carrier.NormalizePostcode(postcode)
	if !good {
		return nil, errBadPostcode
	}
	key := m.CarrierOption + "|" + strings.ToUpper(country) + "|" + pc
	s.ship.cacheMu.Lock()
	if e, hit := s.ship.cache[key]; hit && s.now().Sub(e.at) < 10*time.Minute {
		s.ship.cacheMu.Unlock()
		return e.points, nil
	}
	s.ship.cacheMu.Unlock()
	pts, err := s.ship.c.PickupPoints(ctx, country, pc, m.CarrierOption)
	if err != nil {
		return nil, err
	}
	pts = carrier.Nearest(pts, maxPickupShown)
	s.ship.cacheMu.Lock()
	if s.ship.cache == nil || len(s.ship.cache) > 2000 {
		s.ship.cache = map[string]pickupCached{}
	}
	s.ship.cache[key] = pickupCached{at: s.now(), points: pts}
	s.ship.cacheMu.Unlock()
	return pts, nil
}

var errBadPostcode = errors.New("bad postcode")

// apiPickupPoints is GET /api/pickup-points?method=&country=&postcode=.
func (s *Sidecar) apiPickupPoints(c *gin.Context) {
	lang := s.lang(c)
	m, found := s.catalog.Current().Method(c.Query("method"))
	if !found || !m.PickupPoints {
		fail(c, http.StatusBadRequest, "method must be a pick-up point shipping method")
		return
	}
	country := strings.ToUpper(c.DefaultQuery("country", s.catalog.Current().Shop.Country))
	if !m.Ships(country) {
		fail(c, http.StatusBadRequest, "this method does not deliver in "+country)
		return
	}
	pts, err := s.pickupPoints(c.Request.Context(), m, country, c.Query("postcode"))
	switch {
	case errors.Is(err, errBadPostcode):
		fail(c, http.StatusBadRequest, tr(lang, "pickup.bad_postcode"))
		return
	case err != nil:
		s.log.Warn("pick-up points", "err", err)
		fail(c, http.StatusBadGateway, tr(lang, "pickup.unavailable"))
		return
	}
	ok(c, http.StatusOK, map[string]any{"points": pts})
}

// pickupOffer is the checkout page's pick-up point field.
type pickupOffer struct {
	Show     bool   // the catalog has a pick-up point method (the field is on the page)
	Active   bool   // the chosen method is one (the field is shown)
	Methods  string // the pick-up point methods' ids, comma-separated, for the page's script
	Postcode string
	Points   []carrier.PickupPoint
	Chosen   string
	Message  string
}

// offerPickup fills the field for the form: the points near the postcode
// asked (or the address's), the chosen one kept.
func (s *Sidecar) offerPickup(ctx context.Context, f checkoutForm, cat *catalog.Catalog, lang string) pickupOffer {
	var ids []string
	for _, m := range cat.Shipping.Methods {
		if m.PickupPoints {
			ids = append(ids, m.ID)
		}
	}
	p := pickupOffer{Show: len(ids) > 0, Methods: strings.Join(ids, ","), Postcode: f.PickupPostcode, Chosen: f.PickupPoint}
	m, found := cat.Method(f.ShippingMethod)
	if !found || !m.PickupPoints {
		return p
	}
	p.Active = true
	if p.Postcode == "" {
		p.Postcode = f.PostalCode
	}
	if p.Postcode == "" {
		return p
	}
	pts, err := s.pickupPoints(ctx, m, f.Country, p.Postcode)
	switch {
	case errors.Is(err, errBadPostcode):
		p.Message = tr(lang, "pickup.bad_postcode")
	case err != nil:
		s.log.Warn("pick-up points", "err", err)
		p.Message = tr(lang, "pickup.unavailable")
	case len(pts) == 0:
		p.Message = tr(lang, "pickup.none")
	}
	p.Points = pts
	return p
}

// checkPickup checks the chosen point of a pick-up point method against
// the carrier's list for the postcode searched; it returns the point, or a
// message for the field.
func (s *Sidecar) checkPickup(ctx context.Context, f checkoutForm, cat *catalog.Catalog, lang string) (*carrier.PickupPoint, string) {
	m, found := cat.Method(f.ShippingMethod)
	if !found || !m.PickupPoints {
		return nil, ""
	}
	if f.PickupPoint == "" {
		return nil, tr(lang, "pickup.choose")
	}
	pc := f.PickupPostcode
	if pc == "" {
		pc = f.PostalCode
	}
	pts, err := s.pickupPoints(ctx, m, f.Country, pc)
	if err != nil {
		return nil, tr(lang, "pickup.unavailable")
	}
	for _, p := range pts {
		if p.ID == f.PickupPoint {
			return &p, ""
		}
	}
	return nil, tr(lang, "pickup.choose")
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

func km(m int) string {
	if m <= 0 {
		return ""
	}
	if m < 1000 {
		return strconv.Itoa(m) + " m"
	}
	return strconv.FormatFloat(float64(m)/1000, 'f', 1, 64) + " km"
}

func init() {
	adminNotices["label"] = "Label ready; the order is shipped and the customer gets an e-mail with the tracking link."
}

// carrierFuncs are the functions of templates/carrier.html.
var carrierFuncs = template.FuncMap{"km": km}
