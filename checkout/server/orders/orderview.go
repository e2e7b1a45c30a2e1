package orders

import (
	"html/template"
	"time"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/delivery"
	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
	"github.com/storefront/storefront/checkout/wire"
)

// Orders is the customer's order: its page and JSON (orderpage.go),
// and the order as the JSON API, the owner and the e-mails show it
// (OrderView, the steps with their dates, the mail summary).
type Orders struct {
	*web.Web
	Payments *Payments // the page asks the provider about an open payment
	Points   Loyalty   // loyalty.go
	Invoices Invoices  // invoices.go
	// ExtraDays is the carrier's recent record (loyalty.go).
	ExtraDays func(method string) int
	// GiftSteps is a gift-card-only order's plan (giftcards.go).
	GiftSteps func(o *order.Order, lang string) []wire.StepView
	// AfterSale is the page's after-sale section (returns.go).
	AfterSale func(o *order.Order, lang string) template.HTML
}

// Loyalty is what the order shows of loyalty points (loyalty.go).
type Loyalty interface {
	OrderPoints(o *order.Order, lang string) string
	SummaryPoints(sm *mail.Summary, o *order.Order, lang string)
}

// Invoices is what the order shows of its invoices (invoices.go).
type Invoices interface {
	LegalHTML(o *order.Order, lang string) template.HTML
	InvoiceViews(o *order.Order) []wire.InvoiceView
}

// stepNames is the plan every order page and e-mail shows.
var stepNames = []string{"ordered", "paid", "packed", "shipped", "delivered"}

// stepIndex is how far the order got in the plan (index of the last step done).
func stepIndex(st order.State) int {
	switch st {
	case order.Paid:
		return 1
	case order.Packed:
		return 2
	case order.Shipped:
		return 3
	case order.Delivered:
		return 4
	}
	return 0 // awaiting_payment, payment_failed, canceled
}

// steps builds the plan with dates done and honest expected dates from the
// delivery rules (for an unpaid order: if it were paid now).
func (h *Orders) steps(o *order.Order, lang string) []wire.StepView {
	if view.GiftOnly(o) {
		return h.GiftSteps(o, lang) // giftcards.go: by e-mail, no parcel
	}
	done := stepIndex(o.State)
	at := map[int]time.Time{0: o.CreatedAt, 1: o.PaidAt, 3: o.ShippedAt, 4: o.DeliveredAt}
	for _, h := range o.History {
		if h.To == order.Packed && at[2].IsZero() {
			at[2] = h.At
		}
	}
	var exp *delivery.Expected
	if o.State != order.Canceled && o.State != order.Delivered {
		exp = h.expected(o)
	}
	// Collected at the shop (a pickup method): no carrier ships or
	// delivers it; the checkout promised "ready to collect" on a day, and
	// when to come is the customer's choice.
	m, _ := h.Catalog.Current().Method(o.ShippingMethod)
	out := make([]wire.StepView, len(stepNames))
	for i, name := range stepNames {
		key := "step." + name
		if m.Pickup && (name == "shipped" || name == "delivered") {
			key = map[string]string{"shipped": "step.ready", "delivered": "step.collected"}[name]
		}
		// A canceled order keeps the steps it reached (paid, packed) ticked.
		sv := wire.StepView{Step: name, Label: web.T(lang, key), Done: i <= done && o.State != order.Canceled || i == 0 ||
			o.State == order.Canceled && !at[i].IsZero()}
		if sv.Done {
			sv.At = at[i]
		}
		if i == done+1 && o.State != order.Canceled {
			sv.Current = true
		}
		if !sv.Done && exp != nil {
			switch name {
			case "packed":
				sv.Expected = view.DayText(exp.PackedBy, lang)
			case "shipped":
				sv.Expected = view.DayText(exp.ShippedBy, lang)
			case "delivered":
				if !m.Pickup {
					sv.Expected = view.WindowText(exp.Delivery, lang)
				}
			}
		}
		out[i] = sv
	}
	return out
}

// expected are the dates promised for the order; nil when the rules can't say.
func (h *Orders) expected(o *order.Order) *delivery.Expected {
	cat := h.Catalog.Current()
	rules, err := h.Rules(cat)
	if err != nil {
		return nil
	}
	m, ok := cat.Method(o.ShippingMethod)
	if !ok {
		m = catalog.ShippingMethod{ID: o.ShippingMethod, TransitDays: 1}
	}
	if o.PaidAt.IsZero() {
		m.TransitDays += h.ExtraDays(m.ID) // the carrier's recent record (loyalty.go)
	} else {
		m.TransitDays += o.PromiseExtraDays // as promised when paid
	}
	from := o.PaidAt
	if from.IsZero() {
		from = h.Now()
	}
	e, err := rules.ExpectedDates(from, o.Classes(), m)
	if err != nil {
		return nil
	}
	if o.State == order.Shipped && !o.ShippedAt.IsZero() {
		// Shipped: the carrier's transit from the day it left.
		if se, err := rules.ExpectedDates(o.ShippedAt, nil, m); err == nil {
			e.Delivery = se.Delivery
		}
	}
	return &e
}

