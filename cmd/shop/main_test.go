package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/storefront/storefront/site/sitetest"
)

// The test binary doubles as the shop binary: with SHOP_TEST_MAIN=1 it runs
// main, so `shop serve` is tested as a real process with real signals.
func TestMain(m *testing.M) {
	if os.Getenv("SHOP_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func runShop(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageAndExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		code int
		out  string // in stdout or stderr
	}{
		{nil, exitUsage, "Usage: shop <command>"},
		{[]string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{[]string{"help"}, exitOK, "doctor"},
		{[]string{"help", "build"}, exitOK, "Usage: shop build"},
		{[]string{"build", "-h"}, exitOK, "--baseURL"},
		{[]string{"build", "--nope"}, exitUsage, "flag provided but not defined"},
		{[]string{"build", "extra"}, exitUsage, `unexpected argument "extra"`},
		{[]string{"new", "product"}, exitUsage, "give a kind and a name"},
		{[]string{"new", "recipe", "x", "-s", "../../testdata/site"}, exitFail, `unknown kind "recipe"`},
		{[]string{"version"}, exitOK, "Hugo v0.165.0"},
		{[]string{"doctor", "-s", t.TempDir()}, exitFail, "no hugo.toml"},
	}
	for _, tt := range tests {
		code, out, errOut := runShop(tt.args...)
		if code != tt.code || !strings.Contains(out+errOut, tt.out) {
			t.Errorf("shop %s: exit %d, want %d; output does not contain %q?\nstdout: %s\nstderr: %s",
				strings.Join(tt.args, " "), code, tt.code, tt.out, out, errOut)
		}
	}
}

// doctorFixture lays testdata/doctor/<name> over testdata/doctor/base.
func doctorFixture(t *testing.T, name string) string {
	t.Helper()
	dst := t.TempDir()
	copyTree(t, filepath.Join("..", "..", "testdata", "doctor", "base"), dst)
	if name != "base" {
		copyTree(t, filepath.Join("..", "..", "testdata", "doctor", name), dst)
	}
	return dst
}

func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			if rel == "public" || rel == "resources" || rel == "var" {
				return filepath.SkipDir
			}
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

func TestDoctorCommand(t *testing.T) {
	tests := []struct {
		fixture string
		code    int
		line    string
	}{
		{"base", exitOK, "0 errors"},
		{"missing-alt", exitFail, "ERROR   content/products/guji/index.md: images[1].alt: photo 'zak.jpg' has no alt text"},
		{"duplicate-sku", exitFail, `content/products/v60/index.md: sku: SKU "KOF-GUJI-250" is also used in content/products/guji/index.md (variants[1])`},
		{"short-body", exitOK, "WARNING content/products/v60/index.md: body:"},
		{"broken-link", exitFail, "content/stories/bezoek/index.md: body (line 10): link to '/producten/bestaat-niet/' goes nowhere"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			code, out, errOut := runShop("doctor", "-s", doctorFixture(t, tt.fixture))
			if code != tt.code || !strings.Contains(out, tt.line) {
				t.Errorf("exit %d (want %d), stdout lacks %q:\n%s%s", code, tt.code, tt.line, out, errOut)
			}
		})
	}
	t.Run("json", func(t *testing.T) {
		code, out, _ := runShop("doctor", "--json", "-s", doctorFixture(t, "unknown-category"))
		var r struct {
			Errors   int
			Findings []struct{ Severity, File, Field, Message string }
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("--json output does not parse: %v\n%s", err, out)
		}
		if code != exitFail || r.Errors != 1 || r.Findings[0].File != "content/products/v60/index.md" || r.Findings[0].Field != "categories" {
			t.Errorf("exit %d, report %+v", code, r)
		}
	})
}

// The demo shop passes its own content check: no errors.
func TestDoctorDemoShop(t *testing.T) {
	root := filepath.Join("..", "..")
	if _, err := os.Stat(filepath.Join(root, "content", "products")); err != nil {
		t.Skip("no demo shop content yet")
	}
	code, out, errOut := runShop("doctor", "-s", root)
	if code != exitOK {
		t.Errorf("shop doctor on the demo shop: exit %d\n%s%s", code, out, errOut)
	}
}

// fixtureSite copies testdata/site, with the repository's configuration and theme.
func fixtureSite(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	copyTree(t, filepath.Join("..", "..", "testdata", "site"), dst)
	sitetest.UseRepoConfig(t, dst, filepath.Join("..", ".."))
	return dst
}

