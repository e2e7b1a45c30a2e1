package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/site"
)

// firstCategory is the href of the first category in the home page's
// navigation.
func firstCategory(t *testing.T, tb *tab, base string) string {
	t.Helper()
	tb.open(base + "/")
	href := eval[string](tb, `(document.querySelector("nav a[href*='/categories/']") || {}).getAttribute?.("href") || ""`)
	if href == "" {
		t.Fatal("the home page links no category")
	}
	return href
}

// shown reports whether sel matches an element the customer can see: inside
// a closed <details> an element keeps its boxes but is not rendered, which
// checkVisibility knows and getClientRects does not.
func shown(tb *tab, sel string) bool {
	tb.t.Helper()
	return eval[bool](tb, `(() => { const e = document.querySelector(`+jsString(sel)+`); return !!e && e.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true}); })()`)
}

// TestMobileCategoryProductsFirst: on a 375 px phone, with and without
// JavaScript, a category page shows its first product within the first
// screen: the filters wait behind a closed "Filter" disclosure that opens
// without JavaScript, and the newsletter box comes after the products.
func TestMobileCategoryProductsFirst(t *testing.T) {
	for _, js := range []bool{true, false} {
		name := map[bool]string{true: "js", false: "nojs"}[js]
		t.Run(name, func(t *testing.T) {
			h := need(t, false)
			tb := newCustomer(t, h, tabOptions{NoJS: !js, Width: mobileWidth, Height: 812, Mobile: true})
			cat := firstCategory(t, tb, h.base)
			tb.open(cat)
			tb.screenshot("375px-category-" + name)
			top := eval[float64](tb, `(() => { const c = document.querySelector("[data-grid] .card"); return c ? c.getBoundingClientRect().top : -1; })()`)
			screen := eval[float64](tb, `window.innerHeight`)
			if top < 0 {
				t.Fatalf("%s shows no product card", cat)
			}
			if top >= screen-120 {
				t.Errorf("%s at %d px: the first product starts %.0f px down, below the first screen (%.0f px)", cat, mobileWidth, top, screen)
			}
			if shown(tb, "[data-facet-links] a") || shown(tb, "form[data-facets] input") {
				t.Errorf("%s at %d px: the filters are open before the customer asks for them", cat, mobileWidth)
			}
			if after := eval[bool](tb, `(() => { const g = document.querySelector("[data-grid]"), s = document.querySelector("form.subscribe");
				return !s || !!(g.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING); })()`); !after {
				t.Errorf("%s: the newsletter box comes before the products", cat)
			}
			label := eval[string](tb, `(document.querySelector("details[data-filters] > summary") || {}).innerText || ""`)
			if !strings.HasPrefix(label, "Filter") {
				t.Fatalf("%s: no Filter disclosure (summary %q)", cat, label)
			}
			tb.click("details[data-filters] > summary")
			sel := "[data-facet-links] a"
			if js {
				sel = "form[data-facets] input"
			}
			tb.waitFor(fmt.Sprintf(`(() => { const e = document.querySelector(%s); return !!e && e.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true}); })()`, jsString(sel)), step)
			checkFits(t, tb, "category-filters-open-"+name)
		})
	}
}

