package owner

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
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
	"github.com/storefront/storefront/checkout/wire"
	"github.com/storefront/storefront/checkout/words"
)

// The owner's page at /admin/: the same actions as `shop orders` and the
// admin API, in a browser. The admin token is typed once into a form; the
// browser then holds a session cookie (HttpOnly, SameSite=Strict, path
// /admin/) whose value is an issue time, a session id and an HMAC keyed by
// the token — never the token itself, and never anything in a URL. The
// session id is recorded in the database (store.Store.Sessions.Start): logging out
// deletes it, so a copied cookie is dead after logout; a session ends after
// SessionIdle without use and SessionTTL after login. Every POST
// form carries a CSRF token (an HMAC of the session) and passes the
// same-origin check of all pages. Changing the admin token ends every
// session. Wrong tokens are slowed down per client and globally
// (web.TokenGuard); a browser that logged in before carries an owner cookie that
// lets it past the global lock (not past its own client's).

// Pages is the owner's page: login, sessions and their guard
// (AdminSession, attached once to the /admin group in routes.go), the
// home with orders by state, and an order's page with its buttons.
type Pages struct {
	*web.Web
	Orders        usecase.Orders
	Refunds       usecase.Refunds
	Sessions      usecase.Sessions
	Guard         *web.TokenGuard // wrong tokens typed into the login form (the sidecar's abuse.go)
	Mails         *MailFail       // an order's failed mails
	Health        *Health         // the alerts on the home page
	OrderView     func(o *order.Order, lang string, admin bool) wire.OrderView
	AfterSaleView func(o *order.Order, lang string) wire.AfterSaleView
	LabelAction   func(ctx context.Context, id, lang, by string) (notice string, err error) // the label button (shipping.Carrier.AdminLabelAction)
}

// The owner's page's cookies, its sessions' life (usecase.Sessions, wired
// by the sidecar) and the actor its changes are recorded by.
const (
	AdminCookie    = "sf_admin"
	OwnerCookie    = "sf_owner" // this browser has logged in before
	SessionTTL     = 12 * time.Hour
	SessionIdle    = 2 * time.Hour
	ownerCookieTTL = 365 * 24 * time.Hour
	By             = "admin-page"
)

// sessionKey derives the HMAC key from the admin token.
func (h *Pages) sessionKey() []byte {
	k := sha256.Sum256([]byte("storefront admin session\x00" + h.Config.AdminToken))
	return k[:]
}

func (h *Pages) sign(msg string) string {
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
func (h *Pages) newSession() (string, error) {
	id := nonce()
	if err := h.Sessions.Start(id); err != nil {
		return "", err
	}
	body := "v1." + strconv.FormatInt(h.Now().Unix(), 10) + "." + id
	return body + "." + h.sign(body), nil
}

// sessionID checks a cookie value's HMAC (constant time) and returns its
// session id ("" when the value is not one of ours).
func (h *Pages) sessionID(v string) string {
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
func (h *Pages) validSession(v string) bool {
	id := h.sessionID(v)
	if id == "" {
		return false
	}
	live, err := h.Sessions.Touch(id)
	if err != nil {
		h.Log.Error("admin session", "err", err)
		return false
	}
	return live
}

// knownOwner reports whether the request carries the owner cookie of a
// browser that logged in before (an HMAC keyed by the token: not forgeable).
func (h *Pages) knownOwner(c *gin.Context) bool {
	v, err := c.Cookie(OwnerCookie)
	if err != nil {
		return false
	}
	n, mac, found := strings.Cut(v, ".")
	return found && h.Config.AdminToken != "" && subtle.ConstantTimeCompare([]byte(mac), []byte(h.sign("owner\x00"+n))) == 1
}

// csrfToken is bound to the session: another session's token does not pass.
func (h *Pages) csrfToken(session string) string { return h.sign("csrf\x00" + session)[:40] }

func (h *Pages) setAdminCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: AdminCookie, Value: value, Path: "/admin/", MaxAge: maxAge,
		HttpOnly: true, Secure: h.Base.Scheme == "https", SameSite: http.SameSiteStrictMode})
}

// AdminSession lets a request with a valid session through; others get
// the login form (GET) or 403 (POST). Valid POSTs must carry the CSRF token.
func (h *Pages) AdminSession() gin.HandlerFunc {
	return func(c *gin.Context) {
		if h.Config.AdminToken == "" {
			h.AdminMessage(c, http.StatusForbidden, web.OwnerT(h.Lang(c), "login.off"))
			c.Abort()
			return
		}
		v, _ := c.Cookie(AdminCookie)
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
		c.Set(web.CtxActor, By)
		c.Next()
	}
}

type loginPage struct{ Error string }

func (h *Pages) renderLogin(c *gin.Context, status int, msg string) {
	h.Page(c, status, "admin-login", web.OwnerT(h.Lang(c), "login.browser_title"), loginPage{Error: msg})
}

