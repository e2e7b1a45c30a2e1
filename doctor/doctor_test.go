package doctor

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// fixture copies testdata/doctor/base and lays testdata/doctor/<name> over it:
// its files replace the base's, and the paths listed in its _delete file are removed.
func fixture(t *testing.T, name string) string {
	t.Helper()
	dst := t.TempDir()
	copyTree(t, filepath.Join("..", "testdata", "doctor", "base"), dst)
	if name == "base" {
		return dst
	}
	over := filepath.Join("..", "testdata", "doctor", name)
	if _, err := os.Stat(over); err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	copyTree(t, over, dst)
	if b, err := os.ReadFile(filepath.Join(over, "_delete")); err == nil {
		for _, rel := range strings.Fields(string(b)) {
			if err := os.Remove(filepath.Join(dst, rel)); err != nil {
				t.Fatal(err)
			}
		}
		os.Remove(filepath.Join(dst, "_delete"))
	}
	return dst
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

type want struct {
	sev   Severity
	file  string
	field string
}

func TestCheckFixtures(t *testing.T) {
	const (
		guji   = "content/products/guji/index.md"
		gujiEN = "content/products/guji/index.en.md"
		v60    = "content/products/v60/index.md"
		story  = "content/stories/bezoek/index.md"
	)
	tests := []struct {
		fixture string
		want    []want
		// words the message must contain, for the first finding
		says string
	}{
		{"base", nil, ""},
		{"missing-alt", []want{{Error, guji, "images[1].alt"}}, "no alt text"},
		{"duplicate-sku", []want{{Error, guji, "variants[1].sku"}, {Error, v60, "sku"}}, "KOF-GUJI-250"},
		{"bad-price", []want{{Error, v60, "price"}}, "more than two decimals"},
		{"zero-variant-price", []want{{Error, guji, "variants[2].price"}}, "more than zero"},
		{"missing-photo", []want{{Error, v60, "images[1].src"}}, "v60-front.png"},
		{"no-photos", []want{{Error, v60, "images"}}, "at least one photo"},
		{"short-body", []want{{Warning, v60, "body"}}, "short"},
		{"no-specs", []want{{Error, v60, "specs"}}, "specifications"},
		{"unknown-category", []want{{Error, v60, "categories"}}, `"thee"`},
		{"unknown-delivery-class", []want{{Error, v60, "delivery_class"}}, `"express"`},
		{"no-vat", []want{{Error, v60, "vat"}}, "VAT class"},
		{"broken-link", []want{{Error, story, "body (line 10)"}, {Error, story, "body (line 10)"}}, "bestaat-niet"},
		{"translation-category", []want{{Error, gujiEN, "categories"}}, `"coffee"`},
		{"unknown-maker", []want{{Error, guji, "maker"}}, `"niemand"`},
		{"bad-front-matter", []want{{Error, v60, "front matter"}}, "cannot be read"},
		{"story-image-alt", []want{{Error, story, "image_alt"}}, "cover.jpg"},
		{"story-no-title", []want{{Error, story, "title"}}, "no title"},
		{"missing-body-image", []want{{Error, v60, "body (line 19)"}}, "v60-top.png"},
		{"missing-terms", []want{{Error, "content/retourneren.en.md", ""}}, "return terms"},
		// Registered for OSS, shipping to DE without German rates; to BE with
		// a class missing (issue 10 §2).
		{"oss-no-rates", []want{{Error, "data/vat.toml", "rates.DE"}}, "DE"},
		{"oss-rate-gap", []want{{Error, "data/vat.toml", "rates.BE.reduced"}}, "reduced"},
		// A country written out is offered at checkout with no method that
		// matches it; the shop's own country, where the checkout starts,
		// has no method at all.
		{"ship-countries", []want{{Error, "data/shipping.toml", "methods[0] (dhl-de).countries"}, {Error, "data/shipping.toml", "methods"}}, "own country NL"},
		{"archetype-text", []want{{Error, story, "body (line 12)"}}, "Write the story here"},
		{"archetype-text-i18n", []want{{Error, v60, "body (line 17)"}}, "Vertel hier het verhaal"},
		{"empty-spec", []want{{Error, v60, "specs.Herkomst"}}, `"Herkomst" has no value`},
		{"missing-translation", []want{{Error, v60, ""}}, "content/products/v60/index.en.md"},
		{"video-checks", []want{{Error, story, "body (line 12)"}, {Error, story, "body (line 14)"}, {Error, story, "body (line 14)"}}, "captions"},
		// Issue 13: the terms page in each language, KvK and VAT number set.
		{"missing-conditions", []want{{Error, "content/algemene-voorwaarden.en.md", ""}}, "terms and conditions"},
		{"no-kvk", []want{{Error, "data/shop.toml", "kvk"}, {Error, "data/shop.toml", "vat_id"}}, "KvK"},
		// Issue 15: discount codes that live in git, named by code and field.
		// The EU rule: a "was" price is the lowest price of the 30 days
		// before the reduction, and the price history must show it.
		{"was-no-history", []want{{Error, v60, "was"}}, "shop prices record"},
		{"was-not-lowest", []want{{Error, v60, "was"}}, "€ 22,50"},
		{"was-backed", nil, ""},
		{"bad-codes", []want{{Error, "data/codes.toml", "code[0] (HERFST).percent"}, {Error, "data/codes.toml", "code[1] (THEE10).categories"}}, "1 to 100"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			s, err := Load(fixture(t, tt.fixture))
			if err != nil {
				t.Fatal(err)
			}
			r := NewReport(s, Check(s))
			var got []want
			for _, f := range r.Findings {
				got = append(got, want{f.Severity, f.File, f.Field})
			}
			sortWants(got)
			exp := append([]want(nil), tt.want...)
			sortWants(exp)
			if !equalWants(got, exp) {
				t.Fatalf("findings:\n%s\nwant (severity, file, field): %v", describe(r.Findings), exp)
			}
			if tt.says != "" && !strings.Contains(r.Findings[0].Message, tt.says) {
				t.Errorf("first finding %q does not mention %q", r.Findings[0], tt.says)
			}
		})
	}
}

