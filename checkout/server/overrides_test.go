package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/words"
)

// TestThemeOverridesWin: a theme's (or shop's) template and words, carried
// in the build's _sidecar/index.json, win over the embedded ones; what the
// theme does not override stays as embedded. Not parallel: the words are
// the process's.
func TestThemeOverridesWin(t *testing.T) {
	sh := newShop(t)
	t.Cleanup(func() { words.Override(nil) })
	write := func(rel string, b web.ThemeBundle) {
		j, _ := json.Marshal(b)
		p := filepath.Join(sh.site, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, j, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("_sidecar/index.json", web.ThemeBundle{Lang: "nl",
		Words:     map[string]string{"checkout.cart.title": "Mandje van de thema"},
		Templates: map[string]string{"cart.html": `{{define "cart"}}<p class="theme-cart">{{t .Lang "cart.title"}} · {{t .Lang "cart.continue"}}</p>{{end}}`}})
	write("en/_sidecar/index.json", web.ThemeBundle{Lang: "en", Words: map[string]string{"checkout.cart.title": "Theme basket"}})
	sh.sc.loadShells(t.Context())

	if p := sh.req("GET", "/cart/?lang=nl", ""); !strings.Contains(p.body, `<p class="theme-cart">Mandje van de thema · `+words.Embedded()["nl"]["checkout.cart.continue"]+`</p>`) {
		t.Errorf("the theme's cart template and words do not win:\n%s", p.body)
	}
	if p := sh.req("GET", "/cart/?lang=en", ""); !strings.Contains(p.body, `<p class="theme-cart">Theme basket · `+words.Embedded()["en"]["checkout.cart.continue"]+`</p>`) {
		t.Errorf("English: %s", p.body)
	}
	// A template the theme does not override renders as embedded.
	if p := sh.req("GET", "/checkout/?lang=nl", ""); p.StatusCode >= 500 || strings.Contains(p.body, "theme-cart") {
		t.Errorf("checkout page: %d", p.StatusCode)
	}

	// A broken override is reported and the embedded templates stay.
	write("_sidecar/index.json", web.ThemeBundle{Lang: "nl", Templates: map[string]string{"cart.html": `{{define "cart"}}{{if}}{{end}}`}})
	os.Remove(filepath.Join(sh.site, "en", "_sidecar", "index.json"))
	var ss web.Shells
	if errs := ss.LoadTheme(t.Context(), sh.sc.Catalog.ReadSibling); len(errs) == 0 {
		t.Error("a broken template is not reported")
	}
	sh.sc.loadShells(t.Context())
	if p := sh.req("GET", "/cart/?lang=nl", ""); p.StatusCode != 200 || strings.Contains(p.body, "theme-cart") || !strings.Contains(p.body, "sf-cart") {
		t.Errorf("after a broken override the embedded cart should render: %d\n%s", p.StatusCode, p.body)
	}
}
