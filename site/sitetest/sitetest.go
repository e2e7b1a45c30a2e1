// Package sitetest holds test set-up shared by the packages that build
// fixture shops with the real theme (site, cmd/shop).
package sitetest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// UseRepoConfig gives a fixture shop the repository's own hugo.toml and
// data/*.toml (the theme's configuration evolves with the theme), keeping the
// fixture's content and reviews, and points it at the repository's theme.
func UseRepoConfig(t testing.TB, dst, root string) {
	t.Helper()
	themes, _ := filepath.Abs(filepath.Join(root, "themes"))
	cfg, err := os.ReadFile(filepath.Join(root, "hugo.toml"))
	if err != nil {
		// No repository config: keep the fixture's, with an absolute theme path.
		cfg, err = os.ReadFile(filepath.Join(dst, "hugo.toml"))
		if err != nil {
			t.Fatal(err)
		}
		cfg = regexp.MustCompile(`(?m)^themesDir = .*$`).ReplaceAll(cfg, []byte(fmt.Sprintf("themesDir = %q", themes)))
	} else {
		cfg = regexp.MustCompile(`(?m)^themesDir = .*\n`).ReplaceAll(cfg, nil)
		cfg = regexp.MustCompile(`(?m)^baseURL = .*$`).ReplaceAll(cfg, []byte(`baseURL = "https://fixture.example/"`))
		cfg = regexp.MustCompile(`(?m)^theme = .*$`).ReplaceAll(cfg, []byte(fmt.Sprintf("theme = \"storefront\"\nthemesDir = %q", themes)))
		data, _ := filepath.Glob(filepath.Join(root, "data", "*.toml"))
		for _, f := range data {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dst, "data", filepath.Base(f)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(dst, "hugo.toml"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
}
