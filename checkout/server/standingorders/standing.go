// Package standingorders is the HTTP side of standing orders (coffee on
// subscription, issue 14): the customer's API and pages, the checkout of
// one (checkout.go), the owner's API, the scheduler's pass, the payment
// news and the mails. The rules live in checkout/recurring, the use cases
// in checkout/standing; this package only speaks HTTP. checkout/server
// builds it (standing.go there) and runs its scheduler.
package standingorders

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/recurring"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/standing"
	"github.com/storefront/storefront/checkout/store"
	"github.com/storefront/storefront/checkout/wire"
)

// Standing is the HTTP side of standing orders: the customer's JSON
// API and pages (and the checkout of one, checkout.go), the
// owner's API, the scheduler's pass, the payment news and the mails. It is
// built with the service by the server (openStanding), once the provider is open; the
// workers started before it see nil and skip it, as they saw no service.
type Standing struct {
	*web.Web
	Svc      *standing.Service
	Store    *store.Store
	Provider payment.Provider
	KickMail func()
	NoRoute  func(*gin.Context)                        // routes.go: the page of an unknown link
	Send     func(context.Context, mail.Message) error // Sidecar.sendMail
}

// Schedule is the standing orders' part of RunScheduler.
func (h *Standing) Schedule(ctx context.Context) int {
	if h == nil || h.Svc.Recurring == nil {
		return 0
	}
	ctx = web.WithBudgetWait(ctx, 0) // the scheduler's provider reads wait for the call budget (providerbudget.go)
	n := h.Svc.Tick(ctx) + h.Svc.Reconcile(ctx)
	if n > 0 {
		h.KickMail()
	}
	return n
}

// StandingNews brings a payment's news to its standing order (after the
// order side has seen it, for first payments).
func (h *Standing) StandingNews(ctx context.Context, p payment.Payment) {
	if h == nil {
		return
	}
	out, err := h.Svc.Apply(ctx, p)
	if err != nil {
		h.Log.Error("standing order payment", "payment", p.ID, "err", err)
	}
	if out != standing.NotMine && out != standing.Pending {
		h.KickMail()
	}
}

// SyncStandingCharge handles news of a payment that belongs to no order:
// a recurring charge the store indexed. Strangers' ids are ignored, never
// looked up (a charge whose webhook came before it was recorded is found
// by the scheduler, which asks again with the same idempotency key).
func (h *Standing) SyncStandingCharge(ctx context.Context, id string) error {
	if h == nil || !h.Store.Standing.StandingChargeKnown(id) {
		return nil
	}
	p, err := h.Provider.GetPayment(ctx, id)
	if err != nil {
		return fmt.Errorf("get standing charge %s: %w", id, err)
	}
	h.StandingNews(ctx, *p)
	return nil
}

// StandingRequest is the body of POST /api/standing and /api/standing/quote.
type StandingRequest struct {
	Email          string `json:"email"`
	Name           string `json:"name"`
	Street         string `json:"street"`
	PostalCode     string `json:"postal_code"`
	City           string `json:"city"`
	Country        string `json:"country"`
	SKU            string `json:"sku"`
	Quantity       int    `json:"quantity"`
	Weeks          int    `json:"weeks"`
	ShippingMethod string `json:"shipping_method"`
	Lang           string `json:"lang"`
}

func (r StandingRequest) request() standing.Request {
	if r.Quantity == 0 {
		r.Quantity = 1
	}
	return standing.Request{Email: strings.TrimSpace(r.Email), Lang: r.Lang, SKU: r.SKU, Quantity: r.Quantity, Weeks: r.Weeks,
		ShippingMethod: r.ShippingMethod, Address: recurring.Address{Name: strings.TrimSpace(r.Name), Street: strings.TrimSpace(r.Street),
			PostalCode: strings.TrimSpace(r.PostalCode), City: strings.TrimSpace(r.City), Country: strings.ToUpper(strings.TrimSpace(r.Country))}}
}

