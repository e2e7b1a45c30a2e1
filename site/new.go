package site

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/gohugoio/hugo/parser/metadecoders"
)

// Kinds maps what an editor asks for (`shop new product`) to its content section.
var Kinds = map[string]string{
	"product": "products",
	"story":   "stories",
	"guide":   "guides",
	"maker":   "makers",
}

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Slugify suggests a valid folder name for a name an editor typed.
func Slugify(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	repl := strings.NewReplacer("ë", "e", "é", "e", "è", "e", "ï", "i", "ö", "o", "ü", "u", "á", "a", "à", "a", "ç", "c")
	name = repl.Replace(name)
	var b strings.Builder
	dash := false
	for _, r := range name {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-")
}

// New creates a page bundle content/<section>/<name>/ from the theme's (or
// the site's own) archetype for kind, and returns the files it wrote,
// relative to src.
func New(src, kind, name string) ([]string, error) {
	section, ok := Kinds[kind]
	if !ok {
		return nil, fmt.Errorf("unknown kind %q: use product, story, guide or maker", kind)
	}
	if !slugRe.MatchString(name) {
		s := Slugify(name)
		if s == "" {
			return nil, fmt.Errorf("%q cannot be a page name: use lower case letters, digits and hyphens", name)
		}
		return nil, fmt.Errorf("%q cannot be a page name: it becomes the web address, so use lower case letters, digits and hyphens, for example %q", name, s)
	}
	src, err := filepath.Abs(src)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(src, "hugo.toml")); err != nil {
		return nil, fmt.Errorf("no hugo.toml in %s: run shop new in the shop's folder or point at it with -s", src)
	}
	bundle := filepath.Join(src, "content", section, name)
	if _, err := os.Stat(bundle); err == nil {
		return nil, fmt.Errorf("content/%s/%s already exists; choose another name or edit that page", section, name)
	}
	// A directory archetype (archetypes/products/index.md, index.en.md) makes
	// the whole bundle; a file archetype (archetypes/products.md) makes index.md.
	target := section + "/" + name
	if !hasDirArchetype(src, section) {
		target += "/index.md"
	}
	_, stderr, err := runHugo([]string{"new", "content", "-s", src, target}, nil)
	if err != nil {
		msgs := parseLog(stderr, src)
		if len(msgs.Errors) > 0 {
			return nil, fmt.Errorf("create %s: %s", target, strings.Join(msgs.Errors, "; "))
		}
		return nil, fmt.Errorf("create %s: %w", target, err)
	}
	var files []string
	err = filepath.Walk(bundle, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if !info.IsDir() {
			rel, _ := filepath.Rel(src, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hugo made no page at content/%s: %w", target, err)
	}
	sort.Strings(files)
	return files, nil
}

// hasDirArchetype reports a directory archetype for section in the site's
// own archetypes/ or in its theme's (theme and themesDir from hugo.toml).
func hasDirArchetype(src, section string) bool {
	dirs := []string{filepath.Join(src, "archetypes", section)}
	themesDir, themes := "themes", []string{}
	if b, err := os.ReadFile(filepath.Join(src, "hugo.toml")); err == nil {
		if cfg, err := metadecoders.Default.UnmarshalToMap(b, metadecoders.TOML); err == nil {
			if d, ok := cfg["themesDir"].(string); ok && d != "" {
				themesDir = d
			}
			switch t := cfg["theme"].(type) {
			case string:
				themes = append(themes, t)
			case []any:
				for _, x := range t {
					themes = append(themes, fmt.Sprint(x))
				}
			}
		}
	}
	if !filepath.IsAbs(themesDir) {
		themesDir = filepath.Join(src, themesDir)
	}
	for _, t := range themes {
		dirs = append(dirs, filepath.Join(themesDir, t, "archetypes", section))
	}
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}
