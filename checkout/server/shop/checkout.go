package shop

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/storefront/storefront/checkout/carrier"
	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/giftcard"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/server/orders"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
	"github.com/storefront/storefront/checkout/wire"
)

// Checkout is the checkout: its JSON API and its page
// (checkoutpage.go), and placing an order for the cart and paying an order
// again as far as the customer sees them: the form, the prices, the words.
// Storing the order is usecase.Orders.Place; the payment is made by
// payments. It also holds the cart it checks out, the code pricing and the
// order page (shown when an earlier order keeps its payment).
type Checkout struct {
	*web.Web
	UC       usecase.Orders // placing an order
	Cart     *Cart
	Codes    *Codes
	Payments *orders.Payments
	Orders   *orders.Orders
	Points   Points // loyalty.go
	Gifts    Gifts  // giftcards.go
	Pickup   Pickup // carrier.go
	// ReverseCharge takes VAT off a business buyer's order (invoices.go).
	ReverseCharge func(t *cart.Totals, f view.CheckoutForm)
	// SetPickup stores the chosen pick-up point on a new order (carrier.go).
	SetPickup func(o *order.Order, p *carrier.PickupPoint)
	// GiftStoreErr words a gift card spent or expired while the order was
	// placed (giftcards.go).
	GiftStoreErr func(err error) *web.CheckoutError
}

// Points is what the checkout needs of loyalty points (loyalty.go).
type Points interface {
	ApplyPoints(t *cart.Totals, f view.CheckoutForm, lang string) (spent, earn int, unlock func(), cerr *web.CheckoutError)
	OfferPoints(c *gin.Context, f view.CheckoutForm, t *cart.Totals, errs map[string]string, lang string) view.PointsOffer
	PointsEmail(c *gin.Context) string
}

// Gifts is what the checkout needs of gift cards (giftcards.go):
// one paying, and gift cards bought.
type Gifts interface {
	GiftTender(f view.CheckoutForm, cartID string, total money.Amount, lang string) (*order.GiftTender, *giftcard.Card, string)
	GiftSend(f view.CheckoutForm, t cart.Totals, errs map[string]string, lang string) *order.GiftSend
}

// Pickup is what the checkout needs of pick-up points (carrier.go).
type Pickup interface {
	OfferPickup(ctx context.Context, f view.CheckoutForm, cat *catalog.Catalog, lang string) view.PickupOffer
	CheckPickup(ctx context.Context, f view.CheckoutForm, cat *catalog.Catalog, lang string) (*carrier.PickupPoint, string)
}

