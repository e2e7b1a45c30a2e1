package shop

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
)

// The checkout page, its form and the quote its script asks for, and
// paying an order again from the order page (Checkout).

type checkoutPage struct {
	Lang string
	// LastOrder: as on the cart page, when the cart is empty.
	LastOrder *web.LastOrder
	Form      view.CheckoutForm
	Errors    map[string]string
	Fields    []view.FormField // name, e-mail
	Address   []view.FormField // street, postcode, city
	// NoAddress: gift cards only, the address is optional (for the
	// invoice) and folded away; AddressOpen when something is in it.
	NoAddress   bool
	AddressOpen bool
	Countries   []string
	// Methods deliver to the chosen country (the only ones the page's
	// script shows); OtherMethods go elsewhere, offered only without
	// the script (pick country and carrier in one go, the server checks).
	// MethodNote says the chosen method did not deliver there and which
	// one the page chose instead.
	Methods      []catalog.ShippingMethod
	OtherMethods []catalog.ShippingMethod
	MethodNote   string
	T            cart.Totals
	Dates        map[string]string // expected delivery per SKU (lineDates)
	Notices      []string
	Error        string
	Key          string
	Home         string
	Points       view.PointsOffer // loyalty.go
	Pickup       view.PickupOffer // carrier.go
	CodeError    string           // why the typed code does not apply (codes.go)
	CodeNote     string           // what it takes off when it does
	// A gift card paying (giftcards.go); GiftSale: the cart buys gift
	// cards (ask for recipient, message, day); Due what the provider gets.
	Gift     *view.GiftView
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
func (h *Checkout) renderCheckout(c *gin.Context, status int, f view.CheckoutForm, errs map[string]string, msg, key string) {
	d, what, err := h.checkoutData(c, f, errs, msg, key)
	if err != nil {
		h.InternalPage(c, what, err)
		return
	}
	h.Page(c, status, "checkout", web.T(d.Lang, "co.title"), d)
}

// checkoutData prices the checkout page for the form's carrier, country
// and points: the one computation behind the page, its "update" step and
// the quote the page's script asks for (POST /api/checkout/quote).
func (h *Checkout) checkoutData(c *gin.Context, f view.CheckoutForm, errs map[string]string, msg, key string) (checkoutPage, string, error) {
	cat := h.Catalog.Current()
	ct, err := h.Cart.loadCart(h.Cart.cartID(c))
	if err != nil {
		return checkoutPage{}, "load cart", err
	}
	lang := h.CartLang(c, ct)
	if f.Country == "" {
		f.Country = cat.Shop.Country
	}
	asked := f.ShippingMethod
	if f.ShippingMethod == "" {
		if ms := cat.MethodsFor(f.Country); len(ms) > 0 {
			f.ShippingMethod = ms[0].ID
		}
	}
	t, err := cart.Compute(ct, cat, f.ShippingMethod, f.Country)
	if err != nil {
		// The method does not ship there: show (and preselect) the same
		// carrier's method there, else the first that delivers, so the
		// total on the page is the one for this country.
		t, err = cart.Compute(ct, cat, cat.InsteadOf(f.ShippingMethod, f.Country), f.Country)
		if err != nil {
			t, err = cart.Compute(ct, cat, "", "")
		}
		if err != nil {
			return checkoutPage{}, "price cart", err
		}
		f.ShippingMethod, f.Country = t.ShippingMethod, t.Country
	}
	t.Localize(cat, lang)
	h.ReverseCharge(&t, f) // invoices.go: the page shows what is charged
	if f.Client == "" {
		f.Client = h.ClientKey(c.Request)
	}
	get := c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead
	if get {
		f.Code = ct.Code // the code the customer applied in the cart (cartcode.go)
	}
	if errs == nil {
		errs = map[string]string{}
	}
	if key == "" {
		key = newFormKey()
	}
	d := checkoutPage{Lang: lang, Form: f, Errors: errs, T: t, Notices: cartNotices(t, cat, lang), Error: msg,
		Key: key, Home: h.Home(lang), Dates: h.Cart.lineDates(t, cat, lang)}
	if len(t.Lines) == 0 {
		d.LastOrder = h.LastOrderOf(c)
	}
	d.Methods, d.OtherMethods, d.MethodNote = methodsFor(cat, asked, f.ShippingMethod, f.Country, lang)
	for i, m := range d.Methods {
		// Each carrier's radio says what it costs for this cart, country
		// and buyer, as the summary would say once it is chosen: nothing
		// above free_from, without VAT for a reverse-charged business.
		if mt, err := cart.Compute(ct, cat, m.ID, f.Country); err == nil {
			h.ReverseCharge(&mt, f)
			d.Methods[i].Price = mt.Shipping
		}
	}
	code, err := h.Codes.priceCode(&d.T, f, ct.ID, lang) // codes.go: typed by the customer, before points
	if err != nil {
		return checkoutPage{}, "discount code", err
	}
	d.CodeError = code.Message
	if !get {
		h.Cart.keepCheckoutCode(ct, f.Code, code) // typed or removed here: the cart follows
	}
	if msg := errs["code"]; msg != "" && d.CodeError == "" {
		d.CodeError = msg
	}
	d.CodeNote = codeNote(f.Code, d.T, lang)
	d.Points = h.Points.OfferPoints(c, f, &d.T, errs, lang) // the customer's own choice, never pre-ticked
	d.Pickup = h.Pickup.OfferPickup(c.Request.Context(), f, cat, lang)
	d.Due, d.Today = d.T.GrandTotal, h.Now().In(h.Zone()).Format("2006-01-02")
	d.GiftSale = view.HasGiftCard(d.T)
	if tender, _, gmsg := h.Gifts.GiftTender(f, ct.ID, d.T.GrandTotal, lang); gmsg != "" {
		errs["gift_code"] = gmsg
	} else if tender != nil {
		d.Gift = view.GiftViewOf(tender, d.T.GrandTotal, d.T.Currency, lang)
		d.Due = d.T.GrandTotal - tender.Amount
	}
	if t.PriceChanged && c.Request.Method == http.MethodGet {
		// Shown now: the customer pays what this page says.
		h.Cart.acceptPrices(ct.ID, cat)
	}
	d.Countries = cat.Countries()
	// Gift cards only: nothing to ship, so the address is optional, for
	// the invoice only, behind a disclosure (docs/giftcards.md).
	d.NoAddress = d.T.OnlyGiftCards()
	for _, fd := range []struct{ name, typ, auto, value string }{
		{"name", "text", "name", f.Name}, {"email", "email", "email", f.Email},
		{"street", "text", "street-address", f.Street}, {"postal_code", "text", "postal-code", f.PostalCode},
		{"city", "text", "address-level2", f.City},
	} {
		ff := view.FormField{Lang: lang, Name: fd.name, Label: "co." + fd.name, Type: fd.typ,
			Auto: fd.auto, Value: fd.value, Error: errs[fd.name]}
		if fd.name == "name" || fd.name == "email" {
			d.Fields = append(d.Fields, ff)
			continue
		}
		ff.Optional = d.NoAddress
		d.Address = append(d.Address, ff)
		if d.NoAddress && (ff.Value != "" || ff.Error != "") {
			d.AddressOpen = true
		}
	}
	d.Form = f
	return d, "", nil
}

// methodsFor splits the shop's methods into those delivering to country
// and the rest, and says so when the method the customer had chosen
// (asked) does not deliver there and chosen was taken instead.
func methodsFor(cat *catalog.Catalog, asked, chosen, country, lang string) (here, elsewhere []catalog.ShippingMethod, note string) {
	for _, m := range cat.Shipping.Methods {
		if m.Ships(country) {
			here = append(here, m)
		} else {
			elsewhere = append(elsewhere, m)
		}
	}
	if asked == "" || asked == chosen {
		return here, elsewhere, ""
	}
	was, ok := cat.Method(asked)
	now, ok2 := cat.Method(chosen)
	if !ok || !ok2 {
		return here, elsewhere, ""
	}
	return here, elsewhere, web.TF(lang, "co.method_changed", was.Label(lang), web.CountryName(lang, country), now.Label(lang))
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
	// MethodsHTML is the list of the methods that deliver to Country,
	// the chosen one checked, with MethodNote when it replaced the
	// customer's choice; the script puts it in place of the list.
	MethodsHTML string      `json:"methods_html"`
	MethodNote  string      `json:"method_note,omitempty"`
	Totals      cart.Totals `json:"totals"`
	CodeError   string      `json:"code_error,omitempty"` // why the typed code does not apply
	CodeNote    string      `json:"code_note,omitempty"`  // what it takes off
	// A gift card (giftcards.go): what it pays, and what the provider is
	// charged (Due = Total - GiftCard); GiftError when the code cannot pay.
	GiftCard  money.Amount `json:"gift_card"`
	Due       money.Amount `json:"due"`
	GiftError string       `json:"gift_error,omitempty"`
}

// APICheckoutQuote prices the checkout form as it stands, exactly as the
// page (and the order) would, for the page's script.
func (h *Checkout) APICheckoutQuote(c *gin.Context) {
	var f view.CheckoutForm
	if !web.DecodeJSON(c, &f) {
		return
	}
	f.Clean()
	if f.Lang == "en" || f.Lang == "nl" {
		c.Set("lang", f.Lang) // the page's language, not the browser's Accept-Language
	}
	if f.Country != "" && len(h.Catalog.Current().MethodsFor(f.Country)) == 0 {
		// Not a country of the page's list: no price to give (the form
		// says the same at pay).
		web.Fail(c, http.StatusUnprocessableEntity, web.T(h.Lang(c), "field.country"))
		return
	}
	f.PointsEmail = h.Points.PointsEmail(c)
	f.Client = h.ClientKey(c.Request)
	f.PostalCode, f.PickupPostcode = "", "" // the quote prices; it never asks the carrier for points (carrier.go)
	d, what, err := h.checkoutData(c, f, nil, "", "")
	if err != nil {
		h.Internal(c, what, err)
		return
	}
	var b bytes.Buffer
	if err := h.Tmpl().ExecuteTemplate(&b, "checkout-summary", d); err != nil {
		h.Internal(c, "render checkout summary", err)
		return
	}
	var ms bytes.Buffer
	d.OtherMethods = nil // the script shows only what delivers to the country
	if err := h.Tmpl().ExecuteTemplate(&ms, "shipping-methods", d); err != nil {
		h.Internal(c, "render shipping methods", err)
		return
	}
	web.OK(c, http.StatusOK, QuoteAnswer{MethodsHTML: ms.String(), MethodNote: d.MethodNote, Total: d.T.GrandTotal, TotalText: money.Display(d.T.GrandTotal, d.T.Currency, d.Lang),
		Due: d.Due, GiftCard: d.Gift.Paying(), GiftError: d.Errors["gift_code"],
		PayText:        web.T(d.Lang, "co.pay") + " · " + money.Display(d.Due, d.T.Currency, d.Lang),
		ShippingMethod: d.Form.ShippingMethod, Country: d.Form.Country, ShownFor: d.Form.ShownKey(),
		SummaryHTML: b.String(), Totals: d.T, CodeError: d.CodeError, CodeNote: d.CodeNote})
}

func (h *Checkout) PageCheckout(c *gin.Context) {
	h.renderCheckout(c, http.StatusOK, view.CheckoutForm{}, nil, "", "")
}

func (h *Checkout) FormCheckout(c *gin.Context) {
	ct, _ := h.Cart.loadCart(h.Cart.cartID(c))
	lang := h.CartLang(c, ct)
	var f view.CheckoutForm
	if err := c.ShouldBind(&f); err != nil {
		h.renderCheckout(c, http.StatusBadRequest, f, nil, web.T(lang, "err.form"), "")
		return
	}
	key := c.PostForm("idempotency_key")
	if !validIdemKey(key) {
		key = newFormKey()
	}
	f.PointsEmail = h.Points.PointsEmail(c)
	f.Client = h.ClientKey(c.Request)
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
		f.Clean()
		h.renderCheckout(c, http.StatusOK, f, nil, "", key)
		return
	}
	cartID := h.Cart.cartID(c)
	if cartID == "" {
		h.renderCheckout(c, http.StatusUnprocessableEntity, f, nil, web.T(lang, "err.empty"), key)
		return
	}
	o, checkoutURL, _, cerr := h.placeOrder(c.Request.Context(), cartID, f, key, lang)
	if cerr != nil {
		f.Clean()
		if cerr.Kept && cerr.Order != nil {
			// The earlier order keeps its payment: show it, with its pay
			// link and the reason, instead of the form.
			h.Orders.RenderOrder(c, web.CheckoutStatus(cerr), cerr.Order, cerr.Words(lang))
			return
		}
		if cerr.Order != nil {
			// The order is stored; the provider failed. Keep the key so a
			// second press reuses the order.
			h.renderCheckout(c, web.CheckoutStatus(cerr), f, cerr.Fields, cerr.Words(lang), key)
			return
		}
		status := web.CheckoutStatus(cerr)
		if status == http.StatusConflict {
			key = "" // prices or stock changed: a new attempt
		}
		h.renderCheckout(c, status, f, cerr.Fields, cerr.Words(lang), key)
		return
	}
	if checkoutURL == "" {
		c.Redirect(http.StatusSeeOther, h.OrderPath(o))
		return
	}
	c.Redirect(http.StatusSeeOther, checkoutURL)
}

