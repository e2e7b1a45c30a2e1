package site

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFooterPointsPlural: the footer's "points per euro" says the count
// with its plural form in both languages (Hugo's one/other, i18n
// footer_points): 1 spaarpunt / 1 loyalty point, n spaarpunten / n
// loyalty points, for 1, 2 and a drawn number.
func TestFooterPointsPlural(t *testing.T) {
	for _, n := range []int{1, 2, 3 + rand.IntN(200)} {
		// The fixture finds the theme at ../../themes.
		root := t.TempDir()
		src := filepath.Join(root, "testdata", "site")
		copyTree(t, filepath.Join("..", "testdata", "site"), src)
		copyTree(t, filepath.Join("..", "themes"), filepath.Join(root, "themes"))
		shop := filepath.Join(src, "data", "shop.toml")
		b, err := os.ReadFile(shop)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(shop, append(b, fmt.Sprintf("\n[loyalty]\npoints_per_euro = %d\npoint_value = 0.05\nmin_redeem = 100\n", n)...), 0o644); err != nil {
			t.Fatal(err)
		}
		dest := filepath.Join(t.TempDir(), "public")
		if _, err := Build(BuildOptions{Source: src, Dest: dest, BaseURL: "https://shop.example/"}); err != nil {
			t.Fatalf("build with %d points per euro: %v", n, err)
		}
		nl, en := fmt.Sprintf("%d spaarpunten per euro", n), fmt.Sprintf("%d loyalty points per euro", n)
		if n == 1 {
			nl, en = "1 spaarpunt per euro", "1 loyalty point per euro"
		}
		for page, want := range map[string]string{"index.html": nl, filepath.Join("en", "index.html"): en} {
			b, err := os.ReadFile(filepath.Join(dest, page))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), want+":") {
				i := strings.Index(string(b), "per euro")
				t.Errorf("%d points per euro: %s does not say %q (%q)", n, page, want, string(b)[max(0, i-40):max(0, i)+20])
			}
		}
	}
}
