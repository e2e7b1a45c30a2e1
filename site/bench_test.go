package site

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
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
// after the other in each iteration, and reports both and their ratio, in wall
// time and in CPU time (user+sys). Every build runs in a process of its own
// (tools/buildprof, built once, without its profiler), so a build's CPU time and
// peak RSS are its own and not those of a heap the builds before it left behind.
// Both start from a primed resource cache, so photos are not re-encoded.
//
//	SHOP_BENCH_PRODUCTS=10000 go test ./site -run '^$' -bench GeneratedShop -benchtime 1x -timeout 60m
//
// SHOP_BENCH_MODE=books generates the second-hand bookshop instead (genshop -mode
// books); SHOP_BENCH_DIR keeps the generated shop and its image cache between
// runs: when its resources/_gen/images exists, the priming build is skipped.
// It also reports the largest HTML file of the themed build, the files each
// build wrote and each build's peak RSS.
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
		mode := os.Getenv("SHOP_BENCH_MODE") // "books": the second-hand bookshop of issue 17
		if mode == "" {
			mode = "shop"
		}
		gen := exec.Command("go", "run", "./tools/genshop", "-mode", mode, "-n", strconv.Itoa(n), "-o", dir, "-from", ".")
		gen.Dir = ".."
		if out, err := gen.CombinedOutput(); err != nil {
			b.Fatalf("genshop: %v\n%s", err, out)
		}
	}
	tool := filepath.Join(b.TempDir(), "buildprof")
	gobuild := exec.Command("go", "build", "-o", tool, "./tools/buildprof")
	gobuild.Dir = ".."
	if out, err := gobuild.CombinedOutput(); err != nil {
		b.Fatalf("go build ./tools/buildprof: %v\n%s", err, out)
	}
	shop := []string{"-s", dir, "-o", filepath.Join(dir, "public-shop")}
	bare := []string{"-s", bareSite(b, dir), "-o", filepath.Join(dir, "public-bare"), "-nominify"}
	if _, err := os.Stat(filepath.Join(dir, "resources", "_gen", "images")); err != nil {
		r := runBuild(b, tool, shop)
		b.Logf("first shop build of %s (cold): %s wall, %s CPU", dir, r.wall.Round(time.Millisecond), r.cpu.Round(time.Millisecond))
	}
	b.ResetTimer()
	var shopR, bareR childBuild
	for i := 0; i < b.N; i++ {
		r := runBuild(b, tool, shop)
		shopR.add(r)
		r = runBuild(b, tool, bare)
		bareR.add(r)
	}
	b.StopTimer()
	per := func(d time.Duration) float64 { return d.Seconds() / float64(b.N) }
	b.ReportMetric(per(shopR.wall), "shop-s/op")
	b.ReportMetric(per(bareR.wall), "bare-s/op")
	b.ReportMetric(shopR.wall.Seconds()/bareR.wall.Seconds(), "ratio")
	b.ReportMetric(per(shopR.cpu), "shop-cpu-s/op")
	b.ReportMetric(per(bareR.cpu), "bare-cpu-s/op")
	b.ReportMetric(shopR.cpu.Seconds()/bareR.cpu.Seconds(), "cpu-ratio")
	b.ReportMetric(float64(shopR.rssKB)/1024, "shop-peak-rss-MB")
	b.ReportMetric(float64(bareR.rssKB)/1024, "bare-peak-rss-MB")
	b.ReportMetric(float64(shopR.allocMB)/float64(b.N), "shop-alloc-MB/op")
	b.ReportMetric(float64(bareR.allocMB)/float64(b.N), "bare-alloc-MB/op")
	b.ReportMetric(float64(shopR.objects)/float64(bareR.objects), "alloc-ratio")
	b.ReportMetric(float64(shopR.pages), "shop-pages")
	b.ReportMetric(float64(bareR.pages), "bare-pages")
	big, file, files := largestHTML(b, shop[3])
	b.ReportMetric(float64(big), "max-html-bytes")
	b.ReportMetric(float64(files), "html-files")
	b.ReportMetric(float64(countFiles(b, shop[3])), "shop-files")
	b.ReportMetric(float64(countFiles(b, bare[3])), "bare-files")
	b.Logf("largest HTML page: %s (%d bytes) of %d HTML files", file, big, files)
}

// childBuild is what one build process cost (or the sum of several).
type childBuild struct {
	wall, cpu time.Duration
	rssKB     int64 // the largest peak RSS
	pages     int
	// allocMB and objects are what the build allocated (Go's heap): unlike CPU
	// time they hardly depend on what else runs on the machine.
	allocMB, objects int64
}

func (c *childBuild) add(r childBuild) {
	c.wall += r.wall
	c.cpu += r.cpu
	c.rssKB = max(c.rssKB, r.rssKB)
	c.pages = r.pages
	c.allocMB += r.allocMB
	c.objects += r.objects
}

var (
	builtRe = regexp.MustCompile(`built (\d+) pages`)
	allocRe = regexp.MustCompile(`allocated (\d+) MB in (\d+) objects`)
)

// runBuild runs one build as its own process (tools/buildprof with args, no
// profile) into an emptied output folder (args[3], so the files counted are
// this build's) and returns its wall time, CPU time (user+sys of the child)
// and peak RSS.
func runBuild(b *testing.B, tool string, args []string) childBuild {
	if err := os.RemoveAll(args[3]); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(tool, append([]string{"-cpu", ""}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, out.String())
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	r := childBuild{wall: wall, cpu: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), rssKB: ru.Maxrss} // Linux: KB
	if m := builtRe.FindStringSubmatch(out.String()); m != nil {
		r.pages, _ = strconv.Atoi(m[1])
	}
	if m := allocRe.FindStringSubmatch(out.String()); m != nil {
		r.allocMB, _ = strconv.ParseInt(m[1], 10, 64)
		r.objects, _ = strconv.ParseInt(m[2], 10, 64)
	}
	b.Logf("%s: %s", strings.Join(args, " "), strings.TrimSpace(out.String()))
	return r
}

// countFiles is the number of files a build left in dest.
func countFiles(b *testing.B, dest string) int {
	n := 0
	err := filepath.WalkDir(dest, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// largestHTML walks a built site: the biggest .html file, its path and the
// number of HTML files written (Hugo's page count leaves out the facet pages
// the theme publishes itself).
func largestHTML(b *testing.B, dest string) (int64, string, int) {
	var max int64
	var name string
	n := 0
	err := filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		n++
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Size() > max {
			max, name = info.Size(), p
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return max, name, n
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