func TestBuildCommand(t *testing.T) {
	dir := fixtureSite(t)
	dest := filepath.Join(t.TempDir(), "out")
	code, out, errOut := runShop("build", "-s", dir, "-d", dest, "--sidecar", "https://checkout.example.nl")
	if code != exitOK {
		t.Fatalf("build failed (%d):\n%s%s", code, out, errOut)
	}
	if !regexp.MustCompile(`^built \d+ pages, 3 products \(5 SKUs\), \d+ images in \S+ into `).MatchString(out) {
		t.Errorf("summary line = %q", out)
	}
	if b, err := os.ReadFile(filepath.Join(dest, "_redirects")); err != nil || !strings.Contains(string(b), "/api/*") {
		t.Errorf("no _redirects for the sidecar: %v %s", err, b)
	}

	// A content error: the file and the field, without Hugo's stack of noise.
	p := filepath.Join(dir, "content", "products", "hario-v60", "index.md")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, bytes.Replace(b, []byte(`delivery_class: "standard"`), []byte(`delivery_class: "morgen"`), 1), 0o644)
	code, out, errOut = runShop("build", "-s", dir, "-d", dest)
	if code != exitFail {
		t.Fatalf("broken content built (exit %d):\n%s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, `content/products/hario-v60/index.md: field "delivery_class"`) || strings.Contains(errOut, dir) {
		t.Errorf("error does not name the file and field plainly:\n%s", errOut)
	}
}

// shopProcess runs `shop serve` as a child process.
type shopProcess struct {
	cmd  *exec.Cmd
	out  *bytes.Buffer
	url  string
	done chan error
}

func startServe(t testing.TB, dir string) *shopProcess {
	t.Helper()
	return startServeWithin(t, dir, 90*time.Second)
}

// startServeWithin is startServe for a shop whose first build takes longer
// (a generated shop of thousands of products).
func startServeWithin(t testing.TB, dir string, limit time.Duration) *shopProcess {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(os.Args[0], "serve", "-s", dir, "--port", fmt.Sprint(port))
	cmd.Env = append(os.Environ(), "SHOP_TEST_MAIN=1")
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	out := &bytes.Buffer{}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			out.WriteString(line + "\n")
			if strings.Contains(line, "Your shop is running") {
				ready <- line
			}
		}
	}()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &shopProcess{cmd: cmd, out: out, url: fmt.Sprintf("http://localhost:%d", port), done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait(); pw.Close() }()
	t.Cleanup(func() { p.stop(t) })
	select {
	case line := <-ready:
		if !strings.Contains(line, p.url+"/") {
			t.Errorf("serve prints %q, not the URL %s/", line, p.url)
		}
	case err := <-p.done:
		t.Fatalf("serve exited: %v\n%s", err, out)
	case <-time.After(limit):
		t.Fatalf("serve did not start within %s:\n%s", limit, out)
	}
	return p
}