// StandingQuote says what is charged now and at every delivery after it:
// the same amount (until a price change is announced by mail).
type StandingQuote struct {
	Currency     string       `json:"currency"`
	ChargedNow   money.Amount `json:"charged_now"`
	PerDelivery  money.Amount `json:"per_delivery"`
	Weeks        int          `json:"weeks"`
	SecondCharge string       `json:"second_charge"` // YYYY-MM-DD if paid today
	NoticeDays   int          `json:"notice_days"`
	Shipping     money.Amount `json:"shipping"`
	VATTotal     money.Amount `json:"vat_total"`
}

func (h *Standing) quoteStanding(req standing.Request) (StandingQuote, error) {
	t, err := standing.Quote(h.Catalog.Current(), req)
	if err != nil {
		return StandingQuote{}, err
	}
	today := h.Now().In(h.Zone())
	return StandingQuote{Currency: t.Currency, ChargedNow: t.GrandTotal, PerDelivery: t.GrandTotal, Weeks: req.Weeks,
		SecondCharge: today.AddDate(0, 0, 7*req.Weeks).Format(time.DateOnly), NoticeDays: recurring.DefaultPolicy.NoticeDays,
		Shipping: t.Shipping, VATTotal: t.VATTotal}, nil
}

func (h *Standing) APIStandingQuote(c *gin.Context) {
	var in StandingRequest
	if !web.DecodeJSON(c, &in) {
		return
	}
	q, err := h.quoteStanding(in.request())
	if err != nil {
		web.Fail(c, http.StatusUnprocessableEntity, err.Error())
		return
	}
	web.OK(c, http.StatusOK, q)
}

func (h *Standing) StandingView(st recurring.Standing, customer bool) wire.StandingView {
	v := wire.StandingView{ID: st.ID, State: st.State, PauseReason: st.PauseReason, Email: st.Email, Address: st.Address, SKU: st.SKU,
		Title: st.Title, Variant: st.Variant, Quantity: st.Quantity, Weeks: st.Weeks, Currency: st.Currency,
		NextAmount: st.ChargeFor(st.Period), NewPrice: st.NewPrice, Skipped: st.Skipped, Orders: st.Orders, Failures: st.Failures}
	if st.NoticeSent >= st.Period {
		v.NextAmount = st.NoticedAmount
	}
	if st.State == recurring.Active || st.State == recurring.Paused {
		v.NextCharge = st.NextCharge.Format(time.DateOnly)
	}
	if customer {
		v.Page = h.Abs("/standing/" + st.Token)
	}
	return v
}

// StandingBegun is the answer of POST /api/standing.
type StandingBegun struct {
	Standing    wire.StandingView `json:"standing"`
	Quote       StandingQuote     `json:"quote"`
	OrderToken  string            `json:"order_token"`
	CheckoutURL string            `json:"checkout_url"`
}

func (h *Standing) APIStandingBegin(c *gin.Context) {
	var in StandingRequest
	if !web.DecodeJSON(c, &in) {
		return
	}
	req := in.request()
	if req.Lang == "" {
		req.Lang = h.Lang(c)
	}
	if msg := standingFormError(req); msg != "" {
		web.Fail(c, http.StatusUnprocessableEntity, msg)
		return
	}
	if errs := addressErrors(h.Catalog.Current(), req.Email, &req.Address, req.Lang); len(errs) > 0 {
		web.FailFields(c, http.StatusUnprocessableEntity, addressMessage(errs, req.Lang), errs)
		return
	}
	q, err := h.quoteStanding(req)
	if err != nil {
		web.Fail(c, http.StatusUnprocessableEntity, err.Error())
		return
	}
	b, err := h.Svc.Begin(c.Request.Context(), req)
	if errors.Is(err, standing.ErrNoRecurring) {
		web.Fail(c, http.StatusServiceUnavailable, "this shop's payment provider cannot take subscriptions")
		return
	}
	if err != nil {
		h.Internal(c, "begin standing order", err)
		return
	}
	web.OK(c, http.StatusCreated, StandingBegun{Standing: h.StandingView(b.Standing, true), Quote: q, OrderToken: b.Order.Token, CheckoutURL: b.CheckoutURL})
}

