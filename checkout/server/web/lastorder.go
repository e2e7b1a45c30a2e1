package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/storefront/storefront/checkout/order"
)

// LastOrderCookie holds the token of the order whose page this browser
// showed last, so an empty cart or checkout page (the back button after
// paying lands there) can link to it instead of only saying the cart is
// empty.
const LastOrderCookie = "sf_last_order"

// LastOrder is the link an empty cart shows.
type LastOrder struct {
	ID, URL string
}

// RememberOrder keeps o as the browser's last order (30 days, not readable
// by scripts: the token opens the order page).
func (w *Web) RememberOrder(c *gin.Context, o *order.Order) {
	if cur, _ := c.Cookie(LastOrderCookie); cur == o.Token {
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: LastOrderCookie, Value: o.Token, Path: "/", MaxAge: 30 * 24 * 3600,
		HttpOnly: true, Secure: w.Base.Scheme == "https", SameSite: http.SameSiteLaxMode})
}

// LastOrderOf is the order this browser showed last, or nil (no cookie, a
// forged one, an order no longer kept).
func (w *Web) LastOrderOf(c *gin.Context) *LastOrder {
	token, err := c.Cookie(LastOrderCookie)
	if err != nil || !ValidToken(token) || w.OrderOf == nil {
		return nil
	}
	o, err := w.OrderOf(token)
	if err != nil || o == nil {
		return nil
	}
	return &LastOrder{ID: o.ID, URL: w.OrderURL(o)}
}