// stop sends Ctrl-C and expects a clean exit.
func (p *shopProcess) stop(t testing.TB) {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("serve did not stop cleanly on Ctrl-C: %v\n%s", err, p.out)
		}
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		t.Errorf("serve did not stop within 15s of Ctrl-C")
	}
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func get(t testing.TB, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// waitFor polls url until its body contains want.
func waitFor(t testing.TB, url, want string, limit time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(limit)
	var body string
	for time.Now().Before(deadline) {
		_, body, _ = get(t, url)
		if strings.Contains(body, want) {
			return body
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never showed %q within %s", url, want, limit)
	return body
}

func TestServe(t *testing.T) {
	dir := fixtureSite(t)
	p := startServe(t, dir)

	code, body, _ := get(t, p.url+"/producten/hario-v60/")
	if code != http.StatusOK || !strings.Contains(body, "Hario V60 dripper 02") {
		t.Fatalf("product page: %d\n%.300s", code, body)
	}
	if !strings.Contains(body, "livereload.js") {
		t.Error("the page has no live reload script")
	}
	if code, js, _ := get(t, p.url+"/livereload.js"); code != http.StatusOK || len(js) < 1000 {
		t.Errorf("/livereload.js through the front server: %d, %d bytes", code, len(js))
	}

	// Edit a product: the page served changes without a restart, and so do
	// the listings it is on: one visited before the edit (Hugo's fast render
	// mode re-renders it with the edit) and ones first visited after it
	// (rendered when asked for).
	if code, body, _ := get(t, p.url+"/categories/zetmateriaal/"); code != http.StatusOK || !strings.Contains(body, "Hario V60 dripper 02") {
		t.Fatalf("category page before the edit: %d\n%.300s", code, body)
	}
	editProduct(t, filepath.Join(dir, "content", "products", "hario-v60", "index.md"), "Hario V60 dripper 02", "Hario V60 dripper 02 (nieuw)")
	waitFor(t, p.url+"/producten/hario-v60/", "Hario V60 dripper 02 (nieuw)", 20*time.Second)
	for _, listing := range []string{"/categories/zetmateriaal/", "/categories/zetmateriaal/price-desc.html", "/tags/v60/", "/producten/"} {
		waitFor(t, p.url+listing, "Hario V60 dripper 02 (nieuw)", 20*time.Second)
	}
	// The header's search index too, though shop serve does not visit the
	// home page whose output it is.
	waitFor(t, p.url+"/search.json", "Hario V60 dripper 02 (nieuw)", 20*time.Second)

	// The sidecar's paths go to the sidecar, not to Hugo.
	code, body, h := get(t, p.url+"/api/cart")
	if strings.Contains(body, "livereload") || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Errorf("/api/cart was not answered by the sidecar: %d %s\n%.300s", code, h.Get("Content-Type"), body)
	}

	// A new price reaches catalog.json (the sidecar's prices) once the
	// checkout is used, even in Hugo's fast render mode.
	editProduct(t, filepath.Join(dir, "content", "products", "hario-v60", "index.md"), "price: 27.50", "price: 28.00")
	waitFor(t, p.url+"/producten/hario-v60/", "28,00", 20*time.Second)
	deadline := time.Now().Add(20 * time.Second)
	for {
		get(t, p.url+"/api/cart")
		_, cat, _ := get(t, p.url+"/catalog.json")
		var c struct {
			Items []struct {
				SKU   string
				Price int
			}
		}
		json.Unmarshal([]byte(cat), &c)
		price := 0
		for _, it := range c.Items {
			if it.SKU == "FIX-V60-02" {
				price = it.Price
			}
		}
		if price == 2800 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("catalog.json never showed the new price 2800:\n%.500s", cat)
		}
		time.Sleep(50 * time.Millisecond)
	}

	p.stop(t)
	if _, err := os.Stat(filepath.Join(dir, "var", "shop.db")); err != nil {
		t.Errorf("serve kept no order database in var/: %v", err)
	}
}

func editProduct(t testing.TB, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s does not contain %q", path, old)
	}
	if err := os.WriteFile(path, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

// demoCopy copies the demo shop at the repository root (content, data,
// config, image cache) to a temporary folder, pointing it at the repository's
// theme, so a benchmark can edit it.
func demoCopy(t testing.TB) string {
	t.Helper()
	root := filepath.Join("..", "..")
	dst := t.TempDir()
	for _, p := range []string{"hugo.toml", "content", "data", "static", "assets", "i18n", "layouts", "archetypes", "resources"} {
		src := filepath.Join(root, p)
		fi, err := os.Stat(src)
		if err != nil {
			continue
		}
		if !fi.IsDir() {
			b, _ := os.ReadFile(src)
			os.WriteFile(filepath.Join(dst, p), b, 0o644)
			continue
		}
		copyTree(t, src, filepath.Join(dst, p))
	}
	themes, _ := filepath.Abs(filepath.Join(root, "themes"))
	cfg := filepath.Join(dst, "hugo.toml")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatalf("no demo shop at the repository root: %v", err)
	}
	b = regexp.MustCompile(`(?m)^theme = .*$`).ReplaceAll(b, []byte(fmt.Sprintf("theme = \"storefront\"\nthemesDir = %q", themes)))
	os.WriteFile(cfg, b, 0o644)
	return dst
}

// BenchmarkServeRebuild measures what an editor waits for in `shop serve`:
// from saving a product's index.md to the changed page being served.
//
//	go test ./cmd/shop -run '^$' -bench ServeRebuild -benchtime 20x
//
// With SHOP_BENCH_DIR it edits a generated shop in place instead of a copy of
// the demo (and puts the file back at the end), e.g. the 20,000-book shop:
//
//	go run ./tools/genshop -mode books -n 20000 -o /tmp/books20k
//	SHOP_BENCH_DIR=/tmp/books20k go test ./cmd/shop -run '^$' -bench 'Serve(Rebuild|AddProduct)' -benchtime 10x -timeout 60m
func BenchmarkServeRebuild(b *testing.B) {
	dir, startup := benchShop(b)
	products, _ := filepath.Glob(filepath.Join(dir, "content", "products", "*", "index.md"))
	if len(products) == 0 {
		b.Fatal("the shop has no products")
	}
	sort.Strings(products)
	file := products[0]
	orig, _ := os.ReadFile(file)
	b.Cleanup(func() { os.WriteFile(file, orig, 0o644) })
	m := regexp.MustCompile(`(?m)^title: "([^"]+)"`).FindSubmatch(orig)
	if m == nil {
		b.Fatalf("%s has no title line", file)
	}
	title := string(m[1])
	slug := filepath.Base(filepath.Dir(file))
	start := time.Now()
	p := startServeWithin(b, dir, startup)
	page := p.url + "/producten/" + slug + "/"
	waitFor(b, page, title, startup)
	b.Logf("shop serve of %s: first page after %s", dir, time.Since(start).Round(time.Millisecond))
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		marker := fmt.Sprintf("%s rev%d", title, i)
		next := bytes.Replace(orig, []byte(`title: "`+title+`"`), []byte(`title: "`+marker+`"`), 1)
		start := time.Now()
		if err := os.WriteFile(file, next, 0o644); err != nil {
			b.Fatal(err)
		}
		for {
			_, body, _ := get(b, page)
			if strings.Contains(body, marker) {
				break
			}
			if time.Since(start) > 30*time.Second {
				b.Fatalf("page never showed %q", marker)
			}
			time.Sleep(2 * time.Millisecond)
		}
		total += time.Since(start)
	}
	b.StopTimer()
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/rebuild")
	b.ReportMetric(float64(len(products)), "products")
}

