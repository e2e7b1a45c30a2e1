package site

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	shopcatalog "github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/site/sitetest"
)

// The demo shop is built once per test binary (it is the slow part) into a
// temporary folder that TestMain removes.
var (
	buildOnce sync.Once
	built     Result
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// demoDir is the shop the tests build: $SHOP_TEST_SITE, else the demo shop at
// the repository root, else the fixture shop in testdata/site.
func demoDir(t testing.TB) string {
	if d := os.Getenv("SHOP_TEST_SITE"); d != "" {
		return d
	}
	if _, err := os.Stat(filepath.Join("..", "content", "products")); err == nil {
		return ".."
	}
	return filepath.Join("..", "testdata", "site")
}

func buildDemo(t testing.TB) Result {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "shop-site-test-")
		if buildErr != nil {
			return
		}
		built, buildErr = Build(BuildOptions{Source: demoDir(t), Dest: filepath.Join(buildDir, "public"), BaseURL: "https://shop.example/"})
	})
	if buildErr != nil {
		t.Fatalf("build %s: %v", demoDir(t), buildErr)
	}
	return built
}

// builtCatalog builds the demo (once) and reads its catalog.json with the
// sidecar's own parser.
func builtCatalog(t testing.TB) (Result, *shopcatalog.Catalog) {
	t.Helper()
	res := buildDemo(t)
	b, err := os.ReadFile(filepath.Join(res.Dest, "catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := shopcatalog.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return res, cat
}

type catalog struct {
	Version  string `json:"version"`
	Currency string `json:"currency"`
	Shipping struct {
		FreeFrom int `json:"free_from"`
		Methods  []struct {
			ID    string `json:"id"`
			Price int    `json:"price"`
		} `json:"methods"`
	} `json:"shipping"`
	Delivery struct {
		Classes map[string]json.RawMessage `json:"classes"`
	} `json:"delivery"`
	Items []struct {
		SKU           string `json:"sku"`
		Product       string `json:"product"`
		Title         string `json:"title"`
		URL           string `json:"url"`
		Price         int    `json:"price"`
		Currency      string `json:"currency"`
		VATRate       *int   `json:"vat_rate"`
		Image         string `json:"image"`
		Category      string `json:"category"`
		DeliveryClass string `json:"delivery_class"`
		GiftCard      bool   `json:"giftcard"`
		Stock         *struct {
			Tracked  bool `json:"tracked"`
			Quantity int  `json:"quantity"`
		} `json:"stock"`
	} `json:"items"`
}

func readCatalog(t *testing.T, dest string) catalog { return readCatalogTB(t, dest) }

func readCatalogTB(t testing.TB, dest string) catalog {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dest, "catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c catalog
	// Integer fields make a price written as 14.5 or 1.45e3 fail here.
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("catalog.json does not match the schema of docs/architecture.md: %v", err)
	}
	return c
}

func TestCatalogSchema(t *testing.T) {
	res := buildDemo(t)
	c := readCatalog(t, res.Dest)
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(c.Version) {
		t.Errorf("version %q is not a sha256 hex", c.Version)
	}
	if c.Currency != "EUR" {
		t.Errorf("currency = %q", c.Currency)
	}
	if len(c.Shipping.Methods) == 0 {
		t.Error("no shipping methods")
	}
	products := map[string]bool{}
	for _, it := range c.Items {
		products[it.Product] = true
	}
	if len(c.Items) == 0 || res.SKUs != len(c.Items) || res.Products != len(products) {
		t.Fatalf("catalog has %d items of %d products, build reported %d SKUs and %d products", len(c.Items), len(products), res.SKUs, res.Products)
	}
	seen := map[string]bool{}
	for _, it := range c.Items {
		where := it.SKU + " (" + it.URL + ")"
		if it.SKU == "" || it.Title == "" || it.URL == "" || it.Image == "" || it.Category == "" || it.Product == "" {
			t.Errorf("%s: a required field is empty: %+v", where, it)
		}
		if seen[it.SKU] {
			t.Errorf("SKU %s appears twice", it.SKU)
		}
		seen[it.SKU] = true
		if it.Price <= 0 {
			t.Errorf("%s: price %d is not positive", where, it.Price)
		}
		if it.Currency != c.Currency {
			t.Errorf("%s: currency %q", where, it.Currency)
		}
		if it.VATRate == nil || (*it.VATRate != 0 && *it.VATRate != 9 && *it.VATRate != 21) {
			t.Errorf("%s: vat_rate %v is not a Dutch VAT rate", where, it.VATRate)
		}
		if _, ok := c.Delivery.Classes[it.DeliveryClass]; !ok {
			t.Errorf("%s: delivery class %q is not in the catalog's classes", where, it.DeliveryClass)
		}
		if it.Stock == nil {
			t.Errorf("%s: no stock policy", where)
		} else if it.Stock.Tracked && it.Stock.Quantity < 0 {
			t.Errorf("%s: negative stock", where)
		}
		if _, err := os.Stat(filepath.Join(res.Dest, filepath.FromSlash(it.Image))); err != nil {
			t.Errorf("%s: image %s is not in the build: %v", where, it.Image, err)
		}
		if _, err := os.Stat(filepath.Join(res.Dest, filepath.FromSlash(it.URL), "index.html")); err != nil {
			t.Errorf("%s: product page is not in the build: %v", where, err)
		}
	}
}

func TestPagesExist(t *testing.T) {
	res := buildDemo(t)
	if res.Pages == 0 || res.Images == 0 {
		t.Errorf("summary counts nothing: %s", res.Summary())
	}
	for _, p := range []string{"index.html", "en/index.html", "levering/index.html", "retourneren/index.html",
		"en/delivery/index.html", "en/returns/index.html", "sitemap.xml", "robots.txt", "producten/index.html"} {
		if _, err := os.Stat(filepath.Join(res.Dest, p)); err != nil {
			t.Errorf("missing page: %v", err)
		}
	}
	for _, shell := range []string{"_shell/index.html", "en/_shell/index.html"} {
		b, err := os.ReadFile(filepath.Join(res.Dest, shell))
		if err != nil {
			t.Errorf("missing shell: %v", err)
			continue
		}
		s := string(b)
		if !strings.Contains(s, "<title><!--sf:title--></title>") || !regexp.MustCompile(`<main[^>]*id="?main"?[^>]*><!--sf:main--></main>`).MatchString(s) {
			t.Errorf("%s lacks the sf:title / sf:main markers of docs/architecture.md", shell)
		}
		if !strings.Contains(s, `noindex`) {
			t.Errorf("%s is not marked noindex", shell)
		}
		// The sidecar points the language switch at its own page (web.Shell.For).
		if other := map[string]string{"_shell/index.html": "en", "en/_shell/index.html": "nl"}[shell]; !regexp.MustCompile(`<a href="[^"]*" data-sf-switch="` + other + `"`).MatchString(s) {
			t.Errorf("%s lacks the switch link to %s marked data-sf-switch", shell, other)
		}
	}
}

var ldRe = regexp.MustCompile(`(?s)<script type="?application/ld\+json"?>(.*?)</script>`)

// productOffers finds the JSON-LD Product on a page and returns its offers by SKU.
func productOffers(t *testing.T, html []byte) (map[string]map[string]any, bool) {
	for _, m := range ldRe.FindAllSubmatch(html, -1) {
		var doc map[string]any
		if err := json.Unmarshal(m[1], &doc); err != nil {
			t.Errorf("JSON-LD does not parse: %v", err)
			continue
		}
		nodes := []any{doc}
		if g, ok := doc["@graph"].([]any); ok {
			nodes = g
		}
		for _, n := range nodes {
			node, _ := n.(map[string]any)
			if node["@type"] != "Product" {
				continue
			}
			offers := map[string]map[string]any{}
			var list []any
			switch o := node["offers"].(type) {
			case []any:
				list = o
			case map[string]any:
				if inner, ok := o["offers"].([]any); ok { // AggregateOffer
					list = inner
				} else {
					list = []any{o}
				}
			}
			for _, o := range list {
				om, _ := o.(map[string]any)
				sku, _ := om["sku"].(string)
				if sku == "" {
					sku, _ = node["sku"].(string)
				}
				offers[sku] = om
			}
			return offers, true
		}
	}
	return nil, false
}

func cents(v any) (int, error) {
	var f float64
	switch p := v.(type) {
	case string:
		var err error
		if f, err = strconv.ParseFloat(p, 64); err != nil {
			return 0, err
		}
	case float64:
		f = p
	default:
		return 0, fmt.Errorf("price %v (%T) is not a number", v, v)
	}
	return int(math.Round(f * 100)), nil
}

func TestJSONLDPricesEqualCatalog(t *testing.T) {
	res := buildDemo(t)
	c := readCatalog(t, res.Dest)
	pages := map[string][]int{} // url -> item indexes
	for i, it := range c.Items {
		pages[it.URL] = append(pages[it.URL], i)
	}
	for url, idx := range pages {
		html, err := os.ReadFile(filepath.Join(res.Dest, filepath.FromSlash(url), "index.html"))
		if err != nil {
			t.Errorf("%s: %v", url, err)
			continue
		}
		offers, ok := productOffers(t, html)
		if !ok {
			t.Errorf("%s: no JSON-LD Product", url)
			continue
		}
		for _, i := range idx {
			it := c.Items[i]
			o, ok := offers[it.SKU]
			if !ok {
				t.Errorf("%s: JSON-LD has no offer for SKU %s", url, it.SKU)
				continue
			}
			p, err := cents(o["price"])
			if err != nil || p != it.Price {
				t.Errorf("%s: JSON-LD price of %s is %v, catalog says %d cents (%v)", url, it.SKU, o["price"], it.Price, err)
			}
			if o["priceCurrency"] != it.Currency {
				t.Errorf("%s: JSON-LD currency %v, catalog %s", url, o["priceCurrency"], it.Currency)
			}
			if a, _ := o["availability"].(string); !strings.HasPrefix(a, "https://schema.org/") {
				t.Errorf("%s: offer %s has availability %q", url, it.SKU, a)
			}
		}
	}
}

type rss struct {
	XMLName xml.Name `xml:"rss"`
	Channel struct {
		Title string `xml:"title"`
		Items []struct {
			Title       string `xml:"title"`
			Link        string `xml:"link"`
			Description string `xml:"description"`
		} `xml:"item"`
	} `xml:"channel"`
}

func TestCategoryFeedsAreRSS(t *testing.T) {
	res := buildDemo(t)
	c := readCatalog(t, res.Dest)
	cats := map[string]bool{}
	for _, it := range c.Items {
		cats[it.Category] = true
	}
	for cat := range cats {
		for _, feed := range []string{"categories/" + cat + "/index.xml"} {
			b, err := os.ReadFile(filepath.Join(res.Dest, feed))
			if err != nil {
				t.Errorf("category %s has no feed: %v", cat, err)
				continue
			}
			var r rss
			if err := xml.Unmarshal(b, &r); err != nil {
				t.Errorf("%s is not RSS: %v", feed, err)
				continue
			}
			if len(r.Channel.Items) == 0 {
				t.Errorf("%s has no items", feed)
			}
			for _, it := range r.Channel.Items {
				if it.Title == "" || !strings.HasPrefix(it.Link, "https://shop.example/") {
					t.Errorf("%s: item without title or absolute link: %+v", feed, it)
				}
			}
		}
		html, err := os.ReadFile(filepath.Join(res.Dest, "categories", cat, "index.html"))
		if err != nil {
			t.Errorf("category page %s: %v", cat, err)
			continue
		}
		if !regexp.MustCompile(`<link[^>]+rel="?alternate"?[^>]+application/rss\+xml`).Match(html) {
			t.Errorf("category page %s does not link its feed with rel=alternate", cat)
		}
	}
	// Every tag feed parses too.
	tags, _ := filepath.Glob(filepath.Join(res.Dest, "tags", "*", "index.xml"))
	for _, f := range tags {
		b, _ := os.ReadFile(f)
		var r rss
		if err := xml.Unmarshal(b, &r); err != nil {
			t.Errorf("%s is not RSS: %v", f, err)
		}
	}
}

type facetIndex struct {
	Orders   []string          `json:"orders"`
	Facets   []json.RawMessage `json:"facets"`
	Products []struct {
		SKU   string         `json:"sku"`
		Title string         `json:"title"`
		Price int            `json:"price"`
		Date  string         `json:"date"`
		URL   string         `json:"url"`
		Rank  map[string]int `json:"rank"`
	} `json:"products"`
}

func TestCategoryIndexHasFacetsAndSortData(t *testing.T) {
	res := buildDemo(t)
	c := readCatalog(t, res.Dest)
	cats := map[string]int{}
	for _, it := range c.Items {
		cats[it.Category]++
	}
	for cat := range cats {
		p := filepath.Join(res.Dest, "categories", cat, "index.json")
		b, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("category %s has no JSON index: %v", cat, err)
			continue
		}
		var ix facetIndex
		if err := json.Unmarshal(b, &ix); err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if ix.Facets == nil {
			t.Errorf("%s: no facets field", p)
		}
		if len(ix.Products) == 0 {
			t.Errorf("%s: no products", p)
			continue
		}
		for _, order := range []string{"price-asc", "price-desc", "newest", "name"} {
			found := false
			for _, o := range ix.Orders {
				found = found || o == order
			}
			if !found {
				t.Errorf("%s: sort order %s missing from %v", p, order, ix.Orders)
				continue
			}
			// Ranks are a permutation and the order they give is monotonic.
			prods := append(ix.Products[:0:0], ix.Products...)
			sort.Slice(prods, func(i, j int) bool { return prods[i].Rank[order] < prods[j].Rank[order] })
			for i := range prods {
				if prods[i].Rank[order] != i {
					t.Errorf("%s: %s ranks are not 0..n-1: %v", p, order, prods[i].Rank)
					break
				}
				if i == 0 {
					continue
				}
				a, b := prods[i-1], prods[i]
				var bad bool
				switch order {
				case "price-asc":
					bad = a.Price > b.Price
				case "price-desc":
					bad = a.Price < b.Price
				case "newest":
					bad = a.Date < b.Date
				}
				if bad {
					t.Errorf("%s: order %s is not monotonic: %s (%d, %s) before %s (%d, %s)", p, order, a.Title, a.Price, a.Date, b.Title, b.Price, b.Date)
				}
			}
		}
	}
}

