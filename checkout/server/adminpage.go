package server

import (
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
// (tokenGuard); a browser that logged in before carries an owner cookie that
// lets it past the global lock (not past its own client's).

const (
	adminCookie      = "sf_admin"
	ownerCookie      = "sf_owner" // this browser has logged in before
	adminSessionTTL  = 12 * time.Hour
	adminSessionIdle = 2 * time.Hour
	ownerCookieTTL   = 365 * 24 * time.Hour
	adminBy          = "admin-page"
)

// sessionKey derives the HMAC key from the admin token.
func (s *Sidecar) sessionKey() []byte {
	k := sha256.Sum256([]byte("storefront admin session\x00" + s.opts.AdminToken))
	return k[:]
}

func (s *Sidecar) sign(msg string) string {
	m := hmac.New(sha256.New, s.sessionKey())
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
func (s *Sidecar) newSession() (string, error) {
	id := nonce()
	if err := s.uc.sessions.Start(id); err != nil {
		return "", err
	}
	body := "v1." + strconv.FormatInt(s.now().Unix(), 10) + "." + id
	return body + "." + s.sign(body), nil
}

// sessionID checks a cookie value's HMAC (constant time) and returns its
// session id ("" when the value is not one of ours).
func (s *Sidecar) sessionID(v string) string {
	if s.opts.AdminToken == "" {
		return ""
	}
	i := strings.LastIndexByte(v, '.')
	if i < 0 {
		return ""
	}
	body, mac := v[:i], v[i+1:]
	if subtle.ConstantTimeCompare([]byte(mac), []byte(s.sign(body))) != 1 {
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
func (s *Sidecar) validSession(v string) bool {
	id := s.sessionID(v)
	if id == "" {
		return false
	}
	live, err := s.uc.sessions.Touch(id)
	if err != nil {
		s.log.Error("admin session", "err", err)
		return false
	}
	return live
}

// knownOwner reports whether the request carries the owner cookie of a
// browser that logged in before (an HMAC keyed by the token: not forgeable).
func (s *Sidecar) knownOwner(c *gin.Context) bool {
	v, err := c.Cookie(ownerCookie)
	if err != nil {
		return false
	}
	n, mac, found := strings.Cut(v, ".")
	return found && s.opts.AdminToken != "" && subtle.ConstantTimeCompare([]byte(mac), []byte(s.sign("owner\x00"+n))) == 1
}

// csrfToken is bound to the session: another session's token does not pass.
func (s *Sidecar) csrfToken(session string) string { return s.sign("csrf\x00" + session)[:40] }

func (s *Sidecar) setAdminCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: adminCookie, Value: value, Path: "/admin/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.base.Scheme == "https", SameSite: http.SameSiteStrictMode})
}

// adminSession lets a request with a valid session through; others get
// the login form (GET) or 403 (POST). Valid POSTs must carry the CSRF token.
func (s *Sidecar) adminSession() gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.opts.AdminToken == "" {
			s.adminMessage(c, http.StatusForbidden, ownerT(s.lang(c), "login.off"))
			c.Abort()
			return
		}
		v, _ := c.Cookie(adminCookie)
		if !s.validSession(v) {
			if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
				s.renderLogin(c, http.StatusUnauthorized, "")
			} else {
				s.adminMessage(c, http.StatusForbidden, ownerT(s.lang(c), "login.ended"))
			}
			c.Abort()
			return
		}
		if c.Request.Method == http.MethodPost {
			got := c.PostForm("csrf")
			if subtle.ConstantTimeCompare([]byte(got), []byte(s.csrfToken(v))) != 1 {
				s.adminMessage(c, http.StatusForbidden, ownerT(s.lang(c), "login.csrf"))
				c.Abort()
				return
			}
		}
		c.Set("csrf", s.csrfToken(v))
		c.Set(ctxActor, adminBy)
		c.Next()
	}
}

