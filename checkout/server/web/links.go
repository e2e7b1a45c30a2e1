package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/delivery"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/returns"
)

// internal logs err and answers 500 without details.
func (w *Web) Internal(c *gin.Context, what string, err error) {
	w.Log.Error(what, "err", err, "request_id", c.GetString(CtxRequestID))
	Fail(c, http.StatusInternalServerError, T(w.Lang(c), "err.internal"))
}

// orderURL is the customer's order page (the payment's redirect URL).
func (w *Web) OrderURL(o *order.Order) string {
	return w.Base.String() + "order/" + o.Token
}

// zone is the shop's time zone (for dates shown to people).
func (w *Web) Zone() *time.Location {
	if r, err := w.Rules(w.Catalog.Current()); err == nil {
		return r.Location
	}
	return time.Local
}

// compiledRules are the delivery rules of one catalog, compiled once.
type compiledRules struct {
	cat   *catalog.Catalog
	rules *delivery.Rules
	err   error
}

// rules compiles the catalog's delivery rules once per catalog (it loads
// the time zone from disk).
func (w *Web) Rules(cat *catalog.Catalog) (*delivery.Rules, error) {
	if c := w.rulesCache.Load(); c != nil && c.cat == cat {
		return c.rules, c.err
	}
	r, err := delivery.New(cat.Delivery)
	w.rulesCache.Store(&compiledRules{cat: cat, rules: r, err: err})
	return r, err
}

// abs makes a site path absolute on the public base URL.
func (w *Web) Abs(p string) string {
	if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
		return p
	}
	return strings.TrimSuffix(w.Base.String(), "/") + "/" + strings.TrimPrefix(p, "/")
}

// unsubscribeMailto is the mailto: fallback of List-Unsubscribe: a message
// to the shop, which the owner handles by hand.
func (w *Web) UnsubscribeMailto(token string) string {
	email := w.Catalog.Current().Shop.Email
	if email == "" {
		return ""
	}
	return "mailto:" + email + "?subject=" + url.PathEscape("unsubscribe "+token)
}

// retMessage is a page with a heading and one paragraph (reviews and
// subscriptions both answer with it).
func (w *Web) RetMessage(c *gin.Context, status int, title, text string) {
	lang := w.Lang(c)
	w.Page(c, status, "message", title, map[string]string{"Lang": lang, "Title": title, "Text": text, "Home": w.Home(lang)})
}

// policy is the return policy in force.
func (w *Web) Policy() returns.Policy { return returns.PolicyFrom(w.Catalog.Current().Returns) }
