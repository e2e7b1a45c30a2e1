package server

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/words"
)

// adminNotices are the codes of the success messages of the owner's pages;
// their words are "owner.notice.<code>" in the translation source. The
// redirect after a button carries only the code (and for a count, a
// number); a link with ?notice=<free text> shows nothing, so nobody can put
// their own words in a green box on the owner's page.
var adminNotices = map[string]bool{
	"packed": true, "shipped": true, "delivered": true, "canceled": true, "label": true,
	"return-received": true, "return-restocked": true, "restocked": true, "restocked-before": true,
	"refunded": true, "refund-uncertain": true, "synced": true,
	"digests": true, "digest-baseline": true, "digest-unchanged": true,
	"review-approve": true, "review-reject": true, "mail-queued": true,
}

// ownerT is the owner's words for key ("owner."+key in the translation
// source) in lang, formatted with args when there are any; the key itself
// when the source lacks it.
func ownerT(lang, key string, args ...any) string {
	text := words.T(lang, "owner."+key)
	if len(args) > 0 {
		return fmt.Sprintf(text, args...)
	}
	return text
}

// ownerLang is the language of the owner's pages: the shop's default
// language (that of its shell page), whatever the browser or a customer
// cookie says.
func (w *web) ownerLang() string { return w.shells.defaultLang() }

// shopLang makes the shop's default language the language of the request
// (web.lang); routes.go puts it on the owner's page group and the login form.
func (h *ownerPages) shopLang() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Set("lang", h.ownerLang())
		c.Next()
	}
}

// adminNotice is the text of the request's ?notice= code in the owner's
// language ("" for an unknown code or free text).
func (w *web) adminNotice(c *gin.Context) string {
	code := c.Query("notice")
	if !adminNotices[code] {
		return ""
	}
	text := ownerT(w.lang(c), "notice."+code)
	if strings.Contains(text, "%d") {
		n, err := strconv.Atoi(c.Query("n"))
		if err != nil || n < 0 {
			return ""
		}
		text = fmt.Sprintf(text, n)
	}
	return text
}

// noticeQuery is "?notice=<code>" for a redirect; code must be a key of adminNotices.
func noticeQuery(code string) string {
	if !adminNotices[code] {
		panic("no admin notice " + code)
	}
	return "?notice=" + url.QueryEscape(code)
}