func standingFormError(r standing.Request) string {
	a := r.Address
	switch {
	case !strings.Contains(r.Email, "@") || len(r.Email) > 254:
		return "email is not an e-mail address"
	case a.Name == "" || a.Street == "" || a.PostalCode == "" || a.City == "":
		return "name, street, postal_code and city are required"
	case len(a.Country) != 2:
		return "country must be a two-letter code such as NL"
	}
	return ""
}

func (h *Standing) standingByToken(c *gin.Context) (recurring.Standing, bool) {
	token := c.Param("token")
	if len(token) < 20 || len(token) > 64 {
		web.Fail(c, http.StatusNotFound, "no such subscription")
		return recurring.Standing{}, false
	}
	st, err := h.Store.Standing.StandingByToken(token)
	if errors.Is(err, store.ErrNotFound) {
		web.Fail(c, http.StatusNotFound, "no such subscription")
		return st, false
	}
	if err != nil {
		h.Internal(c, "standing order", err)
		return st, false
	}
	return st, true
}

func (h *Standing) APIStandingShow(c *gin.Context) {
	if st, found := h.standingByToken(c); found {
		web.OK(c, http.StatusOK, h.StandingView(st, true))
	}
}

// StandingActInput is the body of POST /api/standing/:token/:action.
type StandingActInput struct {
	Weeks      int    `json:"weeks"`
	SKU        string `json:"sku"`
	Name       string `json:"name"`
	Street     string `json:"street"`
	PostalCode string `json:"postal_code"`
	City       string `json:"city"`
	Country    string `json:"country"`
}

func (in StandingActInput) change() standing.Change {
	return standing.Change{Weeks: in.Weeks, SKU: in.SKU, Address: recurring.Address{Name: strings.TrimSpace(in.Name), Street: strings.TrimSpace(in.Street),
		PostalCode: strings.TrimSpace(in.PostalCode), City: strings.TrimSpace(in.City), Country: strings.ToUpper(strings.TrimSpace(in.Country))}}
}

func (h *Standing) APIStandingAct(c *gin.Context) {
	st, found := h.standingByToken(c)
	if !found {
		return
	}
	var in StandingActInput
	if c.Request.ContentLength != 0 && !web.DecodeJSON(c, &in) {
		return
	}
	ch := in.change()
	if c.Param("action") == standing.ActAddress {
		lang := h.LangOr(c, st.Lang)
		if errs := addressErrors(h.Catalog.Current(), st.Email, &ch.Address, lang); len(errs) > 0 {
			web.FailFields(c, http.StatusUnprocessableEntity, addressMessage(errs, lang), errs)
			return
		}
	}
	after, url, err := h.Svc.Act(c.Request.Context(), st.Token, c.Param("action"), ch, "customer")
	if err != nil {
		status := web.StandingActStatus(err)
		if status == http.StatusInternalServerError {
			h.Internal(c, "standing order action", err)
			return
		}
		web.Fail(c, status, err.Error())
		return
	}
	web.OK(c, http.StatusOK, gin.H{"standing": h.StandingView(after, true), "checkout_url": url})
}

