package e2e

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSearch: from the header of any page, with and without JavaScript, a
// misspelt product name finds the product and a word from a story's body
// finds the story, in Dutch and in English. Without JavaScript the form
// asks the sidecar's /search/ page; with it the answer appears under the
// field, from search.json, by the same algorithm (checkout/search).
func TestSearch(t *testing.T) {
	cases := []struct {
		from, query, want string
	}{
		{"/gidsen/v60/", "Etiopie guij", "/producten/ethiopie-guji/"},   // two typos in a product name
		{"/", "modderbad", "/verhalen/oogst-guji-2026/"},                // a word only in a story's body
		{"/en/", "ethiopa", "/en/products/ethiopie-guji/"},              // English, typo
		{"/en/stories/", "harvst guji", "/en/stories/oogst-guji-2026/"}, // English, typo, a story
	}
	variants(t, func(t *testing.T, opts tabOptions) {
		h := need(t, true)
		tb := newCustomer(t, h, opts)
		for _, c := range cases {
			tb.open(c.from)
			tb.fill(`header form.site-search input[name="q"]`, c.query)
			if opts.NoJS {
				if st := tb.submit(`header form.site-search button[type=submit]`); st != 200 {
					t.Fatalf("search %q from %s: status %d", c.query, c.from, st)
				}
				if !strings.HasPrefix(tb.path(), "/search/?q=") {
					t.Fatalf("search %q went to %s, not /search/", c.query, tb.path())
				}
				links := jsonOf[[]string](tb, `[...document.querySelectorAll("main .search-list a")].map(a => a.getAttribute("href"))`)
				if !contains(links, c.want) {
					t.Errorf("no-JS search %q from %s lists %v, not %s", c.query, c.from, links, c.want)
				}
				if q, _ := url.QueryUnescape(eval[string](tb, `document.querySelector("main input[name=q]").value`)); q != c.query {
					t.Errorf("search page forgot the query: %q", q)
				}
			} else {
				tb.waitFor(`(() => { const b = document.querySelector("header [data-search-results]"); return b && !b.hidden && b.dataset.q === `+jsString(c.query)+`; })()`, step)
				links := jsonOf[[]string](tb, `[...document.querySelectorAll("header [data-search-results] a")].map(a => a.getAttribute("href"))`)
				if !contains(links, c.want) {
					t.Errorf("instant search %q from %s lists %v, not %s", c.query, c.from, links, c.want)
				}
				if p := tb.path(); !strings.HasPrefix(c.from, strings.SplitN(p, "?", 2)[0]) && p != c.from {
					t.Errorf("instant search left the page: %s", p)
				}
			}
		}
		tb.report()
	})
}

// The instant answer and the no-JavaScript page list the same pages in the
// same order: the JavaScript matcher is the Go one (checkout/search).
func TestSearchSameAnswerWithAndWithoutJS(t *testing.T) {
	h := need(t, true)
	js := newCustomer(t, h, tabOptions{})
	nojs := newCustomer(t, h, tabOptions{NoJS: true})
	js.open("/")
	js.click(`header form.site-search input[name="q"]`) // the script loads on first use
	js.waitFor(`!!window.sfSearch`, step)
	ix := `fetch("/search.json").then(r => r.json()).then(j => window.sfSearchPrepare(j))`
	for _, q := range []string{"guji", "v60", "kenya", "koffi", "espreso bonen", "hario filter", "lotte"} {
		got := jsonOf[[]string](js, ix+`.then(ix => window.sfSearch(ix, `+jsString(q)+`, 30).map(h => h.doc.u))`)
		nojs.open("/search/?q=" + url.QueryEscape(q))
		want := jsonOf[[]string](nojs, `[...document.querySelectorAll("main .search-list a")].map(a => a.getAttribute("href"))`)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%q: the script finds %v, the /search/ page %v", q, got, want)
		}
		if len(want) == 0 {
			t.Errorf("%q finds nothing; choose queries that find something", q)
		}
	}
	js.report()
	nojs.report()
}

