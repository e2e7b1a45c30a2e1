package server

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/store"
)

// page renders one of the page templates inside the theme's shell.
func (w *web) page(c *gin.Context, status int, name, title string, data any) {
	var b bytes.Buffer
	if err := w.tmpl().ExecuteTemplate(&b, name, data); err != nil {
		w.log.Error("render page", "page", name, "err", err)
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	sh := w.shells.get(w.lang(c))
	if strings.HasPrefix(c.Request.URL.Path, "/admin") {
		// The owner's pages: a plain frame of their own in the shop's language.
		sh = adminShell(w.shells.defaultLang())
	}
	doc := sh.render(title, htmlSafe(b.String()))
	c.Header("X-Robots-Tag", "noindex")
	c.Data(status, "text/html; charset=utf-8", doc)
}

func (w *web) home(lang string) string {
	if lang == "en" && w.shells.defaultLang() != "en" {
		return "/en/"
	}
	return "/"
}

// Notices shown after a form redirect: codes in the query, never free text.
var noticeCodes = map[string]string{
	"unknown_sku": "err.unknown_sku", "quantity": "err.quantity", "stock": "err.stock_short",
	"lines": "err.lines", "not_in_cart": "err.not_in_cart", "added": "notice.added", "sku": "err.sku",
	"code_removed": "code.removed",
}

type cartPage struct {
	Lang    string
	T       cart.Totals
	Dates   map[string]string // expected delivery per SKU (lineDates)
	Notices []string
	Error   string
	Home    string
	// The discount code (cartcode.go): View has the code kept with the
	// cart and its note or error; CodeTyped and CodeError a code just
	// refused (unknown, too many tries), not kept.
	View      CartView
	CodeTyped string
	CodeError string
}

// cartPageData prices the cart page, its code included.
func (h *cartHTTP) cartPageData(c *gin.Context) (cartPage, error) {
	ct, err := h.loadCart(h.cartID(c))
	if err != nil {
		return cartPage{}, fmt.Errorf("load cart: %w", err)
	}
	lang := h.cartLang(c, ct)
	v, err := h.cartView(ct, lang, "", "", h.clientKey(c.Request))
	if err != nil {
		return cartPage{}, fmt.Errorf("price cart: %w", err)
	}
	return cartPage{Lang: lang, T: v.Totals, Notices: v.Notices, Home: h.home(lang), View: v,
		Dates: h.lineDates(v.Totals, h.catalog.Current(), lang)}, nil
}

func (h *cartHTTP) pageCart(c *gin.Context) {
	d, err := h.cartPageData(c)
	if err != nil {
		h.internalPage(c, "cart page", err)
		return
	}
	lang := d.Lang
	if code := c.Query("notice"); code != "" {
		switch key := noticeCodes[code]; key {
		case "":
		case "err.quantity":
			d.Error = strings.Replace(tr(lang, key), "%d", strconv.Itoa(cart.MaxQuantity), 1)
		case "err.lines":
			d.Error = strings.Replace(tr(lang, key), "%d", strconv.Itoa(cart.MaxLines), 1)
		case "notice.added", "code.removed":
			d.Notices = append([]string{tr(lang, key)}, d.Notices...)
		case "err.stock_short":
			d.Error = tr(lang, "err.stock_short")
		default:
			d.Error = tr(lang, key)
		}
	}
	h.page(c, http.StatusOK, "cart", tr(lang, "cart.title"), d)
}

// formQuantity reads the quantity field; empty means 1 for adding.
func formQuantity(v string, def int) (int, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return def, def > 0
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// backToCart answers a cart form with 303 to the cart page, with a notice code.
func (h *cartHTTP) backToCart(c *gin.Context, code string) {
	u := "/cart/"
	q := url.Values{}
	if code != "" {
		q.Set("notice", code)
	}
	if h.lang(c) == "en" {
		q.Set("lang", "en")
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	c.Redirect(http.StatusSeeOther, u)
}

func noticeFor(err error) string {
	var oos *store.OutOfStockError
	switch {
	case errors.Is(err, cart.ErrUnknownSKU):
		return "unknown_sku"
	case errors.Is(err, cart.ErrQuantity):
		return "quantity"
	case errors.Is(err, cart.ErrTooManyLines):
		return "lines"
	case errors.Is(err, cart.ErrNotInCart):
		return "not_in_cart"
	case errors.As(err, &oos):
		return "stock"
	}
	return ""
}

// afterCartForm answers a cart form once the change is tried: back to the
// cart with done's notice, or with the customer's mistake, or a logged
// error page.
func (h *cartHTTP) afterCartForm(c *gin.Context, what string, err error, done string) {
	if err == nil {
		h.backToCart(c, done)
		return
	}
	if code := noticeFor(err); code != "" {
		h.backToCart(c, code)
		return
	}
	h.internalPage(c, what, err)
}

func (h *cartHTTP) formAdd(c *gin.Context) {
	sku := strings.TrimSpace(c.PostForm("sku"))
	qty, good := formQuantity(c.PostForm("quantity"), 1)
	switch {
	case !validSKU(sku):
		h.backToCart(c, "sku")
		return
	case !good || qty < 1 || qty > cart.MaxQuantity:
		h.backToCart(c, "quantity")
		return
	}
	if _, known := h.catalog.Current().Lookup(sku); !known {
		h.backToCart(c, "unknown_sku")
		return
	}
	h.afterCartForm(c, "add to cart", h.addToCart(h.ensureCartID(c), sku, qty, h.langExplicit(c)), "added")
}

func (h *cartHTTP) formUpdate(c *gin.Context) {
	sku := strings.TrimSpace(c.PostForm("sku"))
	qty, good := formQuantity(c.PostForm("quantity"), -1)
	id := h.cartID(c)
	switch {
	case !validSKU(sku):
		h.backToCart(c, "sku")
		return
	case !good || qty < 0 || qty > cart.MaxQuantity:
		h.backToCart(c, "quantity")
		return
	case id == "":
		h.backToCart(c, "not_in_cart")
		return
	}
	var err error
	if qty == 0 {
		err = h.removeFromCart(id, sku)
	} else {
		err = h.setQuantity(id, sku, qty)
	}
	h.afterCartForm(c, "update cart", err, "")
}

func (h *cartHTTP) formRemove(c *gin.Context) {
	sku := strings.TrimSpace(c.PostForm("sku"))
	id := h.cartID(c)
	if !validSKU(sku) || id == "" {
		h.backToCart(c, "not_in_cart")
		return
	}
	h.afterCartForm(c, "remove from cart", h.removeFromCart(id, sku), "")
}

type formField struct {
	Lang, Name, Label, Type, Auto, Value, Error string
	Optional                                    bool
}

type checkoutPage struct {
	Lang      string
	Form      checkoutForm
	Errors    map[string]string
	Fields    []formField
	Countries []string
	Methods   []catalog.ShippingMethod
	T         cart.Totals
	Dates     map[string]string // expected delivery per SKU (lineDates)
	Notices   []string
	Error     string
	Key       string
	Home      string
	Points    pointsOffer // loyalty.go
	Pickup    pickupOffer // carrier.go
	CodeError string      // why the typed code does not apply (codes.go)
	CodeNote  string      // what it takes off when it does
	// A gift card paying (giftcards.go); GiftSale: the cart buys gift
	// cards (ask for recipient, message, day); Due what the provider gets.
	Gift     *giftView
	GiftSale bool
	Due      money.Amount
	Today    string
}

func newFormKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "form-" + hex.EncodeToString(b)
}

// renderCheckout shows the checkout form with values, messages per field and
// the full total for the chosen (or first) shipping method.
func (h *checkoutHTTP) renderCheckout(c *gin.Context, status int, f checkoutForm, errs map[string]string, msg, key string) {
	d, what, err := h.checkoutData(c, f, errs, msg, key)
	if err != nil {
		h.internalPage(c, what, err)
		return
	}
	h.page(c, status, "checkout", tr(d.Lang, "co.title"), d)
}

// checkoutData prices the checkout page for the form's carrier, country
// and points: the one computation behind the page, its "update" step and
// the quote the page's script asks for (POST /api/checkout/quote).
func (h *checkoutHTTP) checkoutData(c *gin.Context, f checkoutForm, errs map[string]string, msg, key string) (checkoutPage, string, error) {
	cat := h.catalog.Current()
	ct, err := h.cart.loadCart(h.cart.cartID(c))
	if err != nil {
		return checkoutPage{}, "load cart", err
	}
	lang := h.cartLang(c, ct)
	if f.Country == "" {
		f.Country = cat.Shop.Country
	}
	if f.ShippingMethod == "" {
		if ms := cat.MethodsFor(f.Country); len(ms) > 0 {
			f.ShippingMethod = ms[0].ID
		}
	}
	t, err := cart.Compute(ct, cat, f.ShippingMethod, f.Country)
	if err != nil {
		// The method does not ship there: show (and preselect) the first
		// one that does, so the total on the page is the one for this country.
		t, err = cart.Compute(ct, cat, "", f.Country)
		if err != nil {
			t, err = cart.Compute(ct, cat, "", "")
		}
		if err != nil {
			return checkoutPage{}, "price cart", err
		}
		f.ShippingMethod, f.Country = t.ShippingMethod, t.Country
	}
	t.Localize(cat, lang)
	h.reverseCharge(&t, f) // invoices.go: the page shows what is charged
	if f.Client == "" {
		f.Client = h.clientKey(c.Request)
	}
	asked := c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead
	if asked {
		f.Code = ct.Code // the code the customer applied in the cart (cartcode.go)
	}
	if errs == nil {
		errs = map[string]string{}
	}
	if key == "" {
		key = newFormKey()
	}
	d := checkoutPage{Lang: lang, Form: f, Errors: errs, T: t, Notices: cartNotices(t, cat, lang), Error: msg,
		Key: key, Home: h.home(lang), Methods: cat.Shipping.Methods, Dates: h.cart.lineDates(t, cat, lang)}
	code, err := h.codes.priceCode(&d.T, f, ct.ID, lang) // codes.go: typed by the customer, before points
	if err != nil {
		return checkoutPage{}, "discount code", err
	}
	d.CodeError = code.Message
	if !asked {
		h.cart.keepCheckoutCode(ct, f.Code, code) // typed or removed here: the cart follows
	}
	if msg := errs["code"]; msg != "" && d.CodeError == "" {
		d.CodeError = msg
	}
	d.CodeNote = codeNote(f.Code, d.T, lang)
	d.Points = h.points.offerPoints(c, f, &d.T, errs, lang) // the customer's own choice, never pre-ticked
	d.Pickup = h.pickup.offerPickup(c.Request.Context(), f, cat, lang)
	d.Due, d.Today = d.T.GrandTotal, h.now().In(h.zone()).Format("2006-01-02")
	d.GiftSale = hasGiftCard(d.T)
	if tender, _, gmsg := h.gifts.giftTender(f, ct.ID, d.T.GrandTotal, lang); gmsg != "" {
		errs["gift_code"] = gmsg
	} else if tender != nil {
		d.Gift = giftViewOf(tender, d.T.GrandTotal, d.T.Currency, lang)
		d.Due = d.T.GrandTotal - tender.Amount
	}
	if t.PriceChanged && c.Request.Method == http.MethodGet {
		// Shown now: the customer pays what this page says.
		_, _ = h.store.UpdateCart(ct.ID, func(c *cart.Cart) error { cart.AcceptPrices(c, cat, h.now()); return nil })
	}
	seen := map[string]bool{}
	for _, m := range cat.Shipping.Methods {
		for _, co := range m.Countries {
			if !seen[strings.ToUpper(co)] {
				seen[strings.ToUpper(co)] = true
				d.Countries = append(d.Countries, strings.ToUpper(co))
			}
		}
	}
	sort.Strings(d.Countries)
	for _, fd := range []struct{ name, typ, auto, value string }{
		{"name", "text", "name", f.Name}, {"email", "email", "email", f.Email},
		{"street", "text", "street-address", f.Street}, {"postal_code", "text", "postal-code", f.PostalCode},
		{"city", "text", "address-level2", f.City},
	} {
		d.Fields = append(d.Fields, formField{Lang: lang, Name: fd.name, Label: "co." + fd.name, Type: fd.typ,
			Auto: fd.auto, Value: fd.value, Error: errs[fd.name]})
	}
	d.Form = f
	return d, "", nil
}

// QuoteAnswer is the answer of POST /api/checkout/quote: the checkout
// page's summary priced for the carrier, country and points in the body,
// rendered by the server (the page's script shows it; it never prices).
type QuoteAnswer struct {
	Total          money.Amount `json:"total"`
	TotalText      string       `json:"total_text"`
	PayText        string       `json:"pay_text"`
	ShippingMethod string       `json:"shipping_method"`
	Country        string       `json:"country"`
	ShownFor       string       `json:"shown_for"`
	SummaryHTML    string       `json:"summary_html"`
	Totals         cart.Totals  `json:"totals"`
	CodeError      string       `json:"code_error,omitempty"` // why the typed code does not apply
	CodeNote       string       `json:"code_note,omitempty"`  // what it takes off
	// A gift card (giftcards.go): what it pays, and what the provider is
	// charged (Due = Total - GiftCard); GiftError when the code cannot pay.
	GiftCard  money.Amount `json:"gift_card"`
	Due       money.Amount `json:"due"`
	GiftError string       `json:"gift_error,omitempty"`
}

// apiCheckoutQuote prices the checkout form as it stands, exactly as the
// page (and the order) would, for the page's script.
func (h *checkoutHTTP) apiCheckoutQuote(c *gin.Context) {
	var f checkoutForm
	if !decodeJSON(c, &f) {
		return
	}
	f.clean()
	if f.Lang == "en" || f.Lang == "nl" {
		c.Set("lang", f.Lang) // the page's language, not the browser's Accept-Language
	}
	f.PointsEmail = h.points.pointsEmail(c)
	f.Client = h.clientKey(c.Request)
	f.PostalCode, f.PickupPostcode = "", "" // the quote prices; it never asks the carrier for points (carrier.go)
	d, what, err := h.checkoutData(c, f, nil, "", "")
	if err != nil {
		h.internal(c, what, err)
		return
	}
	var b bytes.Buffer
	if err := h.tmpl().ExecuteTemplate(&b, "checkout-summary", d); err != nil {
		h.internal(c, "render checkout summary", err)
		return
	}
	ok(c, http.StatusOK, QuoteAnswer{Total: d.T.GrandTotal, TotalText: money.Display(d.T.GrandTotal, d.T.Currency, d.Lang),
		Due: d.Due, GiftCard: d.Gift.paying(), GiftError: d.Errors["gift_code"],
		PayText:        tr(d.Lang, "co.pay") + " · " + money.Display(d.Due, d.T.Currency, d.Lang),
		ShippingMethod: d.Form.ShippingMethod, Country: d.Form.Country, ShownFor: d.Form.ShippingMethod + "|" + d.Form.Country,
		SummaryHTML: b.String(), Totals: d.T, CodeError: d.CodeError, CodeNote: d.CodeNote})
}

func (h *checkoutHTTP) pageCheckout(c *gin.Context) {
	h.renderCheckout(c, http.StatusOK, checkoutForm{}, nil, "", "")
}

func (h *checkoutHTTP) formCheckout(c *gin.Context) {
	ct, _ := h.cart.loadCart(h.cart.cartID(c))
	lang := h.cartLang(c, ct)
	var f checkoutForm
	if err := c.ShouldBind(&f); err != nil {
		h.renderCheckout(c, http.StatusBadRequest, f, nil, tr(lang, "err.form"), "")
		return
	}
	key := c.PostForm("idempotency_key")
	if !validIdemKey(key) {
		key = newFormKey()
	}
	f.PointsEmail = h.points.pointsEmail(c)
	f.Client = h.clientKey(c.Request)
	if v := strings.TrimSpace(f.ShownDue); v != "" {
		// What the page said the provider gets after the gift card.
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			n = -1
		}
		a := money.Amount(n)
		f.ExpectedDue = &a
	}
	if v := strings.TrimSpace(f.ShownTotal); v != "" {
		// The total the page showed; a malformed one matches no total, so
		// the page comes back with the real one rather than charging blind.
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			n = -1
		}
		a := money.Amount(n)
		f.ExpectedTotal = &a
	}
	if c.PostForm("apply_points") != "" || c.PostForm("update") != "" || c.PostForm("find_points") != "" || c.PostForm("apply_code") != "" || c.PostForm("apply_gift") != "" {
		// The customer asks to see the total for their carrier, country or
		// points (loyalty.go) before paying: the page again, priced anew.
		f.clean()
		h.renderCheckout(c, http.StatusOK, f, nil, "", key)
		return
	}
	cartID := h.cart.cartID(c)
	if cartID == "" {
		h.renderCheckout(c, http.StatusUnprocessableEntity, f, nil, tr(lang, "err.empty"), key)
		return
	}
	o, checkoutURL, _, cerr := h.placeOrder(c.Request.Context(), cartID, f, key, lang)
	if cerr != nil {
		f.clean()
		if cerr.Kept && cerr.Order != nil {
			// The earlier order keeps its payment: show it, with its pay
			// link and the reason, instead of the form.
			h.orders.renderOrder(c, checkoutStatus(cerr), cerr.Order, cerr.Words(lang))
			return
		}
		if cerr.Order != nil {
			// The order is stored; the provider failed. Keep the key so a
			// second press reuses the order.
			h.renderCheckout(c, checkoutStatus(cerr), f, cerr.Fields, cerr.Words(lang), key)
			return
		}
		status := checkoutStatus(cerr)
		if status == http.StatusConflict {
			key = "" // prices or stock changed: a new attempt
		}
		h.renderCheckout(c, status, f, cerr.Fields, cerr.Words(lang), key)
		return
	}
	if checkoutURL == "" {
		c.Redirect(http.StatusSeeOther, h.orderPath(o))
		return
	}
	c.Redirect(http.StatusSeeOther, checkoutURL)
}

