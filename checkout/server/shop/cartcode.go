package shop

import (
	"bytes"
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
)

// A discount code on the cart page (docs/codes.md). The customer types it
// there or at checkout; it is kept with the cart (cart.Cart.Code), priced
// on every view of the cart by the same priceCode as the checkout, and the
// checkout page arrives with it filled in. Only a code that exists is kept;
// an unknown one (or one refused for too many tries) is said and dropped.
// The per-customer limit needs the e-mail address: the cart says that it
// is checked at checkout.

// cartCode prices the cart's code into v: the discount as its own line, or
// the words why it does not apply. client is who asks (clientKey).
func (h *Cart) cartCode(v *CartView, ct *cart.Cart, client, lang string) error {
	v.Code = ct.Code
	if ct.Code == "" || len(ct.Lines) == 0 {
		return nil
	}
	r, err := h.Codes.priceCode(&v.Totals, view.CheckoutForm{Code: ct.Code, Client: client}, ct.ID, lang)
	if err != nil {
		return err
	}
	v.CodeError = r.Message
	v.CodeNote = cartCodeNote(r, v.Totals, lang)
	v.TotalText = money.Display(v.GrandTotal, v.Currency, lang)
	return nil
}

// cartCodeNote is what the cart says under the code when it applies; a
// code limited per address adds that this is checked at checkout.
func cartCodeNote(r codeResult, t cart.Totals, lang string) string {
	if r.Applied == nil {
		return ""
	}
	note := codeNote(r.Applied.Code, t, lang)
	if r.Applied.MaxPerUser > 0 {
		note += " " + web.TF(lang, "code.per_customer_later", r.Applied.MaxPerUser)
	}
	return note
}

// setCartCode keeps name (normalised; "" removes) with the cart when it is
// empty or a code that exists, and reports the refusal otherwise: the
// words and the status (422 unknown, 429 too many tries).
func (h *Cart) setCartCode(cartID, name, client, lang string) (int, string, error) {
	name = cart.NormalizeCode(name)
	if name != "" {
		ct, err := h.loadCart(cartID)
		if err != nil {
			return 0, "", err
		}
		t, err := cart.Compute(ct, h.Catalog.Current(), "", "")
		if err != nil {
			t = cart.Totals{}
		}
		r, err := h.Codes.priceCode(&t, view.CheckoutForm{Code: name, Client: client}, cartID, lang)
		if err != nil {
			return 0, "", err
		}
		switch {
		case r.Tries:
			return http.StatusTooManyRequests, r.Message, nil
		case !r.Known:
			return http.StatusUnprocessableEntity, r.Message, nil
		}
	}
	_, err := h.Store.Carts.UpdateCart(cartID, func(ct *cart.Cart) error {
		ct.Code = name
		return nil
	})
	return http.StatusOK, "", err
}

// keepCheckoutCode follows the checkout page's code field: what the
// customer typed (a code that exists, r) or removed there is what the cart
// keeps. It never fills in a code the customer did not type.
func (h *Cart) keepCheckoutCode(ct *cart.Cart, typed string, r codeResult) {
	name := cart.NormalizeCode(typed)
	if ct == nil || ct.ID == "" || name == ct.Code || len(ct.Lines) == 0 || name != "" && !r.Known {
		return
	}
	if _, err := h.Store.Carts.UpdateCart(ct.ID, func(c *cart.Cart) error { c.Code = name; return nil }); err != nil {
		h.Log.Warn("keep the checkout's code with the cart", "cart", ct.ID, "err", err)
	}
}

// cartCodeRequest is the body of POST /api/cart/code.
type cartCodeRequest struct {
	Code string `json:"code"`
	Lang string `json:"lang"`
}

// CartCodeAnswer is the cart after a code was applied or removed, with the
// cart page's code box and totals rendered by the server (the page's
// script shows them; it never prices).
type CartCodeAnswer struct {
	CartView
	SummaryHTML string `json:"summary_html"`
}

// APICartCode applies the code in the body to the cart (POST) or removes
// it (DELETE).
func (h *Cart) APICartCode(c *gin.Context) {
	lang := h.Lang(c)
	var req cartCodeRequest
	if c.Request.Method == http.MethodPost {
		if !web.DecodeJSON(c, &req) {
			return
		}
		if req.Lang == "nl" || req.Lang == "en" {
			lang = req.Lang
			c.Set("lang", lang)
		}
	}
	id := h.cartID(c)
	if id == "" {
		web.Fail(c, http.StatusNotFound, web.T(lang, "err.empty"))
		return
	}
	status, msg, err := h.setCartCode(id, req.Code, h.ClientKey(c.Request), lang)
	if err != nil {
		h.Internal(c, "cart code", err)
		return
	}
	if msg != "" {
		web.FailFields(c, status, msg, map[string]string{"code": msg})
		return
	}
	d, err := h.cartPageData(c)
	if err != nil {
		h.Internal(c, "price cart", err)
		return
	}
	var b bytes.Buffer
	if err := h.Tmpl().ExecuteTemplate(&b, "cart-sum", d); err != nil {
		h.Internal(c, "render cart summary", err)
		return
	}
	web.OK(c, http.StatusOK, CartCodeAnswer{CartView: d.View, SummaryHTML: b.String()})
}

// FormCartCode is the cart page's code form without JavaScript: "Apply"
// keeps the code with the cart, "Remove" takes it off; back to the cart.
// An unknown code (or too many tries) shows the cart with the words.
func (h *Cart) FormCartCode(c *gin.Context) {
	id := h.cartID(c)
	if id == "" {
		h.backToCart(c, "")
		return
	}
	lang := h.Lang(c)
	name := c.PostForm("code")
	if c.PostForm("remove") != "" {
		name = ""
	}
	status, msg, err := h.setCartCode(id, name, h.ClientKey(c.Request), lang)
	if err != nil {
		h.InternalPage(c, "cart code", err)
		return
	}
	if msg == "" {
		notice := "code_removed"
		if name != "" {
			notice = ""
		}
		h.backToCart(c, notice)
		return
	}
	d, err := h.cartPageData(c)
	if err != nil {
		h.InternalPage(c, "price cart", err)
		return
	}
	d.CodeTyped, d.CodeError = cart.NormalizeCode(name), msg
	h.Page(c, status, "cart", web.T(d.Lang, "cart.title"), d)
}
