// Package giftcards is the HTTP side of gift cards: the tender and the
// buyer's choices at checkout (called by the checkout through interfaces),
// the card's page and e-mail, the owner's list and the plan of an order of
// cards only. The cards themselves are checkout/giftcard.
package giftcards

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/giftcard"
	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/store"
	"github.com/storefront/storefront/checkout/wire"
)

// Gift cards (docs/giftcards.md). Sold as a product with `giftcard: true`
// (no VAT, no shipping; the cards are made and mailed once the order is
// paid, on the day the buyer chose) and redeemed at checkout as a tender:
// the order's total and VAT stay as they are, the card pays part or all of
// it, the provider is charged the rest. The store holds the card's amount
// in the transaction that stores the order (store/giftcards.go).

// Guessing codes: every code a client tries that is not a live card takes a
// token; ten at once, then one every six seconds. 80-bit codes make a
// guess hopeless anyway; this keeps the log and the database quiet.
const (
	giftGuessPerMinute = 10
	giftGuessBurst     = 10
)

// MaxGiftMessage is the longest personal message on a gift card.
const MaxGiftMessage = 300

// Cards is the HTTP side of gift cards: the tender and the
// buyer's choices at checkout, the card's page and e-mail, the owner's
// list, and the plan of an order of cards only.
type Cards struct {
	*web.Web
	store         *store.Store
	guesses       *web.Limiter                                          // failed code attempts per client
	handleEffects func(*order.Order, []order.Effect)                    // payments.go
	internalErr   func(lang, what string, err error) *web.CheckoutError // checkout.go
}

func New(w *web.Web, st *store.Store, handleEffects func(*order.Order, []order.Effect),
	internalErr func(lang, what string, err error) *web.CheckoutError) *Cards {
	return &Cards{Web: w, store: st, handleEffects: handleEffects, internalErr: internalErr,
		guesses: web.NewLimiter(giftGuessPerMinute, giftGuessBurst, w.Now, w.ClientKey)}
}

// GiftTender is what the form's gift card pays of total, or nil when the
// form has none. The card's balance counts what the cart's own open order
// holds of it (a resubmit of the same checkout replaces that order in the
// same transaction). A code that is no card counts as a guess.
func (h *Cards) GiftTender(f view.CheckoutForm, cartID string, total money.Amount, lang string) (*order.GiftTender, *giftcard.Card, string) {
	if strings.TrimSpace(f.GiftCode) == "" {
		return nil, nil, ""
	}
	code := giftcard.Normalize(f.GiftCode)
	if ok, _ := h.guesses.Allow("check:" + f.Client); !ok {
		return nil, nil, web.T(lang, "gift.too_many")
	}
	c, err := h.store.GiftCards.GiftCardByCode(code)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			h.Log.Error("gift card by code", "err", err)
			return nil, nil, web.T(lang, "err.internal")
		}
		h.guesses.Allow("check:" + f.Client) // a miss costs a second token
		return nil, nil, web.T(lang, "gift.unknown")
	}
	balance := c.Balance
	if cartID != "" {
		if prev, err := h.store.Orders.CartOrder(cartID); err == nil && prev != nil && prev.GiftCard != nil &&
			prev.GiftCard.CardID == c.ID && prev.GiftCard.Hold == order.GiftHeld {
			balance += prev.GiftCard.Amount
		}
	}
	now := h.Now()
	switch {
	case c.Currency != h.Catalog.Current().Currency:
		return nil, c, web.T(lang, "gift.unknown")
	case !c.ExpiresAt.IsZero() && !now.Before(c.ExpiresAt):
		return nil, c, web.TF(lang, "gift.expired", view.DayText(c.ExpiresAt.In(h.Zone()), lang))
	case balance <= 0 && !c.VoidedAt.IsZero():
		return nil, c, web.TF(lang, "gift.voided_short", view.DayText(c.VoidedAt.In(h.Zone()), lang))
	case balance <= 0:
		return nil, c, web.T(lang, "gift.empty")
	}
	amt := giftcard.Tender(balance, total)
	return &order.GiftTender{CardID: c.ID, Last4: c.Last4, Amount: amt}, c, ""
}

