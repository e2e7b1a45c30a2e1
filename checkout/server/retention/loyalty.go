package retention

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/loyalty"
	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/promise"
	"github.com/storefront/storefront/checkout/returns"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/store"
)

// Loyalty points at checkout, on the order page and in e-mails; the
// promise adjustment loop. The rules are pure (checkout/loyalty,
// checkout/promise); the customer's points page is privacy.go, the owner's
// figures stats.go. See docs/loyalty-and-promises.md.

const (
	AdjPoints       = "points" // cart.Adjustment kind of a points discount
	pointsCookie    = "sf_points"
	PointsLinkTTL   = 7 * 24 * time.Hour
	PointsLinkEvery = 2 * time.Minute // at most one link e-mail per address this often
)

// Loyalty is the points' part of the checkout, the order page and the
// e-mails, and the points link e-mail.
type Loyalty struct {
	*web.Web
	Store       *store.Store
	locks       web.KeyLocks                                          // by normalised e-mail: one redeeming checkout at a time
	Policy      func() returns.Policy                                 // the shop's return policy (refunds.go)
	InternalErr func(lang, what string, err error) *web.CheckoutError // checkout.go
	Send        func(context.Context, mail.Message) error             // Sidecar.sendMail
}

// Promises is the delivery promise adjustment: each shipping method's
// lengthening, computed from the delivered orders (the sidecar runs it at start and every promiseEvery: startWorkers).
type Promises struct {
	*web.Web
	Store *store.Store

	mu       sync.Mutex
	adjust   map[string]promise.Adjustment // by shipping method
	adjusted time.Time
}

// loyaltyRule is the catalog's rule (the zero Rule when the shop has none).
func loyaltyRule(cat *catalog.Catalog) loyalty.Rule {
	l := cat.Loyalty
	if l == nil || l.PointsPerEuro <= 0 || l.PointValue <= 0 || l.MinRedeem < 0 {
		return loyalty.Rule{}
	}
	return loyalty.Rule{PointsPerEuro: l.PointsPerEuro, PointValue: money.Amount(l.PointValue), MinRedeem: l.MinRedeem,
		EarnOnGiftCards: l.EarnOnGiftCards}
}

// LockEmail serialises redeeming checkouts of one customer, so two at once
// cannot both spend the same points.
func (h *Loyalty) LockEmail(email string) func() { return h.locks.Lock(email) }

// ApplyPoints prices the customer's chosen points into t (nothing unless
// f.UsePoints) and gives the points spent and earned. The points belong to
// the e-mail address proven by the points link cookie (f.PointsEmail); the
// form's address must be that one. unlock must be called when the order is
// stored.
func (h *Loyalty) ApplyPoints(t *cart.Totals, f view.CheckoutForm, lang string) (spent, earn int, unlock func(), cerr *web.CheckoutError) {
	unlock = func() {}
	rule := loyaltyRule(h.Catalog.Current())
	if !rule.Enabled() {
		return 0, 0, unlock, nil
	}
	if f.UsePoints {
		email := loyalty.NormalizeEmail(f.Email)
		if f.PointsEmail == "" || f.PointsEmail != email {
			say := web.Phrase("points.need_link")
			if f.PointsEmail != "" {
				say = func(lang string) string { return web.TF(lang, "points.other_email", f.PointsEmail) }
			}
			return 0, 0, unlock, &web.CheckoutError{Err: web.ErrCheckoutForm, Say: say,
				Fields: map[string]string{"use_points": say(lang)}}
		}
		unlock = h.LockEmail(email)
		acc, _, err := h.Store.Loyalty.PointsAccount(email, h.ReturnWindow)
		if err != nil {
			unlock()
			return 0, 0, func() {}, h.InternalErr(lang, "points account", err)
		}
		var discount money.Amount
		spent, discount = rule.Redeem(acc.Balance, t.GoodsDue(), f.Points) // what a code left of the goods, gift cards aside
		if spent > 0 {
			if err := cart.ApplyDiscount(t, AdjPoints, web.T(lang, "sum.points"), discount); err != nil {
				unlock()
				return 0, 0, func() {}, h.InternalErr(lang, "points discount", err)
			}
		}
	}
	// Gift cards bought earn only if the shop says so; a gift card paying
	// changes nothing here (the goods it buys earn).
	return spent, rule.EarnOn(t.GrandTotal-t.Shipping, t.Subtotal-t.Goods()), unlock, nil
}

// OfferPoints fills the checkout page's offer, and applies the points to t
// when the customer asked for them (the total shown is the total charged).
func (h *Loyalty) OfferPoints(c *gin.Context, f view.CheckoutForm, t *cart.Totals, errs map[string]string, lang string) view.PointsOffer {
	cat := h.Catalog.Current()
	rule := loyaltyRule(cat)
	off := view.PointsOffer{On: rule.Enabled(), Lang: lang, Error: errs["use_points"]}
	if !off.On {
		return off
	}
	email := h.PointsEmail(c)
	if email == "" {
		return off
	}
	acc, _, err := h.Store.Loyalty.PointsAccount(email, h.ReturnWindow)
	if err != nil {
		h.Log.Warn("points account", "err", err)
		return off
	}
	off.Email, off.Balance, off.Min = email, acc.Balance, rule.MinRedeem
	off.Worth = money.Display(rule.Value(acc.Balance), t.Currency, lang)
	p, d := rule.Redeem(acc.Balance, t.GoodsDue(), f.Points) // as ApplyPoints: the offer is what is charged
	off.Points, off.Discount = p, money.Display(d, t.Currency, lang)
	off.NoGoods = p == 0 && acc.Balance >= rule.MinRedeem && t.GoodsDue() <= 1
	if f.UsePoints && p > 0 && loyalty.NormalizeEmail(f.Email) == email {
		if cart.ApplyDiscount(t, AdjPoints, web.T(lang, "sum.points"), d) == nil {
			off.Using = true
		}
	}
	return off
}

