package site

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// BenchmarkBuildDemo builds the demo shop (production: minified, fingerprinted,
// images from the resource cache after the first build).
//
//	go test ./site -run '^$' -bench BuildDemo -benchtime 5x
func BenchmarkBuildDemo(b *testing.B) {
	src := demoDir(b)
	dest := filepath.Join(b.TempDir(), "public")
	if _, err := Build(BuildOptions{Source: src, Dest: dest}); err != nil { // prime the image cache
		b.Fatal(err)
	}
	b.ResetTimer()
	var res Result
	for i := 0; i < b.N; i++ {
		var err error
		if res, err = Build(BuildOptions{Source: src, Dest: dest}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(res.Pages), "pages")
	b.ReportMetric(float64(res.SKUs), "skus")
}

// BenchmarkGeneratedShop builds a generated shop (SHOP_BENCH_PRODUCTS, default
// 10000) with `shop build` (our theme, production) and with the same Hugo and a
// bare layout (testdata/themes/bare, no minify: what plain `hugo` does), one
// after the other in each iteration, and reports both and their ratio. Both
// start from a primed resource cache, so photos are not re-encoded.
//
//	SHOP_BENCH_PRODUCTS=10000 go test ./site -run '^$' -bench GeneratedShop -benchtime 1x -timeout 60m
func BenchmarkGeneratedShop(b *testing.B) {
	n := 10000
	if s := os.Getenv("SHOP_BENCH_PRODUCTS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	dir := os.Getenv("SHOP_BENCH_DIR") // reuse a generated shop (and its image cache) between runs
	if dir == "" {
		dir = filepath.Join(b.TempDir(), "shop")
	}
	if _, err := os.Stat(filepath.Join(dir, "hugo.toml")); err != nil {
		gen := exec.Command("go", "run", "./tools/genshop", "-n", strconv.Itoa(n), "-o", dir, "-from", ".")
		gen.Dir = ".."
		if out, err := gen.CombinedOutput(); err != nil {
			b.Fatalf("genshop: %v\n%s", err, out)
		}
	}
	shop := BuildOptions{Source: dir, Dest: filepath.Join(dir, "public-shop")}
	bare := BuildOptions{Source: bareSite(b, dir), Dest: filepath.Join(dir, "public-bare"), NoMinify: true}
	start := time.Now()
	if _, err := Build(shop); err != nil {
		b.Fatal(err)
	}
	b.Logf("first shop build of %s (cold unless its image cache was kept): %s", dir, time.Since(start).Round(time.Millisecond))
	if _, err := Build(bare); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var shopT, bareT time.Duration
	var pages, barePages int
	for i := 0; i < b.N; i++ {
		r, err := Build(shop)
		if err != nil {
			b.Fatal(err)
		}
		shopT += r.Duration
		pages = r.Pages
		r, err = Build(bare)
		if err != nil {
			b.Fatal(err)
		}
		bareT += r.Duration
		barePages = r.Pages
	}
	b.ReportMetric(shopT.Seconds()/float64(b.N), "shop-s/op")
	b.ReportMetric(bareT.Seconds()/float64(b.N), "bare-s/op")
	b.ReportMetric(shopT.Seconds()/bareT.Seconds(), "ratio")
	b.ReportMetric(float64(pages), "shop-pages")
	b.ReportMetric(float64(barePages), "bare-pages")
}

// bareSite makes a site next to dir with the same configuration, content
// and data, but the bare layout of testdata/themes/bare.
func bareSite(b *testing.B, dir string) string {
	cfg, err := os.ReadFile(filepath.Join(dir, "hugo.toml"))
	if err != nil {
		b.Fatal(err)
	}
	themes, _ := filepath.Abs(filepath.Join("..", "testdata", "themes"))
	abs, _ := filepath.Abs(dir)
	cfg = regexp.MustCompile(`(?m)^themesDir = .*\n`).ReplaceAll(cfg, nil)
	cfg = regexp.MustCompile(`(?m)^theme = .*$`).ReplaceAll(cfg, []byte(fmt.Sprintf(
		"theme = \"bare\"\nthemesDir = %q\ncontentDir = %q\ndataDir = %q",
		themes, filepath.Join(abs, "content"), filepath.Join(abs, "data"))))
	bare := dir + "-bare"
	if err := os.MkdirAll(bare, 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bare, "hugo.toml"), cfg, 0o644); err != nil {
		b.Fatal(err)
	}
	return bare
}

var (
	cssRe = regexp.MustCompile(`<link[^>]+rel="?stylesheet"?[^>]*href="?([^" >]+)"?`)
	jsRe  = regexp.MustCompile(`<script[^>]+src="?([^" >]+)"?`)
)

// pageWeight is the bytes of a page's HTML plus the CSS and JS it loads
// from the site (images aside).
func pageWeight(dest, htmlPath string) (int, error) {
	return pageBytes(dest, htmlPath, func(b []byte) int { return len(b) })
}

// pageWeightGzip is pageWeight as sent compressed: each file gzipped on its own
// (best compression, as a CDN does), summed.
func pageWeightGzip(dest, htmlPath string) (int, error) {
	return pageBytes(dest, htmlPath, func(b []byte) int {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		return buf.Len()
	})
}

func pageBytes(dest, htmlPath string, size func([]byte) int) (int, error) {
	html, err := os.ReadFile(htmlPath)
	if err != nil {
		return 0, err
	}
	total := size(html)
	for _, re := range []*regexp.Regexp{cssRe, jsRe} {
		for _, m := range re.FindAllSubmatch(html, -1) {
			ref := regexp.MustCompile(`^https?://[^/]+`).ReplaceAllString(string(m[1]), "")
			if ref == "" || ref[0] != '/' {
				continue
			}
			if filepath.Base(ref) == "livereload.js" {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(ref)))
			if err != nil {
				return 0, fmt.Errorf("%s loads %s: %w", htmlPath, ref, err)
			}
			total += size(b)
		}
	}
	return total, nil
}