func (h *Standing) AdminStandingList(c *gin.Context) {
	state := recurring.State(c.Query("state"))
	switch state {
	case "", recurring.Active, recurring.Paused, recurring.Canceled:
	default:
		web.Fail(c, http.StatusBadRequest, "state must be active, paused or canceled")
		return
	}
	all, err := h.Store.Standing.ListStanding(state)
	if err != nil {
		h.Internal(c, "list standing orders", err)
		return
	}
	everything, err := h.Store.Standing.ListStanding("")
	if err != nil {
		h.Internal(c, "list standing orders", err)
		return
	}
	out := wire.StandingList{Standing: []wire.StandingView{}, Figures: standing.Compute(everything, h.Now())}
	for _, st := range all {
		if st.State != "" {
			out.Standing = append(out.Standing, h.StandingView(st, false))
		}
	}
	web.OK(c, http.StatusOK, out)
}

func (h *Standing) AdminStandingShow(c *gin.Context) {
	st, err := h.Store.Standing.GetStanding(c.Param("id"))
	if errors.Is(err, store.ErrNotFound) {
		web.Fail(c, http.StatusNotFound, "no standing order "+c.Param("id"))
		return
	}
	if err != nil {
		h.Internal(c, "standing order", err)
		return
	}
	web.OK(c, http.StatusOK, h.StandingView(st, false))
}

func (h *Standing) AdminStandingAct(c *gin.Context) {
	action := c.Param("action")
	if action == "cancel" {
		action = standing.ActStop
	}
	st, err := h.Svc.OwnerAct(c.Request.Context(), c.Param("id"), action)
	if err != nil {
		status := web.StandingActStatus(err)
		if status == http.StatusInternalServerError {
			h.Internal(c, "standing order action", err)
			return
		}
		web.Fail(c, status, err.Error())
		return
	}
	web.OK(c, http.StatusOK, h.StandingView(st, false))
}

// ---- the customer's page ----

type standingPage struct {
	Lang      string
	V         wire.StandingView
	Token     string
	Intervals []int
	Countries []string // countriesWith
	Variants  []standingVariant
	Notice    string
	Error     string
	Amount    string
	When      string
}

type standingVariant struct {
	SKU, Label string
	Current    bool
}

func (h *Standing) PageStanding(c *gin.Context) {
	st, err := h.Store.Standing.StandingByToken(c.Param("token"))
	if err != nil {
		h.NoRoute(c)
		return
	}
	h.renderStanding(c, http.StatusOK, st, noticeText(h.LangOr(c, st.Lang), c.Query("done")), "")
}

func noticeText(lang, code string) string {
	if code == "" {
		return ""
	}
	if w := web.T(lang, "standing.done."+code); w != "standing.done."+code {
		return w
	}
	return ""
}

func (h *Standing) renderStanding(c *gin.Context, status int, st recurring.Standing, notice, msg string) {
	lang := h.LangOr(c, st.Lang)
	v := h.StandingView(st, true)
	d := standingPage{Lang: lang, V: v, Token: st.Token, Notice: notice, Error: msg,
		Amount: money.Display(v.NextAmount, st.Currency, lang), When: view.DayText(st.NextCharge.In(h.Zone()), lang)}
	cat := h.Catalog.Current()
	d.Countries = countriesWith(cat, strings.ToUpper(st.Address.Country))
	if it, found := cat.Lookup(st.SKU); found {
		if it.Subscription != nil {
			d.Intervals = it.Subscription.Intervals
		}
		for _, other := range cat.Items {
			if other.Product == it.Product && other.Subscription != nil {
				d.Variants = append(d.Variants, standingVariant{SKU: other.SKU, Label: other.VariantName(lang), Current: other.SKU == st.SKU})
			}
		}
	}
	if len(d.Intervals) == 0 {
		d.Intervals = []int{st.Weeks}
	}
	h.page(c, status, lang, "standing", "standing.title", d)
}

