package doctor

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/gohugoio/hugo/parser/metadecoders"
	"github.com/gohugoio/hugo/parser/pageparser"
)

// Load reads the site in dir: its configuration (hugo.toml), data/shop.toml,
// data/delivery.toml and every Markdown file under content/.
func Load(dir string) (*Site, error) {
	s := &Site{
		ContentFiles: map[string]bool{},
		StaticFiles:  map[string]bool{},
		Permalinks:   map[string]map[string]string{},
	}
	cfg, err := readConfig(dir)
	if err != nil {
		return nil, err
	}
	contentDirs := s.applyConfig(cfg)

	if shop, err := readData(dir, "shop"); err != nil {
		return nil, err
	} else if shop != nil {
		s.Categories, s.CategoryIn = categories(first(shop, "categories"), s.DefaultLang, s.Langs)
		s.VATClasses = keysOf(first(shop, "vat", "vat_classes", "vat_rates", "vatclasses"))
		s.ShopCountry, _ = first(shop, "country").(string)
		s.ShopKvK, _ = first(shop, "kvk").(string) // legal.go
		s.ShopVATID, _ = first(shop, "vat_id").(string)
		s.ShopFile = dataPath(dir, "shop")
		s.loadGiftCards(shop) // giftcard.go
	}
	if err := s.loadVAT(dir); err != nil {
		return nil, err
	}
	if err := s.loadCodes(dir); err != nil {
		return nil, err
	}
	if err := s.loadPriceHistory(dir); err != nil {
		return nil, err
	}
	if del, err := readData(dir, "delivery"); err != nil {
		return nil, err
	} else if del != nil {
		s.DeliveryClasses = keysOf(first(del, "classes", "delivery_classes"))
	}

	staticDirs := []string{filepath.Join(dir, "static")}
	if theme, _ := cfg["theme"].(string); theme != "" {
		staticDirs = append(staticDirs, filepath.Join(dir, "themes", theme, "static"))
	}
	if s.Instructions, err = loadInstructions(dir, cfg); err != nil {
		return nil, err
	}
	for _, sd := range staticDirs {
		if err := walkFiles(sd, func(rel string) error { s.StaticFiles[rel] = true; return nil }); err != nil {
			return nil, err
		}
	}

	for _, cd := range contentDirs {
		root := filepath.Join(dir, cd.dir)
		err := walkFiles(root, func(rel string) error {
			s.ContentFiles[rel] = true
			if !strings.HasSuffix(rel, ".md") {
				return nil
			}
			p, err := s.loadPage(root, rel, cd)
			if err != nil {
				return err
			}
			p.File = path.Join(filepath.ToSlash(cd.dir), rel)
			s.Pages = append(s.Pages, p)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(s.Pages, func(i, j int) bool { return s.Pages[i].File < s.Pages[j].File })
	return s, nil
}

type contentDir struct {
	dir  string // relative to the site
	lang string // "" = language from the file name
}

func readConfig(dir string) (map[string]any, error) {
	for _, name := range []string{"hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read site configuration: %w", err)
		}
		m, err := metadecoders.Default.UnmarshalToMap(b, metadecoders.FormatFromString(path.Ext(name)[1:]))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return m, nil
	}
	return nil, fmt.Errorf("no hugo.toml in %s: is this a shop's folder? Use -s to point at it", dir)
}

func (s *Site) applyConfig(cfg map[string]any) []contentDir {
	s.DefaultLang = "en"
	if v, ok := lookup(cfg, "defaultContentLanguage"); ok {
		s.DefaultLang = fmt.Sprint(v)
	}
	if v, ok := lookup(cfg, "defaultContentLanguageInSubdir"); ok {
		s.DefaultLangInSubdir, _ = v.(bool)
	}
	dirs := []contentDir{{dir: "content"}}
	if v, ok := lookup(cfg, "contentDir"); ok {
		dirs[0].dir = fmt.Sprint(v)
	}
	s.Langs = []string{s.DefaultLang}
	langs, _ := lookup(cfg, "languages")
	lm, _ := asMap(langs)
	var others []string
	for code, v := range lm {
		if code != s.DefaultLang {
			others = append(others, code)
		}
		l, _ := asMap(v)
		if cd, ok := lookup(l, "contentDir"); ok && fmt.Sprint(cd) != dirs[0].dir {
			dirs = append(dirs, contentDir{dir: fmt.Sprint(cd), lang: code})
		}
		if pl, ok := lookup(l, "permalinks"); ok {
			s.Permalinks[code] = permalinks(pl)
		}
	}
	sort.Strings(others)
	s.Langs = append(s.Langs, others...)
	if pl, ok := lookup(cfg, "permalinks"); ok {
		s.Permalinks[""] = permalinks(pl)
	}
	s.Taxonomies = []string{"categories", "tags"}
	if tx, ok := lookup(cfg, "taxonomies"); ok {
		m, _ := asMap(tx)
		s.Taxonomies = nil
		for _, plural := range m {
			s.Taxonomies = append(s.Taxonomies, fmt.Sprint(plural))
		}
		sort.Strings(s.Taxonomies)
	}
	return dirs
}

// permalinks flattens Hugo's permalink config: either {section: pattern} or
// {page: {section: pattern}, term: {...}, section: {...}, taxonomy: {...}}.
// Page and term patterns win over list patterns.
func permalinks(v any) map[string]string {
	out := map[string]string{}
	m, _ := asMap(v)
	for _, kind := range []string{"section", "taxonomy", "term", "page"} {
		if sub, ok := asMap(m[kind]); ok {
			if kind == "section" || kind == "taxonomy" {
				continue // list pages: their URL comes from the section itself
			}
			for k, pat := range sub {
				out[k] = fmt.Sprint(pat)
			}
		}
	}
	for k, pat := range m {
		if s, ok := pat.(string); ok {
			out[k] = s
		}
	}
	return out
}

func readData(dir, name string) (map[string]any, error) {
	for _, ext := range []string{"toml", "yaml", "yml", "json"} {
		rel := path.Join("data", name+"."+ext)
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", rel, err)
		}
		m, err := metadecoders.Default.UnmarshalToMap(b, metadecoders.FormatFromString(ext))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rel, err)
		}
		return m, nil
	}
	return nil, nil
}

