package server

import (
	"bytes"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/order"
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

// tooManyPage answers a form post over the checkout rate limit.
func (w *web) tooManyPage(c *gin.Context, secs int) {
	lang := w.lang(c)
	w.page(c, http.StatusTooManyRequests, "message", tr(lang, "err.rate"),
		map[string]string{"Lang": lang, "Title": tr(lang, "err.rate"), "Text": tr(lang, "err.rate"), "Home": "/cart/"})
}
