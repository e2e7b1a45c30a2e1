package orders

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/returns"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/store"
	"github.com/storefront/storefront/checkout/usecase"
	"github.com/storefront/storefront/checkout/wire"
)

// The customer's side of after the sale, reached only through the order's
// token link: returns within the window, and cancel before packing.

// The customer's cancel is usecase.Orders.CustomerCancel; its errors and
// rule are the use case's.
var (
	errTooLate     = usecase.ErrTooLate
	errPaymentBusy = usecase.ErrPaymentBusy
	canCancel      = usecase.CustomerMayCancel
)

// Returns is the customer's after the sale: cancel before packing and
// returns within the window (pages, forms and JSON), the order page's
// after-sale section and the after-sale e-mails. The logic is
// usecase.Orders; this maps its errors to the customer's words.
type Returns struct {
	*web.Web
	UC     usecase.Orders
	Orders *Orders // a refused cancel shows the order page again
	// RefundViews are the order's refunds as JSON (refunds.go).
	RefundViews func(o *order.Order, lang string) []wire.RefundView
}

func (h *Returns) AfterSaleView(o *order.Order, lang string) wire.AfterSaleView {
	p := h.Policy()
	v := wire.AfterSaleView{Order: o.ID, State: string(o.State), Currency: o.Currency, Paid: int64(o.PaidAmount()), Refunded: int64(o.RefundedAmount()),
		Refundable: int64(o.Refundable()), CanCancel: canCancel(o), Returns: []wire.ReturnView{}, Refunds: h.RefundViews(o, lang),
		GiftNote: o.GiftNote, ReturnAddress: p.Address, ReturnFree: p.Free, RefundDays: p.RefundDays}
	dl, err := p.Open(o, h.Now(), h.Zone())
	switch {
	case err == nil:
		v.ReturnOpen, v.ReturnUntil = true, dl.Format("2006-01-02")
		left := returns.Returnable(o)
		for _, l := range o.Lines {
			if n := left[l.SKU]; n > 0 {
				v.Returnable = append(v.Returnable, wire.WantLine{SKU: l.SKU, Quantity: n})
				left[l.SKU] = 0
			}
		}
		if len(v.Returnable) == 0 {
			v.ReturnOpen = false
			v.ReturnClosed = web.T(lang, "ret.all_back")
		}
	case errors.Is(err, returns.ErrWindowClosed):
		v.ReturnUntil = dl.Format("2006-01-02")
		v.ReturnClosed = web.TF(lang, "ret.closed", view.DayText(dl, lang), p.WindowDays)
	default:
		v.ReturnClosed = web.T(lang, "ret.not_shipped")
	}
	for _, r := range o.Returns {
		rv := wire.ReturnView{Code: r.Code, State: string(r.State), Reason: r.Reason, Amount: int64(r.Amount),
			AmountText: money.Display(r.Amount, o.Currency, lang), RequestedAt: r.RequestedAt, ReceivedAt: r.ReceivedAt, RefundedAt: r.RefundedAt}
		for _, l := range r.Lines {
			rv.Lines = append(rv.Lines, wire.WantLineView{SKU: l.SKU, Title: l.Title, Variant: l.Variant, Quantity: l.Quantity})
		}
		v.Returns = append(v.Returns, rv)
	}
	return v
}

// requestReturn records the customer's return (usecase.Orders.RequestReturn).
func (h *Returns) requestReturn(orderID string, want map[string]int, reason string) (*order.Order, string, error) {
	return h.UC.RequestReturn(orderID, want, reason)
}

// customerCancel cancels an order that is not packed yet (usecase.Orders).
func (h *Returns) customerCancel(ctx context.Context, orderID string) (*order.Order, error) {
	return h.UC.CustomerCancel(ctx, orderID)
}

// Pages and API for the customer.