func (w *web) orderPath(o *order.Order) string { return "/order/" + o.Token }

// validToken checks the shape of an order token before any lookup.
func validToken(t string) bool {
	if len(t) < 22 || len(t) > 64 {
		return false
	}
	for _, r := range t {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// orderByToken loads the order a token points to, or answers 404.
func (w *web) orderByToken(c *gin.Context, page bool) (*order.Order, bool) {
	token := c.Param("token")
	var o *order.Order
	var err error = store.ErrNotFound
	if validToken(token) {
		o, err = w.orderOf(token)
	}
	if errors.Is(err, store.ErrNotFound) {
		lang := w.lang(c)
		if page {
			w.page(c, http.StatusNotFound, "message", tr(lang, "notfound.title"),
				map[string]string{"Lang": lang, "Title": tr(lang, "notfound.title"), "Text": tr(lang, "err.order_not_found"), "Home": w.home(lang)})
		} else {
			fail(c, http.StatusNotFound, tr(lang, "err.order_not_found"))
		}
		return nil, false
	}
	if err != nil {
		if page {
			w.internalPage(c, "order by token", err)
		} else {
			w.internal(c, "order by token", err)
		}
		return nil, false
	}
	return o, true
}

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
	Good        bool      // paid and on its way: the success look
	AfterSale   any       // cancel, returns, refunds, gift note (returns.go)
	Points      string    // loyalty points of the order (loyalty.go)
	Gift        *giftView // the gift card as a payment line (giftcards.go)
	Legal       any       // invoice links and the distance-sale information (invoices.go)
}

type stepLine struct {
	Step, Label, When string
	Done, Current     bool
}

const orderRefreshSeconds = 3

func (h *orderHTTP) pageOrder(c *gin.Context) {
	o, found := h.orderByToken(c, true)
	if !found {
		return
	}
	o = h.payments.checkFromPage(c.Request.Context(), o)
	h.renderOrder(c, http.StatusOK, o, "")
}

func (h *orderHTTP) renderOrder(c *gin.Context, status int, o *order.Order, msg string) {
	lang := h.orderLang(c, o)
	d := orderPage{Lang: lang, O: o, T: o.Totals, Error: msg, Refresh: orderRefreshSeconds, Points: h.points.orderPoints(o, lang),
		Gift: giftViewOf(o.GiftCard, o.Total(), o.Currency, lang)}
	for _, st := range h.orderView(o, lang, false).Steps {
		sl := stepLine{Step: st.Step, Label: st.Label, Done: st.Done, Current: st.Current}
		switch {
		case st.Done && !st.At.IsZero():
			sl.When = dayText(st.At.In(h.zone()), lang)
		case st.Expected != "":
			sl.When = tr(lang, "expected") + " " + st.Expected
		}
		d.Steps = append(d.Steps, sl)
	}
	switch o.State {
	case order.AwaitingPayment:
		d.IfPaid = true
		if paymentOpen(o) {
			d.Heading, d.Para, d.Confirming = tr(lang, "order.confirming"), tr(lang, "order.confirming_p"), true
			if o.PaymentStatus == payment.StatusOpen {
				d.CheckoutURL = o.CheckoutURL
			}
			if msg == "" {
				// Not on an answer to a post (a kept payment, a failed
				// pay again): a refresh would load another page.
				c.Header("Refresh", strconv.Itoa(orderRefreshSeconds))
			}
		} else {
			d.Heading, d.Para, d.PayAgain, d.PayLabel = tr(lang, "order.awaiting"), tr(lang, "order.awaiting_p"), true, tr(lang, "order.pay")
		}
	case order.PaymentFailed:
		d.IfPaid, d.PayAgain, d.PayLabel = true, true, tr(lang, "order.pay_again")
		switch o.PaymentStatus {
		case payment.StatusCanceled:
			d.Heading, d.Para = tr(lang, "order.canceled_pay"), tr(lang, "order.canceled_pay_p")
		case payment.StatusExpired:
			d.Heading, d.Para = tr(lang, "order.expired"), tr(lang, "order.expired_p")
		default:
			d.Heading, d.Para = tr(lang, "order.failed"), tr(lang, "order.failed_p")
		}
	case order.Paid:
		d.Heading, d.Para = tr(lang, "order.paid"), strings.Replace(tr(lang, "order.paid_p"), "%s", o.Customer.Email, 1)
	case order.Packed:
		d.Heading = tr(lang, "order.packed")
	case order.Shipped:
		d.Heading = tr(lang, "order.shipped")
	case order.Delivered:
		d.Heading = tr(lang, "order.delivered")
	case order.Canceled:
		d.Heading, d.Para = tr(lang, "order.canceled"), tr(lang, "order.canceled_p")
	}
	d.Good = stepIndex(o.State) >= 1
	if r := o.Meta["refunded"]; r != "" {
		d.Refunded = strings.Replace(tr(lang, "order.refunded"), "%s", o.Currency+" "+r, 1)
	}
	d.AfterSale = h.afterSale(o, lang)
	d.Legal = h.invoices.legalHTML(o, lang) // invoices.go
	title := strings.Replace(tr(lang, "order.title"), "%s", o.ID, 1)
	h.page(c, status, "order", title, d)
}

// formPayAgain starts a new payment attempt for a failed, canceled or
// expired payment (or continues an open one) and sends the customer to pay.
func (h *checkoutHTTP) formPayAgain(c *gin.Context) {
	o, found := h.orderByToken(c, true)
	if !found {
		return
	}
	lang := h.lang(c)
	// Ask the provider first: the last attempt may have been paid meanwhile,
	// and a payment still in progress must not get a second one.
	o = h.payments.checkFromPage(c.Request.Context(), o)
	switch {
	case paymentOpen(o) && o.PaymentStatus == payment.StatusOpen && o.CheckoutURL != "":
		c.Redirect(http.StatusSeeOther, o.CheckoutURL)
		return
	case paymentOpen(o), o.State != order.AwaitingPayment && o.State != order.PaymentFailed:
		c.Redirect(http.StatusSeeOther, h.orderPath(o))
		return
	}
	// One cart, one payable payment: a failed order whose cart was checked
	// out again (a newer order with a payment that can still be paid) does
	// not get a second payment; the customer is sent to the newer order.
	if o.CartID != "" {
		if cur, err := h.store.CartOrder(o.CartID); err == nil && cur != nil && cur.ID != o.ID && livePayment(cur) {
			h.orders.renderOrder(c, http.StatusConflict, o, strings.Replace(tr(lang, "err.newer_order"), "%s", cur.ID, 1))
			return
		}
	}
	_, url, cerr := h.payments.newAttempt(c.Request.Context(), o, lang)
	if cerr != nil {
		if fresh, err := h.store.GetOrder(o.ID); err == nil {
			o = fresh
		}
		h.orders.renderOrder(c, checkoutStatus(cerr), o, cerr.Words(lang))
		return
	}
	if url == "" {
		url = h.orderPath(o)
	}
	c.Redirect(http.StatusSeeOther, url)
}

// apiGetOrder is the order page as JSON; it checks the payment like the page.
func (h *orderHTTP) apiGetOrder(c *gin.Context) {
	o, found := h.orderByToken(c, false)
	if !found {
		return
	}
	o = h.payments.checkFromPage(c.Request.Context(), o)
	ok(c, http.StatusOK, h.orderView(o, h.orderLang(c, o), false))
}

func (w *web) internalPage(c *gin.Context, what string, err error) {
	w.log.Error(what, "err", err, "request_id", c.GetString(ctxRequestID))
	lang := w.lang(c)
	w.page(c, http.StatusInternalServerError, "message", tr(lang, "notfound.title"),
		map[string]string{"Lang": lang, "Title": ":(", "Text": tr(lang, "err.internal"), "Home": w.home(lang)})
}

func (w *web) notFoundPage(c *gin.Context) {
	lang := w.lang(c)
	w.page(c, http.StatusNotFound, "message", tr(lang, "notfound.title"),
		map[string]string{"Lang": lang, "Title": tr(lang, "notfound.title"), "Text": tr(lang, "notfound.p"), "Home": w.home(lang)})
}

// payPage mounts the built-in provider's hosted payment page.
func (h *paymentsHTTP) payPage(c *gin.Context) {
	if h.local == nil {
		h.notFoundPage(c)
		return
	}
	h.local.Handler().ServeHTTP(c.Writer, c.Request)
}

// tooManyPage answers a form post over the checkout rate limit.
func (w *web) tooManyPage(c *gin.Context, secs int) {
	lang := w.lang(c)
	w.page(c, http.StatusTooManyRequests, "message", tr(lang, "err.rate"),
		map[string]string{"Lang": lang, "Title": tr(lang, "err.rate"), "Text": tr(lang, "err.rate"), "Home": "/cart/"})
}
