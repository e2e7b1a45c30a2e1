package server

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The search page answers without JavaScript, in the shell, in the visitor's
// language, with typo tolerance, and escapes what it echoes.
func TestSearchPage(t *testing.T) {
	sh := newShop(t)
	for _, c := range []struct {
		path    string
		want    []string
		notWant []string
	}{
		{"/search/?q=ethopie", []string{`href="/producten/ethiopie-guji/"`, "Ethiopië Guji", "1 resultaten"}, []string{"/verhalen/"}},
		{"/search/?q=hellingen", []string{`href="/verhalen/oogst-guji/"`, "Verhaal", "&lt;b&gt;"}, []string{"<b>met"}},
		{"/search/?q=guji", []string{"/producten/ethiopie-guji/", "/verhalen/oogst-guji/"}, nil},
		{"/search/?q=" + url.QueryEscape(`<script>x</script>`), []string{"&lt;script&gt;", "Niets gevonden"}, []string{"<script>x"}},
		{"/search/", []string{`name="q"`}, []string{"resultaten"}},
		{"/search/?q=" + url.QueryEscape(strings.Repeat("guji ", 500)), []string{"/producten/ethiopie-guji/"}, nil},
		{"/search/?q=ethiopa&lang=en", []string{`href="/en/products/ethiopie-guji/"`, "1 results for"}, []string{"/producten/"}},
	} {
		r := sh.req(http.MethodGet, c.path, "", "Accept-Language", "-")
		if r.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", c.path, r.StatusCode)
			continue
		}
		if !strings.Contains(r.body, "<!DOCTYPE") && !strings.Contains(strings.ToLower(r.body), "<!doctype") {
			t.Errorf("%s: not a whole page", c.path)
		}
		for _, w := range c.want {
			if !strings.Contains(r.body, w) {
				t.Errorf("%s: page lacks %q", c.path, w)
			}
		}
		for _, w := range c.notWant {
			if strings.Contains(r.body, w) {
				t.Errorf("%s: page has %q", c.path, w)
			}
		}
	}
	// The search page may be listed, with a description; its results not.
	for _, c := range []struct {
		path  string
		index bool
	}{{"/search/", true}, {"/search/?lang=en", true}, {"/search/?q=guji", false}, {"/search/?q=guji&lang=en", false}} {
		r := sh.req(http.MethodGet, c.path, "", "Accept-Language", "-")
		noindex := strings.Contains(r.Header.Get("X-Robots-Tag"), "noindex") || strings.Contains(r.body, `name="robots" content="noindex"`)
		desc := strings.Contains(r.body, `<meta name="description" content="`)
		if noindex == c.index || desc != c.index {
			t.Errorf("%s: noindex %v, description %v; want indexable %v", c.path, noindex, desc, c.index)
		}
	}
	if r := sh.req(http.MethodGet, "/search?q=guji", ""); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/search/?q=guji" {
		t.Errorf("/search: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if !sh.sc.Owns("/search/") {
		t.Error("the sidecar does not own /search/")
	}
}

// A new build's index is picked up with the catalog; a broken one keeps the old.
func TestSearchIndexReload(t *testing.T) {
	sh := newShop(t)
	if err := os.WriteFile(filepath.Join(sh.site, "search.json"), []byte(`{"lang":"nl","docs":[{"t":"Kenia Nyeri","u":"/producten/kenia/","k":"product","w":""}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	sh.sc.search.Load(t.Context())
	if r := sh.req(http.MethodGet, "/search/?q=kenya&lang=nl", ""); !strings.Contains(r.body, "/producten/kenia/") {
		t.Error("new index not used")
	}
	if err := os.WriteFile(filepath.Join(sh.site, "search.json"), []byte(`{broken`), 0o644); err != nil {
		t.Fatal(err)
	}
	sh.sc.search.Load(t.Context())
	if r := sh.req(http.MethodGet, "/search/?q=kenya&lang=nl", ""); !strings.Contains(r.body, "/producten/kenia/") {
		t.Error("a broken index replaced the good one")
	}
}
