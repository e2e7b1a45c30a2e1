package reliability

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/catalog/source"
)

// FuzzCatalogReload feeds arbitrary catalogs to a running catalog source
// (the path the sidecar takes when a new build publishes catalog.json; here
// the URL form, as read from the CDN). A refused catalog leaves the one in
// force untouched; an accepted one keeps the contract: unique SKUs, positive
// prices, a shipping method, every item found by Lookup. (checkout/catalog's
// FuzzParse covers the parser alone; this covers reload and the
// previous-catalog guarantee.)
func FuzzCatalogReload(f *testing.F) {
	good := catalogJSON("good", defaultItems)
	var body atomic.Pointer[[]byte]
	body.Store(&good)
	cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(*body.Load())
	}))
	f.Cleanup(cdn.Close)
	// No poller reloads behind the test's back: it reloads by hand.
	src, err := source.Open(context.Background(), cdn.URL+"/catalog.json", source.Options{PollInterval: time.Hour})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { src.Close() })

	f.Add(good)
	f.Add(catalogJSON("other", []item{{SKU: "A-1", Title: "A", Price: 1, VAT: 0}}))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"version":"x","currency":"EUR","items":[{"sku":"A","price":1},{"sku":"A","price":2}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Start each input from the good catalog.
		body.Store(&good)
		if err := src.Reload(context.Background()); err != nil {
			t.Fatalf("reload of the good catalog: %v", err)
		}
		before := src.Current()
		body.Store(&data)
		err := src.Reload(context.Background())
		cur := src.Current()
		if err != nil {
			if cur != before {
				t.Fatalf("a refused catalog (%v) replaced the one in force", err)
			}
			return
		}
		if cur == nil || len(cur.Shipping.Methods) == 0 {
			t.Fatalf("accepted a catalog without shipping methods")
		}
		seen := map[string]bool{}
		for _, it := range cur.Items {
			if seen[it.SKU] {
				t.Fatalf("accepted duplicate SKU %q", it.SKU)
			}
			seen[it.SKU] = true
			if it.Price <= 0 {
				t.Fatalf("accepted price %d for %q", it.Price, it.SKU)
			}
			if got, ok := cur.Lookup(it.SKU); !ok || got.SKU != it.SKU {
				t.Fatalf("Lookup(%q) does not find an item of the catalog", it.SKU)
			}
		}
	})
}
