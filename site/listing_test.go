package site

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	reCardURL   = regexp.MustCompile(`<li class="card"[^>]* data-url="([^"]+)"`)
	reFacetList = regexp.MustCompile(`(?s)<ul class="facet-links__list" data-facet="([^"]+)">(.*?)</ul>`)
	reFacetLink = regexp.MustCompile(`<a href="([^"]+)"[^>]*?( aria-current="page")?>([^<]*)<span class="muted">\((\d+)\)</span></a>`)
	reRel       = regexp.MustCompile(`<link rel="(canonical|prev|next)" href="([^"]+)">`)
	rePagesAttr = regexp.MustCompile(`data-grid data-order="[^"]*" data-page="(\d+)" data-pages="(\d+)"`)
)

// listed is every product a listing shows, following its pages (page k ≥ 2
// under <url>page/k/), in page order. url is the site path of page 1.
func listed(t *testing.T, dest, url, file string) []string {
	t.Helper()
	var out []string
	for k := 1; ; k++ {
		p := filepath.Join(dest, filepath.FromSlash(url), file)
		if k > 1 {
			p = filepath.Join(dest, filepath.FromSlash(url), "page", fmt.Sprint(k), file)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%s, page %d: %v", url, k, err)
		}
		for _, m := range reCardURL.FindAllSubmatch(b, -1) {
			out = append(out, string(m[1]))
		}
		m := rePagesAttr.FindSubmatch(b)
		if m == nil || string(m[1]) == string(m[2]) {
			return out
		}
	}
}

// TestFacetCountsFollowTheActiveFilter: on every facet page of the demo shop
// (no JavaScript), each filter link's count is the number of products the
// page it leads to lists, and a link of another group leads to products of
// the current page only (its count follows the active filter: Ethiopië's page
// offers no "Medium (4)" when none of its 2 products is medium).
func TestFacetCountsFollowTheActiveFilter(t *testing.T) {
	res := buildDemo(t)
	pages, err := filepath.Glob(filepath.Join(res.Dest, "categories", "*", "f", "*", "index.html"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no facet pages in %s (%v)", res.Dest, err)
	}
	checked := 0
	for _, p := range pages {
		rel, _ := filepath.Rel(res.Dest, filepath.Dir(p))
		url := "/" + filepath.ToSlash(rel) + "/"
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		here := map[string]bool{}
		for _, u := range listed(t, res.Dest, url, "index.html") {
			here[u] = true
		}
		for _, ul := range reFacetList.FindAllSubmatch(b, -1) {
			group, body := string(ul[1]), string(ul[2])
			own := strings.Contains(body, `aria-current="page"`) // the active filter's group
			for _, l := range reFacetLink.FindAllStringSubmatch(body, -1) {
				href, count := l[1], 0
				fmt.Sscan(l[4], &count)
				got := listed(t, res.Dest, href, "index.html")
				if len(got) != count {
					t.Errorf("%s: %s link %q says (%d) but %s lists %d products", url, group, strings.TrimSpace(l[3]), count, href, len(got))
				}
				if own {
					continue
				}
				for _, u := range got {
					if !here[u] {
						t.Errorf("%s: the %s link %q leads to %s, which lists %s: not one of this page's products", url, group, strings.TrimSpace(l[3]), href, u)
					}
				}
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("no facet page offers a link of a second group: nothing checked")
	}
}

// TestPaginatedListings builds the demo shop with 4 products a page: every
// category lists all its products exactly once over its pages, in the order
// of its JSON index, in each sort order; page 2 exists, says it is page 2
// (canonical), links back to page 1 (rel=prev and the pager) and page 1 links
// on to it (rel=next).
func TestPaginatedListings(t *testing.T) {
	tmp := t.TempDir()
	small := filepath.Join(tmp, "small-pages.toml")
	if err := os.WriteFile(small, []byte("[params]\npageSize = 4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(tmp, "public")
	if _, err := Build(BuildOptions{Source: demoDir(t), Dest: dest, BaseURL: "https://shop.example/", ExtraConfig: []string{small}}); err != nil {
		t.Fatal(err)
	}
	idx, _ := filepath.Glob(filepath.Join(dest, "categories", "*", "index.json"))
	paged := 0
	for _, ip := range idx {
		b, err := os.ReadFile(ip)
		if err != nil {
			t.Fatal(err)
		}
		var ix facetIndex
		if err := json.Unmarshal(b, &ix); err != nil {
			t.Fatalf("%s: %v", ip, err)
		}
		cat := "/categories/" + filepath.Base(filepath.Dir(ip)) + "/"
		for file, order := range map[string]string{"index.html": "price-asc", "price-desc.html": "price-desc", "newest.html": "newest", "name.html": "name", "best-rated.html": "rating"} {
			want := make([]string, len(ix.Products))
			for _, p := range ix.Products {
				want[p.Rank[order]] = p.URL
			}
			got := listed(t, dest, cat, file)
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s%s: the pages list %v, want %v (every product once, in %s order)", cat, file, got, want, order)
			}
		}
		if len(ix.Products) <= 4 {
			continue
		}
		paged++
		one, err := os.ReadFile(filepath.Join(dest, "categories", filepath.Base(filepath.Dir(ip)), "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		two, err := os.ReadFile(filepath.Join(dest, "categories", filepath.Base(filepath.Dir(ip)), "page", "2", "index.html"))
		if err != nil {
			t.Fatalf("%s has %d products but no page 2: %v", cat, len(ix.Products), err)
		}
		rels := func(b []byte) map[string]string {
			m := map[string]string{}
			for _, r := range reRel.FindAllSubmatch(b, -1) {
				m[string(r[1])] = string(r[2])
			}
			return m
		}
		r1, r2 := rels(one), rels(two)
		abs := "https://shop.example" + cat
		if r1["canonical"] != abs || r1["next"] != abs+"page/2/" || r1["prev"] != "" {
			t.Errorf("%s page 1: canonical %q, next %q, prev %q", cat, r1["canonical"], r1["next"], r1["prev"])
		}
		if r2["canonical"] != abs+"page/2/" || r2["prev"] != abs {
			t.Errorf("%s page 2: canonical %q (want its own URL), prev %q (want page 1)", cat, r2["canonical"], r2["prev"])
		}
		if !strings.Contains(string(two), fmt.Sprintf(`<a href="%s" rel="prev">`, cat)) {
			t.Errorf("%s page 2: no pager link back to page 1", cat)
		}
	}
	if paged == 0 {
		t.Fatal("no category has more than 4 products: pagination not exercised")
	}
}
