package web

import (
	"bytes"
	_ "embed"
	texttemplate "text/template"

	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"sort"
	"sync"

	"github.com/storefront/storefront/checkout/money"

	"github.com/storefront/storefront/checkout/words"
)

// ThemeBundle is what the theme's home.sidecar.json writes per language
// (/_sidecar/index.json, /en/_sidecar/index.json): the sidecar's words as
// the shop says them and the templates the theme or shop overrides.
type ThemeBundle struct {
	Lang      string            `json:"lang"`
	Words     map[string]string `json:"words"`
	Templates map[string]string `json:"templates"` // file name in templates/ → its text
	Mail      map[string]string `json:"mail"`
}

// maxBundle bounds one bundle file (the demo's is about 60 KB).
const maxBundle = 4 << 20

// loadTheme (after the Shells: it needs the shop's language) reads the theme's bundles next to the catalog: the words go
// to the shared translation source, the page templates replace the
// embedded ones of the same file name. A missing bundle (a site built
// before the theme wrote one) keeps the embedded words and templates; a
// broken one is reported and keeps what was there.
func (ss *Shells) LoadTheme(ctx context.Context, read shellReader) (errs []error) {
	table := words.Table{}
	var overrides map[string]string
	for _, rel := range []string{"_sidecar/index.json", "en/_sidecar/index.json", "nl/_sidecar/index.json"} {
		b, err := read(ctx, rel)
		if err != nil {
			continue // not every language has its own folder
		}
		var tb ThemeBundle
		if len(b) > maxBundle {
			errs = append(errs, fmt.Errorf("%s: %d bytes, more than %d", rel, len(b), maxBundle))
			continue
		}
		if err := json.Unmarshal(b, &tb); err != nil || tb.Lang == "" {
			errs = append(errs, fmt.Errorf("%s: not a sidecar bundle: %v", rel, err))
			continue
		}
		if _, done := table[tb.Lang]; done {
			continue
		}
		table[tb.Lang] = tb.Words
		if overrides == nil {
			overrides = tb.Templates
		}
	}
	if len(table) > 0 {
		words.Override(table)
	}
	set, err := withOverrides(pages(), overrides)
	if err != nil {
		errs = append(errs, err)
		if set, err = withOverrides(pages(), nil); err != nil {
			return append(errs, err)
		}
	}
	set.Funcs(shopFuncs(ss.DefaultLang()))
	ss.mu.Lock()
	ss.pages = set
	ss.mu.Unlock()
	return errs
}

// withOverrides is base with each override file parsed over it, Hugo's way:
// a {{define}} in the theme's file replaces the embedded one of that name.
// base must never have been executed (html/template cannot clone it then):
// the sidecars render with a clone.
func withOverrides(base *template.Template, files map[string]string) (*template.Template, error) {
	t, err := base.Clone()
	if err != nil {
		return nil, fmt.Errorf("page templates: %w", err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, err := t.New(n).Parse(files[n]); err != nil {
			return nil, fmt.Errorf("theme's template %s: %w", n, err)
		}
	}
	return t, nil
}

// adminShellFiles is the owner's page frame: plain, not the customer's
// header and footer (Shells/admin.html).
//
//go:embed shells/admin.html
var adminShellFile string

var adminShellTmpl = sync.OnceValue(func() *texttemplate.Template {
	return texttemplate.Must(texttemplate.New("admin-shell").Parse(adminShellFile))
})

// adminShell is the owner's frame in lang: the markers of parseShell, the
// language attribute and the link home filled in.
func adminShell(lang string) *Shell {
	var b bytes.Buffer
	if err := adminShellTmpl().Execute(&b, map[string]string{"Lang": lang, "Home": OwnerT(lang, "nav.orders")}); err != nil {
		return builtinShell(lang)
	}
	sh, err := parseShell(b.Bytes())
	if err != nil {
		return builtinShell(lang)
	}
	sh.lang = lang
	return sh
}

// shopFuncs are the template functions that speak the shop's language:
// money in its format and order states in words on the owner's pages.
func shopFuncs(lang string) template.FuncMap {
	return template.FuncMap{
		"eur": func(a any, cur string) string {
			switch v := a.(type) {
			case money.Amount:
				return money.Display(v, cur, lang)
			case int64:
				return money.Display(money.Amount(v), cur, lang)
			}
			return fmt.Sprint(a)
		},
		"state":  func(st any) string { return StateWords(lang, st) },
		"rstate": func(st any) string { return OwnerT(lang, "return."+fmt.Sprint(st)) },
		"o":      func(key string) string { return OwnerT(lang, key) },
		"of":     func(key string, args ...any) string { return OwnerT(lang, key, args...) },
	}
}

// stateWords is an order state in words in lang (the raw name when the
// translation source lacks it).
func StateWords(lang string, st any) string {
	k := "state." + fmt.Sprint(st)
	if w := T(lang, k); w != k {
		return w
	}
	return fmt.Sprint(st)
}
