package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/usecase"
)

func actor(c *gin.Context) string {
	if a := c.GetString(ctxActor); a != "" {
		return a
	}
	return "admin"
}

func (s *Sidecar) adminListOrders(c *gin.Context) {
	var states []order.State
	limit := 0
	if st := c.Query("state"); st != "" {
		for _, one := range strings.Split(st, ",") {
			if !order.State(one).Valid() {
				fail(c, http.StatusBadRequest, fmt.Sprintf("unknown state %q; states are %v", one, order.States))
				return
			}
			states = append(states, order.State(one))
		}
	}
	if l := c.Query("limit"); l != "" {
		var n int
		if _, err := fmt.Sscan(l, &n); err != nil || n < 1 {
			fail(c, http.StatusBadRequest, "limit must be a positive number")
			return
		}
		limit = n
	}
	orders, err := s.uc.orders.List(states, limit)
	if err != nil {
		s.internal(c, "list orders", err)
		return
	}
	out := OrderList{Orders: make([]OrderView, 0, len(orders))}
	for _, o := range orders {
		out.Orders = append(out.Orders, s.orders.orderView(o, "en", true))
	}
	ok(c, http.StatusOK, out)
}

func (s *Sidecar) adminOrder(c *gin.Context) (*order.Order, bool) {
	o, err := s.uc.orders.Get(c.Param("id"))
	if errors.Is(err, usecase.ErrNotFound) {
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
		v := s.orders.orderView(o, "en", true)
		v.MailProblems = s.orderMailProblems(o.ID) // mailfail.go
		ok(c, http.StatusOK, v)
	}
}

// answerOwner answers an owner's action on the admin API: the order, or
// the domain error as a status and {"error"} (one mapper for every action).
func (s *Sidecar) answerOwner(c *gin.Context, ev order.Event, o *order.Order, err error) {
	id := c.Param("id")
	switch {
	case err == nil:
		ok(c, http.StatusOK, s.orders.orderView(o, "en", true))
	case errors.Is(err, usecase.ErrNotFound):
		fail(c, http.StatusNotFound, "no order "+id)
	case errors.Is(err, order.ErrTransition):
		fail(c, http.StatusConflict, fmt.Sprintf("cannot %s order %s: it is %s", ev, id, s.uc.orders.StateOf(id)))
	case errors.Is(err, ErrBadTrackingLink), errors.Is(err, ErrNoTrackingTemplate), errors.Is(err, ErrCancelRefund), errors.Is(err, usecase.ErrGiftCardsIssued):
		st, msg := ownerError(err)
		fail(c, st, msg)
	default:
		s.internal(c, "order "+string(ev), err)
	}
}

func (s *Sidecar) adminPack(c *gin.Context) {
	o, err := s.uc.orders.Pack(c.Param("id"), actor(c))
	s.answerOwner(c, order.EventPack, o, err)
}

func (s *Sidecar) adminDeliver(c *gin.Context) {
	o, err := s.uc.orders.Deliver(c.Param("id"), actor(c))
	s.answerOwner(c, order.EventDeliver, o, err)
}

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
	o, err := s.uc.orders.Ship(c.Param("id"), actor(c), req.TrackingURL, req.TrackingCode)
	s.answerOwner(c, order.EventShip, o, err)
}

// adminCancel cancels an order; a paid order is refunded in full. Canceling
// an order that is canceled already retries a refund that failed.
func (s *Sidecar) adminCancel(c *gin.Context) {
	o, err := s.uc.orders.Cancel(c.Request.Context(), c.Param("id"), actor(c))
	s.answerOwner(c, order.EventCancel, o, err)
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
	n, err := s.uc.health.Backup(deadlineWriter{w: c.Writer, rc: rc, stall: backupStall})
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
