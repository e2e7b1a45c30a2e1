package doctor

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
)

// The checks of what an editor leaves behind: the archetype's instruction
// text, empty spec values, a product without its translation, and videos
// without poster, captions or title (docs/content-model.md, Video).
func checkEditor(s *Site) []Finding {
	var out []Finding
	add := func(sev Severity, file, field, format string, args ...any) {
		out = append(out, Finding{Severity: sev, File: file, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	for _, p := range s.Pages {
		if _, bad := p.Params["_parseError"]; bad {
			continue
		}
		checkInstructions(s, p, add)
		checkVideos(s, p, add)
		if p.IsProduct() {
			checkEmptySpecs(p, add)
		}
	}
	checkMissingTranslations(s, add)
	return out
}

// checkInstructions finds a line of an archetype's body text (the "write the
// story here" an editor replaces) still in the page.
func checkInstructions(s *Site, p *Page, add func(Severity, string, string, string, ...any)) {
	lines := strings.Split(p.Body, "\n")
	for _, phrase := range s.Instructions {
		for i, l := range lines {
			if strings.Contains(normSpace(l), phrase) {
				add(Error, p.File, fmt.Sprintf("body (line %d)", p.BodyLine+i),
					"the instruction text of `shop new` is still here (%q); replace it with your own text", clip(phrase, 60))
				return
			}
		}
	}
}

// checkEmptySpecs reports spec rows without a value, at the top and per variant.
func checkEmptySpecs(p *Page, add func(Severity, string, string, string, ...any)) {
	check := func(field string, v any) {
		m, ok := asMap(v)
		if !ok {
			return
		}
		for _, k := range sortedKeys(m) {
			if strings.TrimSpace(fmt.Sprint(orEmpty(m[k]))) == "" {
				add(Error, p.File, field+"."+k, "%q has no value; fill it in or remove the row (an empty row shows as an empty cell on the product page and in the filters)", k)
			}
		}
	}
	specs, _ := p.Param("specs")
	check("specs", specs)
	vs, _ := p.Param("variants")
	list, _ := asList(vs)
	for i, v := range list {
		m, _ := asMap(v)
		sp, _ := lookup(m, "specs")
		check(fmt.Sprintf("variants[%d].specs", i+1), sp)
	}
}

// checkMissingTranslations reports a published product that has no page in
// one of the site's other languages: its address there would be a 404.
func checkMissingTranslations(s *Site, add func(Severity, string, string, string, ...any)) {
	if len(s.Langs) < 2 {
		return
	}
	have := map[string]bool{}
	for _, p := range s.Pages {
		have[p.Lang+"|"+p.Path] = true
	}
	for _, p := range s.Pages {
		if !p.IsProduct() || p.Lang != s.DefaultLang || isDraft(p) {
			continue
		}
		for _, l := range s.Langs[1:] {
			if have[l+"|"+p.Path] {
				continue
			}
			want := strings.TrimSuffix(p.File, path.Ext(p.File)) + "." + l + path.Ext(p.File)
			add(Error, p.File, "", "no %s translation: visitors in %s find no page for this product (their address would be a 404); add %s with the title, description, photo alt texts and story in %s",
				langName(l), langName(l), want, langName(l))
		}
	}
}

func isDraft(p *Page) bool {
	d, _ := p.Param("draft")
	b, _ := d.(bool)
	return b
}

var (
	videoRe = regexp.MustCompile(`\{\{[<%]\s*(video|youtube|vimeo)\b(.*?)[>%]\}\}`)
	argRe   = regexp.MustCompile(`(\w+)\s*=\s*"([^"]*)"`)
)

// checkVideos checks the video shortcodes of a page: a poster photo in the
// page's folder, a title (read aloud by screen readers), and for a
// self-hosted video its files and a captions file (WebVTT).
func checkVideos(s *Site, p *Page, add func(Severity, string, string, string, ...any)) {
	for i, l := range strings.Split(p.Body, "\n") {
		for _, m := range videoRe.FindAllStringSubmatch(l, -1) {
			kind, args := m[1], map[string]string{}
			for _, a := range argRe.FindAllStringSubmatch(m[2], -1) {
				args[a[1]] = strings.TrimSpace(a[2])
			}
			field := fmt.Sprintf("body (line %d)", p.BodyLine+i)
			has := func(name string) bool { return s.ContentFiles[path.Join(p.Dir(), name)] }
			if args["title"] == "" {
				add(Error, p.File, field, "%s video has no title=\"…\"; say what the video shows, for people who cannot see it", kind)
			}
			switch poster := args["poster"]; {
			case poster == "":
				add(Error, p.File, field, "%s video has no poster=\"…\"; put a still of the video (jpg, png, webp) in the page's folder and name it", kind)
			case !has(poster):
				add(Error, p.File, field, "poster '%s' is not in the folder %s; add the file or correct the name", poster, path.Join("content", p.Dir()))
			}
			if kind != "video" {
				continue
			}
			if args["src"] == "" && args["webm"] == "" {
				add(Error, p.File, field, "video has no src=\"….mp4\" (or webm=\"….webm\"); name the video file in the page's folder")
			}
			for _, k := range []string{"src", "webm"} {
				if f := args[k]; f != "" && !has(f) {
					add(Error, p.File, field, "video file '%s' is not in the folder %s; add the file or correct the name", f, path.Join("content", p.Dir()))
				}
			}
			switch c := args["captions"]; {
			case c == "":
				add(Error, p.File, field, "video has no captions=\"….vtt\"; add subtitles (WebVTT) in the page's language, for visitors who cannot hear it")
			case !strings.HasSuffix(strings.ToLower(c), ".vtt"):
				add(Error, p.File, field, "captions '%s' is not a WebVTT file (.vtt)", c)
			case !has(c):
				add(Error, p.File, field, "captions '%s' is not in the folder %s; add the file or correct the name", c, path.Join("content", p.Dir()))
			}
		}
	}
}

func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