func first(m map[string]any, keys ...string) any {
	for _, k := range keys {
		if v, ok := lookup(m, k); ok {
			return v
		}
	}
	return nil
}

// keysOf reads the names of a configured set: the keys of a table
// ([categories.koffie]) or the slug/id/key/name of each element of a list.
func keysOf(v any) map[string]bool {
	if v == nil {
		return nil
	}
	out := map[string]bool{}
	if m, ok := asMap(v); ok {
		for k := range m {
			out[k] = true
		}
		return out
	}
	l, _ := asList(v)
	for _, e := range l {
		if s, ok := e.(string); ok {
			out[s] = true
			continue
		}
		m, _ := asMap(e)
		if k := first(m, "slug", "id", "key", "name"); k != nil {
			out[fmt.Sprint(k)] = true
		}
	}
	return out
}

func walkFiles(root string, fn func(rel string) error) error {
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && p != root {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		return fn(filepath.ToSlash(rel))
	})
	if os.IsNotExist(err) {
		return nil
	}
	return err
}

func (s *Site) loadPage(root, rel string, cd contentDir) (*Page, error) {
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", rel, err)
	}
	p := &Page{Path: rel, Lang: cd.lang}
	// Language from the file name: index.en.md.
	base := path.Base(rel)
	parts := strings.Split(base, ".")
	if len(parts) >= 3 {
		code := parts[len(parts)-2]
		for _, l := range s.Langs {
			if l == code {
				if p.Lang == "" {
					p.Lang = code
				}
				p.Path = path.Join(path.Dir(rel), strings.Join(append(parts[:len(parts)-2], parts[len(parts)-1]), "."))
			}
		}
	}
	if p.Lang == "" {
		p.Lang = s.DefaultLang
	}
	cf, err := pageparser.ParseFrontMatterAndContent(bytes.NewReader(b))
	if err != nil {
		// A page whose front matter does not parse is the first thing to fix.
		p.Params = map[string]any{"_parseError": err.Error()}
		p.Body = ""
		p.BodyLine = 1
		return p, nil
	}
	p.Params = cf.FrontMatter
	if p.Params == nil {
		p.Params = map[string]any{}
	}
	p.Body = string(cf.Content)
	p.BodyLine = 1 + bytes.Count(b[:len(b)-len(cf.Content)], []byte("\n"))
	return p, nil
}