// FormPayAgain starts a new payment attempt for a failed, canceled or
// expired payment (or continues an open one) and sends the customer to pay.
func (h *Checkout) FormPayAgain(c *gin.Context) {
	o, found := h.OrderByToken(c, true)
	if !found {
		return
	}
	lang := h.Lang(c)
	// Ask the provider first: the last attempt may have been paid meanwhile,
	// and a payment still in progress must not get a second one.
	o = h.Payments.CheckFromPage(c.Request.Context(), o)
	switch {
	case view.PaymentOpen(o) && o.PaymentStatus == payment.StatusOpen && o.CheckoutURL != "":
		c.Redirect(http.StatusSeeOther, o.CheckoutURL)
		return
	case view.PaymentOpen(o), o.State != order.AwaitingPayment && o.State != order.PaymentFailed:
		c.Redirect(http.StatusSeeOther, h.OrderPath(o))
		return
	}
	// One cart, one payable payment: a failed order whose cart was checked
	// out again (a newer order with a payment that can still be paid) does
	// not get a second payment; the customer is sent to the newer order.
	if o.CartID != "" {
		if cur, err := h.UC.CartOrder(o.CartID); err == nil && cur != nil && cur.ID != o.ID && usecase.LivePayment(cur) {
			h.Orders.RenderOrder(c, http.StatusConflict, o, strings.Replace(web.T(lang, "err.newer_order"), "%s", cur.ID, 1))
			return
		}
	}
	_, url, cerr := h.Payments.NewAttempt(c.Request.Context(), o, lang)
	if cerr != nil {
		if fresh, err := h.UC.Get(o.ID); err == nil {
			o = fresh
		}
		h.Orders.RenderOrder(c, web.CheckoutStatus(cerr), o, cerr.Words(lang))
		return
	}
	if url == "" {
		url = h.OrderPath(o)
	}
	c.Redirect(http.StatusSeeOther, url)
}
