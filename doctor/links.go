package doctor

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode"
)

var (
	shortcodeRe = regexp.MustCompile(`\{\{[<%].*?[>%]\}\}`)
	commentRe   = regexp.MustCompile(`(?s)<!--.*?-->`)
	// [text](target "title") and ![alt](src)
	mdLinkRe = regexp.MustCompile(`(!?)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+["'][^"']*["'])?\s*\)`)
	// [label]: target
	mdRefDefRe = regexp.MustCompile(`(?m)^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)`)
	// {{< ref "x" >}} and {{< relref "x" >}}
	refRe = regexp.MustCompile(`\{\{[<%]\s*(?:rel)?ref\s+"([^"]+)"\s*[>%]\}\}`)
	// <a href="…"> and <img src="…"> in raw HTML
	htmlAttrRe = regexp.MustCompile(`<(a|img)\s[^>]*?(href|src)\s*=\s*"([^"]+)"`)
)

// dynamicPrefixes are served by the checkout sidecar, not by the static site.
var dynamicPrefixes = []string{"/api/", "/cart/", "/checkout/", "/order/", "/pay/", "/outbox/", "/points/"}

// checkLinks reports internal links and ref/relref targets that go nowhere,
// and images in page bodies that do not exist.
func checkLinks(s *Site) []Finding {
	urls := s.urlSet()
	var out []Finding
	for _, p := range s.Pages {
		report := func(sev Severity, off int, format string, args ...any) {
			out = append(out, Finding{Severity: sev, File: p.File,
				Field:   fmt.Sprintf("body (line %d)", p.BodyLine+strings.Count(p.Body[:off], "\n")),
				Message: fmt.Sprintf(format, args...)})
		}
		for _, m := range refRe.FindAllStringSubmatchIndex(p.Body, -1) {
			target := p.Body[m[2]:m[3]]
			if !s.refExists(p, target) {
				report(Error, m[0], "ref %q points to a page that does not exist in %s; check the path under content/ (or translate that page)", target, langName(p.Lang))
			}
		}
		body := shortcodeRe.ReplaceAllStringFunc(p.Body, func(sc string) string { return strings.Repeat(" ", len(sc)) })
		type link struct {
			off    int
			image  bool
			alt    string
			target string
		}
		var links []link
		for _, m := range mdLinkRe.FindAllStringSubmatchIndex(body, -1) {
			links = append(links, link{m[0], m[3] > m[2], body[m[4]:m[5]], body[m[6]:m[7]]})
		}
		for _, m := range mdRefDefRe.FindAllStringSubmatchIndex(body, -1) {
			links = append(links, link{off: m[2], target: body[m[2]:m[3]]})
		}
		for _, m := range htmlAttrRe.FindAllStringSubmatchIndex(body, -1) {
			links = append(links, link{off: m[0], image: body[m[2]:m[3]] == "img", alt: "-", target: body[m[6]:m[7]]})
		}
		for _, l := range links {
			t := strings.TrimSpace(l.target)
			if t == "" || strings.HasPrefix(t, "#") || isExternal(t) {
				continue
			}
			if l.image {
				if !s.imageExists(p, t) {
					report(Error, l.off, "image '%s' does not exist; add the file next to the page or correct the name", t)
				}
				if strings.TrimSpace(l.alt) == "" {
					report(Warning, l.off, "image '%s' has no alt text; describe what is on it between the square brackets", t)
				}
				continue
			}
			if strings.HasSuffix(strings.SplitN(t, "#", 2)[0], ".md") {
				rel := path.Join(p.Dir(), strings.SplitN(t, "#", 2)[0])
				if strings.HasPrefix(t, "/") {
					rel = strings.TrimPrefix(t, "/")
				}
				if !s.hasContentFile(rel) {
					report(Error, l.off, "link to '%s' points to a page that does not exist", t)
				}
				continue
			}
			if !s.urlExists(urls, p, t) {
				report(Error, l.off, "link to '%s' goes nowhere: no page, file or shop page has that address", t)
			}
		}
	}
	return out
}

func isExternal(t string) bool {
	if strings.HasPrefix(t, "//") {
		return true
	}
	if i := strings.Index(t, ":"); i > 0 {
		scheme := t[:i]
		for _, r := range scheme {
			if !unicode.IsLetter(r) && r != '+' && r != '-' && r != '.' {
				return false
			}
		}
		return true // http:, https:, mailto:, tel:
	}
	return false
}

// hasContentFile reports a content file by path relative to content/, with or without language suffix.
func (s *Site) hasContentFile(rel string) bool {
	rel = path.Clean(rel)
	if s.ContentFiles[rel] {
		return true
	}
	for _, p := range s.Pages {
		if p.Path == rel {
			return true
		}
	}
	return false
}

