package server

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
	"github.com/storefront/storefront/checkout/words"
)

// The owner's page at /admin/: the same actions as `shop orders` and the
// admin API, in a browser. The admin token is typed once into a form; the
// browser then holds a session cookie (HttpOnly, SameSite=Strict, path
// /admin/) whose value is an issue time, a session id and an HMAC keyed by
// the token — never the token itself, and never anything in a URL. The
// session id is recorded in the database (store.StartSession): logging out
// deletes it, so a copied cookie is dead after logout; a session ends after
// adminSessionIdle without use and adminSessionTTL after login. Every POST
// form carries a CSRF token (an HMAC of the session) and passes the
// same-origin check of all pages. Changing the admin token ends every
// session. Wrong tokens are slowed down per client and globally
// (web.TokenGuard); a browser that logged in before carries an owner cookie that
// lets it past the global lock (not past its own client's).

// ownerPages is the owner's page: login, sessions and their guard
// (adminSession, attached once to the /admin group in routes.go), the
// home with orders by state, and an order's page with its buttons.
type ownerPages struct {
	*web.Web
	orders        usecase.Orders
	refunds       usecase.Refunds
	sessions      usecase.Sessions
	guard         *web.TokenGuard // wrong tokens typed into the login form (abuse.go)
	mails         *mailFailHTTP   // an order's failed mails
	health        *healthHTTP     // the alerts on the home page
	orderView     func(o *order.Order, lang string, admin bool) OrderView
	afterSaleView func(o *order.Order, lang string) AfterSaleView
	labelAction   func(ctx context.Context, id, lang, by string) (notice string, err error) // the label button (shipping)
}

const (
	adminCookie      = "sf_admin"
	ownerCookie      = "sf_owner" // this browser has logged in before
	adminSessionTTL  = 12 * time.Hour
	adminSessionIdle = 2 * time.Hour
	ownerCookieTTL   = 365 * 24 * time.Hour
	adminBy          = "admin-page"
)

// sessionKey derives the HMAC key from the admin token.
func (h *ownerPages) sessionKey() []byte {
	k := sha256.Sum256([]byte("storefront admin session\x00" + h.Config.AdminToken))
	return k[:]
}

func (h *ownerPages) sign(msg string) string {
	m := hmac.New(sha256.New, h.sessionKey())
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

func nonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newSession records a session and returns its cookie value:
// v1.<unix issued>.<session id>.<hmac>.
func (h *ownerPages) newSession() (string, error) {
	id := nonce()
	if err := h.sessions.Start(id); err != nil {
		return "", err
	}
	body := "v1." + strconv.FormatInt(h.Now().Unix(), 10) + "." + id
	return body + "." + h.sign(body), nil
}

// sessionID checks a cookie value's HMAC (constant time) and returns its
// session id ("" when the value is not one of ours).
func (h *ownerPages) sessionID(v string) string {
	if h.Config.AdminToken == "" {
		return ""
	}
	i := strings.LastIndexByte(v, '.')
	if i < 0 {
		return ""
	}
	body, mac := v[:i], v[i+1:]
	if subtle.ConstantTimeCompare([]byte(mac), []byte(h.sign(body))) != 1 {
		return ""
	}
	parts := strings.Split(body, ".")
	if len(parts) != 3 || parts[0] != "v1" {
		return ""
	}
	if _, err := strconv.ParseInt(parts[1], 10, 64); err != nil {
		return ""
	}
	return parts[2]
}

// validSession checks a cookie value's HMAC and that its session is live
// in the database (not logged out, not idle, not too old).
func (h *ownerPages) validSession(v string) bool {
	id := h.sessionID(v)
	if id == "" {
		return false
	}
	live, err := h.sessions.Touch(id)
	if err != nil {
		h.Log.Error("admin session", "err", err)
		return false
	}
	return live
}

// knownOwner reports whether the request carries the owner cookie of a
// browser that logged in before (an HMAC keyed by the token: not forgeable).
func (h *ownerPages) knownOwner(c *gin.Context) bool {
	v, err := c.Cookie(ownerCookie)
	if err != nil {
		return false
	}
	n, mac, found := strings.Cut(v, ".")
	return found && h.Config.AdminToken != "" && subtle.ConstantTimeCompare([]byte(mac), []byte(h.sign("owner\x00"+n))) == 1
}

// csrfToken is bound to the session: another session's token does not pass.
func (h *ownerPages) csrfToken(session string) string { return h.sign("csrf\x00" + session)[:40] }

func (h *ownerPages) setAdminCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: adminCookie, Value: value, Path: "/admin/", MaxAge: maxAge,
		HttpOnly: true, Secure: h.Base.Scheme == "https", SameSite: http.SameSiteStrictMode})
}