// customerError is the customer's surface's one mapper (JSON API and pages
// alike) from an after-sale use case's domain error to a status and words
// in the customer's language. o is the order the customer asked about.
func (h *Returns) customerError(err error, o *order.Order, lang string) (int, string) {
	switch {
	case errors.Is(err, errTooLate):
		return http.StatusConflict, web.T(lang, "cancel.too_late")
	case errors.Is(err, usecase.ErrGiftCardsIssued):
		return http.StatusConflict, web.T(lang, "cancel.gift_cards")
	case errors.Is(err, errPaymentBusy):
		return http.StatusConflict, web.T(lang, "cancel.busy")
	case errors.Is(err, returns.ErrWindowClosed):
		dl, _ := h.Policy().Deadline(o, h.Zone())
		return http.StatusUnprocessableEntity, web.TF(lang, "ret.closed", view.DayText(dl, lang), h.Policy().WindowDays)
	case errors.Is(err, returns.ErrNotShipped):
		return http.StatusUnprocessableEntity, web.T(lang, "ret.not_shipped")
	case errors.Is(err, returns.ErrNothing):
		return http.StatusUnprocessableEntity, web.T(lang, "ret.nothing")
	case errors.Is(err, returns.ErrQuantity), errors.Is(err, returns.ErrUnknownItem):
		return http.StatusUnprocessableEntity, web.T(lang, "ret.quantity")
	case errors.Is(err, returns.ErrReason):
		return http.StatusUnprocessableEntity, web.TF(lang, "ret.reason_bad", returns.MaxReason)
	}
	return http.StatusInternalServerError, web.T(lang, "err.internal")
}

// PageReturn shows the return form (GET /order/{token}/return).
func (h *Returns) PageReturn(c *gin.Context) {
	o, found := h.OrderByToken(c, true)
	if !found {
		return
	}
	h.renderReturnForm(c, http.StatusOK, o, "", nil, "")
}

type returnFormLine struct {
	SKU, Title, Variant, Price string
	Max, Value                 int
	// Paid says what one unit cost after a code or points ("paid € 16,37
	// each"); empty when that is its price.
	Paid string
}

type returnFormPage struct {
	Lang, Token, Error, Reason, Closed string
	Lines                              []returnFormLine
	Policy                             returns.Policy
	Until, Exceptions                  string
}

func (h *Returns) renderReturnForm(c *gin.Context, status int, o *order.Order, msg string, want map[string]int, reason string) {
	lang := h.OrderLang(c, o)
	p := h.Policy()
	d := returnFormPage{Lang: lang, Token: o.Token, Error: msg, Reason: reason, Policy: p, Exceptions: p.Exceptions[lang]}
	dl, err := p.Open(o, h.Now(), h.Zone())
	if err != nil {
		_, d.Closed = h.customerError(err, o, lang)
	} else {
		d.Until = view.DayText(dl, lang)
	}
	left := returns.Returnable(o)
	for _, l := range o.Lines {
		if n := left[l.SKU]; n > 0 {
			// What one unit gives back is what it cost the customer: less
			// its share of a code or points (returns.PaidFor), as the
			// refund will be; the list price next to it would promise more.
			fl := returnFormLine{SKU: l.SKU, Title: l.Title, Variant: l.Variant,
				Price: money.Display(l.UnitPrice, o.Currency, lang), Max: n, Value: want[l.SKU]}
			one := []order.ReturnLine{{SKU: l.SKU, Quantity: 1, UnitPrice: l.UnitPrice}}
			if paid := returns.PaidFor(o, one); paid != l.UnitPrice {
				fl.Paid = web.TF(lang, "ret.paid_each", money.Display(paid, o.Currency, lang))
			}
			d.Lines = append(d.Lines, fl)
			left[l.SKU] = 0
		}
	}
	if len(d.Lines) == 0 && d.Closed == "" {
		d.Closed = web.T(lang, "ret.all_back")
	}
	h.Page(c, status, "return-form", web.TF(lang, "ret.title", o.ID), d)
}