// refExists resolves a ref/relref target the way Hugo does for the common forms:
// "/products/x", "products/x/index.md", "x" (unique name), "../x".
func (s *Site) refExists(p *Page, target string) bool {
	target = strings.SplitN(target, "#", 2)[0]
	if target == "" {
		return true
	}
	cands := []string{strings.TrimPrefix(target, "/")}
	if !strings.HasPrefix(target, "/") {
		cands = append(cands, path.Join(p.Dir(), target))
	}
	for _, c := range cands {
		c = strings.Trim(path.Clean(c), "/")
		noExt := strings.TrimSuffix(c, path.Ext(c))
		for _, q := range s.Pages {
			if q.Lang != p.Lang {
				continue // Hugo resolves a ref in the page's own language
			}
			qNoExt := strings.TrimSuffix(q.Path, path.Ext(q.Path))
			if q.Path == c || qNoExt == noExt || ((q.IsBundle() || q.IsList()) && q.Dir() == c) {
				return true
			}
		}
	}
	if !strings.Contains(target, "/") {
		name := strings.TrimSuffix(target, path.Ext(target))
		for _, q := range s.Pages {
			if q.Lang == p.Lang && q.Name() == name {
				return true
			}
		}
	}
	return false
}

// urlSet computes the address of every page, section, taxonomy term and
// static file, lower-cased, with a trailing slash for pages.
func (s *Site) urlSet() map[string]bool {
	set := map[string]bool{"/": true}
	add := func(u string) { set[normURL(u)] = true }
	sections := map[string]bool{}
	terms := map[string]map[string]bool{} // taxonomy -> terms
	for _, p := range s.Pages {
		add(s.pageURL(p))
		if v, ok := p.Param("aliases"); ok {
			l, _ := asList(v)
			for _, a := range l {
				add(fmt.Sprint(a))
			}
		}
		for dir := p.Dir(); dir != "." && dir != ""; dir = path.Dir(dir) {
			sections[p.Lang+"|"+dir] = true
		}
		for _, tax := range s.Taxonomies {
			v, _ := p.Param(tax)
			l, _ := asList(v)
			if sv, ok := v.(string); ok {
				l = []any{sv}
			}
			for _, t := range l {
				if terms[tax] == nil {
					terms[tax] = map[string]bool{}
				}
				terms[tax][p.Lang+"|"+urlize(fmt.Sprint(t))] = true
			}
		}
	}
	for key := range sections {
		lang, dir, _ := strings.Cut(key, "|")
		add(s.langPrefix(lang) + "/" + dir + "/")
		if pat := s.permalink(lang, path.Base(dir)); pat != "" && !strings.Contains(dir, "/") {
			// A section whose pages have a permalink pattern: its list page
			// usually lives at the pattern's static prefix ("/producten/").
			if pre := staticPrefix(pat); pre != "/" {
				add(s.langPrefix(lang) + pre)
			}
		}
	}
	for _, lang := range s.Langs {
		add(s.langPrefix(lang) + "/")
		for _, tax := range s.Taxonomies {
			add(s.langPrefix(lang) + "/" + tax + "/")
		}
	}
	for tax, ts := range terms {
		for key := range ts {
			lang, term, _ := strings.Cut(key, "|")
			add(s.langPrefix(lang) + "/" + tax + "/" + term + "/")
			if pat := s.permalink(lang, tax); pat != "" {
				add(s.langPrefix(lang) + expand(pat, map[string]string{"slug": term, "title": term, "contentbasename": term, "slugorcontentbasename": term, "filename": term, "section": tax, "sections": tax}))
			}
		}
	}
	for f := range s.StaticFiles {
		add("/" + f)
	}
	for f := range s.ContentFiles {
		if !strings.HasSuffix(f, ".md") {
			add("/" + f) // bundle resources published next to their page
		}
	}
	return set
}

func (s *Site) urlExists(set map[string]bool, p *Page, target string) bool {
	t := strings.SplitN(strings.SplitN(target, "#", 2)[0], "?", 2)[0]
	if t == "" {
		return true
	}
	if !strings.HasPrefix(t, "/") {
		t = path.Join(s.pageURL(p), t)
		if strings.HasSuffix(target, "/") {
			t += "/"
		}
	}
	for _, pre := range dynamicPrefixes {
		if strings.HasPrefix(t+"/", pre) || strings.HasPrefix(t, pre) {
			return true
		}
	}
	ext := path.Ext(t)
	if ext == ".xml" || ext == ".json" || ext == ".txt" {
		return true // generated outputs: feeds, sitemap, catalog, indexes
	}
	if set[normURL(t)] {
		return true
	}
	// Files with a language prefix (/en/...) resolve to the shared static file.
	for _, lang := range s.Langs {
		if pre := s.langPrefix(lang); pre != "" && strings.HasPrefix(t, pre+"/") && set[normURL(strings.TrimPrefix(t, pre))] && ext != "" {
			return true
		}
	}
	return false
}