// adminSession lets a request with a valid session through; others get
// the login form (GET) or 403 (POST). Valid POSTs must carry the CSRF token.
func (h *ownerPages) adminSession() gin.HandlerFunc {
	return func(c *gin.Context) {
		if h.Config.AdminToken == "" {
			h.AdminMessage(c, http.StatusForbidden, web.OwnerT(h.Lang(c), "login.off"))
			c.Abort()
			return
		}
		v, _ := c.Cookie(adminCookie)
		if !h.validSession(v) {
			if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
				h.renderLogin(c, http.StatusUnauthorized, "")
			} else {
				h.AdminMessage(c, http.StatusForbidden, web.OwnerT(h.Lang(c), "login.ended"))
			}
			c.Abort()
			return
		}
		if c.Request.Method == http.MethodPost {
			got := c.PostForm("csrf")
			if subtle.ConstantTimeCompare([]byte(got), []byte(h.csrfToken(v))) != 1 {
				h.AdminMessage(c, http.StatusForbidden, web.OwnerT(h.Lang(c), "login.csrf"))
				c.Abort()
				return
			}
		}
		c.Set("csrf", h.csrfToken(v))
		c.Set(web.CtxActor, adminBy)
		c.Next()
	}
}

type loginPage struct{ Error string }

func (h *ownerPages) renderLogin(c *gin.Context, status int, msg string) {
	h.Page(c, status, "admin-login", web.OwnerT(h.Lang(c), "login.browser_title"), loginPage{Error: msg})
}

// adminLogin takes the token from the form (compared in constant time) and
// sets the session cookie. A client with wrong tries behind it must wait
// (1 s, 2 s, 4 s, ... up to 15 min) before its next try is even compared;
// all wrong tries together drain a global budget (web.TokenGuard), which a
// browser with the owner cookie skips.
func (h *ownerPages) adminLogin(c *gin.Context) {
	if h.Config.AdminToken == "" {
		h.AdminMessage(c, http.StatusForbidden, web.OwnerT(h.Lang(c), "login.off"))
		return
	}
	client := h.ClientKey(c.Request)
	if wait := h.guard.Begin(client, h.knownOwner(c)); wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		c.Header("Retry-After", strconv.Itoa(secs))
		h.renderLogin(c, http.StatusTooManyRequests, web.OwnerT(h.Lang(c), "login.wait", secs))
		return
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(c.PostForm("token"))))
	want := sha256.Sum256([]byte(h.Config.AdminToken))
	right := subtle.ConstantTimeCompare(got[:], want[:]) == 1
	h.guard.End(client, right)
	if !right {
		h.Log.Warn("admin login refused", "client", client)
		h.renderLogin(c, http.StatusUnauthorized, web.OwnerT(h.Lang(c), "login.wrong"))
		return
	}
	v, err := h.newSession()
	if err != nil {
		h.InternalPage(c, "admin login", err)
		return
	}
	h.setAdminCookie(c, v, int(adminSessionTTL/time.Second))
	n := nonce()
	http.SetCookie(c.Writer, &http.Cookie{Name: ownerCookie, Value: n + "." + h.sign("owner\x00"+n), Path: "/admin/",
		MaxAge: int(ownerCookieTTL / time.Second), HttpOnly: true, Secure: h.Base.Scheme == "https", SameSite: http.SameSiteStrictMode})
	h.Log.Info("admin logged in", "client", client)
	c.Redirect(http.StatusSeeOther, "/admin/")
}

