package web

import (
	"embed"
	"html/template"
	"sync"

	"github.com/storefront/storefront/checkout/money"
)

// Page templates: only the <main> content; the theme's shell wraps it. All
// data is escaped by html/template. Class names start with sf- so the theme
// can style them.
var pageFuncs = template.FuncMap{
	"t":       T,
	"country": CountryName,
	"tf":      TF,
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

// extraFuncs are the template functions the resources add (AddFuncs) for
// their own page templates; they must be added before the first page is
// rendered (from an init function).
var (
	funcsMu    sync.Mutex
	extraFuncs = template.FuncMap{}
	parsed     bool // the templates are parsed: AddFuncs is too late
)

// AddFuncs adds template functions for the page templates; a resource
// package calls it from its init function, so the functions are there when
// the templates are parsed on first use.
func AddFuncs(fm template.FuncMap) {
	funcsMu.Lock()
	defer funcsMu.Unlock()
	if parsed {
		panic("web.AddFuncs after the page templates were parsed; call it from init")
	}
	for k, v := range fm {
		if _, dup := extraFuncs[k]; dup {
			panic("web.AddFuncs: template function " + k + " added twice")
		}
		extraFuncs[k] = v
	}
}

// pages is the embedded page templates, parsed once on first use (after
// every init has added its functions); a sidecar whose theme overrides
// some of them renders with its own clone (Shells.LoadTheme).
var pages = sync.OnceValue(func() *template.Template {
	funcsMu.Lock()
	defer funcsMu.Unlock()
	parsed = true
	return template.Must(template.New("pages").Funcs(pageFuncs).Funcs(extraFuncs).
		ParseFS(templateFiles, "templates/*.html"))
})

// tmpl is the page templates this sidecar renders with: the embedded ones,
// with the theme's overrides when it has any.
func (w *Web) Tmpl() *template.Template {
	w.Shells.mu.RLock()
	defer w.Shells.mu.RUnlock()
	if w.Shells.pages != nil {
		return w.Shells.pages
	}
	return renderPages()
}

// renderPages is the clone of pages that renders when the theme overrides
// nothing; pages itself is never executed, so that a theme's overrides can
// always be parsed over a clone of it (and over what a feature added to it).
var renderPages = sync.OnceValue(func() *template.Template { return template.Must(pages().Clone()) })