// categories reads data/shop.toml's [[categories]]: slug_<lang> per language
// (or a plain slug). It returns the default-language slugs and, per other
// language, the translated slug of each.
func categories(v any, def string, langs []string) (map[string]bool, map[string]map[string]string) {
	if v == nil {
		return nil, nil
	}
	l, ok := asList(v)
	if !ok {
		return keysOf(v), nil
	}
	known := map[string]bool{}
	in := map[string]map[string]string{}
	for _, e := range l {
		m, _ := asMap(e)
		base := first(m, "slug_"+def, "slug", "id", "key", "name")
		if base == nil {
			if s, ok := e.(string); ok {
				known[s] = true
			}
			continue
		}
		b := fmt.Sprint(base)
		known[b] = true
		for _, lang := range langs {
			if lang == def {
				continue
			}
			if in[lang] == nil {
				in[lang] = map[string]string{}
			}
			if t := first(m, "slug_"+lang); t != nil {
				in[lang][b] = fmt.Sprint(t)
			} else {
				in[lang][b] = b
			}
		}
	}
	return known, in
}

var i18nCallRe = regexp.MustCompile(`^\{\{-?\s*i18n\s+"([^"]+)"\s*-?\}\}$`)

// loadInstructions reads the body text of the archetypes (archetypes/ of the
// site and of its theme): the lines `shop new` writes for the editor to
// replace. A body line that is {{ i18n "key" }} stands for that phrase in
// every language of the site's and theme's i18n/ files.
func loadInstructions(dir string, cfg map[string]any) ([]string, error) {
	roots := []string{dir}
	if theme, _ := cfg["theme"].(string); theme != "" {
		themes := filepath.Join(dir, "themes")
		if td, _ := cfg["themesDir"].(string); td != "" {
			themes = td
			if !filepath.IsAbs(td) {
				themes = filepath.Join(dir, td)
			}
		}
		roots = append(roots, filepath.Join(themes, theme))
	}
	phrases := map[string][]string{} // i18n key -> values in every language
	for _, r := range roots {
		err := walkFiles(filepath.Join(r, "i18n"), func(rel string) error {
			ext := strings.TrimPrefix(path.Ext(rel), ".")
			b, err := os.ReadFile(filepath.Join(r, "i18n", rel))
			if err != nil {
				return fmt.Errorf("read i18n/%s: %w", rel, err)
			}
			m, err := metadecoders.Default.UnmarshalToMap(b, metadecoders.FormatFromString(ext))
			if err != nil {
				return nil // the build reports a broken translation file
			}
			for k, v := range m {
				if sv, ok := v.(string); ok {
					phrases[k] = append(phrases[k], sv)
				} else if mv, ok := v.(map[string]any); ok { // key = { other = "…" }
					if o, ok := mv["other"].(string); ok {
						phrases[k] = append(phrases[k], o)
					}
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{}
	var out []string
	addLines := func(text string) {
		for _, l := range strings.Split(text, "\n") {
			l = strings.Join(strings.Fields(l), " ")
			if len([]rune(l)) >= 20 && !strings.Contains(l, "{{") && !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
		}
	}
	for _, r := range roots {
		err := walkFiles(filepath.Join(r, "archetypes"), func(rel string) error {
			if !strings.HasSuffix(rel, ".md") {
				return nil
			}
			b, err := os.ReadFile(filepath.Join(r, "archetypes", rel))
			if err != nil {
				return fmt.Errorf("read archetypes/%s: %w", rel, err)
			}
			body := string(b)
			// the body is what follows the second --- line
			if parts := strings.SplitN(body, "\n---", 3); len(parts) == 3 {
				body = parts[2]
				if i := strings.Index(body, "\n"); i >= 0 {
					body = body[i+1:]
				}
			}
			for _, l := range strings.Split(body, "\n") {
				if m := i18nCallRe.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
					for _, v := range phrases[m[1]] {
						addLines(v)
					}
					continue
				}
				addLines(l)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}