func (w *web) adminMessage(c *gin.Context, status int, text string) {
	lang := w.lang(c)
	w.page(c, status, "message", ownerT(lang, "admin"), map[string]string{"Lang": lang, "Title": ownerT(lang, "admin"), "Text": text, "Home": "/admin/"})
}

type loginPage struct{ Error string }

func (s *Sidecar) renderLogin(c *gin.Context, status int, msg string) {
	s.page(c, status, "admin-login", ownerT(s.lang(c), "login.browser_title"), loginPage{Error: msg})
}

// adminLogin takes the token from the form (compared in constant time) and
// sets the session cookie. A client with wrong tries behind it must wait
// (1 s, 2 s, 4 s, ... up to 15 min) before its next try is even compared;
// all wrong tries together drain a global budget (tokenGuard), which a
// browser with the owner cookie skips.
func (s *Sidecar) adminLogin(c *gin.Context) {
	if s.opts.AdminToken == "" {
		s.adminMessage(c, http.StatusForbidden, ownerT(s.lang(c), "login.off"))
		return
	}
	client := s.clientKey(c.Request)
	if wait := s.abuse.login.begin(client, s.knownOwner(c)); wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		c.Header("Retry-After", strconv.Itoa(secs))
		s.renderLogin(c, http.StatusTooManyRequests, ownerT(s.lang(c), "login.wait", secs))
		return
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(c.PostForm("token"))))
	want := sha256.Sum256([]byte(s.opts.AdminToken))
	right := subtle.ConstantTimeCompare(got[:], want[:]) == 1
	s.abuse.login.end(client, right)
	if !right {
		s.log.Warn("admin login refused", "client", client)
		s.renderLogin(c, http.StatusUnauthorized, ownerT(s.lang(c), "login.wrong"))
		return
	}
	v, err := s.newSession()
	if err != nil {
		s.internalPage(c, "admin login", err)
		return
	}
	s.setAdminCookie(c, v, int(adminSessionTTL/time.Second))
	n := nonce()
	http.SetCookie(c.Writer, &http.Cookie{Name: ownerCookie, Value: n + "." + s.sign("owner\x00"+n), Path: "/admin/",
		MaxAge: int(ownerCookieTTL / time.Second), HttpOnly: true, Secure: s.base.Scheme == "https", SameSite: http.SameSiteStrictMode})
	s.log.Info("admin logged in", "client", client)
	c.Redirect(http.StatusSeeOther, "/admin/")
}

