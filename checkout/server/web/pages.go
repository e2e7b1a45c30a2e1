package web

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/store"
)

// page renders one of the page templates inside the theme's shell.
func (w *Web) Page(c *gin.Context, status int, name, title string, data any) {
	var b bytes.Buffer
	if err := w.Tmpl().ExecuteTemplate(&b, name, data); err != nil {
		w.Log.Error("render page", "page", name, "err", err)
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	sh := w.ShellFor(c, w.Lang(c))
	if strings.HasPrefix(c.Request.URL.Path, "/admin") {
		// The owner's pages: a plain frame of their own in the shop's language.
		sh = adminShell(w.Shells.DefaultLang())
	}
	doc := sh.Render(title, HTMLSafe(b.String()))
	c.Header("X-Robots-Tag", "noindex")
	c.Data(status, "text/html; charset=utf-8", doc)
}

// ShellFor is the theme's shell in lang for the page c answers: its
// language switch leads to this same page in the other language (Shell.For).
func (w *Web) ShellFor(c *gin.Context, lang string) *Shell {
	return w.Shells.Get(lang).For(c.Request)
}

func (w *Web) Home(lang string) string {
	if lang == "en" && w.Shells.DefaultLang() != "en" {
		return "/en/"
	}
	return "/"
}

func (w *Web) OrderPath(o *order.Order) string { return "/order/" + o.Token }

// ValidToken checks the shape of an order token before any lookup.
func ValidToken(t string) bool {
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
func (w *Web) OrderByToken(c *gin.Context, page bool) (*order.Order, bool) {
	token := c.Param("token")
	var o *order.Order
	var err error = store.ErrNotFound
	if ValidToken(token) {
		o, err = w.OrderOf(token)
	}
	if errors.Is(err, store.ErrNotFound) {
		lang := w.Lang(c)
		if page {
			w.Page(c, http.StatusNotFound, "message", T(lang, "notfound.title"),
				map[string]string{"Lang": lang, "Title": T(lang, "notfound.title"), "Text": T(lang, "err.order_not_found"), "Home": w.Home(lang)})
		} else {
			Fail(c, http.StatusNotFound, T(lang, "err.order_not_found"))
		}
		return nil, false
	}
	if err != nil {
		if page {
			w.InternalPage(c, "order by token", err)
		} else {
			w.Internal(c, "order by token", err)
		}
		return nil, false
	}
	return o, true
}

func (w *Web) InternalPage(c *gin.Context, what string, err error) {
	w.Log.Error(what, "err", err, "request_id", c.GetString(CtxRequestID))
	lang := w.Lang(c)
	w.Page(c, http.StatusInternalServerError, "message", T(lang, "notfound.title"),
		map[string]string{"Lang": lang, "Title": ":(", "Text": T(lang, "err.internal"), "Home": w.Home(lang)})
}

func (w *Web) NotFoundPage(c *gin.Context) {
	lang := w.Lang(c)
	w.Page(c, http.StatusNotFound, "message", T(lang, "notfound.title"),
		map[string]string{"Lang": lang, "Title": T(lang, "notfound.title"), "Text": T(lang, "notfound.p"), "Home": w.Home(lang)})
}

// tooManyPage answers a form post over the checkout rate limit.
func (w *Web) TooManyPage(c *gin.Context, secs int) {
	lang := w.Lang(c)
	w.Page(c, http.StatusTooManyRequests, "message", T(lang, "err.rate"),
		map[string]string{"Lang": lang, "Title": T(lang, "err.rate"), "Text": T(lang, "err.rate"), "Home": "/cart/"})
}

// HTMLSafe marks escaped template output as HTML.
func HTMLSafe(s string) template.HTML { return template.HTML(s) } //nolint:gosec // callers pass escaped template output
