package e2e

import (
	"sort"
	"strings"
	"testing"
	"time"
)

// TestPagesLoadCleanly is journey 9 across the site: the home pages (both
// languages), every page linked from the header and footer, and a product
// of every category, each with all its images loaded (lazy ones too). The
// tab's watcher fails the test on any JavaScript error, failed load,
// response of 400 or more, or request that leaves this machine.
func TestPagesLoadCleanly(t *testing.T) {
	variants(t, func(t *testing.T, opts tabOptions) {
		h := need(t, false)
		tb := newCustomer(t, h, opts)
		tb.open("/")
		links := jsonOf[[]string](tb, `[...new Set([...document.querySelectorAll("header a[href], footer a[href], nav a[href], link[rel=alternate][hreflang]")]
			.map(a => a.getAttribute("href")))]`)
		seen := map[string]bool{}
		var paths []string
		for _, l := range links {
			p := strings.TrimPrefix(l, h.base)
			if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasSuffix(p, ".xml") || seen[p] {
				continue
			}
			seen[p] = true
			paths = append(paths, p)
		}
		sort.Strings(paths)
		if len(paths) < 5 {
			t.Fatalf("the home page links to only %d pages from its header and footer: %v", len(paths), paths)
		}
		var categories []string
		for _, p := range paths {
			visit(t, tb, p)
			if strings.Contains(p, "/categories/") {
				categories = append(categories, p)
			}
		}
		for _, c := range categories {
			tb.open(c)
			first := eval[string](tb, `(document.querySelector("[data-grid] a[href]") || {}).getAttribute?.("href") || ""`)
			if first == "" {
				t.Errorf("category %s lists no product", c)
				continue
			}
			if !seen[first] {
				seen[first] = true
				visit(t, tb, first)
			}
		}
		t.Logf("visited %d pages", len(seen))
	})
}

// visit opens a page, makes every lazy image load, and checks that every
// image really decoded.
func visit(t *testing.T, tb *tab, path string) {
	t.Helper()
	tb.open(path)
	eval[bool](tb, `document.querySelectorAll("img[loading=lazy]").forEach(i => i.loading = "eager"), true`)
	deadline := time.Now().Add(10 * time.Second)
	for !eval[bool](tb, `[...document.images].every(i => i.complete)`) {
		if time.Now().After(deadline) {
			t.Errorf("%s: images still loading after 10s", path)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	broken := jsonOf[[]string](tb, `[...document.images].filter(i => i.complete && i.naturalWidth === 0).map(i => i.currentSrc || i.src)`)
	for _, b := range broken {
		t.Errorf("%s: image %s does not load", path, b)
	}
	if eval[bool](tb, `!document.querySelector("main")`) {
		t.Errorf("%s has no <main>", path)
	}
}