func validIdemKey(k string) bool {
	if k == "" || len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// placeOrder stores the order for the cart (or finds the one stored before
// under the same idempotency key) and makes sure it has a payment to pay.
// It returns the order and where to send the customer.
func (h *Checkout) placeOrder(ctx context.Context, cartID string, f view.CheckoutForm, key, lang string) (*order.Order, string, bool, *web.CheckoutError) {
	cat := h.Catalog.Current()
	f.Clean()
	ct, err := h.Cart.loadCart(cartID)
	if err != nil {
		return nil, "", false, h.InternalErr(lang, "load cart", err)
	}
	f.NoAddress = ct.OnlyGiftCards(cat) // nothing to ship: no address asked (docs/giftcards.md)
	fields := f.Validate(cat, lang)
	point, msg := h.Pickup.CheckPickup(ctx, f, cat, lang) // carrier.go
	if msg != "" && fields["shipping_method"] == "" {
		fields["pickup_point"] = msg
	}
	scoped := cartID + ":" + key
	if len(fields) > 0 && (len(ct.Lines) > 0 || h.UC.ByIdempotencyKey(scoped) == nil) {
		return nil, "", false, &web.CheckoutError{Err: web.ErrCheckoutForm, Say: web.Phrase("err.form"), Fields: fields}
	}
	if len(ct.Lines) == 0 {
		// A retry after the order was paid finds the cart emptied: answer
		// with the order stored under this key, if any.
		if o := h.UC.ByIdempotencyKey(scoped); o != nil {
			url, cerr := h.Payments.EnsurePayment(ctx, o, lang)
			return o, url, false, cerr
		}
		return nil, "", false, &web.CheckoutError{Err: web.ErrCartEmpty, Say: web.Phrase("err.empty")}
	}
	t, err := cart.Compute(ct, cat, f.ShippingMethod, f.Country)
	if errors.Is(err, cart.ErrTooLarge) {
		return nil, "", false, &web.CheckoutError{Err: web.ErrCartTooLarge, Say: web.Phrase("err.too_large")}
	}
	if err != nil {
		return nil, "", false, &web.CheckoutError{Err: web.ErrCheckoutForm, Say: web.Phrase("field.shipping"),
			Fields: map[string]string{"shipping_method": web.T(lang, "field.shipping")}}
	}
	if t.Unavailable || t.PriceChanged {
		// A retry of a checkout that went through before gets its order,
		// whatever the cart says now.
		if o := h.UC.ByIdempotencyKey(scoped); o != nil {
			url, cerr := h.Payments.EnsurePayment(ctx, o, lang)
			return o, url, false, cerr
		}
	}
	if t.Unavailable {
		return nil, "", false, &web.CheckoutError{Err: web.ErrUnavailable, Say: web.Phrase("err.unavailable")}
	}
	// The order keeps the customer's words (names in their language).
	t.Localize(cat, lang)
	h.ReverseCharge(&t, f)                                  // invoices.go: before any discount
	code, cerr := h.Codes.checkoutCode(&t, f, cartID, lang) // codes.go: before points
	if cerr != nil {
		if o := h.UC.ByIdempotencyKey(scoped); o != nil { // a retry: its own use counts
			url, cerr := h.Payments.EnsurePayment(ctx, o, lang)
			return o, url, false, cerr
		}
		return nil, "", false, cerr
	}
	h.Cart.keepCheckoutCode(ct, f.Code, codeResult{Known: code != nil}) // cartcode.go: the cart keeps what was typed here
	spent, earn, unlock, cerr := h.Points.ApplyPoints(&t, f, lang)      // loyalty.go
	defer unlock()
	if cerr == nil && f.PointsShown != "" && (f.PointsShown == "1") != (spent > 0) {
		if o := h.UC.ByIdempotencyKey(scoped); o != nil {
			url, cerr := h.Payments.EnsurePayment(ctx, o, lang)
			return o, url, false, cerr
		}
		cerr = &web.CheckoutError{Err: web.ErrPointsChanged, Say: web.Phrase("points.check")}
	}
	if cerr != nil {
		return nil, "", false, cerr
	}
	if t.PriceChanged {
		// The customer sees the new prices now; a second try goes through.
		seen := t
		h.Cart.acceptPrices(cartID, cat)
		return nil, "", false, &web.CheckoutError{Err: web.ErrPricesChanged, Total: &t.GrandTotal, Say: func(lang string) string {
			return strings.Join(cartNotices(seen, cat, lang), " ") + " " + web.T(lang, "err.price_confirm")
		}}
	}
	if f.ExpectedTotal != nil && *f.ExpectedTotal != t.GrandTotal {
		// What the customer saw is what is charged (docs/money.md): another
		// amount than the one shown creates nothing; a retry of a checkout
		// that went through gets its order.
		if o := h.UC.ByIdempotencyKey(scoped); o != nil {
			url, cerr := h.Payments.EnsurePayment(ctx, o, lang)
			return o, url, false, cerr
		}
		shown := *f.ExpectedTotal
		return nil, "", false, &web.CheckoutError{Err: web.ErrTotalChanged, Total: &t.GrandTotal, Say: func(lang string) string {
			return totalChangedMsg(f, t, shown, cat, lang)
		}}
	}
	giftErrs := map[string]string{}
	send := h.Gifts.GiftSend(f, t, giftErrs, lang) // giftcards.go: buying gift cards
	tender, _, gmsg := h.Gifts.GiftTender(f, cartID, t.GrandTotal, lang)
	if gmsg != "" {
		giftErrs["gift_code"] = gmsg
	}
	if len(giftErrs) > 0 {
		if o := h.UC.ByIdempotencyKey(scoped); o != nil {
			url, cerr := h.Payments.EnsurePayment(ctx, o, lang)
			return o, url, false, cerr
		}
		return nil, "", false, &web.CheckoutError{Err: web.ErrCheckoutForm, Say: web.Phrase("err.form"), Fields: giftErrs}
	}
	if due := t.GrandTotal - tender.Paying(); f.ExpectedDue != nil && *f.ExpectedDue != due {
		// The card pays another part than the page said (spent meanwhile).
		if o := h.UC.ByIdempotencyKey(scoped); o != nil {
			url, cerr := h.Payments.EnsurePayment(ctx, o, lang)
			return o, url, false, cerr
		}
		key := "gift.due_changed"
		if _, _, _, shownCard, has := view.ShownParts(f.ShownFor); has && shownCard != f.GiftCode {
			key = "gift.due_card_entered" // the customer typed the card after the page was priced
		}
		return nil, "", false, &web.CheckoutError{Err: web.ErrTotalChanged, Total: &t.GrandTotal, Say: func(lang string) string {
			return web.TF(lang, key, money.Display(due, t.Currency, lang))
		}}
	}
	o, err := order.New(f.Customer(), t, lang, cartID, scoped, h.Now())
	if err != nil {
		return nil, "", false, &web.CheckoutError{Err: web.ErrCartEmpty, Say: web.Phrase("err.empty")}
	}
	o.GiftCard, o.GiftSend = tender, send
	o.GiftNote = f.GiftNote
	h.SetPickup(o, point)
	o.PointsRedeemed, o.PointsToEarn = spent, earn
	o.PointsOnCards = cat.Loyalty != nil && cat.Loyalty.EarnOnGiftCards
	if code != nil {
		o.DiscountCode = code.Code
	}
	// One cart, one order awaiting payment (usecase.Orders.Place).
	o, created, err := h.UC.Place(ctx, usecase.PlaceRequest{Order: o, Key: scoped, Hash: f.Hash(cartID), Catalog: cat, Code: code})
	var at *usecase.OrderError
	var gce *usecase.GiftCardError
	var oos *usecase.OutOfStockError
	switch {
	case errors.As(err, &at) && errors.Is(err, web.ErrEarlierPaid):
		// The earlier order was paid: that is what the customer bought.
		cur := at.Order
		return nil, "", false, &web.CheckoutError{Err: web.ErrEarlierPaid, Order: cur, Kept: true,
			Say: func(lang string) string { return web.TF(lang, "err.earlier_paid", cur.ID) }}
	case errors.As(err, &at) && errors.Is(err, web.ErrPaymentKept):
		return nil, "", false, h.keptErr(at.Order, lang)
	case errors.As(err, &gce):
		return nil, "", false, h.GiftStoreErr(err)
	case errors.Is(err, web.ErrIdempotencyReuse):
		return nil, "", false, &web.CheckoutError{Err: web.ErrIdempotencyReuse, Say: web.Phrase("err.idem_conflict")}
	case errors.As(err, &oos):
		return nil, "", false, orders.OutOfStock(h.Catalog.Current(), oos, nil)
	case errors.Is(err, cart.ErrCodeUsedUp):
		// The last use went to another checkout meanwhile (store/codes.go).
		say := func(lang string) string { return h.Codes.codeWords(*code, t, err, lang) }
		return nil, "", false, &web.CheckoutError{Err: web.ErrCodeRefused, Say: say, Fields: map[string]string{"code": say(lang)}}
	case err != nil:
		return nil, "", false, h.InternalErr(lang, "place order", err)
	}
	url, cerr := h.Payments.EnsurePayment(ctx, o, lang)
	return o, url, created, cerr
}

// totalChangedMsg says plainly that the total is not the one shown, and why
// when the form tells what the page was priced for.
func totalChangedMsg(f view.CheckoutForm, t cart.Totals, shown money.Amount, cat *catalog.Catalog, lang string) string {
	msg := web.TF(lang, "total.changed", money.Display(t.GrandTotal, t.Currency, lang), money.Display(shown, t.Currency, lang))
	method, country, code, _, has := view.ShownParts(f.ShownFor)
	switch {
	case has && code != f.Code && f.Code != "":
		msg += " " + web.TF(lang, "total.why_code", f.Code)
	case has && code != f.Code:
		msg += " " + web.T(lang, "total.why_code_removed")
	case f.ShownFor != "" && method != f.ShippingMethod:
		name := t.ShippingName
		if m, ok := cat.Method(f.ShippingMethod); ok {
			name = m.Label(lang)
		}
		msg += " " + web.TF(lang, "total.why_shipping", name)
	case f.ShownFor != "" && !strings.EqualFold(country, f.Country):
		msg += " " + web.TF(lang, "total.why_country", web.CountryName(lang, f.Country))
	case t.ReverseCharge && f.VATID != "":
		// Typed on a page priced with VAT: the page does not carry the
		// number it was priced for, but a total without VAT says it.
		msg += " " + web.TF(lang, "total.why_vat", f.VATID)
	default:
		msg += " " + web.T(lang, "total.why_other")
	}
	return msg + " " + web.T(lang, "total.confirm")
}

// keptErr tells the customer that the cart's earlier order keeps its
// payment, which can still be paid, and that no new payment was started.
func (h *Checkout) keptErr(o *order.Order, lang string) *web.CheckoutError {
	return &web.CheckoutError{Err: web.ErrPaymentKept, Order: o, Kept: true, Say: func(lang string) string {
		return web.TF(lang, "err.payment_kept", o.ID, money.Format(o.Total(), o.Currency))
	}}
}

// CheckoutAnswer is the answer of POST /api/checkout.
type CheckoutAnswer struct {
	Order       wire.OrderView `json:"order"`
	CheckoutURL string         `json:"checkout_url,omitempty"` // pay here; empty when nothing is to be paid
	OrderURL    string         `json:"order_url"`
}

func (h *Checkout) APICheckout(c *gin.Context) {
	lang := h.Lang(c)
	key := c.GetHeader("Idempotency-Key")
	if key == "" {
		web.Fail(c, http.StatusBadRequest, web.T(lang, "err.idem_missing"))
		return
	}
	if !validIdemKey(key) {
		web.Fail(c, http.StatusBadRequest, web.T(lang, "err.idem_invalid"))
		return
	}
	var f view.CheckoutForm
	if !web.DecodeJSON(c, &f) {
		return
	}
	if f.Lang == "en" || f.Lang == "nl" {
		lang = f.Lang
	} else if ct, err := h.Cart.loadCart(h.Cart.cartID(c)); err == nil {
		lang = h.CartLang(c, ct) // the language the cart was filled in
	}
	f.PointsEmail = h.Points.PointsEmail(c)
	f.Client = h.ClientKey(c.Request)
	cartID := h.Cart.cartID(c)
	if cartID == "" {
		web.Fail(c, http.StatusUnprocessableEntity, web.T(lang, "err.empty"))
		return
	}
	o, url, created, cerr := h.placeOrder(c.Request.Context(), cartID, f, key, lang)
	if cerr != nil {
		msg, status := cerr.Words(lang), web.CheckoutStatus(cerr)
		body := gin.H{"error": msg}
		if len(cerr.Fields) > 0 {
			body["fields"] = cerr.Fields
			names := make([]string, 0, len(cerr.Fields))
			for k := range cerr.Fields {
				names = append(names, k)
			}
			sort.Strings(names)
			parts := make([]string, 0, len(names))
			for _, k := range names {
				parts = append(parts, k+": "+cerr.Fields[k])
			}
			body["error"] = msg + " " + strings.Join(parts, "; ")
		}
		if cerr.Order != nil {
			body["order_url"] = h.OrderURL(cerr.Order)
		}
		if cerr.Total != nil {
			body["total"] = *cerr.Total
		}
		if cerr.Kept && cerr.Order != nil {
			body["order"] = h.Orders.OrderView(cerr.Order, lang, false)
			if a := cerr.Order.Attempt(cerr.Order.PaymentID); a != nil && a.Status == payment.StatusOpen && a.CheckoutURL != "" {
				body["checkout_url"] = a.CheckoutURL
			}
		}
		if status == http.StatusBadGateway {
			c.Header("Retry-After", "5")
		}
		c.AbortWithStatusJSON(status, body)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	web.OK(c, status, CheckoutAnswer{Order: h.Orders.OrderView(o, lang, false), CheckoutURL: url, OrderURL: h.OrderURL(o)})
}
