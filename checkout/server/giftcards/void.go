package giftcards

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/giftcard"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/store"
)

// Voiding a card's unspent balance (docs/giftcards.md, "Voiding a
// balance"): the owner's page asks for a reason and a confirmation, the
// admin API takes the reason in JSON; both do voidCard. The card's page
// and the checkout tell the holder when and why.

// voidCard voids card id's unspent balance for reason, by actor, and logs
// it with the reason.
func (h *Cards) voidCard(id, reason, actor string) (*giftcard.Card, error) {
	card, amt, err := h.store.GiftCards.VoidGiftCard(id, strings.TrimSpace(reason))
	if err != nil {
		return nil, err
	}
	h.Log.Info("gift card balance voided", "card", card.ID, "amount", money.Format(amt, card.Currency),
		"reason", card.VoidReason, "by", actor)
	return card, nil
}

// voidWords says why a balance cannot be voided, in the owner's words.
func voidWords(lang string, err error) (status int, text string) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, web.OwnerT(lang, "giftcards.err.unknown")
	case errors.Is(err, giftcard.ErrReason):
		return http.StatusUnprocessableEntity, web.OwnerT(lang, "giftcards.err.reason", giftcard.MaxVoidReason)
	case errors.Is(err, giftcard.ErrHeld):
		return http.StatusConflict, web.OwnerT(lang, "giftcards.err.held")
	case errors.Is(err, giftcard.ErrEmpty):
		return http.StatusConflict, web.OwnerT(lang, "giftcards.err.empty")
	}
	return http.StatusInternalServerError, ""
}

// voidPage is the owner's confirmation before voiding.
type voidPage struct {
	CSRF    string
	C       *giftcard.Card
	Balance string
	Reason  string
	Error   string
	CanVoid bool
}

func (h *Cards) renderVoid(c *gin.Context, status int, card *giftcard.Card, reason, msg string) {
	lang := h.Lang(c)
	d := voidPage{CSRF: c.GetString("csrf"), C: card, Balance: money.Display(card.Balance, card.Currency, lang), Reason: reason, Error: msg}
	d.CanVoid = card.Balance > 0 && card.Reserved == 0
	if msg == "" && card.Reserved > 0 {
		d.Error = web.OwnerT(lang, "giftcards.err.held")
	} else if msg == "" && card.Balance <= 0 {
		d.Error = web.OwnerT(lang, "giftcards.err.empty")
	}
	h.Page(c, status, "admin-giftcard-void", web.OwnerT(lang, "giftcards.browser_title"), d)
}

// AdminVoidGiftCardPage asks the owner to confirm voiding, with a reason.
func (h *Cards) AdminVoidGiftCardPage(c *gin.Context) {
	card, err := h.store.GiftCards.GiftCard(c.Param("id"))
	if err != nil {
		if st, text := voidWords(h.Lang(c), err); text != "" {
			h.AdminMessage(c, st, text)
			return
		}
		h.InternalPage(c, "gift card", err)
		return
	}
	h.renderVoid(c, http.StatusOK, card, "", "")
}

// AdminVoidGiftCardForm voids the balance once the owner confirmed.
func (h *Cards) AdminVoidGiftCardForm(c *gin.Context) {
	lang := h.Lang(c)
	if c.PostForm("csrf") != c.GetString("csrf") {
		h.AdminMessage(c, http.StatusForbidden, web.OwnerT(lang, "codes.expired"))
		return
	}
	reason := c.PostForm("reason")
	if _, err := h.voidCard(c.Param("id"), reason, web.Actor(c)); err != nil {
		st, text := voidWords(lang, err)
		if text == "" {
			h.InternalPage(c, "void gift card", err)
			return
		}
		card, gerr := h.store.GiftCards.GiftCard(c.Param("id"))
		if gerr != nil {
			h.AdminMessage(c, st, text)
			return
		}
		h.renderVoid(c, st, card, reason, text)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/giftcards/"+web.NoticeQuery("giftcard-voided"))
}

// AdminVoidGiftCard is the admin API's void: body {"reason": "…"}; the
// card (with history) or {"error"} with 404, 409 or 422.
func (h *Cards) AdminVoidGiftCard(c *gin.Context) {
	var body struct {
		Reason string `json:"reason"`
	}
	if !web.DecodeJSON(c, &body) {
		return
	}
	card, err := h.voidCard(c.Param("id"), body.Reason, web.Actor(c))
	if err != nil {
		if st, _ := voidWords("en", err); st != http.StatusInternalServerError {
			web.Fail(c, st, err.Error())
			return
		}
		h.Internal(c, "void gift card", err)
		return
	}
	web.OK(c, http.StatusOK, h.giftCardWire(card, true))
}

// voidedText is what the holder reads of a voided balance, or "".
func (h *Cards) voidedText(card *giftcard.Card, lang string) string {
	if card.VoidedAt.IsZero() {
		return ""
	}
	return web.TF(lang, "gift.voided", money.Display(card.Voided(), card.Currency, lang),
		view.DayText(card.VoidedAt.In(h.Zone()), lang), card.VoidReason)
}
