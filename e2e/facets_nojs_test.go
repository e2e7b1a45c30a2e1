package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// facetLink is one link of a category's single-facet list, as the page shows it.
type facetLink struct {
	Group string `json:"group"` // the list's heading: "Herkomst", "Prijs"
	Key   string `json:"key"`   // data-facet: "price", "delivery", "s_herkomst"
	Value string `json:"value"` // the link's words without the count
	Href  string `json:"href"`
	Count int    `json:"count"`
	Min   int64  `json:"min"` // price links: lowest price ≥ Min …
	Max   int64  `json:"max"` // … and < Max (0: no limit)
}

// facetLinks are the single-facet links of the page in the tab.
func facetLinks(tb *tab) []facetLink {
	tb.t.Helper()
	return jsonOf[[]facetLink](tb, `[...document.querySelectorAll("[data-facet-links] ul[data-facet] a")].map(a => {
		const ul = a.closest("ul"), h = ul.previousElementSibling;
		const count = (a.querySelector(".muted") || {}).innerText || "";
		return {group: h ? h.innerText.trim() : "", key: ul.dataset.facet, href: a.getAttribute("href"),
			value: a.innerText.replace(count, "").trim(), count: parseInt(count.replace(/[()]/g, ""), 10) || 0,
			min: parseInt(a.dataset.min || "0", 10), max: parseInt(a.dataset.max || "0", 10)};
	})`)
}

// TestFacetsWithoutJavaScript: without JavaScript a category offers its
// filters as links to pages of their own. Following a spec value and a price
// bucket shows exactly the matching products of the category (checked
// against the product pages and the cards' prices), in the category's own
// price-up order (strictly monotonic: a subsequence of the full list), with
// the followed link marked as current and its count right. The facet page
// passes axe-core (when it is installed).
func TestFacetsWithoutJavaScript(t *testing.T) {
	h := need(t, false)
	tb := newCustomer(t, h, tabOptions{NoJS: true})
	tb.open("/")
	cats := jsonOf[[]string](tb, `[...new Set([...document.querySelectorAll("nav.site-nav a[href*='/categories/']")].map(a => a.getAttribute("href")))]`)
	if len(cats) == 0 {
		t.Fatal("the home page links no category")
	}
	var doneSpec, donePrice bool
	var facetPage string // the first facet page followed
	for _, cat := range cats {
		if doneSpec && donePrice {
			break
		}
		tb.open(cat)
		if tb.visible("form[data-facets]") {
			t.Errorf("%s: without JavaScript the filter form (which needs the script) is shown", cat)
		}
		if !tb.visible("[data-facet-links]") {
			t.Fatalf("%s: without JavaScript no filter links are shown", cat)
		}
		all := shownCards(tb)
		checkCards(t, all)
		rank := map[string]int{}
		for i, c := range all {
			rank[c.URL] = i
		}
		links := facetLinks(tb)
		for _, l := range links {
			var match func(c card) (bool, error)
			switch {
			case !doneSpec && strings.HasPrefix(l.Key, "s_"):
				match = func(c card) (bool, error) {
					specs, err := productSpecs(h, c.URL)
					return specs[l.Group] == l.Value, err
				}
			case !donePrice && l.Key == "price":
				match = func(c card) (bool, error) {
					return c.Price >= l.Min && (l.Max == 0 || c.Price < l.Max), nil
				}
			default:
				continue
			}
			if l.Count == 0 || l.Count >= len(all) {
				continue // not a real filter; try another link
			}
			var want []string
			for _, c := range all {
				ok, err := match(c)
				if err != nil {
					t.Fatalf("%s: %v", c.URL, err)
				}
				if ok {
					want = append(want, c.URL)
				}
			}
			what := fmt.Sprintf("%s %s = %s (%s)", cat, l.Group, l.Value, l.Href)
			if len(want) == 0 || len(want) == len(all) {
				t.Fatalf("%s would keep %d of %d products: not a real filter", what, len(want), len(all))
			}
			if st := tb.submit(fmt.Sprintf(`[data-facet-links] a[href=%q]`, l.Href)); st != 200 {
				t.Fatalf("%s: status %d", what, st)
			}
			if p := tb.path(); p != l.Href {
				t.Errorf("%s: the link led to %s", what, p)
			}
			got := shownCards(tb)
			checkCards(t, got)
			checkSameProducts(t, what, got, want)
			if len(got) != l.Count {
				t.Errorf("%s: the link says %d products, the page shows %d", what, l.Count, len(got))
			}
			if err := Monotonic(prices(got), true); err != nil {
				t.Errorf("%s (price up): %v", what, err)
			}
			for i := 1; i < len(got); i++ {
				a, b := got[i-1], got[i]
				if rank[a.URL] >= rank[b.URL] {
					t.Errorf("%s: %s comes before %s, the other way round than on the category's price-up page", what, a.URL, b.URL)
				}
			}
			if order := eval[string](tb, `(document.querySelector("[data-grid]") || {}).dataset?.order || ""`); order != "price-asc" {
				t.Errorf("%s: the grid says its order is %q, want price-asc", what, order)
			}
			cur := eval[string](tb, `(document.querySelector("[data-facet-links] a[aria-current]") || {}).getAttribute?.("href") || ""`)
			if cur != l.Href {
				t.Errorf("%s: the link marked current is %q", what, cur)
			}
			if back := eval[string](tb, `(document.querySelector("[data-facet-links] .facet-links__all a") || {}).getAttribute?.("href") || ""`); back != cat {
				t.Errorf("%s: the 'all products' link goes to %q, want %s", what, back, cat)
			}
			if facetPage == "" {
				facetPage = l.Href
			}
			if l.Key == "price" {
				donePrice = true
			} else {
				doneSpec = true
			}
			tb.open(cat)
		}
	}
	if !doneSpec {
		t.Errorf("no category offers a spec filter link that narrows its list (categories: %v)", cats)
	}
	if !donePrice {
		t.Errorf("no category offers a price filter link that narrows its list (categories: %v)", cats)
	}
	// axe-core needs the page's scripts to run, so the facet page (which
	// shows its filter links with JavaScript too) is checked in a normal tab.
	if facetPage != "" && h.axeErr == nil {
		tj := newCustomer(t, h, tabOptions{})
		tj.open(facetPage)
		checkAxe(t, tj, "facet page")
	}
}
