// Package words is the one translation source of the checkout sidecar:
// the words of its pages, e-mails and the test payment page. They live in
// the theme's i18n/<lang>.toml (Hugo's format), under the prefixes
// checkout., mail., pay. and country.; the theme's copy is embedded as the
// default and a shop's own files (carried in the build, see docs/theme.md)
// are laid over it with Override.
package words

import (
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"sort"
	"strings"
	"sync/atomic"

	toml "github.com/pelletier/go-toml/v2"

	storefront "github.com/storefront/storefront/themes/storefront"
)

// Table is the words per language: lang → key → text.
type Table map[string]map[string]string

// Fallback is the language asked for a key a language lacks.
const Fallback = "nl"

var (
	embedded Table
	current  atomic.Pointer[Table]
)

func init() {
	t, err := Parse(storefront.I18n, "i18n")
	if err != nil {
		panic(fmt.Sprintf("embedded theme translations: %v", err))
	}
	embedded = t
	current.Store(&t)
}

// Embedded is the theme's words as built into the binary.
func Embedded() Table { return embedded }

// Current is the table in use (the embedded one with any override on top).
func Current() Table { return *current.Load() }

// One is the suffix of a key's singular form: a key written in Hugo's
// plural shape, a table with one and other, is kept as key (other) and
// key+One (one).
const One = "#one"

// Parse reads dir/<lang>.toml from fsys. Both of Hugo's shapes are read:
// key = "text", and a table per key with an "other" text (and its "one",
// see One). Nested tables join their names with a dot.
func Parse(fsys fs.FS, dir string) (Table, error) {
	files, err := fs.Glob(fsys, path.Join(dir, "*.toml"))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	t := Table{}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f, err)
		}
		m, err := ParseFile(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		lang := strings.ToLower(strings.TrimSuffix(path.Base(f), ".toml"))
		t[lang] = m
	}
	return t, nil
}

// ParseFile reads one Hugo i18n TOML file into key → text.
func ParseFile(b []byte) (map[string]string, error) {
	var raw map[string]any
	if err := toml.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	out := map[string]string{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			switch v := v.(type) {
			case string:
				out[prefix+k] = v
			case map[string]any:
				if other, ok := v["other"].(string); ok {
					out[prefix+k] = other
					if one, ok := v["one"].(string); ok {
						out[prefix+k+One] = one
					}
					continue
				}
				walk(prefix+k+".", v)
			}
		}
	}
	walk("", raw)
	return out, nil
}

// Override lays over on top of the embedded words (a shop's own
// translations) and makes the result current. A nil or empty over goes
// back to the embedded words.
func Override(over Table) {
	t := Table{}
	for lang, m := range embedded {
		t[lang] = make(map[string]string, len(m))
		for k, v := range m {
			t[lang][k] = v
		}
	}
	for lang, m := range over {
		if t[lang] == nil {
			t[lang] = map[string]string{}
		}
		for k, v := range m {
			t[lang][k] = v
		}
	}
	current.Store(&t)
}

// Lookup is key in lang, else in the fallback language.
func Lookup(lang, key string) (string, bool) {
	t := *current.Load()
	if s, ok := t[lang][key]; ok {
		return s, true
	}
	s, ok := t[Fallback][key]
	return s, ok
}

// F is key in lang (see T) with args put in (fmt.Sprintf). A key with
// plural forms takes the form of its count, the first integer argument:
// one for 1, other for every other number (the rule of Dutch and English),
// so "%d punt" / "%d punten" and never "%d punt(en)". The one form is taken
// only from the table the key itself comes from, so the two never mix
// languages.
func F(lang, key string, args ...any) string {
	text := T(lang, key)
	if n, ok := count(args); ok && n == 1 {
		t := *current.Load()
		l := lang
		if _, ok := t[l][key]; !ok {
			l = Fallback
		}
		if one, ok := t[l][key+One]; ok {
			text = one
		}
	}
	if len(args) == 0 {
		return text
	}
	return fmt.Sprintf(text, args...)
}

// count is the first integer argument.
func count(args []any) (int64, bool) {
	for _, a := range args {
		r := reflect.ValueOf(a)
		switch {
		case r.CanInt():
			return r.Int(), true
		case r.CanUint():
			return int64(min(r.Uint(), 2)), true // 1 or not is all that counts
		}
	}
	return 0, false
}

// T is key in lang (or the fallback language), else the key itself.
func T(lang, key string) string {
	if s, ok := Lookup(lang, key); ok {
		return s
	}
	return key
}

// Section is the words under prefix in lang (fallback language for the
// keys lang lacks), with the prefix cut off: Section("en", "mail.") holds
// "confirm.subject" for "mail.confirm.subject".
func Section(lang, prefix string) map[string]string {
	t := *current.Load()
	out := map[string]string{}
	for _, l := range []string{Fallback, lang} {
		for k, v := range t[l] {
			if strings.HasPrefix(k, prefix) {
				out[k[len(prefix):]] = v
			}
		}
	}
	return out
}

// Langs is the languages the current table holds, sorted.
func Langs() []string {
	t := *current.Load()
	var out []string
	for l := range t {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}
