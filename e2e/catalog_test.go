package e2e

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

// errNoRows says a page showed nothing where a list was expected.
var errNoRows = errors.New("the page shows no products")

// card is a product as a category page shows it.
type card struct {
	SKU   string `json:"sku"`
	Name  string `json:"name"`
	URL   string `json:"url"`
	Price int64  `json:"price"` // data-price, cents
	Shown string `json:"shown"` // the visible price text
}

// shownCards are the product cards the customer can see, in page order.
func shownCards(tb *tab) []card {
	tb.t.Helper()
	return jsonOf[[]card](tb, `[...document.querySelectorAll("[data-grid] [data-price]")]
		.filter(c => !c.closest("[hidden]") && c.getClientRects().length > 0)
		.map(c => ({sku: c.dataset.sku || "", name: c.dataset.name || "", url: c.dataset.url || (c.querySelector("a[href]") || {}).getAttribute?.("href") || "",
			price: parseInt(c.dataset.price, 10), shown: (c.querySelector(".card__price") || c).innerText}))`)
}

func prices(cs []card) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.Price
	}
	return out
}

// checkCards checks what a customer reads against the data: every card's
// visible price is its data-price.
func checkCards(t *testing.T, cs []card) {
	t.Helper()
	if len(cs) == 0 {
		t.Fatal(errNoRows)
	}
	for _, c := range cs {
		shown, err := ParseEuro(c.Shown)
		if err != nil {
			t.Errorf("card %q: the price is not readable: %v", c.Name, err)
			continue
		}
		if shown != c.Price {
			t.Errorf("card %q shows %q (%d cents) but its data-price is %d", c.Name, c.Shown, shown, c.Price)
		}
	}
}

// openCategory goes from the home page to the first category in the main
// navigation, as a customer would, and returns its path.
func openCategory(t *testing.T, tb *tab) string {
	t.Helper()
	tb.open("/")
	if !strings.Contains(tb.text(), "Koffie") {
		t.Fatalf("home page does not show the category Koffie")
	}
	href := eval[string](tb, `(document.querySelector("nav.site-nav a[href*='/categories/'], nav a[href*='/categories/']") || {}).getAttribute?.("href") || ""`)
	if href == "" {
		t.Fatalf("home page has no link to a category in its navigation")
	}
	if st := tb.submit(`nav a[href="` + href + `"]`); st != 200 {
		t.Fatalf("category %s: status %d", href, st)
	}
	return href
}

