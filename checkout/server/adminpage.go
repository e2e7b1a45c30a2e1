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
	"github.com/storefront/storefront/checkout/store"
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
	if err := s.store.StartSession(id, s.now(), adminSessionIdle, adminSessionTTL); err != nil {
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
	live, err := s.store.TouchSession(id, s.now(), adminSessionIdle, adminSessionTTL)
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
			s.adminMessage(c, http.StatusForbidden, "The owner's page is off: start the sidecar with an admin token (SHOP_ADMIN_TOKEN).")
			c.Abort()
			return
		}
		v, _ := c.Cookie(adminCookie)
		if !s.validSession(v) {
			if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
				s.renderLogin(c, http.StatusUnauthorized, "")
			} else {
				s.adminMessage(c, http.StatusForbidden, "Your session has ended. Log in again.")
			}
			c.Abort()
			return
		}
		if c.Request.Method == http.MethodPost {
			got := c.PostForm("csrf")
			if subtle.ConstantTimeCompare([]byte(got), []byte(s.csrfToken(v))) != 1 {
				s.adminMessage(c, http.StatusForbidden, "The form is out of date (missing or wrong CSRF token). Reload the page and try again.")
				c.Abort()
				return
			}
		}
		c.Set("csrf", s.csrfToken(v))
		c.Set(ctxActor, adminBy)
		c.Next()
	}
}

// afterSalePages registers the customer's return and cancel pages and the
// owner's pages. Both groups pass the same-origin check on POST.
func (s *Sidecar) afterSalePages(pages *gin.RouterGroup, r *gin.Engine) {
	pages.GET("/order/:token/return", s.pageReturn)
	pages.POST("/order/:token/return", s.formReturn)
	pages.POST("/order/:token/cancel", s.formCancel)

	r.GET("/admin", redirectTo("/admin/"))
	pages.POST("/admin/login", s.adminLogin)
	ad := pages.Group("/admin", s.adminSession())
	ad.GET("/", s.adminHome)
	ad.POST("/logout", s.adminLogout)
	ad.GET("/orders/:id", s.adminOrderPage)
	ad.POST("/orders/:id/:action", s.adminOrderAction)
	ad.GET("/orders/:id/packing-slip", s.pagePackingSlip)
	ad.GET("/pick-list", s.pagePickList)
	s.mailFailRoutes(nil, ad) // mailfail.go
}

// afterSaleCustomerAPI registers the customer's JSON endpoints.
func (s *Sidecar) afterSaleCustomerAPI(cust *gin.RouterGroup) {
	cust.GET("/orders/:token/returns", s.apiReturns)
	cust.POST("/orders/:token/returns", s.apiRequestReturn)
	cust.POST("/orders/:token/cancel", s.apiCancel)
}

// afterSaleAdminAPI registers the owner's JSON endpoints.
func (s *Sidecar) afterSaleAdminAPI(admin *gin.RouterGroup) {
	admin.GET("/orders/:id/returns", s.adminAfterSale)
	admin.POST("/orders/:id/return-received", s.adminReturnReceived)
	admin.POST("/orders/:id/refund", s.adminRefund)
	admin.GET("/orders/:id/packing-slip", s.pagePackingSlip)
	admin.GET("/pick-list", s.apiPickList)
	s.mailFailRoutes(admin, nil) // mailfail.go
}

func (s *Sidecar) adminMessage(c *gin.Context, status int, text string) {
	s.page(c, status, "message", "Admin", map[string]string{"Lang": "en", "Title": "Admin", "Text": text, "Home": "/admin/"})
}

type loginPage struct{ Error string }

func (s *Sidecar) renderLogin(c *gin.Context, status int, msg string) {
	s.page(c, status, "admin-login", "Admin · log in", loginPage{Error: msg})
}

