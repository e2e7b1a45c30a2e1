package server

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// adminNotices are the success messages of the owner's pages, by code. The
// redirect after a button carries only the code (and for a count, a number);
// a link with ?notice=<free text> shows nothing, so nobody can put their own
// words in a green box on the owner's page.
var adminNotices = map[string]string{
	"packed":           "Packed.",
	"shipped":          "Shipped; the customer gets an e-mail with the tracking link.",
	"delivered":        "Delivered.",
	"canceled":         "Canceled; a paid order is refunded in full.",
	"return-received":  "Return received; the customer gets an e-mail.",
	"return-restocked": "Return received and its items back in stock; the customer gets an e-mail, and whoever waits for them too.",
	"restocked":        "Back in stock; whoever waits for these items gets an e-mail.",
	"restocked-before": "These items were already back in stock; nothing changed.",
	"refunded":         "Refund sent.",
	"refund-uncertain": "The provider did not answer in time. The refund is recorded and is checked against the provider's list before anything is sent again.",
	"synced":           "Refunds checked with the payment provider.",
	"digests":          "%d digest(s) queued.",
	"digest-baseline":  "Starting point recorded; products added from now on will be announced.",
	"digest-unchanged": "Nothing new since the last announcement; nothing sent.",
	"review-approve":   "Review approved. Run `shop reviews export` and push to publish.",
	"review-reject":    "Review rejected. Run `shop reviews export` and push to publish.",
}

// adminNotice is the text of the request's ?notice= code ("" for an unknown
// code or free text).
func adminNotice(c *gin.Context) string {
	text, ok := adminNotices[c.Query("notice")]
	if !ok {
		return ""
	}
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
	if _, ok := adminNotices[code]; !ok {
		panic("no admin notice " + code)
	}
	return "?notice=" + url.QueryEscape(code)
}