// GiftSend checks what the buyer of gift cards says about them: the
// recipient's e-mail (the buyer's own when empty), a message, and a sending
// day from today on (within a year). nil when the cart has no gift card.
func (h *Cards) GiftSend(f view.CheckoutForm, t cart.Totals, errs map[string]string, lang string) *order.GiftSend {
	has := false
	for _, l := range t.Lines {
		has = has || l.GiftCard
	}
	if !has {
		return nil
	}
	to := strings.ToLower(strings.TrimSpace(f.GiftTo))
	if to == "" {
		to = f.Email
	}
	if !view.ValidEmail(to) {
		errs["gift_to"] = web.T(lang, "field.email")
	}
	msg := view.CleanGiftNote(f.GiftMessage)
	if len([]rune(msg)) > MaxGiftMessage {
		errs["gift_message"] = web.TF(lang, "field.too_long", MaxGiftMessage)
	} else if e := view.GiftNoteError(msg, lang); e != "" {
		errs["gift_message"] = e
	}
	zone := h.Zone()
	y, m, d := h.Now().In(zone).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, zone)
	day := today
	if v := strings.TrimSpace(f.GiftSendOn); v != "" {
		p, err := time.ParseInLocation("2006-01-02", v, zone)
		switch {
		case err != nil:
			errs["gift_send_on"] = web.T(lang, "gift.day_bad")
		case p.Before(today):
			errs["gift_send_on"] = web.T(lang, "gift.day_past")
		case p.After(today.AddDate(1, 0, 0)):
			errs["gift_send_on"] = web.T(lang, "gift.day_far")
		default:
			day = p
		}
	}
	return &order.GiftSend{Recipient: to, Message: msg, SendOn: day}
}

// PayByGiftCard marks an order its gift card pays in full as paid: no
// payment at the provider.
func (h *Cards) PayByGiftCard(o *order.Order) (*order.Order, error) {
	o2, eff, err := h.store.Orders.UpdateOrder(o.ID, func(o *order.Order) (bool, []order.Effect, error) {
		if o.State != order.AwaitingPayment {
			return false, nil, nil // paid meanwhile by another request
		}
		eff, err := o.PayByGiftCard(h.Now())
		return err == nil, eff, err
	})
	if err != nil {
		return nil, fmt.Errorf("pay order %s by gift card: %w", o.ID, err)
	}
	h.handleEffects(o2, eff)
	h.Log.Info("order paid by gift card", "order", o2.ID, "card", o2.GiftCard.CardID, "amount", money.Format(o2.GiftCard.Amount, o2.Currency))
	return o2, nil
}

// giftPage is the card's own page: /giftcard/<token>.
type giftPage struct {
	Lang    string
	C       *giftcard.Card
	Balance string
	Initial string
	Valid   string // the rule in words, with the day when it has one
	Voided  string // the shop voided the balance: when, how much, why (void.go)
	Rows    []giftRow
}

type giftRow struct {
	When, What, Amount, Order string
}

func (h *Cards) PageGiftCard(c *gin.Context) {
	lang := h.Lang(c)
	token := c.Param("token")
	if !web.ValidToken(token) {
		h.NotFoundPage(c)
		return
	}
	card, err := h.store.GiftCards.GiftCardByToken(token)
	if errors.Is(err, store.ErrNotFound) {
		h.NotFoundPage(c)
		return
	}
	if err != nil {
		h.InternalPage(c, "gift card", err)
		return
	}
	c.Header("Referrer-Policy", "no-referrer")
	c.Header("Cache-Control", "no-store")
	h.Page(c, http.StatusOK, "giftcard", web.T(lang, "gift.title"), h.giftPageData(card, lang))
}

func (h *Cards) giftPageData(card *giftcard.Card, lang string) giftPage {
	d := giftPage{Lang: lang, C: card, Balance: money.Display(card.Balance, card.Currency, lang),
		Initial: money.Display(card.Initial, card.Currency, lang), Valid: h.giftValidity(card, lang), Voided: h.voidedText(card, lang)}
	for i := len(card.Ledger) - 1; i >= 0; i-- {
		e := card.Ledger[i]
		if e.Kind == giftcard.KindReserved || e.Kind == giftcard.KindReleased {
			continue // holds of orders not (yet) paid are the store's business
		}
		d.Rows = append(d.Rows, giftRow{When: view.DayText(e.At.In(h.Zone()), lang), What: web.T(lang, "gift.kind."+e.Kind),
			Amount: money.Display(e.Amount, card.Currency, lang), Order: e.OrderID})
	}
	return d
}

