package shop

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/server/orders"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/store"
)

// The cart page and its forms (Cart): they work without JavaScript,
// answering every post with a redirect to the cart page and a notice code.

// Notices shown after a form redirect: codes in the query, never free text.
var noticeCodes = map[string]string{
	"unknown_sku": "err.unknown_sku", "quantity": "err.quantity", "stock": "err.stock_short",
	"lines": "err.lines", "not_in_cart": "err.not_in_cart", "added": "notice.added", "sku": "err.sku",
	"code_removed": "code.removed",
}

type cartPage struct {
	Lang string
	// LastOrder links the order this browser showed last, on an empty
	// cart (the back button after paying lands here).
	LastOrder *web.LastOrder
	T         cart.Totals
	Dates     map[string]string // expected delivery per SKU (lineDates)
	Notices   []string
	Error     string
	Home      string
	// The discount code (cartcode.go): View has the code kept with the
	// cart and its note or error; CodeTyped and CodeError a code just
	// refused (unknown, too many tries), not kept.
	View      CartView
	CodeTyped string
	CodeError string
}

// cartPageData prices the cart page, its code included.
func (h *Cart) cartPageData(c *gin.Context) (cartPage, error) {
	ct, err := h.loadCart(h.cartID(c))
	if err != nil {
		return cartPage{}, fmt.Errorf("load cart: %w", err)
	}
	lang := h.CartLang(c, ct)
	v, err := h.cartView(ct, lang, "", "", h.ClientKey(c.Request))
	if err != nil {
		return cartPage{}, fmt.Errorf("price cart: %w", err)
	}
	d := cartPage{Lang: lang, T: v.Totals, Notices: v.Notices, Home: h.Home(lang), View: v,
		Dates: h.lineDates(v.Totals, h.Catalog.Current(), lang)}
	if len(v.Totals.Lines) == 0 {
		d.LastOrder = h.LastOrderOf(c)
	}
	return d, nil
}

func (h *Cart) PageCart(c *gin.Context) {
	d, err := h.cartPageData(c)
	if err != nil {
		h.InternalPage(c, "cart page", err)
		return
	}
	lang := d.Lang
	if code := c.Query("notice"); code != "" {
		switch key := noticeCodes[code]; key {
		case "":
		case "err.quantity":
			d.Error = strings.Replace(web.T(lang, key), "%d", strconv.Itoa(cart.MaxQuantity), 1)
		case "err.lines":
			d.Error = strings.Replace(web.T(lang, key), "%d", strconv.Itoa(cart.MaxLines), 1)
		case "notice.added", "code.removed":
			d.Notices = append([]string{web.T(lang, key)}, d.Notices...)
		case "err.stock_short":
			d.Error = web.T(lang, "err.stock_short")
			cat := h.Catalog.Current()
			left, err := strconv.Atoi(c.Query("left"))
			if _, known := cat.Lookup(c.Query("sku")); known && err == nil && left >= 0 {
				oos := &store.OutOfStockError{SKU: c.Query("sku"), Available: left}
				if c.Query("add") != "" {
					d.Error = addStockMsg(cat, oos, lang)
				} else {
					d.Error = orders.StockMsg(cat, oos, lang)
				}
			}
		default:
			d.Error = web.T(lang, key)
		}
	}
	h.Page(c, http.StatusOK, "cart", web.T(lang, "cart.title"), d)
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
func (h *Cart) backToCart(c *gin.Context, code string) { h.backToCartWith(c, code, url.Values{}) }

// backToCartWith is backToCart with more of the notice in q.
func (h *Cart) backToCartWith(c *gin.Context, code string, q url.Values) {
	u := "/cart/"
	if code != "" {
		q.Set("notice", code)
	}
	if h.Lang(c) == "en" {
		q.Set("lang", "en")
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	c.Redirect(http.StatusSeeOther, u)
}

// whatAdd names adding to the cart (the form's log label, and how
// afterCartForm knows a refused line is not in the cart).
const whatAdd = "add to cart"

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
func (h *Cart) afterCartForm(c *gin.Context, what string, err error, done string) {
	if err == nil {
		h.backToCart(c, done)
		return
	}
	var oos *store.OutOfStockError
	if errors.As(err, &oos) {
		// Which product and how many are left, as the script hears it
		// (codes and numbers in the query, never free text).
		q := url.Values{"sku": {oos.SKU}, "left": {strconv.Itoa(max(0, oos.Available))}}
		if what == whatAdd {
			q.Set("add", "1") // not in the cart: "nothing was added"
		}
		h.backToCartWith(c, "stock", q)
		return
	}
	if code := noticeFor(err); code != "" {
		h.backToCart(c, code)
		return
	}
	h.InternalPage(c, what, err)
}

func (h *Cart) FormAdd(c *gin.Context) {
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
	if _, known := h.Catalog.Current().Lookup(sku); !known {
		h.backToCart(c, "unknown_sku")
		return
	}
	h.afterCartForm(c, whatAdd, h.addToCart(h.ensureCartID(c), sku, qty, h.LangExplicit(c)), "added")
}

func (h *Cart) FormUpdate(c *gin.Context) {
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

func (h *Cart) FormRemove(c *gin.Context) {
	sku := strings.TrimSpace(c.PostForm("sku"))
	id := h.cartID(c)
	if !validSKU(sku) || id == "" {
		h.backToCart(c, "not_in_cart")
		return
	}
	h.afterCartForm(c, "remove from cart", h.removeFromCart(id, sku), "")
}
