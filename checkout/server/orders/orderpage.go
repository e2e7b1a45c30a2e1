package orders

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
)

// The customer's order page and its JSON (Orders).

type orderPage struct {
	Lang        string
	O           *order.Order
	T           cart.Totals
	Steps       []stepLine
	Heading     string
	Para        string
	Confirming  bool
	Refresh     int
	CheckoutURL string
	PayAgain    bool
	PayLabel    string
	IfPaid      bool
	Refunded    string
	Error       string
	Good        bool           // paid and on its way: the success look
	AfterSale   any            // cancel, returns, refunds, gift note (returns.go)
	Points      string         // loyalty points of the order (loyalty.go)
	Gift        *view.GiftView // the gift card as a payment line (giftcards.go)
	Legal       any            // invoice links and the distance-sale information (invoices.go)
	Pickup      string         // where the customer collects it (a pickup method); empty: delivered
}

type stepLine struct {
	Step, Label, When string
	Done, Current     bool
}

const orderRefreshSeconds = 3

func (h *Orders) PageOrder(c *gin.Context) {
	o, found := h.OrderByToken(c, true)
	if !found {
		return
	}
	o = h.Payments.CheckFromPage(c.Request.Context(), o)
	h.RenderOrder(c, http.StatusOK, o, "")
}

func (h *Orders) RenderOrder(c *gin.Context, status int, o *order.Order, msg string) {
	lang := h.OrderLang(c, o)
	d := orderPage{Lang: lang, O: o, T: o.Totals, Error: msg, Refresh: orderRefreshSeconds, Points: h.Points.OrderPoints(o, lang),
		Gift: view.GiftViewOf(o.GiftCard, o.Total(), o.Currency, lang)}
	for _, st := range h.OrderView(o, lang, false).Steps {
		sl := stepLine{Step: st.Step, Label: st.Label, Done: st.Done, Current: st.Current}
		switch {
		case st.Done && !st.At.IsZero():
			sl.When = view.DayText(st.At.In(h.Zone()), lang)
		case st.Expected != "":
			sl.When = web.T(lang, "expected") + " " + st.Expected
		}
		d.Steps = append(d.Steps, sl)
	}
	m, _ := h.Catalog.Current().Method(o.ShippingMethod)
	pickup := m.Pickup // collected at the shop: ready and collected, not on its way
	if pickup {
		d.Pickup = m.Label(lang)
	}
	switch o.State {
	case order.AwaitingPayment:
		d.IfPaid = true
		if view.PaymentOpen(o) {
			d.Heading, d.Para, d.Confirming = web.T(lang, "order.confirming"), web.T(lang, "order.confirming_p"), true
			if o.PaymentStatus == payment.StatusOpen {
				d.CheckoutURL = o.CheckoutURL
			}
			if msg == "" {
				// Not on an answer to a post (a kept payment, a failed
				// pay again): a refresh would load another page.
				c.Header("Refresh", strconv.Itoa(orderRefreshSeconds))
			}
		} else {
			d.Heading, d.Para, d.PayAgain, d.PayLabel = web.T(lang, "order.awaiting"), web.T(lang, "order.awaiting_p"), true, web.T(lang, "order.pay")
		}
	case order.PaymentFailed:
		d.IfPaid, d.PayAgain, d.PayLabel = true, true, web.T(lang, "order.pay_again")
		switch o.PaymentStatus {
		case payment.StatusCanceled:
			d.Heading, d.Para = web.T(lang, "order.canceled_pay"), web.T(lang, "order.canceled_pay_p")
		case payment.StatusExpired:
			d.Heading, d.Para = web.T(lang, "order.expired"), web.T(lang, "order.expired_p")
		default:
			d.Heading, d.Para = web.T(lang, "order.failed"), web.T(lang, "order.failed_p")
		}
	case order.Paid:
		d.Heading, d.Para = web.T(lang, "order.paid"), strings.Replace(web.T(lang, "order.paid_p"), "%s", o.Customer.Email, 1)
	case order.Packed:
		d.Heading = web.T(lang, "order.packed")
	case order.Shipped:
		d.Heading = web.T(lang, "order.shipped")
		if pickup {
			d.Heading = web.T(lang, "order.ready")
		}
	case order.Delivered:
		d.Heading = web.T(lang, "order.delivered")
		if pickup {
			d.Heading = web.T(lang, "order.collected")
		}
	case order.Canceled:
		d.Heading, d.Para = web.T(lang, "order.canceled"), web.T(lang, "order.canceled_p")
		if !o.PaidAt.IsZero() { // paid, then canceled: no "if you had paid"
			d.Para = web.T(lang, "order.canceled_paid_p")
		}
	}
	d.Good = stepIndex(o.State) >= 1
	if r := o.Meta["refunded"]; r != "" {
		d.Refunded = strings.Replace(web.T(lang, "order.refunded"), "%s", o.Currency+" "+r, 1)
	}
	d.AfterSale = h.AfterSale(o, lang)
	d.Legal = h.Invoices.LegalHTML(o, lang) // invoices.go
	title := strings.Replace(web.T(lang, "order.title"), "%s", o.ID, 1)
	h.RememberOrder(c, o)
	h.Page(c, status, "order", title, d)
}

// APIGetOrder is the order page as JSON; it checks the payment like the page.
func (h *Orders) APIGetOrder(c *gin.Context) {
	o, found := h.OrderByToken(c, false)
	if !found {
		return
	}
	o = h.Payments.CheckFromPage(c.Request.Context(), o)
	web.OK(c, http.StatusOK, h.OrderView(o, h.OrderLang(c, o), false))
}
