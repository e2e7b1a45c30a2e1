package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/storefront/storefront/checkout/words"
)

// AdminNotices are the codes of the success messages of the owner's pages;
// their words are "owner.notice.<code>" in the translation source. The
// redirect after a button carries only the code (and for a count, a
// number); a link with ?notice=<free text> shows nothing, so nobody can put
// their own words in a green box on the owner's page.
var AdminNotices = map[string]bool{
	"packed": true, "shipped": true, "delivered": true, "canceled": true, "label": true,
	"return-received": true, "return-restocked": true, "restocked": true, "restocked-before": true,
	"refunded": true, "refund-uncertain": true, "synced": true,
	"digests": true, "digest-baseline": true, "digest-unchanged": true,
	"review-approve": true, "review-reject": true, "mail-queued": true, "giftcard-voided": true,
}

// OwnerT is the owner's words for key ("owner."+key in the translation
// source) in lang, formatted with args when there are any; the key itself
// when the source lacks it.
func OwnerT(lang, key string, args ...any) string {
	return words.F(lang, "owner."+key, args...) // a count first picks the plural form
}

// ownerLang is the language of the owner's pages: the shop's default
// language (that of its shell page), whatever the browser or a customer
// cookie says.
func (w *Web) OwnerLang() string { return w.Shells.DefaultLang() }

// adminNotice is the text of the request's ?notice= code in the owner's
// language ("" for an unknown code or free text).
func (w *Web) AdminNotice(c *gin.Context) string {
	code := c.Query("notice")
	if !AdminNotices[code] {
		return ""
	}
	text := OwnerT(w.Lang(c), "notice."+code)
	if strings.Contains(text, "%d") {
		n, err := strconv.Atoi(c.Query("n"))
		if err != nil || n < 0 {
			return ""
		}
		text = OwnerT(w.Lang(c), "notice."+code, n) // the count's plural form
	}
	return text
}

// NoticeQuery is "?notice=<code>" for a redirect; code must be a key of AdminNotices.
func NoticeQuery(code string) string {
	if !AdminNotices[code] {
		panic("no admin notice " + code)
	}
	return "?notice=" + url.QueryEscape(code)
}

func (w *Web) AdminMessage(c *gin.Context, status int, text string) {
	lang := w.Lang(c)
	w.Page(c, status, "message", OwnerT(lang, "admin"), map[string]string{"Lang": lang, "Title": OwnerT(lang, "admin"), "Text": text, "Home": "/admin/"})
}