func (s *Sidecar) adminLogout(c *gin.Context) {
	if v, err := c.Cookie(adminCookie); err == nil {
		if id := s.sessionID(v); id != "" {
			if err := s.uc.sessions.End(id); err != nil {
				s.internalPage(c, "admin logout", err)
				return
			}
		}
	}
	s.setAdminCookie(c, "", -1)
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

func (s *Sidecar) adminRowOf(o *order.Order, lang string) adminRow {
	r := adminRow{ID: o.ID, Created: o.CreatedAt.In(s.zone()).Format("2006-01-02 15:04"), Customer: o.Customer.Name,
		Total: money.Display(o.Total(), o.Currency, lang)}
	var notes []string
	if o.GiftNote != "" {
		notes = append(notes, ownerT(lang, "note.gift"))
	}
	for _, ret := range o.Returns {
		if ret.State != order.ReturnRefunded {
			notes = append(notes, ownerT(lang, "note.return", ret.Code, ownerT(lang, "return."+string(ret.State))))
		}
	}
	if n := len(o.OpenRefunds()); n > 0 {
		notes = append(notes, ownerT(lang, "note.refunds", n))
	}
	r.Notes = strings.Join(notes, "; ")
	return r
}

// adminHome lists orders by state (GET /admin/?state=paid shows all of one state).
func (s *Sidecar) adminHome(c *gin.Context) {
	lang := s.lang(c)
	d := adminHomePage{CSRF: c.GetString("csrf"), Notice: s.adminNotice(c)}
	d.Alerts = s.adminAlerts7d(lang)
	states := adminStates
	limit := 20
	if st := order.State(c.Query("state")); st.Valid() {
		states, limit, d.ShowState = []order.State{st}, 0, string(st)
	}
	for _, st := range states {
		list, err := s.uc.orders.List([]order.State{st}, 0)
		if err != nil {
			s.internalPage(c, "admin list", err)
			return
		}
		sec := adminSection{State: string(st)}
		for i, o := range list {
			if limit > 0 && i >= limit {
				sec.More = len(list) - limit
				break
			}
			sec.Orders = append(sec.Orders, s.adminRowOf(o, lang))
			for _, ret := range o.Returns {
				if ret.State == order.ReturnRequested {
					d.Returns = append(d.Returns, s.adminRowOf(o, lang))
					break
				}
			}
		}
		d.Sections = append(d.Sections, sec)
	}
	if n, err := s.uc.orders.OpenRefunds(); err == nil {
		d.OpenRefs = n
	}
	if mc, err := s.uc.orders.MailFailures(); err == nil {
		d.Mail = mc
	}
	s.page(c, http.StatusOK, "admin-home", ownerT(lang, "home.browser_title"), d)
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

func (s *Sidecar) adminOrderPage(c *gin.Context) {
	o, err := s.uc.orders.Get(c.Param("id"))
	if errors.Is(err, usecase.ErrNotFound) {
		s.adminMessage(c, http.StatusNotFound, ownerT(s.lang(c), "err.no_order", c.Param("id")))
		return
	}
	if err != nil {
		s.internalPage(c, "admin order", err)
		return
	}
	s.renderAdminOrder(c, http.StatusOK, o, s.adminNotice(c), "")
}

func (s *Sidecar) renderAdminOrder(c *gin.Context, status int, o *order.Order, notice, msg string) {
	lang := s.lang(c)
	d := adminOrderPage{CSRF: c.GetString("csrf"), O: o, V: s.orders.orderView(o, lang, true), A: s.returns.afterSaleView(o, lang),
		Notice: notice, Error: msg, Zone: s.zone()}
	_, errPack := order.Transition(o.State, order.EventPack)
	_, errShip := order.Transition(o.State, order.EventShip)
	_, errDel := order.Transition(o.State, order.EventDeliver)
	_, errCan := order.Transition(o.State, order.EventCancel)
	d.CanPack, d.CanShip, d.CanDeliver = errPack == nil, errShip == nil, errDel == nil
	d.CanCancel = errCan == nil && !usecase.GiftCardsIssued(o) // issued cards would stay spendable
	d.CanRefund = o.Refundable() > 0
	d.Mails = mailRowsData{CSRF: d.CSRF, Back: "/admin/orders/" + o.ID + noticeQuery("mail-queued"), Mails: s.orderMailProblems(o.ID)}
	restocked, err := s.uc.orders.Restocked(o.ID)
	if err != nil {
		s.log.Error("admin order: restocked returns", "order", o.ID, "err", err)
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
	s.page(c, status, "admin-order", ownerT(lang, "admin")+" · "+o.ID, d)
}

func refundVoidID(o *order.Order, id string) bool {
	r := o.RefundByID(id)
	return r == nil || order.RefundVoid(r.Status)
}

// adminOrderAction runs one button: pack, ship, deliver, cancel,
// return-received, refund, sync (ask the provider about refunds now).
func (s *Sidecar) adminOrderAction(c *gin.Context) {
	id := c.Param("id")
	o, err := s.uc.orders.Get(id)
	if err != nil {
		s.adminMessage(c, http.StatusNotFound, ownerT(s.lang(c), "err.no_order", id))
		return
	}
	ctx := c.Request.Context()
	var notice string // a code of adminNotices
	switch c.Param("action") {
	case "pack":
		_, err = s.uc.orders.Pack(id, adminBy)
		notice = "packed"
	case "ship":
		_, err = s.uc.orders.Ship(id, adminBy, strings.TrimSpace(c.PostForm("tracking_url")), strings.TrimSpace(c.PostForm("tracking_code")))
		notice = "shipped"
	case "label": // carrier.go
		notice, err = s.adminLabelAction(ctx, id, s.lang(c))
	case "deliver":
		_, err = s.uc.orders.Deliver(id, adminBy)
		notice = "delivered"
	case "cancel":
		_, err = s.uc.orders.Cancel(ctx, id, adminBy)
		notice = "canceled"
	case "return-received":
		_, err = s.uc.refunds.ReceiveReturn(ctx, id, c.PostForm("code"), c.PostForm("refund") == "1", adminBy)
		notice = "return-received"
		if err == nil && c.PostForm("restock") == "1" {
			_, err = s.uc.orders.Restock(id, c.PostForm("code"))
			notice = "return-restocked"
		}
	case "restock":
		var changed bool
		changed, err = s.uc.orders.Restock(id, c.PostForm("code"))
		notice = "restocked"
		if err == nil && !changed {
			notice = "restocked-before"
		}
	case "refund":
		req := RefundRequest{ReturnCode: c.PostForm("code"), Full: c.PostForm("full") == "1", Shipping: c.PostForm("shipping") == "1"}
		if a := strings.TrimSpace(c.PostForm("amount")); a != "" && req.ReturnCode == "" && !req.Full {
			amt, perr := money.Parse(strings.ReplaceAll(a, ",", "."), o.Currency)
			if perr != nil || amt <= 0 {
				s.renderAdminOrder(c, http.StatusUnprocessableEntity, o, "", ownerT(s.lang(c), "err.amount"))
				return
			}
			req.Amount, req.Note = int64(amt), strings.TrimSpace(c.PostForm("note"))
		}
		for _, l := range o.Lines {
			if n, _ := strconv.Atoi(c.PostForm("qty_" + l.SKU)); n > 0 && req.ReturnCode == "" && !req.Full && req.Amount == 0 {
				req.Lines = append(req.Lines, WantLine{SKU: l.SKU, Quantity: n})
			}
		}
		_, _, err = s.uc.refunds.Owner(ctx, id, req, adminBy)
		notice = "refunded"
		if errors.Is(err, errRefundUncertain) {
			notice, err = "refund-uncertain", nil
		}
	case "sync":
		err = s.uc.refunds.Sync(ctx, id, adminBy)
		notice = "synced"
	default:
		s.adminMessage(c, http.StatusNotFound, ownerT(s.lang(c), "err.no_action"))
		return
	}
	if err != nil {
		fresh, gerr := s.uc.orders.Get(id)
		if gerr == nil {
			o = fresh
		}
		st, msg := ownerError(err)
		switch {
		case errors.Is(err, order.ErrTransition):
			lang := s.lang(c)
			st, msg = http.StatusConflict, ownerT(lang, "err.transition", ownerT(lang, "action."+c.Param("action")), id, strings.ToLower(stateWords(lang, o.State)))
		case errors.Is(err, ErrBadTrackingLink): // the page's own sentence
			msg = ownerT(s.lang(c), "err.tracking")
		}
		s.renderAdminOrder(c, st, o, "", msg)
		return
	}
	s.log.Info("order changed on the owner's page", "order", id, "action", c.Param("action"))
	c.Redirect(http.StatusSeeOther, "/admin/orders/"+url.PathEscape(id)+noticeQuery(notice))
}

// adminFuncs are the functions of the owner's page (templates/admin.html).
var adminFuncs = template.FuncMap{
	// The shop's language is bound per sidecar (shopFuncs); these are the
	// defaults a template set parses with.
	"state":  func(st any) string { return stateWords(words.Fallback, st) },
	"rstate": func(st any) string { return ownerT(words.Fallback, "return."+fmt.Sprint(st)) },
	"o":      func(key string) string { return ownerT(words.Fallback, key) },
	"of":     func(key string, args ...any) string { return ownerT(words.Fallback, key, args...) },
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
