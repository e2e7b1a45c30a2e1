package site

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/storefront/storefront/doctor"
)

var (
	wasShownRe   = regexp.MustCompile(`data-sku="([^"]+)"[^>]*>[\s\S]*?<span class="price__was" data-was( hidden)?><s>[\s\S]*?<span data-was-amount>([^<]*)</span>`)
	wasVariantRe = regexp.MustCompile(`value="([^"]+)" data-price="\d+" data-price-text="[^"]*" data-was-text="([^"]*)"`)
)

// euroCents reads "€ 44,95" or "€44.95" as cents.
func euroCents(t *testing.T, s string) int {
	t.Helper()
	s = strings.NewReplacer("€", "", "\u00a0", "", " ", "", ",", ".").Replace(s)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return int(f*100 + 0.5)
}

// TestWasPriceFollowsHistory builds the demo shop with Hugo: every "was"
// price on a product page (the price shown and each variant's) is the
// lowest price of the 30 days before the reduction in
// data/pricehistory.toml, and the demo shows at least one.
func TestWasPriceFollowsHistory(t *testing.T) {
	res := buildDemo(t)
	b, err := os.ReadFile(filepath.Join(demoDir(t), filepath.FromSlash(doctor.PriceHistoryFile)))
	if err != nil {
		t.Skipf("no price history in %s: %v", demoDir(t), err)
	}
	hist, err := doctor.ParsePriceHistory(b)
	if err != nil {
		t.Fatal(err)
	}
	c := readCatalog(t, res.Dest)
	price := map[string]int{}
	pages := map[string]bool{}
	for _, it := range c.Items {
		price[it.SKU] = it.Price
		pages[it.URL] = true
	}
	shown := 0
	check := func(url, sku, text string) {
		was := euroCents(t, text)
		ref, _, err := doctor.WasReference(hist, sku, price[sku])
		if err != nil || ref != was || was <= price[sku] {
			t.Errorf("%s: SKU %s shows was %s at price %d; the history says %d (%v)", url, sku, text, price[sku], ref, err)
		}
		shown++
	}
	for url := range pages {
		html, err := os.ReadFile(filepath.Join(res.Dest, filepath.FromSlash(url), "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if m := wasShownRe.FindSubmatch(html); m != nil && len(m[2]) == 0 {
			check(url, string(m[1]), string(m[3]))
		}
		for _, m := range wasVariantRe.FindAllSubmatch(html, -1) {
			if len(m[2]) > 0 {
				check(url, string(m[1]), string(m[2]))
			}
		}
	}
	if shown == 0 {
		t.Error("the demo shop shows no \"was\" price: the rule is not exercised")
	}
}