// giftValidity is the card's term in words (page and mail).
func (h *Cards) giftValidity(card *giftcard.Card, lang string) string {
	if card.ExpiresAt.IsZero() {
		return web.T(lang, "gift.valid_forever")
	}
	return web.TF(lang, "gift.valid_until", view.DayText(card.ExpiresAt.In(h.Zone()), lang))
}

// giftCardMail renders and sends a sold card's mail to its recipient.
func (h *Cards) SendGiftCardMail(m store.Mail) (mail.Message, error) {
	card, err := h.store.GiftCards.GiftCard(m.CardID)
	if err != nil {
		return mail.Message{}, fmt.Errorf("gift card of mail %s: %w", m.ID, err)
	}
	lang := m.Lang
	if lang != "en" {
		lang = "nl"
	}
	cat := h.Catalog.Current()
	gm := mail.GiftCardMail{Lang: lang, ShopName: cat.Shop.Name, Code: card.Code, Amount: money.Display(card.Initial, card.Currency, lang),
		Message: card.Message, PageURL: h.Base.String() + "giftcard/" + card.Token, ShopURL: h.Abs(h.Home(lang)), Valid: h.giftValidity(card, lang)}
	if o, err := h.store.Orders.GetOrder(card.OrderID); err == nil {
		gm.From = o.Customer.Name
		gm.Own = strings.EqualFold(strings.TrimSpace(card.Recipient), strings.TrimSpace(o.Customer.Email))
	}
	subject, text, html, err := gm.Render()
	if err != nil {
		return mail.Message{}, err
	}
	return mail.Message{ID: m.ID, Kind: "giftcard", To: m.To, Subject: subject, Text: text, HTML: html, Created: m.CreatedAt, ReplyTo: cat.Shop.Email}, nil
}

// Owner: the gift cards and their balances.

func (h *Cards) giftCardViews() ([]wire.GiftCardView, error) {
	cards, err := h.store.GiftCards.ListGiftCards()
	if err != nil {
		return nil, err
	}
	out := make([]wire.GiftCardView, 0, len(cards))
	for i := range cards {
		out = append(out, h.giftCardWire(&cards[i], false))
	}
	return out, nil
}

func (h *Cards) AdminListGiftCards(c *gin.Context) {
	v, err := h.giftCardViews()
	if err != nil {
		h.Internal(c, "list gift cards", err)
		return
	}
	web.OK(c, http.StatusOK, wire.GiftCardList{GiftCards: v})
}

func (h *Cards) AdminShowGiftCard(c *gin.Context) {
	card, err := h.store.GiftCards.GiftCard(c.Param("id"))
	if errors.Is(err, store.ErrNotFound) {
		web.Fail(c, http.StatusNotFound, "no gift card "+c.Param("id"))
		return
	}
	if err != nil {
		h.Internal(c, "gift card", err)
		return
	}
	web.OK(c, http.StatusOK, h.giftCardWire(card, true))
}

func (h *Cards) AdminGiftCardsPage(c *gin.Context) {
	v, err := h.giftCardViews()
	if err != nil {
		h.InternalPage(c, "list gift cards", err)
		return
	}
	lang := h.Lang(c)
	rows := make([]adminGiftRow, 0, len(v))
	for _, g := range v {
		r := adminGiftRow{GiftCardView: g, Expires: web.OwnerT(lang, "giftcards.never")}
		if !g.ExpiresAt.IsZero() {
			r.Expires = view.DateText(g.ExpiresAt.In(h.Zone()), lang)
		}
		if !g.VoidedAt.IsZero() {
			r.Voided = web.OwnerT(lang, "giftcards.voided_on", view.DateText(g.VoidedAt.In(h.Zone()), lang))
		}
		rows = append(rows, r)
	}
	h.Page(c, http.StatusOK, "admin-giftcards", web.OwnerT(lang, "giftcards.browser_title"), gin.H{"CSRF": c.GetString("csrf"), "Cards": rows,
		"Notice": h.AdminNotice(c)})
}