// TestCatalogFilterSort is journey 1: home, a category, filter by price and
// by a spec, sort by price up and down. The shown order is monotonic and the
// filters leave exactly the matching products (checked against the product
// pages themselves).
func TestCatalogFilterSort(t *testing.T) {
	for _, js := range []bool{true, false} {
		name := "js"
		if !js {
			name = "nojs"
		}
		t.Run(name, func(t *testing.T) {
			h := need(t, false)
			tb := newCustomer(t, h, tabOptions{NoJS: !js})
			catPath := openCategory(t, tb)

			all := shownCards(tb)
			checkCards(t, all)
			if len(all) < 3 {
				t.Fatalf("category %s shows %d products; the journey needs at least 3", catPath, len(all))
			}
			if err := Monotonic(prices(all), true); err != nil {
				t.Errorf("default order of %s (price up): %v", catPath, err)
			}
			countText := eval[string](tb, `(document.querySelector("[data-results]") || {}).innerText || ""`)
			if !strings.Contains(countText, fmt.Sprint(len(all))) {
				t.Errorf("result count says %q, but %d products are shown", countText, len(all))
			}

			sortBy(t, tb, "price-desc")
			desc := shownCards(tb)
			if err := Monotonic(prices(desc), false); err != nil {
				t.Errorf("sort price down: %v", err)
			}
			if len(desc) != len(all) {
				t.Errorf("sort price down shows %d products, price up showed %d", len(desc), len(all))
			}
			sortBy(t, tb, "price-asc")
			if err := Monotonic(prices(shownCards(tb)), true); err != nil {
				t.Errorf("sort price up again: %v", err)
			}

			if !tb.visible("form[data-facets]") {
				if js {
					t.Fatalf("the filters are not shown on %s", catPath)
				}
				t.Logf("without JavaScript the filter form is hidden (filter links instead: TestFacetsWithoutJavaScript); sorting is checked here")
				return
			}

			// Price: a maximum between the cheapest and the dearest product.
			ps := prices(all)
			sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
			maxEuro := ps[len(ps)/2] / 100
			if maxEuro*100 < ps[0] {
				maxEuro = ps[0]/100 + 1
			}
			var wantPrice []string
			for _, c := range all {
				if c.Price <= maxEuro*100 {
					wantPrice = append(wantPrice, c.URL)
				}
			}
			if len(wantPrice) == 0 || len(wantPrice) == len(all) {
				t.Fatalf("price up to €%d would keep %d of %d products: not a real filter", maxEuro, len(wantPrice), len(all))
			}
			tb.fill(`form[data-facets] input[name="max"]`, fmt.Sprint(maxEuro))
			applyFilters(t, tb)
			got := settledCards(tb, wantPrice)
			checkSameProducts(t, fmt.Sprintf("filter price up to €%d", maxEuro), got, wantPrice)
			if err := Monotonic(prices(got), true); err != nil {
				t.Errorf("filtered list, price up: %v", err)
			}
			if js {
				sortBy(t, tb, "price-desc")
				got = settledCards(tb, wantPrice)
				checkSameProducts(t, "filter kept after sorting price down", got, wantPrice)
				if err := Monotonic(prices(got), false); err != nil {
					t.Errorf("filtered list, price down: %v", err)
				}
			}

			// Clear the price, choose a spec value.
			tb.fill(`form[data-facets] input[name="max"]`, "")
			facet := jsonOf[struct {
				Key, Param, Value string
			}](tb, `(() => { const i = document.querySelector('form[data-facets] input[type=checkbox][name^="s_"]');
				if (!i) return {};
				return {key: i.closest("fieldset").querySelector("legend").innerText.trim(), param: i.name, value: i.value}; })()`)
			if facet.Param == "" {
				t.Fatalf("category %s offers no spec filter", catPath)
			}
			var wantSpec []string
			for _, c := range all {
				specs, err := productSpecs(h, c.URL)
				if err != nil {
					t.Fatalf("read specs of %s: %v", c.URL, err)
				}
				if specs[facet.Key] == facet.Value {
					wantSpec = append(wantSpec, c.URL)
				}
			}
			if len(wantSpec) == 0 || len(wantSpec) == len(all) {
				t.Fatalf("%s = %s would keep %d of %d products: not a real filter", facet.Key, facet.Value, len(wantSpec), len(all))
			}
			tb.click(fmt.Sprintf(`form[data-facets] input[name=%q][value=%q]`, facet.Param, facet.Value))
			applyFilters(t, tb)
			got = settledCards(tb, wantSpec)
			checkSameProducts(t, fmt.Sprintf("filter %s = %s", facet.Key, facet.Value), got, wantSpec)
			if !strings.Contains(eval[string](tb, `(document.querySelector("[data-results]") || {}).innerText || ""`), fmt.Sprint(len(wantSpec))) {
				t.Errorf("after filtering, the result count does not say how many products (%d) it shows", len(wantSpec))
			}
			// The filter lives in the address: a reload (or a shared link)
			// shows the same products.
			if !strings.Contains(tb.path(), "?") {
				t.Errorf("after filtering, the address %s does not hold the filter", tb.path())
			} else {
				tb.open(tb.path())
				checkSameProducts(t, "the filtered address, reloaded", settledCards(tb, wantSpec), wantSpec)
			}
		})
	}
}

