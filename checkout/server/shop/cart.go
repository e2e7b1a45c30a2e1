package shop

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/ids"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/server/orders"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/store"
)

const cartCookie = "sf_cart"

// cartIDLen is the length of a cart id: the time and 24 random bytes
// (ids.Sortable), as long as the 32 random bytes in base64url of earlier
// versions, which stay valid.
const cartIDLen = 43

// CartView is the cart as GET /api/cart shows it: the lines priced from the
// catalog in force, shipping, VAT and the total, plus plain notices.
type CartView struct {
	cart.Totals
	Count     int      `json:"count"`
	TotalText string   `json:"total_text"`
	Notices   []string `json:"notices"`
	// The discount code the customer applied (cartcode.go): the code kept
	// with the cart, what it takes off, or why it does not apply now.
	Code      string `json:"code,omitempty"`
	CodeNote  string `json:"code_note,omitempty"`
	CodeError string `json:"code_error,omitempty"`
}

// Cart is the customer's cart: the JSON API (/api/cart…), the cart
// page and its forms (cartpage.go), and the discount code kept with the
// cart (cartcode.go). The checkout holds it for the cart it checks out.
type Cart struct {
	*web.Web
	Store     *store.Store
	Codes     *Codes
	ExtraDays func(method string) int // the carrier's recent record (loyalty.go)
}

// newCartID starts with the time so that new carts, and the order indexes
// keyed by cart, are written at the end of their B+trees (ids.Sortable).
func newCartID() string { return ids.Sortable(time.Now(), 24) }

func validCartID(id string) bool {
	if len(id) != cartIDLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(id)
	return err == nil
}

// cartID is the cart cookie's id, or "" when there is none (or it is forged).
func (h *Cart) cartID(c *gin.Context) string {
	id, err := c.Cookie(cartCookie)
	if err != nil || !validCartID(id) {
		return ""
	}
	return id
}

// ensureCartID returns the cart id, setting a new cookie when there is none.
func (h *Cart) ensureCartID(c *gin.Context) string {
	if id := h.cartID(c); id != "" {
		return id
	}
	id := newCartID()
	http.SetCookie(c.Writer, &http.Cookie{
		Name: cartCookie, Value: id, Path: "/", MaxAge: 60 * 60 * 24 * 30,
		HttpOnly: true, Secure: h.Base.Scheme == "https", SameSite: http.SameSiteLaxMode,
	})
	return id
}

// loadCart loads the customer's cart; a missing one is empty.
func (h *Cart) loadCart(id string) (*cart.Cart, error) {
	if id == "" {
		return &cart.Cart{}, nil
	}
	ct, err := h.Store.Carts.GetCart(id)
	if errors.Is(err, store.ErrNotFound) {
		return &cart.Cart{ID: id}, nil
	}
	return ct, err
}

// cartView prices the cart for a shipping method and country; "" for both
// is the shop's own country and its first method. The cart's discount code
// (cartcode.go) is priced in; client is who asks (clientKey).
func (h *Cart) cartView(ct *cart.Cart, lang, method, country, client string) (CartView, error) {
	cat := h.Catalog.Current()
	t, err := cart.Compute(ct, cat, method, country)
	if err != nil {
		return CartView{}, err
	}
	t.Localize(cat, lang)
	v := CartView{Totals: t, Count: ct.Count(), TotalText: money.Display(t.GrandTotal, t.Currency, lang),
		Notices: cartNotices(t, cat, lang)}
	if err := h.cartCode(&v, ct, client, lang); err != nil {
		return CartView{}, fmt.Errorf("%w: %w", errCartCode, err)
	}
	return v, nil
}

// errCartCode marks a cart view that failed on its discount code (the
// store could not be read), not on the customer's choice of shipping.
var errCartCode = errors.New("discount code of the cart")

// cartNotices says plainly what changed since the customer added things.
func cartNotices(t cart.Totals, cat *catalog.Catalog, lang string) []string {
	out := []string{}
	for _, l := range t.Lines {
		switch {
		case l.Unavailable:
			out = append(out, web.TF(lang, "notice.unavailable", l.SKU))
		case l.PriceChanged:
			out = append(out, web.TF(lang, "notice.price", l.Title,
				money.Display(l.OldPrice, t.Currency, lang), money.Display(l.NewPrice, t.Currency, lang)))
		}
	}
	return out
}

// itemRequest is the body of POST /api/cart/items and PATCH /api/cart/items/{sku}.
// Prices in the body are ignored: only SKU and quantity count.
type itemRequest struct {
	SKU      string `json:"sku"`
	Quantity *int   `json:"quantity"`
	Lang     string `json:"lang"` // nl or en: the language of messages
}

