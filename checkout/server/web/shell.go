package web

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"html/template"
	"regexp"
	"strings"
	"sync"
)

// The markers the theme's shell page carries (docs/architecture.md).
const (
	markTitle = "<!--sf:title-->"
	markMain  = "<!--sf:main-->"
)

// shell is the theme's page split around its two markers.
type Shell struct {
	lang            string
	head, mid, tail string // head + title + mid + main + tail
}

var htmlLang = regexp.MustCompile(`(?is)<html[^>]*\blang="([A-Za-z-]+)"`)

// parseShell splits a shell page; it needs both markers exactly once.
func parseShell(b []byte) (*Shell, error) {
	s := string(b)
	if strings.Count(s, markTitle) != 1 || strings.Count(s, markMain) != 1 {
		return nil, fmt.Errorf("shell page needs %s and %s exactly once each", markTitle, markMain)
	}
	ti, mi := strings.Index(s, markTitle), strings.Index(s, markMain)
	if ti > mi {
		return nil, fmt.Errorf("shell page has %s after %s", markTitle, markMain)
	}
	sh := &Shell{
		head: s[:ti],
		mid:  s[ti+len(markTitle) : mi],
		tail: s[mi+len(markMain):],
	}
	if m := htmlLang.FindStringSubmatch(s); m != nil {
		sh.lang = strings.ToLower(m[1][:2])
	}
	return sh, nil
}

// render wraps main (already escaped by html/template) in the shell.
func (sh *Shell) Render(title string, main template.HTML) []byte {
	var b bytes.Buffer
	b.Grow(len(sh.head) + len(sh.mid) + len(sh.tail) + len(main) + len(title))
	b.WriteString(sh.head)
	b.WriteString(html.EscapeString(title))
	b.WriteString(sh.mid)
	b.WriteString(string(main))
	b.WriteString(sh.tail)
	return b.Bytes()
}

// robotsMeta is the shell's "not for search engines" line (home.shell.html):
// the sidecar's pages are about one customer.
const robotsMeta = `<meta name="robots" content="noindex">`

// renderIndexable is render for the one sidecar page search engines may
// list (the empty search page): the shell's robots line becomes the page's
// description. A shell without that line is rendered as it is.
func (sh *Shell) RenderIndexable(title, description string, main template.HTML) []byte {
	doc := sh.Render(title, main)
	desc := `<meta name="description" content="` + html.EscapeString(description) + `">`
	return bytes.Replace(doc, []byte(robotsMeta), []byte(desc), 1)
}

// builtinShell is used when the site has no shell (or it is broken): a plain,
// readable page so the checkout keeps working.
func builtinShell(lang string) *Shell {
	sh, _ := parseShell([]byte(`<!DOCTYPE html>
<html lang="` + lang + `"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>` + markTitle + `</title>
<style>body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:48rem;margin:0 auto;padding:1rem;line-height:1.5;color:#222}
table{width:100%;border-collapse:collapse}td,th{padding:.3rem .25rem;text-align:left;vertical-align:top}td.num,th.num{text-align:right}
input,select,button{font:inherit;padding:.4rem}label{display:block;margin-top:.6rem}.error{color:#a00}.notice{background:#fff6d5;padding:.5rem}
.steps li.current{font-weight:bold}.steps li.todo{color:#666}img{max-width:100%}</style></head>
<body><header><a href="/">Home</a> · <a href="/cart/">Cart</a></header>
<main id="main">` + markMain + `</main></body></html>`))
	sh.lang = lang
	return sh
}

// Shells holds the theme's shell per language; reloaded with the catalog.
type Shells struct {
	mu     sync.RWMutex
	def    *Shell             // default language (/_shell/index.html)
	byLang map[string]*Shell  // by lang
	pages  *template.Template // the embedded page templates with the theme's overrides; nil: none
}

// shellReader reads a file next to the catalog.
type shellReader func(ctx context.Context, rel string) ([]byte, error)

// load reads /_shell/index.html and /en/_shell/index.html. A missing or
// broken shell keeps the previous one (or the built-in page) and is reported.
func (ss *Shells) Load(ctx context.Context, read shellReader) []error {
	var errs []error
	byLang := map[string]*Shell{}
	var def *Shell
	if b, err := read(ctx, "_shell/index.html"); err != nil {
		errs = append(errs, err)
	} else if sh, err := parseShell(b); err != nil {
		errs = append(errs, fmt.Errorf("_shell/index.html: %w", err))
	} else {
		def = sh
		if sh.lang == "" {
			sh.lang = "nl"
		}
		byLang[sh.lang] = sh
	}
	for _, lang := range []string{"en", "nl"} {
		if byLang[lang] != nil {
			continue
		}
		b, err := read(ctx, lang+"/_shell/index.html")
		if err != nil {
			if lang == "en" && def != nil && def.lang != "en" {
				errs = append(errs, err)
			}
			continue
		}
		sh, err := parseShell(b)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s/_shell/index.html: %w", lang, err))
			continue
		}
		sh.lang = lang
		byLang[lang] = sh
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if def != nil {
		ss.def = def
	}
	if ss.byLang == nil {
		ss.byLang = map[string]*Shell{}
	}
	for l, sh := range byLang {
		ss.byLang[l] = sh
	}
	return errs
}

// get returns the shell for lang, falling back to the default shell and then
// to the built-in page.
func (ss *Shells) Get(lang string) *Shell {
	ss.mu.RLock()
	defer ss.mu.RUnlock()
	if sh := ss.byLang[lang]; sh != nil {
		return sh
	}
	if ss.def != nil {
		return ss.def
	}
	if lang == "" {
		lang = "nl"
	}
	return builtinShell(lang)
}

// defaultLang is the site's default language (that of /_shell/).
func (ss *Shells) DefaultLang() string {
	ss.mu.RLock()
	defer ss.mu.RUnlock()
	if ss.def != nil && ss.def.lang != "" {
		return ss.def.lang
	}
	return "nl"
}