// OrderView is the order as JSON; admin adds the token and history.
func (h *Orders) OrderView(o *order.Order, lang string, admin bool) wire.OrderView {
	t := o.Totals
	v := wire.OrderView{
		ID: o.ID, Number: o.ID, URL: h.OrderURL(o), State: string(o.State), PaymentStatus: string(o.PaymentStatus),
		CreatedAt: o.CreatedAt,
		Customer: wire.CustomerView{Name: o.Customer.Name, Email: o.Customer.Email, Street: o.Customer.Street,
			PostalCode: o.Customer.PostalCode, City: o.Customer.City, Country: o.Customer.Country},
		Currency: o.Currency, Subtotal: int64(t.Subtotal), Shipping: int64(t.Shipping), ShippingName: t.ShippingName,
		Total: int64(o.Total()), TotalText: money.Display(o.Total(), o.Currency, lang),
		Steps: h.steps(o, lang), TrackingURL: o.TrackingURL, TrackingCode: o.TrackingCode, PickupPoint: o.Meta[usecase.MetaPickupText],
		Lines: make([]wire.LineView, 0, len(o.Lines)), VAT: make([]wire.VATView, 0, len(t.VAT)),
	}
	if o.State == order.AwaitingPayment && !o.PaymentStatus.Final() {
		v.CheckoutURL = o.CheckoutURL
	}
	for _, l := range o.Lines {
		v.Lines = append(v.Lines, wire.LineView{SKU: l.SKU, Title: l.Title, Variant: l.Variant, Quantity: l.Quantity,
			UnitPrice: int64(l.UnitPrice), LineTotal: int64(l.LineTotal), VATRate: l.VATRate})
	}
	for _, r := range t.VAT {
		v.VAT = append(v.VAT, wire.VATView{Rate: r.Rate, VAT: int64(r.VAT)})
	}
	v.Refunded = int64(o.RefundedAmount()) // refunds on the order, and a legacy Meta refund
	for _, a := range o.Totals.Adjustments {
		v.Adjustments = append(v.Adjustments, wire.AdjustmentView{Kind: a.Kind, Label: a.Label, Amount: int64(a.Amount), VATRate: a.VATRate})
	}
	v.DiscountCode = o.DiscountCode
	v.Points = h.Points.OrderPoints(o, lang)
	v.Invoices = h.Invoices.InvoiceViews(o) // invoices.go
	if admin {
		v.Token = o.Token
		v.TimeZone = h.Zone().String()
		for _, h := range o.History {
			what := string(h.To)
			if h.From != "" && h.From != h.To {
				what = string(h.From) + " → " + string(h.To)
			}
			v.History = append(v.History, wire.EventView{At: h.At, By: h.By, What: what, Detail: h.Note})
		}
	}
	return v
}

// Summary is the order as the e-mails show it: the same lines, totals and
// steps as the order page.
func (h *Orders) Summary(o *order.Order) mail.Summary {
	lang := o.Lang
	if lang != "en" {
		lang = "nl"
	}
	cat := h.Catalog.Current()
	d := func(a money.Amount) string { return money.Display(a, o.Currency, lang) }
	sm := mail.Summary{
		Lang: lang, ShopName: cat.Shop.Name, ShopEmail: cat.Shop.Email, Number: o.ID,
		CustomerName: o.Customer.Name, OrderURL: h.OrderURL(o),
		Address:  []string{o.Customer.Name, o.Customer.Street, o.Customer.PostalCode + " " + o.Customer.City, web.CountryName(lang, o.Customer.Country)},
		Subtotal: d(o.Totals.Subtotal), ShippingName: o.Totals.ShippingName, Shipping: d(o.Totals.Shipping),
		Total: d(o.Total()), TrackingURL: o.TrackingURL, GiftNote: o.GiftNote,
	}
	if m, ok := cat.Method(o.ShippingMethod); ok && m.Pickup {
		sm.Pickup = m.Label(lang)
	}
	if o.Totals.OnlyGiftCards() { // they go by e-mail: no shipping line, no delivery address
		sm.ShippingName, sm.Shipping, sm.Address = "", "", nil
	}
	for _, l := range o.Lines {
		sm.Lines = append(sm.Lines, mail.SummaryLine{Quantity: l.Quantity, Title: l.Title, Variant: l.Variant, Total: d(l.LineTotal)})
	}
	for _, v := range o.Totals.VAT {
		sm.VAT = append(sm.VAT, mail.SummaryVAT{Rate: v.Rate, Amount: d(v.VAT)})
	}
	view.SummaryCode(&sm, o, lang)       // codes.go: the code's line before the points'
	h.Points.SummaryPoints(&sm, o, lang) // loyalty.go
	view.GiftSummary(o, &sm, lang)       // giftcards.go: the card as a payment line
	for _, st := range h.steps(o, lang) {
		when := ""
		switch {
		case st.Done && !st.At.IsZero():
			when = view.DayText(st.At.In(h.Zone()), lang)
		case st.Expected != "":
			when = web.T(lang, "expected") + " " + st.Expected
		}
		sm.Steps = append(sm.Steps, mail.SummaryStep{Label: st.Label, When: when, Done: st.Done, Current: st.Current})
	}
	return sm
}