// adminLogin takes the token from the form (compared in constant time) and
// sets the session cookie. A client with wrong tries behind it must wait
// (1 s, 2 s, 4 s, ... up to 15 min) before its next try is even compared;
// all wrong tries together drain a global budget (tokenGuard), which a
// browser with the owner cookie skips.
func (s *Sidecar) adminLogin(c *gin.Context) {
	if s.opts.AdminToken == "" {
		s.adminMessage(c, http.StatusForbidden, "The owner's page is off: start the sidecar with an admin token (SHOP_ADMIN_TOKEN).")
		return
	}
	client := s.clientKey(c.Request)
	if wait := s.abuse.login.wait(client, s.knownOwner(c)); wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		c.Header("Retry-After", strconv.Itoa(secs))
		s.renderLogin(c, http.StatusTooManyRequests, fmt.Sprintf("Too many wrong tokens. Try again in %d seconds.", secs))
		return
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(c.PostForm("token"))))
	want := sha256.Sum256([]byte(s.opts.AdminToken))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		s.abuse.login.failed(client)
		s.log.Warn("admin login refused", "client", client)
		s.renderLogin(c, http.StatusUnauthorized, "That is not the admin token.")
		return
	}
	s.abuse.login.succeeded(client)
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
			if err := s.store.EndSession(id); err != nil {
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
	Mail      store.MailFailureCount // e-mails not sent (mailfail.go)
	Alerts    []adminAlert           // health.go
}

type adminSection struct {
	State  string
	Orders []adminRow
	More   int
}

func (s *Sidecar) adminRowOf(o *order.Order) adminRow {
	r := adminRow{ID: o.ID, Created: o.CreatedAt.In(s.zone()).Format("2006-01-02 15:04"), Customer: o.Customer.Name,
		Total: money.Display(o.Total(), o.Currency, "en")}
	var notes []string
	if o.GiftNote != "" {
		notes = append(notes, "gift note")
	}
	for _, ret := range o.Returns {
		if ret.State != order.ReturnRefunded {
			notes = append(notes, "return "+ret.Code+" "+string(ret.State))
		}
	}
	if n := len(o.OpenRefunds()); n > 0 {
		notes = append(notes, fmt.Sprintf("%d refund(s) in progress", n))
	}
	r.Notes = strings.Join(notes, "; ")
	return r
}

// adminHome lists orders by state (GET /admin/?state=paid shows all of one state).
func (s *Sidecar) adminHome(c *gin.Context) {
	d := adminHomePage{CSRF: c.GetString("csrf"), Notice: adminNotice(c)}
	d.Alerts = s.adminAlerts7d()
	states := adminStates
	limit := 20
	if st := order.State(c.Query("state")); st.Valid() {
		states, limit, d.ShowState = []order.State{st}, 0, string(st)
	}
	for _, st := range states {
		list, err := s.store.ListOrders(store.Filter{States: []order.State{st}})
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
			sec.Orders = append(sec.Orders, s.adminRowOf(o))
			for _, ret := range o.Returns {
				if ret.State == order.ReturnRequested {
					d.Returns = append(d.Returns, s.adminRowOf(o))
					break
				}
			}
		}
		d.Sections = append(d.Sections, sec)
	}
	if ids, err := s.store.OrdersWithOpenRefunds(); err == nil {
		d.OpenRefs = len(ids)
	}
	if mc, err := s.store.MailFailures(); err == nil {
		d.Mail = mc
	}
	s.page(c, http.StatusOK, "admin-home", "Admin · orders", d)
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
	Mails       mailRowsData // its e-mails that could not be sent (mailfail.go)
}

func (s *Sidecar) adminOrderPage(c *gin.Context) {
	o, err := s.store.GetOrder(c.Param("id"))
	if errors.Is(err, store.ErrNotFound) {
		s.adminMessage(c, http.StatusNotFound, "No order "+c.Param("id")+".")
		return
	}
	if err != nil {
		s.internalPage(c, "admin order", err)
		return
	}
	s.renderAdminOrder(c, http.StatusOK, o, adminNotice(c), "")
}

