package server

import (
	"context"
	"html/template"

	"github.com/gin-gonic/gin"
	"github.com/storefront/storefront/checkout/carrier"
	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/giftcard"
	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
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

func (b loyaltyBridge) ApplyPoints(t *cart.Totals, f view.CheckoutForm, lang string) (spent, earn int, unlock func(), cerr *web.CheckoutError) {
	return b.h.applyPoints(t, f, lang)
}
func (b loyaltyBridge) OfferPoints(c *gin.Context, f view.CheckoutForm, t *cart.Totals, errs map[string]string, lang string) view.PointsOffer {
	return view.PointsOffer(b.h.offerPoints(c, f, t, errs, lang))
}
func (b loyaltyBridge) PointsEmail(c *gin.Context) string { return b.h.pointsEmail(c) }

func (b giftsBridge) GiftTender(f view.CheckoutForm, cartID string, total money.Amount, lang string) (*order.GiftTender, *giftcard.Card, string) {
	return b.h.giftTender(f, cartID, total, lang)
}
func (b giftsBridge) GiftSend(f view.CheckoutForm, t cart.Totals, errs map[string]string, lang string) *order.GiftSend {
	return b.h.giftSend(f, t, errs, lang)
}

type carrierBridge struct{ h *carrierHTTP }

func (b carrierBridge) OfferPickup(ctx context.Context, f view.CheckoutForm, cat *catalog.Catalog, lang string) view.PickupOffer {
	return b.h.offerPickup(ctx, f, cat, lang)
}
func (b carrierBridge) CheckPickup(ctx context.Context, f view.CheckoutForm, cat *catalog.Catalog, lang string) (*carrier.PickupPoint, string) {
	return b.h.checkPickup(ctx, f, cat, lang)
}
