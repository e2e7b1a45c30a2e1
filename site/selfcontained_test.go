package site

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyTree copies the folder src to dst (created).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestThemeIsSelfContained: a shop that copies themes/storefront into a
// fresh folder, with a minimal hugo.toml (theme, languages, baseURL and the
// the one line that takes the theme's outputs and minify settings) and its content and data,
// builds and gets what the checkout needs: catalog.json, the shell with
// its markers, the sidecar's bundle with the words, and the facet pages.
func TestThemeIsSelfContained(t *testing.T) {
	dst := t.TempDir()
	copyTree(t, filepath.Join("..", "themes", "storefront"), filepath.Join(dst, "themes", "storefront"))
	copyTree(t, filepath.Join("..", "content"), filepath.Join(dst, "content"))
	copyTree(t, filepath.Join("..", "data"), filepath.Join(dst, "data"))
	cfg := `_merge = "deep"
baseURL = "https://fresh.example/"
theme = "storefront"
defaultContentLanguage = "nl"
[languages.nl]
  weight = 1
[languages.en]
  weight = 2
`
	if err := os.WriteFile(filepath.Join(dst, "hugo.toml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Build(BuildOptions{Source: dst})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if res.Products < 5 {
		t.Errorf("catalog.json holds %d products", res.Products)
	}
	pub := res.Dest
	shell, err := os.ReadFile(filepath.Join(pub, "_shell", "index.html"))
	if err != nil || !strings.Contains(string(shell), "<!--sf:main-->") || !strings.Contains(string(shell), "<!--sf:title-->") {
		t.Errorf("shell: %v", err)
	}
	for _, rel := range []string{"_sidecar/index.json", "en/_sidecar/index.json"} {
		b, err := os.ReadFile(filepath.Join(pub, filepath.FromSlash(rel)))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		var bundle struct {
			Lang  string
			Words map[string]string
		}
		if err := json.Unmarshal(b, &bundle); err != nil || len(bundle.Words) < 300 || bundle.Words["checkout.cart.title"] == "" {
			t.Errorf("%s: lang %q, %d words, err %v", rel, bundle.Lang, len(bundle.Words), err)
		}
	}
	facets, _ := filepath.Glob(filepath.Join(pub, "categories", "*", "f", "*", "index.html"))
	if len(facets) == 0 {
		t.Fatal("no facet page written")
	}
	page, _ := os.ReadFile(facets[0])
	if !strings.Contains(string(page), `<main id="main"`) || !strings.Contains(string(page), `class="skip-link"`) {
		t.Errorf("facet page %s has no frame", facets[0])
	}
	if _, err := os.Stat(filepath.Join(pub, "categories", filepath.Base(filepath.Dir(filepath.Dir(filepath.Dir(facets[0])))), "index.json")); err != nil {
		t.Errorf("facets index: %v", err)
	}
}
