package web

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// The markers the theme's shell page carries (docs/architecture.md).
const (
	markTitle = "<!--sf:title-->"
	markMain  = "<!--sf:main-->"
)

// shell is the theme's page split around its two markers, and around the
// href of each language switch link (data-sf-switch, docs/theme.md).
type Shell struct {
	lang  string
	parts []shellPart // head, title, mid, main, tail; literals split at switch hrefs
	size  int         // the literal parts' length
	here  *url.URL    // the request the page answers (For); nil: switches go home
}

// shellPart is a literal piece of the shell, or a slot: the title, the main
// content, or the href of a link to the page in another language.
type shellPart struct {
	text string // literal; for a switch, the theme's href (the other language's home)
	slot byte   // 0: literal; 't': title; 'm': main; 's': switch href
	lang string // a switch's language
}

var htmlLang = regexp.MustCompile(`(?is)<html[^>]*\blang="([A-Za-z-]+)"`)

// switchLink is a start tag of a language switch link; switchHref its href.
var (
	switchLink = regexp.MustCompile(`(?i)<a\s[^>]*\bdata-sf-switch="([a-z]{2})"[^>]*>`)
	switchHref = regexp.MustCompile(`(?i)\bhref="([^"]*)"`)
)

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
	sh := &Shell{}
	sh.literal(s[:ti])
	sh.parts = append(sh.parts, shellPart{slot: 't'})
	sh.literal(s[ti+len(markTitle) : mi])
	sh.parts = append(sh.parts, shellPart{slot: 'm'})
	sh.literal(s[mi+len(markMain):])
	if m := htmlLang.FindStringSubmatch(s); m != nil {
		sh.lang = strings.ToLower(m[1][:2])
	}
	return sh, nil
}

// literal appends s to the parts, its switch links' hrefs as slots.
func (sh *Shell) literal(s string) {
	sh.size += len(s)
	for {
		m := switchLink.FindStringSubmatchIndex(s)
		if m == nil {
			break
		}
		h := switchHref.FindStringSubmatchIndex(s[m[0]:m[1]])
		if h == nil {
			sh.parts = append(sh.parts, shellPart{text: s[:m[1]]})
			s = s[m[1]:]
			continue
		}
		from, to := m[0]+h[2], m[0]+h[3]
		sh.parts = append(sh.parts, shellPart{text: s[:from]},
			shellPart{text: s[from:to], slot: 's', lang: strings.ToLower(s[m[2]:m[3]])})
		s = s[to:]
	}
	if s != "" {
		sh.parts = append(sh.parts, shellPart{text: s})
	}
}

// For is the shell for a page answering r: its language switch links go to
// this page in their language (the path and query with lang=…). Only a GET
// or HEAD page can be asked for again; the switch on any other (a form's
// answer) goes to the other language's home page, as the theme wrote it.
func (sh *Shell) For(r *http.Request) *Shell {
	if r == nil || r.URL == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return sh
	}
	c := *sh
	c.here = r.URL
	return &c
}

// switchURL is the address of the page at here in lang: the same path (one
// leading slash, so never another host) and query parameters in their order,
// with lang=lang for any lang they had. Not yet HTML-escaped.
func switchURL(here *url.URL, lang string) string {
	var b strings.Builder
	b.WriteString("/" + strings.TrimLeft(here.EscapedPath(), "/"))
	b.WriteByte('?')
	if here.RawQuery != "" {
		for _, kv := range strings.Split(here.RawQuery, "&") {
			k, v, _ := strings.Cut(kv, "=")
			key, err1 := url.QueryUnescape(k)
			val, err2 := url.QueryUnescape(v)
			if err1 != nil || err2 != nil || key == "" || key == "lang" {
				continue
			}
			b.WriteString(url.QueryEscape(key) + "=" + url.QueryEscape(val) + "&")
		}
	}
	b.WriteString("lang=" + url.QueryEscape(lang))
	return b.String()
}

// render wraps main (already escaped by html/template) in the shell.
func (sh *Shell) Render(title string, main template.HTML) []byte {
	var b bytes.Buffer
	b.Grow(sh.size + len(main) + len(title) + 64)
	for _, p := range sh.parts {
		switch p.slot {
		case 't':
			b.WriteString(html.EscapeString(title))
		case 'm':
			b.WriteString(string(main))
		case 's':
			if sh.here == nil {
				b.WriteString(p.text)
			} else {
				b.WriteString(html.EscapeString(switchURL(sh.here, p.lang)))
			}
		default:
			b.WriteString(p.text)
		}
	}
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