func (s *Sidecar) renderAdminOrder(c *gin.Context, status int, o *order.Order, notice, msg string) {
	d := adminOrderPage{CSRF: c.GetString("csrf"), O: o, V: s.orderView(o, "en", true), A: s.afterSaleView(o, "en"),
		Notice: notice, Error: msg, Zone: s.zone()}
	_, errPack := order.Transition(o.State, order.EventPack)
	_, errShip := order.Transition(o.State, order.EventShip)
	_, errDel := order.Transition(o.State, order.EventDeliver)
	_, errCan := order.Transition(o.State, order.EventCancel)
	d.CanPack, d.CanShip, d.CanDeliver, d.CanCancel = errPack == nil, errShip == nil, errDel == nil, errCan == nil
	d.CanRefund = o.Refundable() > 0
	d.Mails = mailRowsData{CSRF: d.CSRF, Back: "/admin/orders/" + o.ID + "?notice=" + url.QueryEscape("E-mail queued again."), Mails: s.orderMailProblems(o.ID)}
	for _, r := range o.Returns {
		if r.State == order.ReturnRequested {
			d.OpenReturns = append(d.OpenReturns, r)
		}
		if r.State != order.ReturnRefunded && (r.RefundID == "" || refundVoidID(o, r.RefundID)) {
			d.ToRefund = append(d.ToRefund, r)
		}
	}
	s.page(c, status, "admin-order", "Admin · "+o.ID, d)
}

func refundVoidID(o *order.Order, id string) bool {
	r := o.RefundByID(id)
	return r == nil || order.RefundVoid(r.Status)
}

// adminOrderAction runs one button: pack, ship, deliver, cancel,
// return-received, refund, sync (ask the provider about refunds now).
func (s *Sidecar) adminOrderAction(c *gin.Context) {
	id := c.Param("id")
	o, err := s.store.GetOrder(id)
	if err != nil {
		s.adminMessage(c, http.StatusNotFound, "No order "+id+".")
		return
	}
	ctx := c.Request.Context()
	var notice string // a code of adminNotices
	switch c.Param("action") {
	case "pack":
		_, err = s.ownerDo(id, order.EventPack, adminBy, "", "")
		notice = "packed"
	case "ship":
		code := strings.TrimSpace(c.PostForm("tracking_code"))
		tu, good := s.trackingLink(o.ShippingMethod, strings.TrimSpace(c.PostForm("tracking_url")), code)
		if !good {
			s.renderAdminOrder(c, http.StatusUnprocessableEntity, o, "", "The tracking link must be an http(s) link, e.g. https://jouw.postnl.nl/track-and-trace/3SABC123.")
			return
		}
		_, err = s.ownerDo(id, order.EventShip, adminBy, tu, code)
		notice = "shipped"
	case "deliver":
		_, err = s.ownerDo(id, order.EventDeliver, adminBy, "", "")
		notice = "delivered"
	case "cancel":
		_, err = s.cancelOrder(ctx, id, adminBy, false)
		notice = "canceled"
	case "return-received":
		_, err = s.returnReceived(ctx, id, c.PostForm("code"), c.PostForm("refund") == "1", adminBy)
		notice = "return-received"
	case "refund":
		req := RefundRequest{ReturnCode: c.PostForm("code"), Full: c.PostForm("full") == "1", Shipping: c.PostForm("shipping") == "1"}
		if a := strings.TrimSpace(c.PostForm("amount")); a != "" && req.ReturnCode == "" && !req.Full {
			amt, perr := money.Parse(strings.ReplaceAll(a, ",", "."), o.Currency)
			if perr != nil || amt <= 0 {
				s.renderAdminOrder(c, http.StatusUnprocessableEntity, o, "", "Write the amount like 12.50.")
				return
			}
			req.Amount, req.Note = int64(amt), strings.TrimSpace(c.PostForm("note"))
		}
		for _, l := range o.Lines {
			if n, _ := strconv.Atoi(c.PostForm("qty_" + l.SKU)); n > 0 && req.ReturnCode == "" && !req.Full && req.Amount == 0 {
				req.Lines = append(req.Lines, WantLine{SKU: l.SKU, Quantity: n})
			}
		}
		_, _, err = s.ownerRefund(ctx, id, req, adminBy)
		notice = "refunded"
		if errors.Is(err, errRefundUncertain) {
			notice, err = "refund-uncertain", nil
		}
	case "sync":
		err = s.syncRefunds(ctx, id, adminBy)
		notice = "synced"
	default:
		s.adminMessage(c, http.StatusNotFound, "No such action.")
		return
	}
	if err != nil {
		fresh, gerr := s.store.GetOrder(id)
		if gerr == nil {
			o = fresh
		}
		st, msg := refundErrorStatus(err)
		if errors.Is(err, order.ErrTransition) {
			st, msg = http.StatusConflict, fmt.Sprintf("Cannot %s order %s: it is %s.", c.Param("action"), id, o.State)
		}
		s.renderAdminOrder(c, st, o, "", msg)
		return
	}
	s.log.Info("order changed on the owner's page", "order", id, "action", c.Param("action"))
	c.Redirect(http.StatusSeeOther, "/admin/orders/"+url.PathEscape(id)+noticeQuery(notice))
}

