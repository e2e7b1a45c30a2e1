package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/store"
)

func actor(c *gin.Context) string {
	if a := c.GetString(ctxActor); a != "" {
		return a
	}
	return "admin"
}

func (s *Sidecar) adminListOrders(c *gin.Context) {
	var f store.Filter
	if st := c.Query("state"); st != "" {
		for _, one := range strings.Split(st, ",") {
			if !order.State(one).Valid() {
				fail(c, http.StatusBadRequest, fmt.Sprintf("unknown state %q; states are %v", one, order.States))
				return
			}
			f.States = append(f.States, order.State(one))
		}
	}
	if l := c.Query("limit"); l != "" {
		var n int
		if _, err := fmt.Sscan(l, &n); err != nil || n < 1 {
			fail(c, http.StatusBadRequest, "limit must be a positive number")
			return
		}
		f.Limit = n
	}
	orders, err := s.store.ListOrders(f)
	if err != nil {
		s.internal(c, "list orders", err)
		return
	}
	out := OrderList{Orders: make([]OrderView, 0, len(orders))}
	for _, o := range orders {
		out.Orders = append(out.Orders, s.orderView(o, "en", true))
	}
	ok(c, http.StatusOK, out)
}

func (s *Sidecar) adminOrder(c *gin.Context) (*order.Order, bool) {
	o, err := s.store.GetOrder(c.Param("id"))
	if errors.Is(err, store.ErrNotFound) {
		fail(c, http.StatusNotFound, "no order "+c.Param("id"))
		return nil, false
	}
	if err != nil {
		s.internal(c, "get order", err)
		return nil, false
	}
	return o, true
}

func (s *Sidecar) adminShowOrder(c *gin.Context) {
	if o, found := s.adminOrder(c); found {
		v := s.orderView(o, "en", true)
		v.MailProblems = s.orderMailProblems(o.ID) // mailfail.go
		ok(c, http.StatusOK, v)
	}
}

// adminDo applies an owner's event and answers with the order.
func (s *Sidecar) adminDo(c *gin.Context, ev order.Event, fn func(o *order.Order)) {
	o, found := s.adminOrder(c)
	if !found {
		return
	}
	o, effects, err := s.store.UpdateOrder(o.ID, func(o *order.Order) (bool, []order.Effect, error) {
		if fn != nil {
			fn(o)
		}
		eff, err := o.Do(ev, actor(c), "", s.now())
		return err == nil, eff, err
	})
	if errors.Is(err, order.ErrTransition) {
		fail(c, http.StatusConflict, fmt.Sprintf("cannot %s order %s: it is %s", ev, c.Param("id"), s.stateOf(c.Param("id"))))
		return
	}
	if err != nil {
		s.internal(c, "order "+string(ev), err)
		return
	}
	s.log.Info("order changed by owner", "order", o.ID, "event", string(ev), "by", actor(c))
	for _, e := range effects {
		if e.Kind == order.EffectRefundDue && ev == order.EventCancel {
			if o2, err := s.refund(c.Request.Context(), o, actor(c)); err != nil {
				s.log.Error("refund", "order", o.ID, "err", err)
				fail(c, http.StatusBadGateway, "the order is canceled, but the refund failed: "+err.Error()+"; run cancel again to retry the refund")
				return
			} else {
				o = o2
			}
		}
	}
	s.handleEffects(o, effects)
	ok(c, http.StatusOK, s.orderView(o, "en", true))
}

func (s *Sidecar) stateOf(id string) string {
	if o, err := s.store.GetOrder(id); err == nil {
		return string(o.State)
	}
	return "unknown"
}

func (s *Sidecar) adminPack(c *gin.Context)    { s.adminDo(c, order.EventPack, nil) }
func (s *Sidecar) adminDeliver(c *gin.Context) { s.adminDo(c, order.EventDeliver, nil) }