// benchShop is the shop a serve benchmark edits: $SHOP_BENCH_DIR (a generated
// shop, edited in place), else a copy of the demo shop; and how long its first
// build in shop serve may take.
func benchShop(b *testing.B) (string, time.Duration) {
	if d := os.Getenv("SHOP_BENCH_DIR"); d != "" {
		return d, 60 * time.Minute
	}
	return demoCopy(b), 30 * time.Second
}

// BenchmarkServeAddProduct measures what an editor waits for when adding a
// product in `shop serve`: from writing a new bundle (index.md and photo,
// copied from the first product with a new title and SKUs) to its page
// being served. The new bundles are removed at the end.
//
//	go test ./cmd/shop -run '^$' -bench ServeAddProduct -benchtime 10x
func BenchmarkServeAddProduct(b *testing.B) {
	dir, startup := benchShop(b)
	products, _ := filepath.Glob(filepath.Join(dir, "content", "products", "*", "index.md"))
	if len(products) == 0 {
		b.Fatal("the shop has no products")
	}
	sort.Strings(products)
	src := filepath.Dir(products[0])
	orig, _ := os.ReadFile(products[0])
	m := regexp.MustCompile(`(?m)^title: "([^"]+)"`).FindSubmatch(orig)
	if m == nil {
		b.Fatalf("%s has no title line", products[0])
	}
	title := string(m[1])
	p := startServeWithin(b, dir, startup)
	waitFor(b, p.url+"/producten/"+filepath.Base(src)+"/", title, startup)
	stamp := time.Now().UnixNano()
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		slug := fmt.Sprintf("zz-bench-new-%d-%d", stamp, i)
		tmp := filepath.Join(b.TempDir(), slug)
		copyTree(b, src, tmp)
		marker := fmt.Sprintf("Nieuw %d %d", stamp, i)
		next := bytes.Replace(orig, []byte(`title: "`+title+`"`), []byte(`title: "`+marker+`"`), 1)
		next = bytes.ReplaceAll(next, []byte(`sku: "`), []byte(fmt.Sprintf(`sku: "NEW%d-%d-`, stamp%100000, i)))
		if err := os.WriteFile(filepath.Join(tmp, "index.md"), next, 0o644); err != nil {
			b.Fatal(err)
		}
		for _, f := range []string{"index.en.md"} {
			os.Remove(filepath.Join(tmp, f)) // the new product in one language
		}
		dst := filepath.Join(dir, "content", "products", slug)
		b.Cleanup(func() { os.RemoveAll(dst) })
		page := p.url + "/producten/" + slug + "/"
		b.StartTimer()
		start := time.Now()
		if err := os.Rename(tmp, dst); err != nil { // the bundle appears at once, as an editor's save of a whole folder would
			b.Fatal(err)
		}
		for {
			code, body, _ := get(b, page)
			if code == http.StatusOK && strings.Contains(body, marker) {
				break
			}
			if time.Since(start) > 60*time.Second {
				b.Fatalf("the new product %s was never served", page)
			}
			time.Sleep(2 * time.Millisecond)
		}
		total += time.Since(start)
	}
	b.StopTimer()
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/new-product")
}