// adminGiftRow is a card on the owner's page: its expiry in the shop's words.
type adminGiftRow struct {
	wire.GiftCardView
	Expires string
	Voided  string // "voided on …" when the shop voided its balance
}

// giftCardWire is a card for the admin API; full adds the code and history.
func (h *Cards) giftCardWire(c *giftcard.Card, full bool) wire.GiftCardView {
	v := wire.GiftCardView{ID: c.ID, Last4: c.Last4, URL: h.Base.String() + "giftcard/" + c.Token, Currency: c.Currency,
		Initial: int64(c.Initial), Balance: int64(c.Balance), Reserved: int64(c.Reserved), Spent: int64(c.Spent()),
		CreatedAt: c.CreatedAt, ExpiresAt: c.ExpiresAt, OrderID: c.OrderID, Recipient: c.Recipient, SendOn: c.SendOn,
		Voided: int64(c.Voided()), VoidedAt: c.VoidedAt, VoidReason: c.VoidReason, TimeZone: h.Zone().String()}
	if full {
		v.Code = c.Code
		for _, e := range c.Ledger {
			v.History = append(v.History, wire.GiftCardLineView{At: e.At, Kind: e.Kind, Amount: int64(e.Amount), OrderID: e.OrderID, Note: e.Note})
		}
	}
	return v
}

// GiftStillCovers checks, before a new payment attempt, that the order's
// gift card still has the part of the order it pays when the last attempt
// gave its hold back (a failed, canceled or expired payment). nil when it
// has, or when the order has no card or still holds it. The store takes
// the hold again with the payment (store.Orders.AttachPayment); a card spent
// between this check and that gives the same error there.
func (h *Cards) GiftStillCovers(o *order.Order) *web.CheckoutError {
	g := o.GiftCard
	if g == nil || g.Amount <= 0 || g.Hold != "" {
		return nil
	}
	card, err := h.store.GiftCards.GiftCard(g.CardID)
	if err != nil {
		return h.InternalErr("nl", "gift card of order "+o.ID, err)
	}
	if !card.ExpiresAt.IsZero() && !h.Now().Before(card.ExpiresAt) {
		return &web.CheckoutError{Err: web.ErrGiftCardShort, Order: o, Say: web.Phrase("gift.expired_now")}
	}
	if card.Balance >= g.Amount {
		return nil
	}
	return &web.CheckoutError{Err: web.ErrGiftCardShort, Order: o, Say: func(lang string) string {
		return web.TF(lang, "gift.pay_again_short", g.Last4,
			money.Display(g.Amount, o.Currency, lang), money.Display(card.Balance, o.Currency, lang))
	}}
}

// GiftOnlySteps is the plan of an order of gift cards only: ordered, paid,
// and the cards e-mailed on the day the buyer chose (done once every
// card's e-mail went out).
func (h *Cards) GiftOnlySteps(o *order.Order, lang string) []wire.StepView {
	canceled := o.State == order.Canceled
	paid := !o.PaidAt.IsZero() && !canceled
	mailed := wire.StepView{Step: "mailed", Label: web.T(lang, "step.mailed")}
	if paid && len(o.GiftSend.Cards) > 0 {
		mailed.Done = true
		for _, id := range o.GiftSend.Cards {
			m, err := h.store.MailQueue.Get(store.GiftCardMailID(id))
			if err != nil || m.SentAt.IsZero() {
				mailed.Done, mailed.At = false, time.Time{}
				break
			}
			if m.SentAt.After(mailed.At) {
				mailed.At = m.SentAt
			}
		}
	}
	if !mailed.Done && !canceled {
		day := o.GiftSend.SendOn
		if today := h.Now(); day.Before(today) {
			day = today
		}
		mailed.Expected = view.DayText(day.In(h.Zone()), lang)
		mailed.Current = paid
	}
	return []wire.StepView{
		{Step: "ordered", Label: web.T(lang, "step.ordered"), Done: true, At: o.CreatedAt},
		{Step: "paid", Label: web.T(lang, "step.paid"), Done: paid, At: o.PaidAt, Current: !paid && !canceled},
		mailed,
	}
}