// TestListingPageTwo builds the demo shop with 4 products a page and walks a
// category's pages as a customer: page 1 links to page 2 (a page of its
// own, with other products), page 2 links back; with JavaScript a filter
// chosen on page 2 covers every page of the category (cards of other pages
// built from the index, "show more" until all are shown).
func TestListingPageTwo(t *testing.T) {
	h := needBrowser(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	tmp := t.TempDir()
	small := filepath.Join(tmp, "small-pages.toml")
	if err := os.WriteFile(small, []byte("[params]\npageSize = 4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	public := filepath.Join(tmp, "public")
	if _, err := site.Build(site.BuildOptions{Source: h.repo, Dest: public, BaseURL: base + "/", ExtraConfig: []string{small}}); err != nil {
		ln.Close()
		t.Fatal(err)
	}
	// The static site alone, plus an empty cart for the header's count
	// (the listing pages are what this test is about, not the sidecar).
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir(public)))
	mux.HandleFunc("GET /api/cart", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"lines":[]}`))
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	for _, js := range []bool{false, true} {
		name := map[bool]string{true: "js", false: "nojs"}[js]
		t.Run(name, func(t *testing.T) {
			tb := newCustomer(t, h, tabOptions{NoJS: !js})
			cat := firstCategory(t, tb, base)
			tb.open(base + cat)
			one := shownCards(tb)
			checkCards(t, one)
			if len(one) != 4 {
				t.Fatalf("%s page 1 shows %d products, want 4 (page size 4)", cat, len(one))
			}
			if st := tb.submit(`[data-pager] a[rel="next"]`); st != 200 {
				t.Fatalf("%s: page 2: status %d", cat, st)
			}
			if p := tb.path(); p != cat+"page/2/" {
				t.Errorf("the next link of %s led to %s, want %spage/2/", cat, p, cat)
			}
			two := shownCards(tb)
			checkCards(t, two)
			if len(two) == 0 {
				t.Fatal("page 2 shows no products")
			}
			seen := map[string]bool{}
			for _, c := range one {
				seen[c.URL] = true
			}
			for _, c := range two {
				if seen[c.URL] {
					t.Errorf("%s is on page 1 and page 2", c.URL)
				}
			}
			if err := Monotonic(append(prices(one), prices(two)...), true); err != nil {
				t.Errorf("pages 1 and 2 together are not in price-up order: %v", err)
			}
			canon := eval[string](tb, `(document.querySelector("link[rel=canonical]") || {}).href || ""`)
			if canon != base+cat+"page/2/" {
				t.Errorf("page 2's canonical is %q, want its own URL", canon)
			}
			if prev := eval[string](tb, `(document.querySelector("link[rel=prev]") || {}).href || ""`); prev != base+cat {
				t.Errorf("page 2's rel=prev is %q, want %s", prev, base+cat)
			}
			if js {
				filterAcrossPages(t, tb, public, cat)
				return
			}
			if st := tb.submit(`[data-pager] a[rel="prev"]`); st != 200 {
				t.Fatalf("back to page 1: status %d", st)
			}
			if p := tb.path(); p != cat {
				t.Errorf("the previous link of page 2 led to %s, want %s", p, cat)
			}
		})
	}
}

// filterAcrossPages ticks the first spec value of the filter form on a
// paginated page and checks that the list becomes every product of the
// category with that value (from the category's JSON index), after "show
// more" as often as it is offered.
func filterAcrossPages(t *testing.T, tb *tab, public, cat string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(public, filepath.FromSlash(cat), "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ix struct {
		Products []struct {
			URL   string            `json:"url"`
			Specs map[string]string `json:"specs"`
		} `json:"products"`
	}
	if err := json.Unmarshal(b, &ix); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`!!document.querySelector("form[data-facets]:not([hidden])")`, step)
	f := jsonOf[struct {
		Param string `json:"param"`
		Value string `json:"value"`
	}](tb, `(() => { const i = document.querySelector('form[data-facets] input[type=checkbox][name^="s_"]'); return i ? {param: i.name, value: i.value} : {}; })()`)
	if f.Param == "" {
		t.Fatalf("%s: no spec filter in the form", cat)
	}
	var want []string
	for _, p := range ix.Products {
		if p.Specs[f.Param] == f.Value {
			want = append(want, p.URL)
		}
	}
	tb.click(fmt.Sprintf(`form[data-facets] input[name=%q][value=%q]`, f.Param, f.Value))
	for i := 0; i < 20 && tb.visible("[data-more] button"); i++ {
		n := len(shownCards(tb))
		tb.click("[data-more] button")
		tb.waitFor(fmt.Sprintf(`document.querySelectorAll("[data-grid] [data-price]").length > %d`, n), step)
	}
	got := shownCards(tb)
	checkCards(t, got)
	sort.Strings(want)
	checkSameProducts(t, fmt.Sprintf("%s on page 2, filter %s = %s", cat, f.Param, f.Value), got, want)
	if tb.visible("[data-pager]") {
		t.Errorf("the page links of the unfiltered list are still shown under the filtered list")
	}
	if err := Monotonic(prices(got), true); err != nil {
		t.Errorf("the filtered list is not in price-up order: %v", err)
	}
}