func (s *Sidecar) adminShip(c *gin.Context) {
	var req struct {
		TrackingURL  string `json:"tracking_url"`
		TrackingCode string `json:"tracking_code"`
	}
	if c.Request.ContentLength != 0 {
		if !decodeJSON(c, &req) {
			return
		}
	}
	method := ""
	if req.TrackingURL == "" && req.TrackingCode != "" {
		o, found := s.adminOrder(c)
		if !found {
			return
		}
		method = o.ShippingMethod
	}
	link, good := s.trackingLink(method, req.TrackingURL, req.TrackingCode)
	if !good {
		fail(c, http.StatusUnprocessableEntity, "tracking_url must be an http(s) link, e.g. https://jouw.postnl.nl/track-and-trace/3SABC123")
		return
	}
	req.TrackingURL = link
	s.adminDo(c, order.EventShip, func(o *order.Order) {
		o.TrackingURL, o.TrackingCode = req.TrackingURL, req.TrackingCode
	})
}

// trackingLink is the tracking link of a shipment: link when given, else
// the shipping method's link template (catalog) filled with code, else "".
// good is false for a link that is not an http(s) URL of sane length.
func (s *Sidecar) trackingLink(method, link, code string) (string, bool) {
	if link == "" && code != "" {
		if m, found := s.catalog.Current().Method(method); found && m.TrackingURL != "" {
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

// adminCancel cancels an order; a paid order is refunded in full. Canceling
// an order that is canceled already retries a refund that failed.
func (s *Sidecar) adminCancel(c *gin.Context) {
	o, found := s.adminOrder(c)
	if !found {
		return
	}
	if o.State == order.Canceled && !o.PaidAt.IsZero() && o.Refundable() > 0 {
		o2, err := s.refund(c.Request.Context(), o, actor(c))
		if err != nil {
			fail(c, http.StatusBadGateway, "refund failed: "+err.Error())
			return
		}
		ok(c, http.StatusOK, s.orderView(o2, "en", true))
		return
	}
	s.adminDo(c, order.EventCancel, nil)
}

// refund gives the whole paid amount back through the provider, once:
// recorded before it is sent, with its own idempotency key, never sent
// again before the provider's list was read (refunds.go).
func (s *Sidecar) refund(ctx context.Context, o *order.Order, by string) (*order.Order, error) {
	o2, _, err := s.doRefund(ctx, o.ID, by, planFull("cancel"))
	if errors.Is(err, errRefundUncertain) {
		err = nil // recorded; the reconciler finishes it
	}
	return orOld(o2, o), err
}

// adminBackup streams a consistent copy of the database (store.Backup
// copies it to a local file first, so writers go on meanwhile). A client
// that stops reading is cut off after backupStall; one that keeps reading
// may take as long as it needs.
func (s *Sidecar) adminBackup(c *gin.Context) {
	rc := http.NewResponseController(c.Writer)
	_ = rc.SetWriteDeadline(time.Time{})
	name := "shop-" + s.now().UTC().Format("20060102-150405") + ".db"
	c.Header("Content-Type", "application/octet-stream")
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Status(http.StatusOK)
	n, err := s.store.Backup(deadlineWriter{w: c.Writer, rc: rc, stall: backupStall})
	if err != nil {
		s.log.Error("backup", "err", err, "bytes", n)
		panic(http.ErrAbortHandler) // headers are out: cut the stream so the client sees it broke
	}
	s.log.Info("backup streamed", "bytes", n, "by", actor(c))
}

// backupStall is how long a backup client may stop reading before the
// stream is cut.
const backupStall = 30 * time.Second

// deadlineWriter sets a fresh write deadline before each write, so a
// stream goes on while the client reads and ends when it stalls.
type deadlineWriter struct {
	w     io.Writer
	rc    *http.ResponseController
	stall time.Duration
}

func (d deadlineWriter) Write(p []byte) (int, error) {
	_ = d.rc.SetWriteDeadline(time.Now().Add(d.stall))
	return d.w.Write(p)
}