// ownerDo applies pack, ship or deliver as the admin API does.
func (s *Sidecar) ownerDo(id string, ev order.Event, by, trackingURL, trackingCode string) (*order.Order, error) {
	o, effects, err := s.store.UpdateOrder(id, func(o *order.Order) (bool, []order.Effect, error) {
		if ev == order.EventShip && (trackingURL != "" || trackingCode != "") {
			o.TrackingURL, o.TrackingCode = trackingURL, trackingCode
		}
		eff, err := o.Do(ev, by, "", s.now())
		return err == nil, eff, err
	})
	if err != nil {
		return nil, err
	}
	s.handleEffects(o, effects)
	return o, nil
}

// cancelOrder cancels compare-and-set (the state is checked in the same
// transaction) and refunds a paid order in full. The customer may cancel
// only before packing; the owner also a packed order.
func (s *Sidecar) cancelOrder(ctx context.Context, orderID, by string, customer bool) (*order.Order, error) {
	o, effects, err := s.store.UpdateAfterSale(orderID, func(o *order.Order) (bool, []order.Effect, []store.Mail, error) {
		if o.State == order.Canceled {
			return false, nil, nil, nil
		}
		if customer && !canCancel(o) {
			if o.State == order.AwaitingPayment {
				return false, nil, nil, errPaymentBusy
			}
			return false, nil, nil, errTooLate
		}
		eff, err := o.Do(order.EventCancel, by, "canceled", s.now())
		if err != nil {
			return false, nil, nil, err
		}
		kept := eff[:0]
		for _, e := range eff {
			if e.Kind != order.EffectRefundDue { // refunded right below, not an anomaly
				kept = append(kept, e)
			}
		}
		var mails []store.Mail
		// The wording is "as you asked"; the shop's own cancel is told by the
		// refund e-mail, as in the admin API. An order nobody paid gets no
		// e-mail: its address may be a stranger's (issue 12, item 2).
		if customer && store.ConfirmedByOwner(o) {
			mails = append(mails, store.Mail{ID: store.AfterSaleMailID(store.MailCanceled, o.ID, "cancel"), Kind: store.MailCanceled})
		}
		return true, kept, mails, nil
	})
	if err != nil {
		return nil, err
	}
	s.handleEffects(o, effects)
	if o.State == order.Canceled && !o.PaidAt.IsZero() && o.Refundable() > 0 {
		// Also when it was canceled already: a refund that did not go
		// through before is picked up (planFull reuses a live one).
		o2, _, err := s.doRefund(ctx, orderID, by, planFull("cancel"))
		if err != nil && !errors.Is(err, errRefundUncertain) {
			s.log.Error("refund after cancel", "order", orderID, "err", err)
			return orOld(o2, o), err
		}
		o = orOld(o2, o)
	}
	return o, nil
}

