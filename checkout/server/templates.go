package server

import (
	"embed"
	"fmt"
	"html/template"
	"sync"

	"github.com/storefront/storefront/checkout/money"
)

// Page templates: only the <main> content; the theme's shell wraps it. All
// data is escaped by html/template. Class names start with sf- so the theme
// can style them.
var pageFuncs = template.FuncMap{
	"t":       tr,
	"country": countryName,
	"tf":      func(lang, key string, args ...any) string { return fmt.Sprintf(tr(lang, key), args...) },
	"money": func(a money.Amount, currency, lang string) string {
		return money.Display(a, currency, lang)
	},
	"neg": func(a money.Amount) money.Amount { return -a },
}

// templateFiles are the sidecar's page templates (templates/*.html), the
// defaults a theme may override file by file (see overrides.go and
// docs/theme.md).
//
//go:embed templates/*.html
var templateFiles embed.FS

// pages is the embedded page templates, parsed once; a sidecar whose theme
// overrides some of them renders with its own clone (Sidecar.pages).
var pages = template.Must(template.New("pages").Funcs(pageFuncs).Funcs(statsFuncs).Funcs(adminFuncs).Funcs(retentionFuncs).Funcs(carrierFuncs).Funcs(invoiceFuncs).
	ParseFS(templateFiles, "templates/*.html"))

// tmpl is the page templates this sidecar renders with: the embedded ones,
// with the theme's overrides when it has any.
func (w *web) tmpl() *template.Template {
	w.shells.mu.RLock()
	defer w.shells.mu.RUnlock()
	if w.shells.pages != nil {
		return w.shells.pages
	}
	return renderPages()
}

// renderPages is the clone of pages that renders when the theme overrides
// nothing; pages itself is never executed, so that a theme's overrides can
// always be parsed over a clone of it (and over what a feature added to it).
var renderPages = sync.OnceValue(func() *template.Template { return template.Must(pages.Clone()) })
