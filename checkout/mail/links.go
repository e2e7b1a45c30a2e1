package mail

import (
	"net/url"
	"strings"
)

// LangLink is u, a link to one of the sidecar's pages, carrying the
// e-mail's language as its lang query parameter (before any #fragment).
// The sidecar's pages speak the language a request names first
// (web.LangExplicit), so a link in an English e-mail opens an English page
// whatever the browser last chose; pages about a record (an order, a
// standing order) would fall back to the record's language, but a gift
// card's or a points link's page has no record language to fall back to.
// Every Render in this package passes its sidecar links through here: the
// one place links get their language. Anything but en is nl.
func LangLink(u, lang string) string {
	if u == "" {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	if lang != "en" {
		lang = "nl"
	}
	// The other parameters stay as they were, in their order; lang goes last.
	var keep []string
	for _, kv := range strings.Split(p.RawQuery, "&") {
		if k, _, _ := strings.Cut(kv, "="); kv != "" && k != "lang" {
			keep = append(keep, kv)
		}
	}
	p.RawQuery = strings.Join(append(keep, "lang="+lang), "&")
	return p.String()
}