// validSKU checks the shape of a SKU before it is looked up.
func validSKU(sku string) bool {
	if sku == "" || len(sku) > 64 {
		return false
	}
	for _, r := range sku {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// cartError maps the cart package's errors to an HTTP status and message.
func (h *Cart) cartError(err error, lang string) (int, string) {
	var oos *store.OutOfStockError
	switch {
	case errors.Is(err, cart.ErrUnknownSKU):
		return http.StatusNotFound, web.T(lang, "err.unknown_sku")
	case errors.Is(err, cart.ErrQuantity):
		return http.StatusUnprocessableEntity, web.TF(lang, "err.quantity", cart.MaxQuantity)
	case errors.Is(err, cart.ErrTooLarge):
		return http.StatusUnprocessableEntity, web.T(lang, "err.too_large")
	case errors.Is(err, cart.ErrTooManyLines):
		return http.StatusUnprocessableEntity, web.TF(lang, "err.lines", cart.MaxLines)
	case errors.Is(err, cart.ErrNotInCart), errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, web.T(lang, "err.not_in_cart")
	case errors.As(err, &oos):
		return http.StatusConflict, orders.StockMsg(h.Catalog.Current(), oos, lang)
	}
	return http.StatusInternalServerError, web.T(lang, "err.internal")
}

// addStockMsg says why adding was refused for stock: sold out, so nothing
// was added (StockMsg's "remove it from your cart" is for a line already
// in it), or how many are left.
func addStockMsg(cat *catalog.Catalog, oos *store.OutOfStockError, lang string) string {
	if oos.Available > 0 {
		return orders.StockMsg(cat, oos, lang)
	}
	name := oos.SKU
	if it, ok := cat.Lookup(oos.SKU); ok {
		name = strings.TrimSpace(it.Name(lang) + " " + it.VariantName(lang))
	}
	return web.TF(lang, "err.sold_out_add", name)
}

// failCart answers a failed cart change: the customer's mistake as a 4xx
// with its message, anything else as a logged 500.
func (h *Cart) failCart(c *gin.Context, what string, err error, lang string) {
	status, msg := h.cartError(err, lang)
	if status == http.StatusInternalServerError {
		h.Internal(c, what, err)
		return
	}
	web.Fail(c, status, msg)
}

// addToCart adds qty of sku, checking live stock for tracked items first
// (a friendly early answer; CreateOrder enforces stock in its transaction).
// lang, when the customer said it, is kept with the cart (cartLang).
func (h *Cart) addToCart(id, sku string, qty int, lang string) error {
	cat := h.Catalog.Current()
	if ct, err := h.loadCart(id); err == nil {
		have := 0
		if i := ct.Find(sku); i >= 0 {
			have = ct.Lines[i].Quantity
		}
		if have+qty <= cart.MaxQuantity {
			if err := h.checkStock(cat, sku, have+qty); err != nil {
				return err
			}
		}
	}
	_, err := h.Store.Carts.UpdateCart(id, func(ct *cart.Cart) error {
		if lang != "" {
			ct.Lang = lang
		}
		return cart.Add(ct, cat, sku, qty, h.Now())
	})
	return err
}

// checkStock refuses more units of a tracked SKU than are left.
func (h *Cart) checkStock(cat *catalog.Catalog, sku string, want int) error {
	av, err := h.Store.Stock.Availability(cat, sku)
	if err != nil {
		return err
	}
	if len(av) == 1 && av[0].Known && !av[0].InStock(want) {
		return &store.OutOfStockError{SKU: sku, Requested: want, Available: av[0].Remaining}
	}
	return nil
}

func (h *Cart) setQuantity(id, sku string, qty int) error {
	cat := h.Catalog.Current()
	if _, known := cat.Lookup(sku); known {
		if err := h.checkStock(cat, sku, qty); err != nil {
			return err
		}
	}
	_, err := h.Store.Carts.UpdateCart(id, func(ct *cart.Cart) error {
		return cart.SetQuantity(ct, sku, qty, h.Now())
	})
	return err
}

func (h *Cart) removeFromCart(id, sku string) error {
	_, err := h.Store.Carts.UpdateCart(id, func(ct *cart.Cart) error { return cart.Remove(ct, sku, h.Now()) })
	return err
}

// acceptPrices takes the catalog's prices into the cart: the customer sees
// them now (the checkout page, or a checkout refused because they changed),
// so the next try goes through at those prices.
func (h *Cart) acceptPrices(id string, cat *catalog.Catalog) {
	_, _ = h.Store.Carts.UpdateCart(id, func(c *cart.Cart) error { cart.AcceptPrices(c, cat, h.Now()); return nil })
}

// answerCart writes the cart as JSON.
func (h *Cart) answerCart(c *gin.Context, status int, id string) {
	ct, err := h.loadCart(id)
	if err != nil {
		h.Internal(c, "load cart", err)
		return
	}
	lang := h.CartLang(c, ct)
	v, err := h.cartView(ct, lang, "", "", h.ClientKey(c.Request))
	if errors.Is(err, cart.ErrTooLarge) {
		web.Fail(c, http.StatusUnprocessableEntity, web.T(lang, "err.too_large"))
		return
	}
	if err != nil {
		h.Internal(c, "price cart", err)
		return
	}
	web.OK(c, status, v)
}

// APIGetCart answers the cart; ?country=BE&shipping_method=postnl-be prices
// shipping for that choice (default: the shop's country, its first method).
func (h *Cart) APIGetCart(c *gin.Context) {
	country, method := strings.ToUpper(c.Query("country")), c.Query("shipping_method")
	if country == "" && method == "" {
		h.answerCart(c, http.StatusOK, h.cartID(c))
		return
	}
	ct, err := h.loadCart(h.cartID(c))
	if err != nil {
		h.Internal(c, "load cart", err)
		return
	}
	lang := h.CartLang(c, ct)
	v, err := h.cartView(ct, lang, method, country, h.ClientKey(c.Request))
	if errors.Is(err, cart.ErrTooLarge) {
		web.Fail(c, http.StatusUnprocessableEntity, web.T(lang, "err.too_large"))
		return
	}
	if errors.Is(err, errCartCode) {
		h.Internal(c, "price cart", err)
		return
	}
	if err != nil {
		web.Fail(c, http.StatusUnprocessableEntity, web.T(lang, "field.shipping"))
		return
	}
	web.OK(c, http.StatusOK, v)
}

func (h *Cart) APIAddItem(c *gin.Context) {
	lang := h.Lang(c)
	var req itemRequest
	if !web.DecodeJSON(c, &req) {
		return
	}
	said := h.LangExplicit(c) // kept with the cart
	if req.Lang == "nl" || req.Lang == "en" {
		lang, said = req.Lang, req.Lang
		c.Set("lang", lang)
	}
	req.SKU = strings.TrimSpace(req.SKU)
	if !validSKU(req.SKU) {
		web.Fail(c, http.StatusUnprocessableEntity, web.T(lang, "err.sku"))
		return
	}
	qty, msg := web.Quantity(req.Quantity, lang)
	if msg != "" {
		web.Fail(c, http.StatusUnprocessableEntity, msg)
		return
	}
	if _, known := h.Catalog.Current().Lookup(req.SKU); !known {
		web.Fail(c, http.StatusNotFound, web.T(lang, "err.unknown_sku"))
		return
	}
	id := h.ensureCartID(c)
	if err := h.addToCart(id, req.SKU, qty, said); err != nil {
		var oos *store.OutOfStockError
		if errors.As(err, &oos) {
			web.Fail(c, http.StatusConflict, addStockMsg(h.Catalog.Current(), oos, lang))
			return
		}
		h.failCart(c, "add to cart", err, lang)
		return
	}
	h.answerCart(c, http.StatusOK, id)
}

func (h *Cart) APIUpdateItem(c *gin.Context) {
	lang := h.Lang(c)
	sku := c.Param("sku")
	var req itemRequest
	if !web.DecodeJSON(c, &req) {
		return
	}
	if !validSKU(sku) {
		web.Fail(c, http.StatusUnprocessableEntity, web.T(lang, "err.sku"))
		return
	}
	qty, msg := web.Quantity(req.Quantity, lang)
	if msg != "" {
		web.Fail(c, http.StatusUnprocessableEntity, msg)
		return
	}
	id := h.cartID(c)
	if id == "" {
		web.Fail(c, http.StatusNotFound, web.T(lang, "err.not_in_cart"))
		return
	}
	if err := h.setQuantity(id, sku, qty); err != nil {
		h.failCart(c, "update cart", err, lang)
		return
	}
	h.answerCart(c, http.StatusOK, id)
}

func (h *Cart) APIRemoveItem(c *gin.Context) {
	lang := h.Lang(c)
	sku := c.Param("sku")
	if !validSKU(sku) {
		web.Fail(c, http.StatusUnprocessableEntity, web.T(lang, "err.sku"))
		return
	}
	id := h.cartID(c)
	if id == "" {
		web.Fail(c, http.StatusNotFound, web.T(lang, "err.not_in_cart"))
		return
	}
	if err := h.removeFromCart(id, sku); err != nil {
		h.failCart(c, "remove from cart", err, lang)
		return
	}
	h.answerCart(c, http.StatusOK, id)
}