func sortWants(w []want) {
	sort.Slice(w, func(i, j int) bool {
		if w[i].file != w[j].file {
			return w[i].file < w[j].file
		}
		return w[i].field < w[j].field
	})
}

func equalWants(a, b []want) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func describe(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + string(f.Severity) + " " + f.String() + "\n")
	}
	return b.String()
}

func TestReportOutput(t *testing.T) {
	s, err := Load(fixture(t, "missing-alt"))
	if err != nil {
		t.Fatal(err)
	}
	r := NewReport(s, Check(s))
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	wantLine := "ERROR   content/products/guji/index.md: images[1].alt: photo 'zak.jpg' has no alt text; describe what is on the photo for blind visitors"
	if !strings.Contains(text.String(), wantLine) {
		t.Errorf("text output:\n%s\nwant line:\n%s", text.String(), wantLine)
	}
	if !strings.Contains(text.String(), "1 error,") {
		t.Errorf("summary does not count 1 error:\n%s", text.String())
	}
	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatalf("json output does not parse: %v", err)
	}
	if back.Errors != 1 || len(back.Findings) != 1 || back.Findings[0].Field != "images[1].alt" || back.Products != 2 {
		t.Errorf("json report = %+v", back)
	}
}

func TestParsePrice(t *testing.T) {
	tests := []struct {
		in    any
		cents int
		ok    bool
	}{
		{24.95, 2495, true},
		{14.5, 1450, true},
		{24, 2400, true},
		{int64(3), 300, true},
		{"24,95", 0, false},
		{"24.95", 0, false},
		{0.1 + 0.2, 30, true},
		{24.955, 0, false},
		{0, 0, false},
		{-1.5, 0, false},
		{"gratis", 0, false},
		{nil, 0, false},
		{true, 0, false},
	}
	for _, tt := range tests {
		c, err := parsePrice(tt.in)
		if (err == nil) != tt.ok || c != tt.cents {
			t.Errorf("parsePrice(%v) = %d, %v; want %d, ok=%v", tt.in, c, err, tt.cents, tt.ok)
		}
	}
}

func TestPageURL(t *testing.T) {
	s := &Site{DefaultLang: "nl", Langs: []string{"nl", "en"}, Permalinks: map[string]map[string]string{
		"nl": {"products": "/producten/:contentbasename/"},
		"en": {"products": "/products/:slug/"},
	}}
	tests := []struct {
		page Page
		want string
	}{
		{Page{Path: "products/guji/index.md", Lang: "nl"}, "/producten/guji/"},
		{Page{Path: "products/guji/index.md", Lang: "en", Params: map[string]any{"title": "Ethiopia Guji"}}, "/en/products/ethiopia-guji/"},
		{Page{Path: "levering.md", Lang: "nl"}, "/levering/"},
		{Page{Path: "levering.md", Lang: "en", Params: map[string]any{"slug": "delivery"}}, "/en/delivery/"},
		{Page{Path: "makers/guji/index.md", Lang: "en"}, "/en/makers/guji/"},
		{Page{Path: "makers/_index.md", Lang: "nl"}, "/makers/"},
		{Page{Path: "_index.md", Lang: "en"}, "/en/"},
	}
	for _, tt := range tests {
		if got := s.pageURL(&tt.page); got != tt.want {
			t.Errorf("pageURL(%s, %s) = %q, want %q", tt.page.Path, tt.page.Lang, got, tt.want)
		}
	}
}