func normURL(u string) string {
	u = strings.SplitN(strings.SplitN(u, "#", 2)[0], "?", 2)[0]
	if !strings.HasPrefix(u, "/") {
		u = "/" + u
	}
	u = path.Clean(u)
	if path.Ext(u) == "" || strings.HasSuffix(u, "/index.html") {
		u = strings.TrimSuffix(u, "/index.html")
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
	}
	return strings.ToLower(u)
}

func (s *Site) langPrefix(lang string) string {
	if lang == s.DefaultLang && !s.DefaultLangInSubdir || lang == "" {
		return ""
	}
	return "/" + lang
}

func (s *Site) permalink(lang, section string) string {
	if m, ok := s.Permalinks[lang]; ok && m[section] != "" {
		return m[section]
	}
	return s.Permalinks[""][section]
}

// pageURL is the page's address as Hugo computes it for the usual settings:
// url front matter, else a permalink pattern, else its path under content/.
func (s *Site) pageURL(p *Page) string {
	pre := s.langPrefix(p.Lang)
	if u := p.String("url"); u != "" {
		return u
	}
	slug := p.String("slug")
	name := p.Name()
	if !p.IsList() && p.Section() != "" {
		if pat := s.permalink(p.Lang, p.Section()); pat != "" {
			sl := slug
			if sl == "" {
				sl = urlize(p.String("title"))
			}
			if sl == "" {
				sl = name
			}
			sc := slug
			if sc == "" {
				sc = name
			}
			return pre + expand(pat, map[string]string{
				"slug": sl, "title": urlize(p.String("title")), "contentbasename": name,
				"slugorcontentbasename": sc, "filename": name, "slugorfilename": sc,
				"section": p.Section(), "sections": p.Dir(),
			})
		}
	}
	dir := p.Dir()
	if p.IsBundle() || p.IsList() {
		if slug != "" && dir != "." {
			dir = path.Join(path.Dir(dir), slug)
		}
		if dir == "." {
			return pre + "/"
		}
		return pre + "/" + dir + "/"
	}
	if slug != "" {
		name = slug
	}
	return pre + "/" + path.Join(dir, name) + "/"
}

var tokenRe = regexp.MustCompile(`:([a-z]+)`)

func expand(pattern string, vals map[string]string) string {
	return tokenRe.ReplaceAllStringFunc(pattern, func(tok string) string {
		if v, ok := vals[tok[1:]]; ok {
			return v
		}
		return tok
	})
}

// staticPrefix is the part of a permalink pattern before its first token.
func staticPrefix(pattern string) string {
	i := strings.Index(pattern, ":")
	if i < 0 {
		return pattern
	}
	pre := pattern[:i]
	if j := strings.LastIndex(pre, "/"); j >= 0 {
		return pre[:j+1]
	}
	return "/"
}

// urlize mimics Hugo's urlize for plain names: lower case, spaces to dashes.
func urlize(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.':
			b.WriteRune(r)
		case unicode.IsSpace(r):
			b.WriteRune('-')
		}
	}
	return b.String()
}

// checkTerms reports a missing delivery or returns terms page in any language.
func checkTerms(s *Site) []Finding {
	var out []Finding
	for _, kind := range []string{"delivery", "returns"} {
		for _, lang := range s.Langs {
			found := false
			for _, p := range s.Pages {
				if p.Lang == lang && termsKind(p) == kind {
					found = true
					break
				}
			}
			if !found {
				what := map[string]string{"delivery": "delivery terms", "returns": "return terms"}[kind]
				name := map[string]string{"delivery": "levering", "returns": "retourneren"}[kind]
				file := "content/" + name + ".md"
				if lang != s.DefaultLang {
					file = "content/" + name + "." + lang + ".md"
				}
				out = append(out, Finding{Severity: Error, File: file, Field: "",
					Message: fmt.Sprintf("there is no %s page in %s; every shop must say how it delivers and how customers can return things, and every page's footer links here", what, langName(lang))})
			}
		}
	}
	return out
}

// termsKind tells which terms page a page is: front matter "terms", or a
// well-known name.
func termsKind(p *Page) string {
	if t := strings.ToLower(p.String("terms")); t != "" {
		switch t {
		case "delivery", "shipping", "levering", "verzending", "bezorging":
			return "delivery"
		case "returns", "return", "retour", "retourneren", "retouren":
			return "returns"
		}
		return t
	}
	switch strings.ToLower(p.Name()) {
	case "levering", "bezorging", "verzending", "verzenden", "leveringsvoorwaarden", "delivery", "shipping":
		return "delivery"
	case "retour", "retourneren", "retouren", "returns", "return", "herroeping":
		return "returns"
	}
	return ""
}
