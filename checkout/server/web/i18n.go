package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/words"
)

const LangCookie = "sf_lang"

// Langs are the languages the sidecar's pages speak (the theme's nl and en).
var Langs = []string{"nl", "en"}

func known(l string) bool { return slices.Contains(Langs, l) }

// maxAcceptLanguage bounds the Accept-Language header read: a stranger's
// header of megabytes is not split into a million tags.
const maxAcceptLanguage = 512

// AcceptLanguage is the language of langs the browser prefers most by its
// Accept-Language header ("en-GB,en;q=0.9,nl;q=0.8": en), by q-value and
// then order, matching on the primary subtag; "" when it names none of them.
func AcceptLanguage(header string, langs []string) string {
	if len(header) > maxAcceptLanguage {
		header = header[:maxAcceptLanguage]
	}
	best, bestQ := "", 0.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(part, ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if q > bestQ && slices.Contains(langs, primary) {
			best, bestQ = primary, q
		}
	}
	return best
}

// langExplicit is the language the customer chose: the lang form field or
// query parameter (remembered in a cookie), or the cookie; "" when none.
func (w *Web) LangExplicit(c *gin.Context) string {
	l := c.Query("lang")
	if l == "" && c.Request.Method == http.MethodPost {
		l = c.PostForm("lang")
	}
	if known(l) {
		if cur, _ := c.Cookie(LangCookie); cur != l {
			http.SetCookie(c.Writer, &http.Cookie{Name: LangCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, Secure: w.Base.Scheme == "https", SameSite: http.SameSiteLaxMode})
		}
		return l
	}
	if l, err := c.Cookie(LangCookie); err == nil && known(l) {
		return l
	}
	return ""
}

// langOr is the customer's chosen language, else fallback (the language
// of the order or subscription at hand; anything but en is nl). It is the
// language of the rest of the request too.
func (w *Web) LangOr(c *gin.Context, fallback string) string {
	lang := w.LangExplicit(c)
	if lang == "" {
		lang = fallback
		if lang != "en" {
			lang = "nl"
		}
	}
	c.Set("lang", lang)
	return lang
}

// orderLang is the language of a page about o.
func (w *Web) OrderLang(c *gin.Context, o *order.Order) string { return w.LangOr(c, o.Lang) }

// cartLang is the language of a page about the cart ct: the customer's
// choice, else the language the cart was filled in (kept with it), else
// the site's default. It is the language of the rest of the request too.
func (w *Web) CartLang(c *gin.Context, ct *cart.Cart) string {
	if ct == nil || ct.Lang == "" || w.LangExplicit(c) != "" {
		return w.Lang(c)
	}
	return w.LangOr(c, ct.Lang)
}

// lang is the language to answer in: the customer's choice (?lang=, the
// form's lang, the cookie), else the one of the shop's languages the
// browser prefers (Accept-Language), else the site's default language
// (that of its shell page). Every sidecar page and API answer that is not
// about an order, subscription or cart of a known language chooses here.
func (w *Web) Lang(c *gin.Context) string {
	if l, found := c.Get("lang"); found {
		return l.(string)
	}
	l := w.LangExplicit(c)
	if l == "" {
		l = AcceptLanguage(c.GetHeader("Accept-Language"), Langs)
	}
	if l == "" {
		l = w.Shells.DefaultLang()
		if l != "en" {
			l = "nl"
		}
	}
	c.Set("lang", l)
	return l
}

// tr looks up a phrase in the shared translation source (the theme's
// i18n/<lang>.toml, key "checkout."+key; see package words); unknown
// languages get Dutch, unknown keys the key. A key written twice is a TOML
// error, so one key has one wording.
func T(lang, key string) string {
	if s, ok := words.Lookup(lang, "checkout."+key); ok {
		return s
	}
	return key
}

// TF is T with args put in; the count (first integer argument) picks the
// key's plural form ("%d punt" for 1, "%d punten" otherwise; words.F).
func TF(lang, key string, args ...any) string {
	if _, ok := words.Lookup(lang, "checkout."+key); !ok {
		return key
	}
	return words.F(lang, "checkout."+key, args...)
}

// CountryName is a country's name for people (key "country."+code in the
// translation source), or its code when unknown.
func CountryName(lang, code string) string {
	if n, ok := words.Lookup(lang, "country."+code); ok {
		return n
	}
	return code
}
