package retention

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/search"
	"github.com/storefront/storefront/checkout/server/web"
)

// The site search for visitors without JavaScript (docs/theme.md, Search):
// GET /search/?q=…&lang=en answers with a page in the theme's shell, matching
// the query against the build-time index the theme writes next to the
// catalog (search.json, en/search.json) with the same algorithm as the
// header's script (package search).

// maxSearchHits is how many results the page lists.
const maxSearchHits = 30

// Search is the search page and the site's index per language,
// reloaded with the catalog (loadShells, wiring.go).
type Search struct {
	*web.Web
	mu     sync.RWMutex
	byLang map[string]*search.Index
}

func (h *Search) get(lang string) *search.Index {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.byLang[lang]
}

// Load reads search.json (the default language) and en/search.json. A
// missing or broken index keeps the previous one and is logged: the search
// page then says it found nothing rather than failing.
func (h *Search) Load(ctx context.Context) {
	byLang := map[string]*search.Index{}
	for _, rel := range []string{"search.json", "en/search.json", "nl/search.json"} {
		b, err := h.Catalog.ReadSibling(ctx, rel)
		if err != nil {
			if rel == "search.json" {
				h.Log.Warn("search index: the /search/ page finds nothing until the site has one", "err", err)
			}
			continue
		}
		ix, err := search.Parse(b)
		if err != nil {
			h.Log.Warn("search index", "file", rel, "err", err)
			continue
		}
		if byLang[ix.Lang] == nil {
			byLang[ix.Lang] = ix
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.byLang == nil {
		h.byLang = map[string]*search.Index{}
	}
	for l, ix := range byLang {
		h.byLang[l] = ix
	}
}

type searchView struct {
	Lang, Query, Home string
	Hits              []search.Hit
}

func (h *Search) PageSearch(c *gin.Context) {
	lang := h.Lang(c)
	q := c.Query("q")
	if len(q) > search.MaxQueryBytes {
		q = strings.ToValidUTF8(q[:search.MaxQueryBytes], "")
	}
	v := searchView{Lang: lang, Query: q, Home: h.Home(lang)}
	if ix := h.get(lang); ix != nil {
		v.Hits = ix.Search(q, maxSearchHits)
	}
	var b bytes.Buffer
	if err := h.Tmpl().ExecuteTemplate(&b, "search", v); err != nil {
		h.Internal(c, "render search page", err)
		return
	}
	title := web.T(lang, "search.title")
	if q != "" {
		title = q + " · " + title
	}
	// The search page itself may be listed by search engines; its result
	// pages (?q=…) are not (header and meta).
	var doc []byte
	if q == "" {
		doc = h.ShellFor(c, lang).RenderIndexable(title, web.T(lang, "search.description"), web.HTMLSafe(b.String()))
		c.Header("Cache-Control", "public, max-age=300")
	} else {
		doc = h.ShellFor(c, lang).Render(title, web.HTMLSafe(b.String()))
		c.Header("X-Robots-Tag", "noindex")
		c.Header("Cache-Control", "no-store")
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", doc)
}
