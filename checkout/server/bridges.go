package server

import (
	"context"
	"html/template"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
)

// Bridges from the shop's packages (checkout/server/orders, …) to
// resources that are still in this package, whose methods are unexported.
// Each forwards a method under its capitalised name (issue 11's naming
// convention). When the resource moves to its own package and exports
// those names, wire it directly and delete its bridge.

type loyaltyBridge struct{ h *loyaltyHTTP }

func (b loyaltyBridge) OrderPoints(o *order.Order, lang string) string {
	return b.h.orderPoints(o, lang)
}
func (b loyaltyBridge) SummaryPoints(sm *mail.Summary, o *order.Order, lang string) {
	b.h.summaryPoints(sm, o, lang)
}

type invoicesBridge struct{ h *invoicesHTTP }

func (b invoicesBridge) LegalHTML(o *order.Order, lang string) template.HTML {
	return b.h.legalHTML(o, lang)
}
func (b invoicesBridge) InvoiceViews(o *order.Order) []InvoiceView { return b.h.invoiceViews(o) }

type giftsBridge struct{ h *giftCardsHTTP }

func (b giftsBridge) PayByGiftCard(o *order.Order) (*order.Order, error) {
	return b.h.payByGiftCard(o)
}

type standingBridge struct{ h *standingHTTP }

func (b standingBridge) SyncStandingCharge(ctx context.Context, id string) error {
	return b.h.syncStandingCharge(ctx, id)
}
func (b standingBridge) StandingNews(ctx context.Context, p payment.Payment) {
	b.h.standingNews(ctx, p)
}
