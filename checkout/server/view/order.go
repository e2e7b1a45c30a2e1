package view

import (
	"github.com/storefront/storefront/checkout/carrier"
	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/web"
)

// PickupOffer is the checkout page's pick-up point field.
type PickupOffer struct {
	Show     bool   // the catalog has a pick-up point method (the field is on the page)
	Active   bool   // the chosen method is one (the field is shown)
	Methods  string // the pick-up point methods' ids, comma-separated, for the page's script
	Postcode string
	Points   []carrier.PickupPoint
	Chosen   string
	Message  string
}

// SummaryCode adds the code's discount to an e-mail: one line, the code
// named (the VAT lines show its split).
func SummaryCode(sm *mail.Summary, o *order.Order, lang string) {
	if d := o.Totals.Discount(cart.KindCode); d > 0 {
		sm.Adjustments = append(sm.Adjustments, mail.SummaryLine{Quantity: 1, Title: web.T(lang, "sum.code") + " " + o.DiscountCode,
			Total: money.Display(-d, o.Currency, lang)})
	}
}

// GiftSummary adds the gift card as a payment line to an order's e-mail.
func GiftSummary(o *order.Order, sm *mail.Summary, lang string) {
	if o.GiftCard == nil || o.GiftCard.Amount <= 0 {
		return
	}
	sm.Payments = append(sm.Payments,
		mail.SummaryLine{Title: web.TF(lang, "gift.paid_line", o.GiftCard.Last4), Total: money.Display(-o.GiftCard.Amount, o.Currency, lang)},
		mail.SummaryLine{Title: web.T(lang, "gift.rest_line"), Total: money.Display(o.Due(), o.Currency, lang)})
}

func HasGiftCard(t cart.Totals) bool {
	for _, l := range t.Lines {
		if l.GiftCard {
			return true
		}
	}
	return false
}

// ShippedLines are an order's lines that go in the parcel: gift cards go
// by e-mail and are never packed.
func ShippedLines(o *order.Order) []order.Line { return linesWhere(o, false) }

// EmailedLines are the order's gift cards: sent by e-mail, not in a parcel.
func EmailedLines(o *order.Order) []order.Line { return linesWhere(o, true) }

func linesWhere(o *order.Order, giftCard bool) []order.Line {
	out := make([]order.Line, 0, len(o.Lines))
	for _, l := range o.Lines {
		if l.GiftCard == giftCard {
			out = append(out, l)
		}
	}
	return out
}

// RefundParts is where one refund the owner made went: toCard back on the
// order's gift card and toBank through the provider. order.AddRefund
// records a refund of an order the card paid part of as the card's part
// and, right after it at the same moment, the provider's part; the e-mail
// of either names both.
func RefundParts(o *order.Order, r *order.Refund) (toCard, toBank money.Amount) {
	if o.GiftCard == nil {
		return 0, r.Amount
	}
	for i := range o.Refunds {
		if o.Refunds[i].ID != r.ID {
			continue
		}
		if r.GiftCard > 0 {
			toCard = r.Amount
			if i+1 < len(o.Refunds) && sameRefund(r, &o.Refunds[i+1]) {
				toBank = o.Refunds[i+1].Amount
			}
			return toCard, toBank
		}
		if i > 0 && sameRefund(&o.Refunds[i-1], r) {
			toCard = o.Refunds[i-1].Amount
		}
		return toCard, r.Amount
	}
	return 0, r.Amount
}

// GiftOnly reports whether the order is gift cards only: nothing goes in a
// parcel, so no packing, shipping or delivery dates are promised.
func GiftOnly(o *order.Order) bool {
	return o.GiftSend != nil && len(o.Lines) > 0 && len(ShippedLines(o)) == 0
}

// sameRefund: card is the gift card's part of the refund bank is the
// provider's part of (recorded together by order.AddRefund).
func sameRefund(card, bank *order.Refund) bool {
	return card.GiftCard > 0 && bank.GiftCard == 0 && card.CreatedAt.Equal(bank.CreatedAt) && card.Reason == bank.Reason
}