// copySite copies a fixture shop to a temporary folder, with the
// repository's configuration and theme.
func copySite(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			if rel == "public" || rel == "resources" {
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
	sitetest.UseRepoConfig(t, dst, "..")
	return dst
}

func editFile(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not contain %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBuildErrorsNameFileAndField(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		old, new  string
		wantFile  string
		wantField string
	}{
		{"duplicate sku", "content/products/hario-v60/index.md", `sku: "FIX-V60-02"`, `sku: "FIX-GUJI-250-BO"`, "content/products/", `"sku"`},
		{"price as text", "content/products/koffieboek/index.md", "price: 19", `price: "19,00"`, "content/products/koffieboek/index.md", "price"},
		{"unknown delivery class", "content/products/hario-v60/index.md", `delivery_class: "standard"`, `delivery_class: "express"`, "content/products/hario-v60/index.md", `"delivery_class"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copySite(t, filepath.Join("..", "testdata", "site"))
			editFile(t, filepath.Join(dir, tt.file), tt.old, tt.new)
			_, err := Build(BuildOptions{Source: dir, Dest: filepath.Join(t.TempDir(), "public")})
			var be *BuildError
			if !errors.As(err, &be) {
				t.Fatalf("build did not fail with a BuildError: %v", err)
			}
			msg := be.Error()
			if !strings.Contains(msg, tt.wantFile) || !strings.Contains(msg, tt.wantField) {
				t.Errorf("error does not name file %q and field %s:\n%s", tt.wantFile, tt.wantField, msg)
			}
			if strings.Contains(msg, dir) {
				t.Errorf("error shows the absolute folder instead of the shop's own paths:\n%s", msg)
			}
			if strings.Count(msg, "\n") > 5 {
				t.Errorf("error is noisy (%d lines):\n%s", strings.Count(msg, "\n")+1, msg)
			}
		})
	}
}

func TestNewFromArchetype(t *testing.T) {
	dir := copySite(t, filepath.Join("..", "testdata", "site"))
	for kind, section := range Kinds {
		if _, err := os.Stat(filepath.Join("..", "themes", "storefront", "archetypes", section)); err != nil {
			if _, err2 := os.Stat(filepath.Join("..", "themes", "storefront", "archetypes", section+".md")); err2 != nil {
				t.Logf("theme has no archetype for %s yet", kind)
				continue
			}
		}
		files, err := New(dir, kind, "nieuw-"+kind)
		if err != nil {
			t.Errorf("new %s: %v", kind, err)
			continue
		}
		want := "content/" + section + "/nieuw-" + kind + "/index.md"
		found := false
		for _, f := range files {
			found = found || f == want
		}
		if !found {
			t.Errorf("new %s wrote %v, want %s among them", kind, files, want)
			continue
		}
		b, _ := os.ReadFile(filepath.Join(dir, want))
		if !strings.Contains(string(b), "#") || !strings.Contains(string(b), "title:") {
			t.Errorf("%s has no commented fields:\n%s", want, b)
		}
		if kind == "product" && (!strings.Contains(string(b), "price") || !strings.Contains(string(b), "alt")) {
			t.Errorf("%s lacks price or alt:\n%s", want, b)
		}
		if _, err := New(dir, kind, "nieuw-"+kind); err == nil {
			t.Errorf("new %s twice did not refuse to overwrite", kind)
		}
	}
	if _, err := New(dir, "recept", "x"); err == nil {
		t.Error("unknown kind accepted")
	}
	if _, err := New(dir, "product", "Ethiopië Guji"); err == nil || !strings.Contains(err.Error(), `"ethiopie-guji"`) {
		t.Errorf("bad name: err = %v, want a suggestion \"ethiopie-guji\"", err)
	}
}

func TestRedirects(t *testing.T) {
	got, err := Redirects("https://checkout.example.nl/")
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]string{}
	for _, line := range strings.Split(got, "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && !strings.HasPrefix(line, "#") {
			rules[f[0]] = f[1] + " " + f[2]
		}
	}
	for from, to := range map[string]string{
		"/api/*":    "https://checkout.example.nl/api/:splat 200!",
		"/cart/*":   "https://checkout.example.nl/cart/:splat 200!",
		"/order/*":  "https://checkout.example.nl/order/:splat 200!",
		"/checkout": "https://checkout.example.nl/checkout 200!",
		"/pay/*":    "https://checkout.example.nl/pay/:splat 200!",
		"/search/*": "https://checkout.example.nl/search/:splat 200!",
	} {
		if rules[from] != to {
			t.Errorf("_redirects rule for %s = %q, want %q:\n%s", from, rules[from], to, got)
		}
	}
	for _, bad := range []string{"", "checkout.example.nl", "ftp://x", "https://"} {
		if _, err := Redirects(bad); err == nil {
			t.Errorf("Redirects(%q) accepted", bad)
		}
	}
}

func TestParseStatsAndLog(t *testing.T) {
	out := []byte("                  │ NL │ EN \n──────────────────┼────┼────\n Pages            │ 51 │ 40 \n Processed images │ 70 │  0 \n Aliases          │  1 │  0 \n")
	if p, i := parseStats(out); p != 91 || i != 70 {
		t.Errorf("parseStats = %d pages, %d images; want 91, 70", p, i)
	}
	log := []byte("Start building sites … \nERROR /shop/content/products/x/index.md: field \"sku\": is missing\nWARN  deprecated thing\n  more of it\nTotal in 5 ms\n")
	m := parseLog(log, "/shop")
	if len(m.Errors) != 1 || m.Errors[0] != `content/products/x/index.md: field "sku": is missing` {
		t.Errorf("errors = %q", m.Errors)
	}
	if len(m.Warnings) != 1 || m.Warnings[0] != "deprecated thing\nmore of it" {
		t.Errorf("warnings = %q", m.Warnings)
	}
}