// ReturnWindow is when an order's return window closes (data/returns.toml
// window_days after delivery, end of that day in the shop's zone): its
// earned points become spendable after it (store.LedgerOrder).
func (h *Loyalty) ReturnWindow(o *order.Order) (time.Time, bool) {
	if o.DeliveredAt.IsZero() {
		return time.Time{}, false
	}
	c := *o
	c.State = order.Delivered // a refund does not move the window
	return h.Policy().Deadline(&c, h.Zone())
}

// PointsEmail is the e-mail address whose points link this browser holds.
func (h *Loyalty) PointsEmail(c *gin.Context) string {
	tok, err := c.Cookie(pointsCookie)
	if err != nil || tok == "" {
		return ""
	}
	email, err := h.Store.Loyalty.PointsLinkEmail(tok)
	if err != nil {
		return ""
	}
	return email
}

// OrderPoints says, in the customer's language, what the order did with
// points: spent at checkout, pending, credited, taken back.
func (h *Loyalty) OrderPoints(o *order.Order, lang string) string {
	if o.PointsRedeemed == 0 && o.PointsToEarn == 0 {
		return ""
	}
	var parts []string
	if o.PointsRedeemed > 0 {
		parts = append(parts, web.TF(lang, "points.spent", o.PointsRedeemed,
			money.Display(o.Totals.Discount(AdjPoints), o.Currency, lang)))
	}
	lo := store.LedgerOrder(o, h.ReturnWindow, h.Now())
	switch {
	case o.State == order.Delivered && !lo.SpendableAt.IsZero():
		got := 0
		for _, e := range loyalty.Ledger([]loyalty.Order{lo}).History {
			if e.Kind == loyalty.Credited || e.Kind == loyalty.TakenBack {
				got += e.Points
			}
		}
		if o.PointsToEarn > 0 {
			parts = append(parts, web.TF(lang, "points.earned", max(0, got)))
		}
	case o.State == order.Canceled:
	case o.PaidAt.IsZero():
		if o.PointsToEarn > 0 {
			parts = append(parts, web.TF(lang, "points.if_paid", o.PointsToEarn))
		}
	default:
		if n := lo.Pending(); n > 0 {
			parts = append(parts, web.TF(lang, "points.pending", n))
		}
	}
	return strings.Join(parts, " ")
}

// SummaryPoints adds the points discount and the points line to an e-mail.
func (h *Loyalty) SummaryPoints(sm *mail.Summary, o *order.Order, lang string) {
	if d := o.Totals.Discount(AdjPoints); d > 0 {
		sm.Adjustments = append(sm.Adjustments, mail.SummaryLine{Quantity: o.PointsRedeemed, Title: web.T(lang, "sum.points"),
			Total: money.Display(-d, o.Currency, lang)})
	}
	sm.Points = h.OrderPoints(o, lang)
}

// Refresh recomputes each shipping method's lengthening from the
// delivered orders and hands it to the store (orders paid from now on are
// promised with it).
func (h *Promises) Refresh() map[string]promise.Adjustment {
	cat := h.Catalog.Current()
	ds, err := h.Store.Deliveries()
	if err != nil {
		h.Log.Warn("promise check", "err", err)
		return h.Adjustments()
	}
	adj := promise.Policy{Target: cat.Shop.OnTimeTarget}.Adjust(ds, h.Now())
	extra := map[string]int{}
	for id, a := range adj {
		if m, ok := cat.Method(id); ok && m.Pickup {
			a.ExtraDays = 0 // collected at the shop: no carrier to doubt
			adj[id] = a
		}
		extra[id] = adj[id].ExtraDays
		if a.ExtraDays > 0 {
			h.Log.Info("delivery promise lengthened", "method", id, "extra_days", a.ExtraDays, "on_time", a.OnTime, "target", a.Target, "sample", a.Sample)
		}
	}
	h.Store.SetExtraDays(extra)
	h.mu.Lock()
	h.adjust, h.adjusted = adj, h.Now()
	h.mu.Unlock()
	return adj
}

// Adjustments is the last computed lengthening per method.
func (h *Promises) Adjustments() map[string]promise.Adjustment {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.adjust
}

// ExtraDays is the lengthening the sidecar applies now to method.
func (h *Promises) ExtraDays(method string) int { return h.Store.ExtraDays(method) }

// KeepMail sends the e-mails of this feature (the points link).
func (h *Loyalty) KeepMail(kind string) (func(context.Context, store.Mail) error, bool) {
	if kind == store.MailPointsLink {
		return h.sendPointsLink, true
	}
	return nil, false
}

func (h *Loyalty) sendPointsLink(ctx context.Context, m store.Mail) error {
	if m.To == "" {
		return nil // the customer deleted their data meanwhile
	}
	var body store.PointsLinkMail
	if err := json.Unmarshal(m.Body, &body); err != nil {
		return fmt.Errorf("points link mail %s: %w", m.ID, err)
	}
	lang := m.Lang
	if lang != "en" {
		lang = "nl"
	}
	cat := h.Catalog.Current()
	subject, text, html, err := mail.PointsLink{Lang: lang, ShopName: cat.Shop.Name, URL: h.Abs("/points/" + body.Token),
		Days: int(PointsLinkTTL / (24 * time.Hour))}.Render()
	if err != nil {
		return err
	}
	msg := mail.Message{ID: m.ID, Kind: "points_link", To: m.To, Subject: subject, Text: text, HTML: html,
		Created: m.CreatedAt, ReplyTo: cat.Shop.Email}
	sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	return h.Send(sctx, msg)
}