// sortBy follows the sort link (a page of its own without JavaScript, an
// in-place reorder with it) and waits until the list is in that order.
func sortBy(t *testing.T, tb *tab, order string) {
	t.Helper()
	tb.click(fmt.Sprintf(`a[data-sort=%q]`, order))
	tb.waitFor(fmt.Sprintf(`(document.querySelector("[data-grid]") || {}).dataset?.order === %q`, order), step)
	if cur := eval[string](tb, `(document.querySelector("a[data-sort][aria-current]") || {}).dataset?.sort || ""`); cur != order {
		t.Errorf("after sorting by %s the sort links mark %q as current", order, cur)
	}
}

// applyFilters submits the filter form (a reload with the query without
// JavaScript; with it, the script may filter as the customer types) and
// waits for the list to settle.
func applyFilters(t *testing.T, tb *tab) {
	t.Helper()
	before := tb.path()
	tb.click(`form[data-facets] [data-facets-apply], form[data-facets] button[type=submit]`)
	// Either the page reloads with a query, or the script updates the list.
	deadline := time.Now().Add(step)
	for time.Now().Before(deadline) {
		if p := tb.path(); p != before {
			break
		}
		if eval[bool](tb, `!!document.querySelector("[data-grid][data-filtered], [data-grid] [data-price][hidden]") || location.search !== ""`) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb.waitFor(`true`, step)
}

// checkSameProducts fails unless the shown cards are exactly the wanted
// product URLs (any order).
func checkSameProducts(t *testing.T, what string, got []card, want []string) {
	t.Helper()
	var gotURLs []string
	for _, c := range got {
		gotURLs = append(gotURLs, c.URL)
	}
	sort.Strings(gotURLs)
	w := append([]string(nil), want...)
	sort.Strings(w)
	if strings.Join(gotURLs, " ") != strings.Join(w, " ") {
		t.Errorf("%s: shown %d products %v, want exactly %d: %v", what, len(gotURLs), gotURLs, len(w), w)
	}
}

// settledCards waits (up to 5 s) for the shown cards to become the wanted
// set, since the script filters after fetching its index, and returns what
// is shown then; the caller checks it.
func settledCards(tb *tab, want []string) []card {
	tb.t.Helper()
	w := append([]string(nil), want...)
	sort.Strings(w)
	deadline := time.Now().Add(5 * time.Second)
	for {
		cs := shownCards(tb)
		var got []string
		for _, c := range cs {
			got = append(got, c.URL)
		}
		sort.Strings(got)
		if strings.Join(got, " ") == strings.Join(w, " ") || time.Now().After(deadline) {
			return cs
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestCatalogDeliveryFilter filters a category by delivery time: exactly
// the products of that delivery class (as catalog.json says) stay.
func TestCatalogDeliveryFilter(t *testing.T) {
	h := need(t, false)
	_, byProduct := readCatalog(t, h)
	class := map[string]string{} // product URL → delivery class
	for _, its := range byProduct {
		class[its[0].URL] = its[0].Class
	}
	tb := newCustomer(t, h, tabOptions{})
	tb.open("/")
	cats := jsonOf[[]string](tb, `[...new Set([...document.querySelectorAll("nav a[href*='/categories/']")].map(a => a.getAttribute("href")))]`)
	for _, c := range cats {
		tb.open(c)
		value := eval[string](tb, `(document.querySelector('form[data-facets] input[name="delivery"]') || {}).value || ""`)
		if value == "" {
			continue
		}
		all := shownCards(tb)
		var want []string
		for _, cd := range all {
			if class[cd.URL] == value {
				want = append(want, cd.URL)
			}
		}
		if len(want) == 0 || len(want) == len(all) {
			t.Fatalf("%s: delivery %s would keep %d of %d products: not a real filter", c, value, len(want), len(all))
		}
		tb.click(fmt.Sprintf(`form[data-facets] input[name="delivery"][value=%q]`, value))
		applyFilters(t, tb)
		checkSameProducts(t, fmt.Sprintf("%s: delivery %s", c, value), settledCards(tb, want), want)
		return
	}
	t.Fatalf("no category offers a delivery-time filter (categories: %v)", cats)
}