func (h *ownerPages) adminLogout(c *gin.Context) {
	if v, err := c.Cookie(adminCookie); err == nil {
		if id := h.sessionID(v); id != "" {
			if err := h.sessions.End(id); err != nil {
				h.InternalPage(c, "admin logout", err)
				return
			}
		}
	}
	h.setAdminCookie(c, "", -1)
	c.Redirect(http.StatusSeeOther, "/admin/")
}

// adminStates is the order of the sections on the owner's home.
var adminStates = []order.State{order.Paid, order.Packed, order.Shipped, order.AwaitingPayment, order.PaymentFailed, order.Delivered, order.Canceled}

type adminRow struct {
	ID, Created, Customer, Total, Notes string
}

type adminHomePage struct {
	CSRF      string
	Sections  []adminSection
	OpenRefs  int
	Returns   []adminRow
	Notice    string
	ShowState string
	Mail      usecase.MailFailureCount // e-mails not sent (mailfail.go)
	Alerts    []adminAlert             // health.go
}

type adminSection struct {
	State  string
	Orders []adminRow
	More   int
}

func (h *ownerPages) adminRowOf(o *order.Order, lang string) adminRow {
	r := adminRow{ID: o.ID, Created: o.CreatedAt.In(h.Zone()).Format("2006-01-02 15:04"), Customer: o.Customer.Name,
		Total: money.Display(o.Total(), o.Currency, lang)}
	var notes []string
	if o.GiftNote != "" {
		notes = append(notes, web.OwnerT(lang, "note.gift"))
	}
	for _, ret := range o.Returns {
		if ret.State != order.ReturnRefunded {
			notes = append(notes, web.OwnerT(lang, "note.return", ret.Code, web.OwnerT(lang, "return."+string(ret.State))))
		}
	}
	if n := len(o.OpenRefunds()); n > 0 {
		notes = append(notes, web.OwnerT(lang, "note.refunds", n))
	}
	r.Notes = strings.Join(notes, "; ")
	return r
}

// adminHome lists orders by state (GET /admin/?state=paid shows all of one state).
func (h *ownerPages) adminHome(c *gin.Context) {
	lang := h.Lang(c)
	d := adminHomePage{CSRF: c.GetString("csrf"), Notice: h.AdminNotice(c)}
	d.Alerts = h.health.adminAlerts7d(lang)
	states := adminStates
	limit := 20
	if st := order.State(c.Query("state")); st.Valid() {
		states, limit, d.ShowState = []order.State{st}, 0, string(st)
	}
	for _, st := range states {
		list, err := h.orders.List([]order.State{st}, 0)
		if err != nil {
			h.InternalPage(c, "admin list", err)
			return
		}
		sec := adminSection{State: string(st)}
		for i, o := range list {
			if limit > 0 && i >= limit {
				sec.More = len(list) - limit
				break
			}
			sec.Orders = append(sec.Orders, h.adminRowOf(o, lang))
			for _, ret := range o.Returns {
				if ret.State == order.ReturnRequested {
					d.Returns = append(d.Returns, h.adminRowOf(o, lang))
					break
				}
			}
		}
		d.Sections = append(d.Sections, sec)
	}
	if n, err := h.orders.OpenRefunds(); err == nil {
		d.OpenRefs = n
	}
	if mc, err := h.orders.MailFailures(); err == nil {
		d.Mail = mc
	}
	h.Page(c, http.StatusOK, "admin-home", web.OwnerT(lang, "home.browser_title"), d)
}

type adminOrderPage struct {
	CSRF        string
	O           *order.Order
	V           OrderView
	A           AfterSaleView
	Notice      string
	Error       string
	Zone        *time.Location
	CanPack     bool
	CanShip     bool
	CanDeliver  bool
	CanCancel   bool
	CanRefund   bool
	OpenReturns []order.Return
	ToRefund    []order.Return
	ToRestock   []order.Return // received, not yet put back in stock (backinstock.go)
	Mails       mailRowsData   // its e-mails that could not be sent (mailfail.go)
}

