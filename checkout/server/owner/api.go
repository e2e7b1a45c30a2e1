package owner

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
	"github.com/storefront/storefront/checkout/wire"
)

// API is the owner's JSON API (`shop orders`, `shop backup`, the
// other CLI commands): the bearer token guard that routes.go attaches once
// to the /api/admin group, the orders and their actions, and the backup.
type API struct {
	*web.Web
	Orders    usecase.Orders
	Health    *usecase.Health // the backup
	Guard     *web.TokenGuard // wrong bearer tokens (the sidecar's abuse.go)
	Mails     *MailFail       // an order's failed mails
	OrderView func(o *order.Order, lang string, admin bool) wire.OrderView
}

// AdminAuth checks the bearer token in constant time.
func (h *API) AdminAuth() gin.HandlerFunc {
	want := sha256.Sum256([]byte(h.Config.AdminToken))
	return func(c *gin.Context) {
		if h.Config.AdminToken == "" {
			web.Fail(c, http.StatusForbidden, "the admin API is off: start the sidecar with an admin token (SHOP_ADMIN_TOKEN)")
			return
		}
		// Wrong tokens lock their client out for a growing while and drain a
		// global budget; the API's guard is apart from the login form's, and
		// a client on this machine (the CLI on the server) skips the global
		// lock, so strangers cannot lock the owner out of both.
		// A request without a bearer token guesses nothing: it gets 401.
		client := h.ClientKey(c.Request)
		auth := c.GetHeader("Authorization")
		token, found := strings.CutPrefix(auth, "Bearer ")
		if wait := h.Guard.Wait(client, web.Loopback(client)); found && wait > 0 {
			c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			web.Fail(c, http.StatusTooManyRequests, "too many wrong admin tokens; try again later (see Retry-After)")
			return
		}
		got := sha256.Sum256([]byte(strings.TrimSpace(token)))
		if !found || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			if found {
				h.Guard.Failed(client)
			}
			c.Header("WWW-Authenticate", `Bearer realm="shop admin"`)
			web.Fail(c, http.StatusUnauthorized, "missing or wrong admin token (Authorization: Bearer ...)")
			return
		}
		c.Set(web.CtxActor, "admin")
		if by := c.GetHeader("X-Shop-Actor"); by == "cli" {
			c.Set(web.CtxActor, "cli")
		}
		c.Next()
	}
}

func (h *API) AdminListOrders(c *gin.Context) {
	var states []order.State
	limit := 0
	if st := c.Query("state"); st != "" {
		for _, one := range strings.Split(st, ",") {
			if !order.State(one).Valid() {
				web.Fail(c, http.StatusBadRequest, fmt.Sprintf("unknown state %q; states are %v", one, order.States))
				return
			}
			states = append(states, order.State(one))
		}
	}
	if l := c.Query("limit"); l != "" {
		var n int
		if _, err := fmt.Sscan(l, &n); err != nil || n < 1 {
			web.Fail(c, http.StatusBadRequest, "limit must be a positive number")
			return
		}
		limit = n
	}
	orders, err := h.Orders.List(states, limit)
	if err != nil {
		h.Internal(c, "list orders", err)
		return
	}
	out := wire.OrderList{Orders: make([]wire.OrderView, 0, len(orders))}
	for _, o := range orders {
		out.Orders = append(out.Orders, h.OrderView(o, "en", true))
	}
	web.OK(c, http.StatusOK, out)
}

func (h *API) adminOrder(c *gin.Context) (*order.Order, bool) {
	o, err := h.Orders.Get(c.Param("id"))
	if errors.Is(err, usecase.ErrNotFound) {
		web.Fail(c, http.StatusNotFound, "no order "+c.Param("id"))
		return nil, false
	}
	if err != nil {
		h.Internal(c, "get order", err)
		return nil, false
	}
	return o, true
}

func (h *API) AdminShowOrder(c *gin.Context) {
	if o, found := h.adminOrder(c); found {
		v := h.OrderView(o, "en", true)
		v.MailProblems = h.Mails.orderMailProblems(o.ID) // mailfail.go
		web.OK(c, http.StatusOK, v)
	}
}

// answerOwner answers an owner's action on the admin API: the order, or
// the domain error as a status and {"error"} (one mapper for every action).
func (h *API) answerOwner(c *gin.Context, ev order.Event, o *order.Order, err error) {
	id := c.Param("id")
	switch {
	case err == nil:
		web.OK(c, http.StatusOK, h.OrderView(o, "en", true))
	case errors.Is(err, usecase.ErrNotFound):
		web.Fail(c, http.StatusNotFound, "no order "+id)
	case errors.Is(err, order.ErrTransition):
		web.Fail(c, http.StatusConflict, fmt.Sprintf("cannot %s order %s: it is %s", ev, id, h.Orders.StateOf(id)))
	case errors.Is(err, web.ErrBadTrackingLink), errors.Is(err, web.ErrNoTrackingTemplate), errors.Is(err, web.ErrCancelRefund), errors.Is(err, usecase.ErrGiftCardsIssued),
		errors.Is(err, order.ErrNothingToShip):
		st, msg := ownerError(err)
		web.Fail(c, st, msg)
	default:
		h.Internal(c, "order "+string(ev), err)
	}
}

func (h *API) AdminPack(c *gin.Context) {
	o, err := h.Orders.Pack(c.Param("id"), web.Actor(c))
	h.answerOwner(c, order.EventPack, o, err)
}

func (h *API) AdminDeliver(c *gin.Context) {
	o, err := h.Orders.Deliver(c.Param("id"), web.Actor(c))
	h.answerOwner(c, order.EventDeliver, o, err)
}

func (h *API) AdminShip(c *gin.Context) {
	var req struct {
		TrackingURL  string `json:"tracking_url"`
		TrackingCode string `json:"tracking_code"`
	}
	if c.Request.ContentLength != 0 {
		if !web.DecodeJSON(c, &req) {
			return
		}
	}
	o, err := h.Orders.Ship(c.Param("id"), web.Actor(c), req.TrackingURL, req.TrackingCode)
	h.answerOwner(c, order.EventShip, o, err)
}

// AdminCancel cancels an order; a paid order is refunded in full. Canceling
// an order that is canceled already retries a refund that failed.
func (h *API) AdminCancel(c *gin.Context) {
	o, err := h.Orders.Cancel(c.Request.Context(), c.Param("id"), web.Actor(c))
	h.answerOwner(c, order.EventCancel, o, err)
}

// AdminBackup streams a consistent copy of the database (store.Backup
// copies it to a local file first, so writers go on meanwhile). A client
// that stops reading is cut off after backupStall; one that keeps reading
// may take as long as it needs.
func (h *API) AdminBackup(c *gin.Context) {
	rc := http.NewResponseController(c.Writer)
	_ = rc.SetWriteDeadline(time.Time{})
	name := "shop-" + h.Now().UTC().Format("20060102-150405") + ".db"
	c.Header("Content-Type", "application/octet-stream")
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Status(http.StatusOK)
	n, err := h.Health.Backup(deadlineWriter{w: c.Writer, rc: rc, stall: backupStall})
	if err != nil {
		h.Log.Error("backup", "err", err, "bytes", n)
		panic(http.ErrAbortHandler) // headers are out: cut the stream so the client sees it broke
	}
	h.Log.Info("backup streamed", "bytes", n, "by", web.Actor(c))
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