// AdminLogin takes the token from the form (compared in constant time) and
// sets the session cookie. A client with wrong tries behind it must wait
// (1 s, 2 s, 4 s, ... up to 15 min) before its next try is even compared;
// all wrong tries together drain a global budget (web.TokenGuard), which a
// browser with the owner cookie skips.
func (h *Pages) AdminLogin(c *gin.Context) {
	if h.Config.AdminToken == "" {
		h.AdminMessage(c, http.StatusForbidden, web.OwnerT(h.Lang(c), "login.off"))
		return
	}
	client := h.ClientKey(c.Request)
	if wait := h.Guard.Begin(client, h.knownOwner(c)); wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		c.Header("Retry-After", strconv.Itoa(secs))
		h.renderLogin(c, http.StatusTooManyRequests, web.OwnerT(h.Lang(c), "login.wait", secs))
		return
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(c.PostForm("token"))))
	want := sha256.Sum256([]byte(h.Config.AdminToken))
	right := subtle.ConstantTimeCompare(got[:], want[:]) == 1
	h.Guard.End(client, right)
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
	h.setAdminCookie(c, v, int(SessionTTL/time.Second))
	n := nonce()
	http.SetCookie(c.Writer, &http.Cookie{Name: OwnerCookie, Value: n + "." + h.sign("owner\x00"+n), Path: "/admin/",
		MaxAge: int(ownerCookieTTL / time.Second), HttpOnly: true, Secure: h.Base.Scheme == "https", SameSite: http.SameSiteStrictMode})
	h.Log.Info("admin logged in", "client", client)
	c.Redirect(http.StatusSeeOther, "/admin/")
}

