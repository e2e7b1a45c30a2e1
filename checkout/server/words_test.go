package server

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/words"
)

// Keys the pages and the Go code name literally: {{t $l "key"}},
// {{tf $l "key" …}} in templates/*.html, web.T(lang, "key") in Go.
var (
	tmplKey = regexp.MustCompile(`\btf? +[$.\w]+ +"([A-Za-z0-9_.-]+)"`)
	goKey   = regexp.MustCompile(`(?:\bweb\.|[^.\w])T\([^,()]+, "([A-Za-z0-9_.-]+)"\)`)
)

// TestEveryPhraseKeyIsInDutchAndEnglish fails on a key a page or the Go
// code uses that the translation source (the theme's i18n/nl.toml and
// en.toml) lacks in either language: the page would show the raw key.
func TestEveryPhraseKeyIsInDutchAndEnglish(t *testing.T) {
	// The templates and words are in package web; the resources' Go files
	// are here and in the packages under checkout/server.
	tmpl, _ := filepath.Glob("*/templates/*.html")
	var gos []string
	all, _ := filepath.Glob("*.go")
	sub, _ := filepath.Glob("*/*.go")
	all = append(all, sub...)
	for _, f := range all {
		if !strings.HasSuffix(f, "_test.go") {
			gos = append(gos, f)
		}
	}
	if len(tmpl) < 5 || len(gos) < 10 {
		t.Fatalf("found %d templates and %d Go files: run in checkout/server", len(tmpl), len(gos))
	}
	seen := 0
	check := func(files []string, re *regexp.Regexp) {
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				seen++
				for _, lang := range []string{"nl", "en"} {
					if _, ok := words.Embedded()[lang]["checkout."+m[1]]; !ok {
						t.Errorf("%s: key %q is missing in i18n/%s.toml (as checkout.%s)", f, m[1], lang, m[1])
					}
				}
			}
		}
	}
	check(tmpl, tmplKey)
	check(gos, goKey)
	if seen < 200 { // about 400 today
		t.Errorf("only %d keys found: the patterns no longer match how keys are written", seen)
	}
}