// productWeights returns the weight of every product page of the demo build.
func productWeights(t testing.TB) map[string]int {
	return productWeightsBy(t, pageWeight)
}

func productWeightsBy(t testing.TB, weigh func(dest, htmlPath string) (int, error)) map[string]int {
	res := buildDemo(t)
	c := readCatalogTB(t, res.Dest)
	out := map[string]int{}
	for _, it := range c.Items {
		if _, done := out[it.URL]; done {
			continue
		}
		w, err := weigh(res.Dest, filepath.Join(res.Dest, filepath.FromSlash(it.URL), "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		out[it.URL] = w
	}
	return out
}

// The budget: a product page's HTML + CSS + JS under 50 KB, uncompressed.
func TestProductPageWeight(t *testing.T) {
	const budget = 50 * 1024
	for url, w := range productWeights(t) {
		if w > budget {
			t.Errorf("%s weighs %d bytes of HTML+CSS+JS, over the %d byte budget", url, w, budget)
		}
	}
}

// The budget as sent: a product page's HTML + CSS + JS, each gzipped, at
// most 14 KB, with the search form in the header (issue 15).
func TestProductPageGzipBudget(t *testing.T) {
	const budget = 14 * 1024
	res := buildDemo(t)
	if html, err := os.ReadFile(filepath.Join(res.Dest, "producten", "ethiopie-guji", "index.html")); err == nil && !bytes.Contains(html, []byte(`action="/search/"`)) {
		t.Fatal("the product page has no search form in its header: the budget must be measured with it")
	}
	for url, w := range productWeightsBy(t, pageWeightGzip) {
		if w > budget {
			t.Errorf("%s weighs %d bytes of gzipped HTML+CSS+JS, over the %d byte budget", url, w, budget)
		}
	}
}

// BenchmarkProductPageBytes reports the heaviest and the average product page.
//
//	go test ./site -run '^$' -bench ProductPageBytes -benchtime 1x
func BenchmarkProductPageBytes(b *testing.B) {
	ws := productWeights(b)
	max, sum := 0, 0
	for _, w := range ws {
		sum += w
		if w > max {
			max = w
		}
	}
	b.ReportMetric(float64(max), "max-bytes")
	b.ReportMetric(float64(sum)/float64(len(ws)), "avg-bytes")
	gz := productWeightsBy(b, pageWeightGzip)
	max, sum = 0, 0
	for _, w := range gz {
		sum += w
		if w > max {
			max = w
		}
	}
	b.ReportMetric(float64(max), "max-gzip-bytes")
	b.ReportMetric(float64(sum)/float64(len(gz)), "avg-gzip-bytes")
}