func (h *Pages) AdminLogout(c *gin.Context) {
	if v, err := c.Cookie(AdminCookie); err == nil {
		if id := h.sessionID(v); id != "" {
			if err := h.Sessions.End(id); err != nil {
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

func (h *Pages) adminRowOf(o *order.Order, lang string) adminRow {
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

// AdminHome lists orders by state (GET /admin/?state=paid shows all of one state).
func (h *Pages) AdminHome(c *gin.Context) {
	lang := h.Lang(c)
	d := adminHomePage{CSRF: c.GetString("csrf"), Notice: h.AdminNotice(c)}
	d.Alerts = h.Health.adminAlerts7d(lang)
	states := adminStates
	limit := 20
	if st := order.State(c.Query("state")); st.Valid() {
		states, limit, d.ShowState = []order.State{st}, 0, string(st)
	}
	for _, st := range states {
		list, err := h.Orders.List([]order.State{st}, 0)
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
	if n, err := h.Orders.OpenRefunds(); err == nil {
		d.OpenRefs = n
	}
	if mc, err := h.Orders.MailFailures(); err == nil {
		d.Mail = mc
	}
	h.Page(c, http.StatusOK, "admin-home", web.OwnerT(lang, "home.browser_title"), d)
}

type AdminOrderPage struct {
	CSRF        string
	O           *order.Order
	V           wire.OrderView
	A           wire.AfterSaleView
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
	ToRestock   []order.Return // received, not yet put back in stock (usecase.Orders.Restock)
	Mails       mailRowsData   // its e-mails that could not be sent (mailfail.go)
}

func (h *Pages) AdminOrderPage(c *gin.Context) {
	o, err := h.Orders.Get(c.Param("id"))
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

func (h *Pages) renderAdminOrder(c *gin.Context, status int, o *order.Order, notice, msg string) {
	lang := h.Lang(c)
	d := AdminOrderPage{CSRF: c.GetString("csrf"), O: inOwnerLanguage(o, h.Catalog.Current(), lang), V: h.OrderView(o, lang, true), A: h.AfterSaleView(o, lang),
		Notice: notice, Error: msg, Zone: h.Zone()}
	_, errPack := order.Transition(o.State, order.EventPack)
	_, errShip := order.Transition(o.State, order.EventShip)
	_, errDel := order.Transition(o.State, order.EventDeliver)
	_, errCan := order.Transition(o.State, order.EventCancel)
	parcel := !o.OnlyGiftCards() // gift cards only go by e-mail: nothing to pack or ship
	d.CanPack, d.CanShip, d.CanDeliver = errPack == nil && parcel, errShip == nil && parcel, errDel == nil
	d.CanCancel = errCan == nil && !usecase.GiftCardsIssued(o) // issued cards would stay spendable
	d.CanRefund = o.Refundable() > 0
	d.Mails = mailRowsData{CSRF: d.CSRF, Back: "/admin/orders/" + o.ID + web.NoticeQuery("mail-queued"), Mails: h.Mails.orderMailProblems(o.ID)}
	restocked, err := h.Orders.Restocked(o.ID)
	if err != nil {
		h.Log.Error("admin order: restocked returns", "order", o.ID, "err", err)
	}
	for _, r := range d.O.Returns { // named in the owner's language
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

// inOwnerLanguage is o as the owner's page shows it: each line, each
// returned line and the shipping method named in the owner's language from the catalog when its
// SKU is there, else as the order kept it (in the customer's language); its
// discounts and history in the owner's words (ownerWordsOf).
// o itself is not changed.
func inOwnerLanguage(o *order.Order, cat *catalog.Catalog, lang string) *order.Order {
	named := func(sku, title, variant string) (string, string) {
		if it, ok := cat.Lookup(sku); ok {
			return it.Name(lang), it.VariantName(lang)
		}
		return title, variant
	}
	cp := *o
	if m, ok := cat.Method(o.ShippingMethod); ok {
		cp.Totals.ShippingName = m.Label(lang)
	}
	cp.Lines = slices.Clone(o.Lines)
	for i, l := range cp.Lines {
		cp.Lines[i].Title, cp.Lines[i].Variant = named(l.SKU, l.Title, l.Variant)
	}
	cp.Returns = slices.Clone(o.Returns)
	for i, r := range cp.Returns {
		cp.Returns[i].Lines = slices.Clone(r.Lines)
		for j, l := range r.Lines {
			cp.Returns[i].Lines[j].Title, cp.Returns[i].Lines[j].Variant = named(l.SKU, l.Title, l.Variant)
		}
	}
	ownerWordsOf(&cp, lang) // discount labels and history (orderwords.go)
	return &cp
}

func refundVoidID(o *order.Order, id string) bool {
	r := o.RefundByID(id)
	return r == nil || order.RefundVoid(r.Status)
}

// AdminOrderAction runs one button: pack, ship, deliver, cancel,
// return-received, refund, sync (ask the provider about refunds now).
func (h *Pages) AdminOrderAction(c *gin.Context) {
	id := c.Param("id")
	o, err := h.Orders.Get(id)
	if err != nil {
		h.AdminMessage(c, http.StatusNotFound, web.OwnerT(h.Lang(c), "err.no_order", id))
		return
	}
	ctx := c.Request.Context()
	var notice string // a code of adminNotices
	switch c.Param("action") {
	case "pack":
		_, err = h.Orders.Pack(id, By)
		notice = "packed"
	case "ship":
		_, err = h.Orders.Ship(id, By, strings.TrimSpace(c.PostForm("tracking_url")), strings.TrimSpace(c.PostForm("tracking_code")))
		notice = "shipped"
	case "label": // shipping.Carrier.AdminLabelAction
		notice, err = h.LabelAction(ctx, id, h.Lang(c), By)
	case "deliver":
		_, err = h.Orders.Deliver(id, By)
		notice = "delivered"
	case "cancel":
		_, err = h.Orders.Cancel(ctx, id, By)
		notice = "canceled"
	case "return-received":
		_, err = h.Refunds.ReceiveReturn(ctx, id, c.PostForm("code"), c.PostForm("refund") == "1", By)
		notice = "return-received"
		if err == nil && c.PostForm("restock") == "1" {
			_, err = h.Orders.Restock(id, c.PostForm("code"))
			notice = "return-restocked"
		}
	case "restock":
		var changed bool
		changed, err = h.Orders.Restock(id, c.PostForm("code"))
		notice = "restocked"
		if err == nil && !changed {
			notice = "restocked-before"
		}
	case "refund":
		req := wire.RefundRequest{ReturnCode: c.PostForm("code"), Full: c.PostForm("full") == "1", Shipping: c.PostForm("shipping") == "1"}
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
				req.Lines = append(req.Lines, wire.WantLine{SKU: l.SKU, Quantity: n})
			}
		}
		_, _, err = h.Refunds.Owner(ctx, id, req, By)
		notice = "refunded"
		if errors.Is(err, usecase.ErrRefundUncertain) {
			notice, err = "refund-uncertain", nil
		}
	case "sync":
		err = h.Refunds.Sync(ctx, id, By)
		notice = "synced"
	default:
		h.AdminMessage(c, http.StatusNotFound, web.OwnerT(h.Lang(c), "err.no_action"))
		return
	}
	if err != nil {
		fresh, gerr := h.Orders.Get(id)
		if gerr == nil {
			o = fresh
		}
		lang := h.Lang(c)
		st, _ := ownerError(err)
		msg := ownerWords(lang, err) // words.go: in the shop's language
		if errors.Is(err, order.ErrTransition) {
			st, msg = http.StatusConflict, web.OwnerT(lang, "err.transition", web.OwnerT(lang, "action."+c.Param("action")), id, strings.ToLower(web.StateWords(lang, o.State)))
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

// ShopLang makes the shop's default language the language of the request
// (web.lang); routes.go puts it on the owner's page group and the login form.
func (h *Pages) ShopLang() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Set("lang", h.OwnerLang())
		c.Next()
	}
}