func init() {
	template.Must(pages.New("admin").Funcs(template.FuncMap{
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
	}).Parse(adminTemplates))
}

const adminTemplates = `
{{define "admin-login"}}
<div class="wrap sf-admin sf-admin-login">
<h1>Shop admin</h1>
{{if .Error}}<p class="sf-error notice notice--error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="/admin/login" class="sf-admin-login-form">
<p class="form-row"><label for="f-token">Admin token</label>
<input id="f-token" name="token" type="password" autocomplete="current-password" required size="40"></p>
<p class="muted small">The token the sidecar was started with (SHOP_ADMIN_TOKEN). This browser stays logged in for 12 hours, or until it has not been used for 2 hours, or until you log out.</p>
<p><button type="submit" class="sf-button button button--primary">Log in</button></p>
</form>
</div>
{{end}}

{{define "admin-nav"}}<nav class="sf-admin-nav" aria-label="Admin"><a href="/admin/">Orders</a> · <a href="/admin/pick-list">Pick list</a> · <a href="/admin/stats/">Figures</a> · <a href="/admin/mail/">E-mail not sent</a> · <a href="/admin/reviews/">Reviews and subscribers</a> · <a href="/admin/invoices.csv">Invoices this year (CSV)</a> · <a href="/admin/subscriptions/">Subscriptions</a> ·
<form method="post" action="/admin/logout" style="display:inline"><input type="hidden" name="csrf" value="{{.}}"><button type="submit" class="button button--link">Log out</button></form></nav>{{end}}

{{define "admin-home"}}
<div class="wrap sf-admin sf-admin-home">
{{template "admin-nav" .CSRF}}
<h1>Orders{{if .ShowState}}: {{.ShowState}}{{end}}</h1>
{{template "admin-alerts" .Alerts}}
{{if .Notice}}<p class="notice notice--success" role="status">{{.Notice}}</p>{{end}}
{{if .Mail.Dead}}<p class="sf-error notice notice--error" role="alert"><a href="/admin/mail/">{{.Mail.Dead}} e-mail(s) could not be sent</a>: the customers have not got them. See the list and retry.</p>{{else if .Mail.Retrying}}<p class="notice"><a href="/admin/mail/">{{.Mail.Retrying}} e-mail(s) failed</a> and are being retried.</p>{{end}}
{{if .OpenRefs}}<p class="notice">{{.OpenRefs}} order(s) with a refund in progress; the reconciler checks them every minute.</p>{{end}}
{{if .Returns}}<h2>Returns on their way to you</h2><ul>{{range .Returns}}<li><a href="/admin/orders/{{.ID}}">{{.ID}}</a> {{.Customer}} — {{.Notes}}</li>{{end}}</ul>{{end}}
{{range .Sections}}<section class="sf-admin-state" data-state="{{.State}}">
<h2>{{.State}} ({{len .Orders}}{{if .More}}+{{.More}}{{end}})</h2>
{{if .Orders}}<table class="sf-lines cart-table"><thead><tr><th scope="col">Order</th><th scope="col">Placed</th><th scope="col">Customer</th><th scope="col" class="num">Total</th><th scope="col">Notes</th></tr></thead><tbody>
{{range .Orders}}<tr><td><a href="/admin/orders/{{.ID}}">{{.ID}}</a></td><td>{{.Created}}</td><td>{{.Customer}}</td><td class="num">{{.Total}}</td><td>{{.Notes}}</td></tr>
{{end}}</tbody></table>{{if .More}}<p><a href="/admin/?state={{.State}}">All {{.State}} orders</a></p>{{end}}{{else}}<p class="muted">None.</p>{{end}}
</section>{{end}}
</div>
{{end}}

{{define "admin-order"}}{{$o := .O}}{{$z := .Zone}}{{$csrf := .CSRF}}{{$c := $o.Currency}}
<div class="wrap sf-admin sf-admin-order" data-state="{{$o.State}}">
{{template "admin-nav" .CSRF}}
<h1>Order {{$o.ID}} <small>({{$o.State}})</small></h1>
{{if .Notice}}<p class="notice notice--success" role="status">{{.Notice}}</p>{{end}}
{{if .Error}}<p class="sf-error notice notice--error" role="alert">{{.Error}}</p>{{end}}
<p>{{$o.Customer.Name}} &lt;{{$o.Customer.Email}}&gt;<br>{{$o.Customer.Street}}, {{$o.Customer.PostalCode}} {{$o.Customer.City}}, {{$o.Customer.Country}}</p>
<p><a href="{{.V.URL}}">Customer's order page</a> · <a href="/admin/orders/{{$o.ID}}/packing-slip">Packing slip</a>{{with $o.InvoiceNumber}} · <a href="/admin/orders/{{$o.ID}}/invoice/{{.}}.pdf">Invoice {{.}}</a>{{end}}{{range $o.Refunds}}{{with .CreditNote}} · <a href="/admin/orders/{{$o.ID}}/invoice/{{.}}.pdf">Credit note {{.}}</a>{{end}}{{end}}</p>
<table class="sf-lines cart-table">{{range $o.Lines}}<tr><td>{{.Quantity}} × {{.Title}} {{.Variant}} <small>({{.SKU}})</small></td><td class="num">{{eur .LineTotal $c}}</td></tr>{{end}}
<tr><td>Shipping ({{$o.Totals.ShippingName}})</td><td class="num">{{eur $o.Totals.Shipping $c}}</td></tr>
{{range $o.Totals.Adjustments}}<tr><td>Discount: {{.Kind}} ({{.VATRate}}% VAT)</td><td class="num">{{eur .Amount $c}}</td></tr>{{end}}
<tr><td><strong>Total</strong></td><td class="num"><strong>{{.V.TotalText}}</strong></td></tr>
<tr><td>Paid · refunded · refundable</td><td class="num">{{eur .A.Paid $c}} · {{eur .A.Refunded $c}} · {{eur .A.Refundable $c}}</td></tr></table>
{{if or $o.PointsRedeemed $o.PointsToEarn $o.PromiseExtraDays}}<p class="muted">Loyalty points: {{$o.PointsRedeemed}} spent, {{$o.PointsToEarn}} to earn on delivery{{if $o.PromiseExtraDays}} · delivery promised {{$o.PromiseExtraDays}} day(s) later than the rules, as the carrier has been late{{end}}</p>{{end}}
{{if $o.GiftNote}}<p><strong>Gift note:</strong> <span style="white-space:pre-line">{{$o.GiftNote}}</span></p>{{end}}
{{if $o.TrackingURL}}<p>Tracking: <a href="{{$o.TrackingURL}}" rel="noopener">{{$o.TrackingURL}}</a></p>{{end}}
{{if .Mails.Mails}}<h2>E-mail not sent</h2><p class="sf-error notice notice--error" role="alert">An e-mail to this customer could not be sent. Fix the cause and retry, or contact the customer.</p>{{template "admin-mail-problems" .Mails}}{{end}}

<h2>Actions</h2>
<div class="sf-admin-actions">
{{if .CanPack}}<form method="post" action="/admin/orders/{{$o.ID}}/pack"><input type="hidden" name="csrf" value="{{$csrf}}"><button class="button button--primary" type="submit">Mark packed</button></form>{{end}}
{{if .CanShip}}<form method="post" action="/admin/orders/{{$o.ID}}/ship"><input type="hidden" name="csrf" value="{{$csrf}}">
<p class="form-row"><label for="f-tu">Tracking link</label> <input id="f-tu" name="tracking_url" type="url" size="40" placeholder="https://…"> <label for="f-tc">or code</label> <input id="f-tc" name="tracking_code" size="14"></p>
<button class="button button--primary" type="submit">Mark shipped</button></form>{{end}}
{{if .CanDeliver}}<form method="post" action="/admin/orders/{{$o.ID}}/deliver"><input type="hidden" name="csrf" value="{{$csrf}}"><button class="button" type="submit">Mark delivered</button></form>{{end}}
{{range .OpenReturns}}<form method="post" action="/admin/orders/{{$o.ID}}/return-received"><input type="hidden" name="csrf" value="{{$csrf}}"><input type="hidden" name="code" value="{{.Code}}">
<label><input type="checkbox" name="refund" value="1" checked> and refund it now</label>
<button class="button button--primary" type="submit">Return {{.Code}} received</button></form>{{end}}
{{range .ToRefund}}{{if ne .State "requested"}}<form method="post" action="/admin/orders/{{$o.ID}}/refund"><input type="hidden" name="csrf" value="{{$csrf}}"><input type="hidden" name="code" value="{{.Code}}"><button class="button" type="submit">Refund return {{.Code}} ({{eur .Amount $c}})</button></form>{{end}}{{end}}
{{if .CanRefund}}<details><summary>Other refund</summary>
<form method="post" action="/admin/orders/{{$o.ID}}/refund"><input type="hidden" name="csrf" value="{{$csrf}}">
<p>By item:</p>{{range $o.Lines}}<p class="form-row"><label>{{.Title}} {{.Variant}} <input type="number" name="qty_{{.SKU}}" min="0" max="{{.Quantity}}" value="0" size="3"></label></p>{{end}}
<p><label><input type="checkbox" name="shipping" value="1"> include the shipping cost</label></p>
<p class="form-row"><label>or an amount <input name="amount" size="8" placeholder="5.00"></label> <label>note <input name="note" size="20"></label></p>
<p><label><input type="checkbox" name="full" value="1"> or everything still refundable</label></p>
<button class="button" type="submit">Refund</button></form></details>{{end}}
{{if .CanCancel}}<form method="post" action="/admin/orders/{{$o.ID}}/cancel"><input type="hidden" name="csrf" value="{{$csrf}}"><button class="button" type="submit">Cancel order (refunds a paid order in full)</button></form>{{end}}
{{if $o.OpenRefunds}}<form method="post" action="/admin/orders/{{$o.ID}}/sync"><input type="hidden" name="csrf" value="{{$csrf}}"><button class="button button--link" type="submit">Check refunds with the provider now</button></form>{{end}}
</div>

{{if $o.Returns}}<h2>Returns</h2><table class="sf-lines cart-table"><thead><tr><th>Code</th><th>State</th><th>Items</th><th>Requested</th><th>Received</th><th>Refunded</th><th>Reason</th></tr></thead><tbody>
{{range $o.Returns}}<tr><td>{{.Code}}</td><td>{{.State}}</td><td>{{range .Lines}}{{.Quantity}} × {{.Title}} {{.Variant}}<br>{{end}}</td><td>{{when .RequestedAt $z}}</td><td>{{when .ReceivedAt $z}}</td><td>{{when .RefundedAt $z}}</td><td>{{.Reason}}</td></tr>{{end}}
</tbody></table>{{end}}
{{if $o.Refunds}}<h2>Refunds</h2><table class="sf-lines cart-table"><thead><tr><th>Id</th><th class="num">Amount</th><th>Why</th><th>Status</th><th>Provider</th><th>Note</th></tr></thead><tbody>
{{range $o.Refunds}}<tr><td>{{.ID}}</td><td class="num">{{eur .Amount $c}}</td><td>{{.Reason}} {{.ReturnCode}}</td><td>{{.Status}}</td><td>{{.ProviderID}}</td><td>{{.LastError}}</td></tr>{{end}}
</tbody></table>{{end}}

<h2>History</h2>
<table class="sf-history cart-table"><thead><tr><th>When</th><th>Who</th><th>What</th></tr></thead><tbody>
{{range $o.History}}<tr><td>{{when .At $z}}</td><td>{{.By}}</td><td>{{if ne .From .To}}{{.From}} → {{.To}}{{end}} {{.Note}}</td></tr>{{end}}
</tbody></table>
</div>
{{end}}
`