// TestNotFoundPage: a missing page answers 404 with the shop's own page in
// the visitor's language, with the search form and the categories.
func TestNotFoundPage(t *testing.T) {
	variants(t, func(t *testing.T, opts tabOptions) {
		h := need(t, true)
		tb := newCustomer(t, h, opts)
		tb.allowStatus(404)
		for _, c := range []struct{ path, says, category string }{
			{"/producten/bestaat-niet/", "Deze pagina bestaat niet", "/categories/koffie/"},
			{"/en/products/does-not-exist/", "This page does not exist", "/en/categories/coffee/"},
		} {
			st, err := tryNavigate(tb, c.path)
			if err != nil {
				t.Fatal(err)
			}
			if st != 404 {
				t.Errorf("%s: status %d, want 404", c.path, st)
			}
			if !strings.Contains(tb.mainText(), c.says) {
				t.Errorf("%s: page does not say %q:\n%s", c.path, c.says, clip(tb.mainText(), 500))
			}
			if !eval[bool](tb, `!!document.querySelector("main form.site-search input[name=q]")`) {
				t.Errorf("%s: no search form on the 404 page", c.path)
			}
			links := jsonOf[[]string](tb, `[...document.querySelectorAll("main a")].map(a => a.getAttribute("href"))`)
			if !contains(links, c.category) {
				t.Errorf("%s: 404 page does not link the category %s: %v", c.path, c.category, links)
			}
		}
		tb.report()
	})
}

// TestCartCountInHeader: after adding, every page's header shows how many
// items the cart holds; without JavaScript the cart link still leads to the cart.
func TestCartCountInHeader(t *testing.T) {
	variants(t, func(t *testing.T, opts tabOptions) {
		h := need(t, true)
		v := pickVariant(t, h)
		tb := newCustomer(t, h, opts)
		tb.open("/")
		if tb.visible("header [data-cart-count]") {
			t.Error("an empty cart shows a count")
		}
		addToCart(t, tb, v, 2)
		if opts.NoJS {
			if !strings.HasPrefix(tb.path(), "/cart/") {
				t.Fatalf("without JavaScript the cart link did not lead to the cart: %s", tb.path())
			}
			return
		}
		for _, p := range []string{"/", "/gidsen/v60/", "/cart/"} {
			tb.open(p)
			tb.waitFor(`(() => { const e = document.querySelector("header [data-cart-count]"); return e && !e.hidden; })()`, step)
			if n := eval[string](tb, `document.querySelector("header [data-cart-count] [data-n]").textContent`); n != "2" {
				t.Errorf("%s: header count %q, want 2", p, n)
			}
		}
		tb.report()
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// tryNavigate opens path and returns the document's status, whatever it is.
func tryNavigate(tb *tab, path string) (int64, error) {
	ctx, cancel := context.WithTimeout(tb.ctx, step)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(tb.url(path)))
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, err)
	}
	if resp == nil {
		return 0, fmt.Errorf("open %s: no response", path)
	}
	return resp.Status, nil
}

// TestAccessibilityOfSearchAnd404 runs axe-core on the pages this part adds:
// the search page (no JavaScript), the instant results open, the 404 page
// and a story with a video facade.
func TestAccessibilityOfSearchAnd404(t *testing.T) {
	h := need(t, true)
	tb := newCustomer(t, h, tabOptions{})
	tb.open("/search/?q=guji")
	checkAxe(t, tb, "search page")
	tb.fill(`header form.site-search input[name="q"]`, "ethiopie")
	tb.waitFor(`(() => { const b = document.querySelector("header [data-search-results]"); return b && !b.hidden && b.dataset.q === "ethiopie"; })()`, step)
	checkAxe(t, tb, "instant search results")
	tb.allowStatus(404)
	if _, err := tryNavigate(tb, "/en/nothing-here/"); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, tb, "404 page")
	tb.open("/verhalen/oogst-guji-2026/")
	checkAxe(t, tb, "story with a video")
	// The facade asks nothing of YouTube before the click; after it, the
	// player (and only it) is framed.
	if n := eval[int](tb, `document.querySelectorAll("iframe").length`); n != 0 {
		t.Errorf("the story has %d frames before the click", n)
	}
	tb.report()
}