// FormReturn takes the return form (POST /order/{token}/return): fields
// qty_<SKU> and reason.
func (h *Returns) FormReturn(c *gin.Context) {
	o, found := h.OrderByToken(c, true)
	if !found {
		return
	}
	lang := h.OrderLang(c, o)
	want := map[string]int{}
	for _, l := range o.Lines {
		v := strings.TrimSpace(c.PostForm("qty_" + l.SKU))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			h.renderReturnForm(c, http.StatusUnprocessableEntity, o, web.T(lang, "ret.quantity"), want, c.PostForm("reason"))
			return
		}
		want[l.SKU] += n
	}
	o2, code, err := h.requestReturn(o.ID, want, c.PostForm("reason"))
	if err != nil {
		st, msg := h.customerError(err, o, lang)
		h.logInternal(st, "request return", o, err)
		h.renderReturnForm(c, st, o, msg, want, c.PostForm("reason"))
		return
	}
	c.Redirect(http.StatusSeeOther, h.OrderPath(o2)+"?lang="+lang+"#return-"+code)
}

// logInternal logs an after-sale failure that the customer sees only as
// "something went wrong on our side" (status 500).
func (h *Returns) logInternal(status int, what string, o *order.Order, err error) {
	if status == http.StatusInternalServerError {
		h.Log.Error(what, "order", o.ID, "err", err)
	}
}

// FormCancel cancels from the order page (POST /order/{token}/cancel).
func (h *Returns) FormCancel(c *gin.Context) {
	o, found := h.OrderByToken(c, true)
	if !found {
		return
	}
	lang := h.OrderLang(c, o)
	o2, err := h.customerCancel(c.Request.Context(), o.ID)
	if err != nil {
		st, msg := h.customerError(err, o, lang)
		h.logInternal(st, "customer cancel", o, err)
		if fresh, gerr := h.UC.Get(o.ID); gerr == nil {
			o = fresh
		}
		h.Orders.RenderOrder(c, st, o, msg)
		return
	}
	c.Redirect(http.StatusSeeOther, h.OrderPath(o2)+"?lang="+lang)
}

// APIReturns is GET /api/orders/{token}/returns.
func (h *Returns) APIReturns(c *gin.Context) {
	o, found := h.OrderByToken(c, false)
	if !found {
		return
	}
	web.OK(c, http.StatusOK, h.AfterSaleView(o, h.OrderLang(c, o)))
}

// APIRequestReturn is POST /api/orders/{token}/returns
// {"lines":[{"sku","quantity"}],"reason":"..."}.
func (h *Returns) APIRequestReturn(c *gin.Context) {
	o, found := h.OrderByToken(c, false)
	if !found {
		return
	}
	lang := h.OrderLang(c, o)
	var req struct {
		Lines  []wire.WantLine `json:"lines"`
		Reason string          `json:"reason"`
	}
	if !web.DecodeJSON(c, &req) {
		return
	}
	want := map[string]int{}
	for _, l := range req.Lines {
		if l.Quantity < 0 {
			web.Fail(c, http.StatusUnprocessableEntity, web.T(lang, "ret.quantity"))
			return
		}
		want[l.SKU] += l.Quantity
	}
	o2, code, err := h.requestReturn(o.ID, want, req.Reason)
	if err != nil {
		st, msg := h.customerError(err, o, lang)
		h.logInternal(st, "request return", o, err)
		web.Fail(c, st, msg)
		return
	}
	v := h.AfterSaleView(o2, lang)
	c.Header("Location", h.OrderPath(o2)+"#return-"+code)
	web.OK(c, http.StatusCreated, gin.H{"code": code, "after_sale": v})
}

