package site

import (
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var subscribeFormRe = regexp.MustCompile(`name="topic" value="([^"]+)">\s*<input type="hidden" name="label" value="([^"]+)">`)

// TestCatalogTopics: catalog.json names every category and maker a visitor
// can follow, and every subscribe form on the built site follows a topic the
// sidecar knows, under the name the catalog gives it in the page's language
// (issue 12, item 2: the label comes from the catalog, not from the form).
func TestCatalogTopics(t *testing.T) {
	res, cat := builtCatalog(t)
	if len(cat.Categories) == 0 || len(cat.Makers) == 0 {
		t.Fatalf("catalog.json lists %d categories and %d makers", len(cat.Categories), len(cat.Makers))
	}
	for _, it := range cat.Items {
		if _, ok := cat.FollowName("category", it.Category, "nl"); !ok {
			t.Errorf("%s: category %q is not in catalog.json's categories", it.SKU, it.Category)
		}
	}
	forms := 0
	err := filepath.WalkDir(res.Dest, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		page, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		lang := "nl"
		if rel, _ := filepath.Rel(res.Dest, p); strings.HasPrefix(rel, "en"+string(filepath.Separator)) {
			lang = "en"
		}
		for _, m := range subscribeFormRe.FindAllStringSubmatch(string(page), -1) {
			forms++
			kind, slug, _ := strings.Cut(html.UnescapeString(m[1]), ":")
			name, ok := cat.FollowName(kind, slug, lang)
			if !ok {
				t.Errorf("%s: the subscribe form follows %s:%s, which catalog.json does not list", p, kind, slug)
			} else if label := html.UnescapeString(m[2]); label != name {
				t.Errorf("%s: the form calls %s:%s %q, catalog.json (%s) %q", p, kind, slug, label, lang, name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if forms == 0 {
		t.Fatal("no subscribe form on the built site")
	}
}