func (h *Standing) FormStanding(c *gin.Context) {
	st, err := h.Store.Standing.StandingByToken(c.Param("token"))
	if err != nil {
		h.NoRoute(c)
		return
	}
	w, _ := strconv.Atoi(c.PostForm("weeks"))
	ch := standing.Change{Weeks: w, SKU: c.PostForm("sku"), Address: recurring.Address{Name: strings.TrimSpace(c.PostForm("name")),
		Street: strings.TrimSpace(c.PostForm("street")), PostalCode: strings.TrimSpace(c.PostForm("postal_code")),
		City: strings.TrimSpace(c.PostForm("city")), Country: strings.ToUpper(strings.TrimSpace(c.PostForm("country")))}}
	action := c.Param("action")
	if action == standing.ActAddress {
		lang := h.LangOr(c, st.Lang)
		if errs := addressErrors(h.Catalog.Current(), st.Email, &ch.Address, lang); len(errs) > 0 {
			h.renderStanding(c, http.StatusUnprocessableEntity, st, "", addressMessage(errs, lang))
			return
		}
	}
	after, url, err := h.Svc.Act(c.Request.Context(), st.Token, action, ch, "customer")
	if err != nil {
		status := web.StandingActStatus(err)
		if status == http.StatusInternalServerError {
			h.InternalPage(c, "standing order action", err)
			return
		}
		h.renderStanding(c, status, st, "", web.T(h.LangOr(c, st.Lang), "standing.cannot"))
		return
	}
	if action == standing.ActPay && url != "" {
		c.Redirect(http.StatusSeeOther, url)
		return
	}
	c.Redirect(http.StatusSeeOther, "/standing/"+after.Token+"?done="+action)
}

// ---- mails ----

func (h *Standing) SendStandingMail(ctx context.Context, m store.Mail) error {
	st, err := h.Store.Standing.GetStanding(m.OrderID)
	if err != nil {
		return fmt.Errorf("standing order of mail %s: %w", m.ID, err)
	}
	lang := st.Lang
	if lang != "en" {
		lang = "nl"
	}
	cat := h.Catalog.Current()
	amount := st.ChargeFor(st.Period)
	if st.NoticeSent >= st.Period {
		amount = st.NoticedAmount
	}
	title := st.Title
	if st.Variant != "" {
		title += " (" + st.Variant + ")"
	}
	sm := mail.StandingMail{Kind: strings.TrimPrefix(m.Kind, "standing_"),
		Lang: lang, ShopName: cat.Shop.Name, Title: title, Weeks: st.Weeks, Amount: money.Display(amount, st.Currency, lang),
		When: view.DayText(st.NextCharge.In(h.Zone()), lang), Reason: st.PauseReason,
		PageURL: h.Abs("/standing/" + st.Token), PayURL: h.Abs("/standing/" + st.Token + "#pay")}
	switch m.Kind {
	case store.MailStandingNotice:
		sm.Kind = "notice"
	case store.MailStandingPriceNotice:
		sm.Kind = "price"
		sm.NewPrice = money.Display(st.NewPrice+st.Shipping, st.Currency, lang)
		sm.From = view.DayText(st.PriceAt.In(h.Zone()), lang)
	}
	subject, text, html, err := sm.Render()
	if err != nil {
		return err
	}
	msg := mail.Message{ID: m.ID, Kind: m.Kind, To: st.Email, ToName: st.Address.Name, Subject: subject, Text: text, HTML: html,
		Created: m.CreatedAt, ReplyTo: cat.Shop.Email}
	sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	return h.Send(sctx, msg)
}

// page renders a standing order page in lang (the standing order's or the
// form's, not only the request's) inside the shop's shell, never cached:
// it shows a customer's address and next charge.
func (h *Standing) page(c *gin.Context, status int, lang, name, titleKey string, data any) {
	var b bytes.Buffer
	if err := h.Tmpl().ExecuteTemplate(&b, name, data); err != nil {
		h.InternalPage(c, "render "+name, err)
		return
	}
	doc := h.ShellFor(c, lang).Render(web.T(lang, titleKey), web.HTMLSafe(b.String()))
	c.Header("X-Robots-Tag", "noindex")
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", doc)
}