// APICancel is POST /api/orders/{token}/cancel.
func (h *Returns) APICancel(c *gin.Context) {
	o, found := h.OrderByToken(c, false)
	if !found {
		return
	}
	lang := h.OrderLang(c, o)
	o2, err := h.customerCancel(c.Request.Context(), o.ID)
	if err != nil {
		st, msg := h.customerError(err, o, lang)
		h.logInternal(st, "customer cancel", o, err)
		web.Fail(c, st, msg)
		return
	}
	web.OK(c, http.StatusOK, h.AfterSaleView(o2, lang))
}

// The order page's after-sale section: cancel button, return link, the
// returns with their steps and instructions, refunds, the gift note.

type afterSaleSection struct {
	Lang, Token   string
	CanCancel     bool
	Paid          bool
	ReturnOpen    bool
	Until         string
	Closed        string
	Returns       []returnCard
	Refunds       []refundLine
	GiftNote      string
	CanceledNote  string
	ShowSomething bool
}

type returnCard struct {
	Code, Reason, Amount, Address, Cost, When string
	Lines                                     []wire.WantLineView
	Steps                                     []stepLine
	Open                                      bool
}

type refundLine struct{ Amount, Status, When string }

// AfterSaleHTML renders the section for the order page.
func (h *Returns) AfterSaleHTML(o *order.Order, lang string) template.HTML {
	p := h.Policy()
	d := afterSaleSection{Lang: lang, Token: o.Token, CanCancel: canCancel(o), Paid: !o.PaidAt.IsZero(), GiftNote: o.GiftNote}
	if dl, err := p.Open(o, h.Now(), h.Zone()); err == nil {
		left := returns.Returnable(o)
		for _, n := range left {
			if n > 0 {
				d.ReturnOpen = true
			}
		}
		d.Until = view.DayText(dl, lang)
	} else if errors.Is(err, returns.ErrWindowClosed) {
		_, d.Closed = h.customerError(err, o, lang)
	}
	zone := h.Zone()
	when := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return view.DayText(t.In(zone), lang)
	}
	for _, r := range o.Returns {
		rc := returnCard{Code: r.Code, Reason: r.Reason, Amount: money.Display(r.Amount, o.Currency, lang), Address: p.Address,
			Open: r.State == order.ReturnRequested}
		if p.Free {
			rc.Cost = web.T(lang, "ret.cost_free")
		} else {
			rc.Cost = web.T(lang, "ret.cost_own")
		}
		rc.When = web.TF(lang, "ret.when", p.RefundDays)
		for _, l := range r.Lines {
			rc.Lines = append(rc.Lines, wire.WantLineView{SKU: l.SKU, Title: l.Title, Variant: l.Variant, Quantity: l.Quantity})
		}
		steps := []struct {
			name string
			at   time.Time
		}{{"requested", r.RequestedAt}, {"received", r.ReceivedAt}, {"refunded", r.RefundedAt}}
		current := false
		for _, st := range steps {
			sl := stepLine{Step: st.name, Label: web.T(lang, "ret.step."+st.name), Done: !st.at.IsZero(), When: when(st.at)}
			if !sl.Done && !current {
				sl.Current, current = true, true
			}
			rc.Steps = append(rc.Steps, sl)
		}
		d.Returns = append(d.Returns, rc)
	}
	for _, r := range o.Refunds {
		if order.RefundVoid(r.Status) {
			continue
		}
		status := web.T(lang, "refund.on_way")
		switch {
		case r.GiftCard > 0 && o.GiftCard != nil:
			status = web.TF(lang, "refund.to_card", o.GiftCard.Last4) // back on the card that paid (docs/giftcards.md)
		case r.Status == order.RefundRefunded:
			status = web.T(lang, "refund.done")
		}
		d.Refunds = append(d.Refunds, refundLine{Amount: money.Display(r.Amount, o.Currency, lang), Status: status, When: when(r.CreatedAt)})
	}
	if o.State == order.Canceled && !o.PaidAt.IsZero() && len(d.Refunds) == 0 {
		d.CanceledNote = web.T(lang, "refund.pending")
	}
	d.ShowSomething = d.CanCancel || d.ReturnOpen || d.Closed != "" || len(d.Returns) > 0 || len(d.Refunds) > 0 || d.GiftNote != "" || d.CanceledNote != ""
	if !d.ShowSomething {
		return ""
	}
	var b bytes.Buffer
	if err := h.Tmpl().ExecuteTemplate(&b, "after-sale", d); err != nil {
		h.Log.Error("render after-sale section", "err", err)
		return ""
	}
	return web.HTMLSafe(b.String())
}