func (h *ownerPages) adminOrderPage(c *gin.Context) {
	o, err := h.orders.Get(c.Param("id"))
	if errors.Is(err, usecase.ErrNotFound) {
		h.AdminMessage(c, http.StatusNotFound, web.OwnerT(h.Lang(c), "err.no_order", c.Param("id")))
		return
	}
	if err != nil {
		h.InternalPage(c, "admin order", err)
		return
	}
	h.renderAdminOrder(c, http.StatusOK, o, h.AdminNotice(c), "")
}

func (h *ownerPages) renderAdminOrder(c *gin.Context, status int, o *order.Order, notice, msg string) {
	lang := h.Lang(c)
	d := adminOrderPage{CSRF: c.GetString("csrf"), O: o, V: h.orderView(o, lang, true), A: h.afterSaleView(o, lang),
		Notice: notice, Error: msg, Zone: h.Zone()}
	_, errPack := order.Transition(o.State, order.EventPack)
	_, errShip := order.Transition(o.State, order.EventShip)
	_, errDel := order.Transition(o.State, order.EventDeliver)
	_, errCan := order.Transition(o.State, order.EventCancel)
	d.CanPack, d.CanShip, d.CanDeliver = errPack == nil, errShip == nil, errDel == nil
	d.CanCancel = errCan == nil && !usecase.GiftCardsIssued(o) // issued cards would stay spendable
	d.CanRefund = o.Refundable() > 0
	d.Mails = mailRowsData{CSRF: d.CSRF, Back: "/admin/orders/" + o.ID + web.NoticeQuery("mail-queued"), Mails: h.mails.orderMailProblems(o.ID)}
	restocked, err := h.orders.Restocked(o.ID)
	if err != nil {
		h.Log.Error("admin order: restocked returns", "order", o.ID, "err", err)
	}
	for _, r := range o.Returns {
		if !r.ReceivedAt.IsZero() && err == nil && !restocked[r.Code] {
			d.ToRestock = append(d.ToRestock, r)
		}
		if r.State == order.ReturnRequested {
			d.OpenReturns = append(d.OpenReturns, r)
		}
		if r.State != order.ReturnRefunded && (r.RefundID == "" || refundVoidID(o, r.RefundID)) {
			d.ToRefund = append(d.ToRefund, r)
		}
	}
	h.Page(c, status, "admin-order", web.OwnerT(lang, "admin")+" · "+o.ID, d)
}

func refundVoidID(o *order.Order, id string) bool {
	r := o.RefundByID(id)
	return r == nil || order.RefundVoid(r.Status)
}