// AfterSaleMailKind reports whether the mail worker should render kind here.
func AfterSaleMailKind(kind string) bool {
	switch kind {
	case store.MailReturnRequested, store.MailReturnReceived, store.MailRefunded, store.MailCanceled:
		return true
	}
	return false
}

// RenderAfterSaleMail renders a queued after-sale e-mail from the order as
// it is now. The mail id (kind:order:ref) names the return or refund.
func (h *Returns) RenderAfterSaleMail(o *order.Order, m store.Mail) (kind, subject, text, html string, err error) {
	lang := o.Lang
	if lang != "en" {
		lang = "nl"
	}
	parts := strings.SplitN(m.ID, ":", 3)
	ref := ""
	if len(parts) == 3 {
		ref = parts[2]
	}
	cat := h.Catalog.Current()
	p := h.Policy()
	a := mail.AfterSale{Lang: lang, Kind: m.Kind, ShopName: cat.Shop.Name, ShopEmail: cat.Shop.Email, Number: o.ID,
		CustomerName: o.Customer.Name, OrderURL: h.OrderURL(o), Address: p.Address, Free: p.Free, RefundDays: p.RefundDays}
	d := func(x money.Amount) string { return money.Display(x, o.Currency, lang) }
	zone := h.Zone()
	var ret *order.Return
	switch m.Kind {
	case store.MailReturnRequested, store.MailReturnReceived:
		ret = o.Return(ref)
		if ret == nil {
			return "", "", "", "", fmt.Errorf("mail %s: order %s has no return %s", m.ID, o.ID, ref)
		}
	case store.MailRefunded:
		r := o.RefundByID(ref)
		if r == nil {
			return "", "", "", "", fmt.Errorf("mail %s: order %s has no refund %s", m.ID, o.ID, ref)
		}
		a.Amount = d(r.Amount)
		if toCard, toBank := view.RefundParts(o, r); toCard > 0 {
			a.Amount, a.ToCard, a.CardLast4 = d(toCard+toBank), d(toCard), o.GiftCard.Last4
			if toBank > 0 {
				a.ToBank = d(toBank)
			}
		}
		ret = o.Return(r.ReturnCode)
	case store.MailCanceled:
		a.Paid = !o.PaidAt.IsZero()
	}
	if ret != nil {
		a.ReturnCode = ret.Code
		if a.Amount == "" {
			a.Amount = d(ret.Amount)
		}
		for _, l := range ret.Lines {
			a.Lines = append(a.Lines, mail.SummaryLine{Quantity: l.Quantity, Title: l.Title, Variant: l.Variant, Total: d(l.Total())})
		}
		current := false
		for _, st := range []struct {
			name string
			at   time.Time
		}{{"requested", ret.RequestedAt}, {"received", ret.ReceivedAt}, {"refunded", ret.RefundedAt}} {
			step := mail.SummaryStep{Label: web.T(lang, "ret.step."+st.name), Done: !st.at.IsZero()}
			if step.Done {
				step.When = view.DayText(st.at.In(zone), lang)
			} else if !current {
				step.Current, current = true, true
			}
			a.Steps = append(a.Steps, step)
		}
	}
	subject, text, html, err = mail.AfterSaleMail(a)
	return m.Kind, subject, text, html, err
}

// The gift note at checkout: optional, short, plain text (line breaks
// allowed); escaped wherever it is shown (order page, e-mail, packing slip).