// adminOrderAction runs one button: pack, ship, deliver, cancel,
// return-received, refund, sync (ask the provider about refunds now).
func (h *ownerPages) adminOrderAction(c *gin.Context) {
	id := c.Param("id")
	o, err := h.orders.Get(id)
	if err != nil {
		h.AdminMessage(c, http.StatusNotFound, web.OwnerT(h.Lang(c), "err.no_order", id))
		return
	}
	ctx := c.Request.Context()
	var notice string // a code of adminNotices
	switch c.Param("action") {
	case "pack":
		_, err = h.orders.Pack(id, adminBy)
		notice = "packed"
	case "ship":
		_, err = h.orders.Ship(id, adminBy, strings.TrimSpace(c.PostForm("tracking_url")), strings.TrimSpace(c.PostForm("tracking_code")))
		notice = "shipped"
	case "label": // carrier.go
		notice, err = h.labelAction(ctx, id, h.Lang(c), adminBy)
	case "deliver":
		_, err = h.orders.Deliver(id, adminBy)
		notice = "delivered"
	case "cancel":
		_, err = h.orders.Cancel(ctx, id, adminBy)
		notice = "canceled"
	case "return-received":
		_, err = h.refunds.ReceiveReturn(ctx, id, c.PostForm("code"), c.PostForm("refund") == "1", adminBy)
		notice = "return-received"
		if err == nil && c.PostForm("restock") == "1" {
			_, err = h.orders.Restock(id, c.PostForm("code"))
			notice = "return-restocked"
		}
	case "restock":
		var changed bool
		changed, err = h.orders.Restock(id, c.PostForm("code"))
		notice = "restocked"
		if err == nil && !changed {
			notice = "restocked-before"
		}
	case "refund":
		req := RefundRequest{ReturnCode: c.PostForm("code"), Full: c.PostForm("full") == "1", Shipping: c.PostForm("shipping") == "1"}
		if a := strings.TrimSpace(c.PostForm("amount")); a != "" && req.ReturnCode == "" && !req.Full {
			amt, perr := money.Parse(strings.ReplaceAll(a, ",", "."), o.Currency)
			if perr != nil || amt <= 0 {
				h.renderAdminOrder(c, http.StatusUnprocessableEntity, o, "", web.OwnerT(h.Lang(c), "err.amount"))
				return
			}
			req.Amount, req.Note = int64(amt), strings.TrimSpace(c.PostForm("note"))
		}
		for _, l := range o.Lines {
			if n, _ := strconv.Atoi(c.PostForm("qty_" + l.SKU)); n > 0 && req.ReturnCode == "" && !req.Full && req.Amount == 0 {
				req.Lines = append(req.Lines, WantLine{SKU: l.SKU, Quantity: n})
			}
		}
		_, _, err = h.refunds.Owner(ctx, id, req, adminBy)
		notice = "refunded"
		if errors.Is(err, errRefundUncertain) {
			notice, err = "refund-uncertain", nil
		}
	case "sync":
		err = h.refunds.Sync(ctx, id, adminBy)
		notice = "synced"
	default:
		h.AdminMessage(c, http.StatusNotFound, web.OwnerT(h.Lang(c), "err.no_action"))
		return
	}
	if err != nil {
		fresh, gerr := h.orders.Get(id)
		if gerr == nil {
			o = fresh
		}
		st, msg := ownerError(err)
		switch {
		case errors.Is(err, order.ErrTransition):
			lang := h.Lang(c)
			st, msg = http.StatusConflict, web.OwnerT(lang, "err.transition", web.OwnerT(lang, "action."+c.Param("action")), id, strings.ToLower(web.StateWords(lang, o.State)))
		case errors.Is(err, web.ErrBadTrackingLink): // the page's own sentence
			msg = web.OwnerT(h.Lang(c), "err.tracking")
		}
		h.renderAdminOrder(c, st, o, "", msg)
		return
	}
	h.Log.Info("order changed on the owner's page", "order", id, "action", c.Param("action"))
	c.Redirect(http.StatusSeeOther, "/admin/orders/"+url.PathEscape(id)+web.NoticeQuery(notice))
}

// adminFuncs are the functions of the owner's page (templates/admin.html).
var adminFuncs = template.FuncMap{
	// The shop's language is bound per sidecar (shopFuncs); these are the
	// defaults a template set parses with.
	"state":  func(st any) string { return web.StateWords(words.Fallback, st) },
	"rstate": func(st any) string { return web.OwnerT(words.Fallback, "return."+fmt.Sprint(st)) },
	"o":      func(key string) string { return web.OwnerT(words.Fallback, key) },
	"of":     func(key string, args ...any) string { return web.OwnerT(words.Fallback, key, args...) },
	"when": func(t time.Time, loc *time.Location) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04")
	},
	"eur": func(a any, cur string) string {
		switch v := a.(type) {
		case money.Amount:
			return money.Display(v, cur, "en")
		case int64:
			return money.Display(money.Amount(v), cur, "en")
		}
		return fmt.Sprint(a)
	},
}

// The page templates use these functions (web.AddFuncs).
func init() { web.AddFuncs(adminFuncs) }
