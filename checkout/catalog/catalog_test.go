package catalog

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

func validJSON(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mutate decodes the valid catalog into plain maps, lets fn change it and
// encodes it again.
func mutate(t *testing.T, fn func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(validJSON(t), &m); err != nil {
		t.Fatal(err)
	}
	fn(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func items(m map[string]any) []any { return m["items"].([]any) }
func item(m map[string]any, i int) map[string]any {
	return items(m)[i].(map[string]any)
}
func methods(m map[string]any) []any {
	return m["shipping"].(map[string]any)["methods"].([]any)
}
func deliveryRules(m map[string]any) map[string]any { return m["delivery"].(map[string]any) }

func TestParseValid(t *testing.T) {
	c, err := Parse(validJSON(t))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if c.Version != "v1" || c.Currency != "EUR" || len(c.Items) != 3 || c.Shipping.FreeFrom != 5000 {
		t.Errorf("unexpected catalog: %+v", c)
	}
	it, ok := c.Lookup("BOEK-001")
	if !ok || it.Price != 2495 || it.VATRate != 9 || !it.Stock.Tracked || it.Stock.Quantity != 3 {
		t.Errorf("Lookup(BOEK-001) = %+v, %v", it, ok)
	}
	if _, ok := c.Lookup("NOPE"); ok {
		t.Error("Lookup(NOPE) found something")
	}
	m, ok := c.Method("dhl-eu")
	if !ok || m.Price != 1295 || !m.Ships("de") || m.Ships("FR") {
		t.Errorf("Method(dhl-eu) = %+v, %v", m, ok)
	}
	if got := c.MethodsFor("NL"); len(got) != 2 || got[0].ID != "postnl" {
		t.Errorf("MethodsFor(NL) = %+v", got)
	}
	if got := c.MethodsFor("BE"); len(got) != 1 || got[0].ID != "dhl-eu" {
		t.Errorf("MethodsFor(BE) = %+v", got)
	}
	if c.Shop.Address.City != "Utrecht" || c.Shop.KvK != "87654321" || c.Shop.VATID == "" || c.Shop.OnTimeTarget != 0.95 ||
		c.Shop.ThankYou("en") != "Thank you!" || c.Shop.ThankYou("nl") != "Dank je wel!" {
		t.Errorf("shop: %+v", c.Shop)
	}
	if m.Label("en") != "DHL Europe" || m.Label("nl") != "DHL Europa" {
		t.Errorf("method labels %q %q", m.Label("en"), m.Label("nl"))
	}
	if pn, _ := c.Method("postnl"); pn.Label("en") != "PostNL" {
		t.Errorf("label without name_en: %q", pn.Label("en"))
	}
	if cl := c.Delivery.Classes["standard"]; cl.LabelFor("en") != "In stock" || cl.LabelFor("nl") != "Op voorraad" {
		t.Errorf("class labels: %+v", cl)
	}
	if c.Delivery.Classes["roasted-to-order"].HandlingDays != 2 {
		t.Errorf("delivery classes: %+v", c.Delivery.Classes)
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct {
		name  string
		fn    func(m map[string]any)
		raw   string
		wants []string // all must appear in the error
	}{
		{name: "duplicate sku", fn: func(m map[string]any) {
			item(m, 1)["sku"] = "KOF-GUJI-250-BO"
		}, wants: []string{"KOF-GUJI-250-BO", "duplicate sku"}},
		{name: "zero price", fn: func(m map[string]any) { item(m, 1)["price"] = 0 },
			wants: []string{"BOEK-001", "price"}},
		{name: "negative price", fn: func(m map[string]any) { item(m, 2)["price"] = -5 },
			wants: []string{"MOLEN-1", "price"}},
		{name: "absurd price", fn: func(m map[string]any) { item(m, 2)["price"] = int64(4611686018427387905) },
			wants: []string{"MOLEN-1", "price", "1000000000"}},
		{name: "absurd shipping price", fn: func(m map[string]any) { methods(m)[0].(map[string]any)["price"] = int64(1_000_000_001) },
			wants: []string{"shipping.methods[0]", "price"}},
		{name: "unknown delivery class", fn: func(m map[string]any) { item(m, 0)["delivery_class"] = "express" },
			wants: []string{"KOF-GUJI-250-BO", "delivery_class", "express"}},
		{name: "country written out", fn: func(m map[string]any) { methods(m)[0].(map[string]any)["countries"] = []any{"Germany"} },
			wants: []string{"shipping.methods[0]", "countries", `"Germany"`, "two-letter"}},
		{name: "no shipping method", fn: func(m map[string]any) {
			m["shipping"].(map[string]any)["methods"] = []any{}
		}, wants: []string{"shipping.methods"}},
		{name: "item currency mismatch", fn: func(m map[string]any) { item(m, 1)["currency"] = "USD" },
			wants: []string{"BOEK-001", "currency", "USD"}},
		{name: "bad catalog currency", fn: func(m map[string]any) { m["currency"] = "euro" },
			wants: []string{"currency", "euro"}},
		{name: "empty sku", fn: func(m map[string]any) { item(m, 1)["sku"] = "" },
			wants: []string{"items[1]", "sku is empty"}},
		{name: "vat rate", fn: func(m map[string]any) { item(m, 0)["vat_rate"] = 121 },
			wants: []string{"KOF-GUJI-250-BO", "vat_rate"}},
		{name: "negative stock", fn: func(m map[string]any) {
			item(m, 1)["stock"] = map[string]any{"tracked": true, "quantity": -1}
		}, wants: []string{"BOEK-001", "stock.quantity"}},
		{name: "method without countries", fn: func(m map[string]any) {
			methods(m)[0].(map[string]any)["countries"] = []any{}
		}, wants: []string{"postnl", "countries"}},
		{name: "pickup and pickup points", fn: func(m map[string]any) {
			methods(m)[0].(map[string]any)["pickup"] = true
			methods(m)[0].(map[string]any)["pickup_points"] = true
		}, wants: []string{"postnl", "pickup_points"}},
		{name: "carrier option", fn: func(m map[string]any) { methods(m)[0].(map[string]any)["carrier_option"] = "postnl standard" },
			wants: []string{"postnl", "carrier_option"}},
		{name: "duplicate method", fn: func(m map[string]any) {
			methods(m)[1].(map[string]any)["id"] = "postnl"
		}, wants: []string{"postnl", "duplicate id"}},
		{name: "timezone", fn: func(m map[string]any) { deliveryRules(m)["timezone"] = "Mars/Olympus" },
			wants: []string{"delivery.timezone", "Mars/Olympus"}},
		{name: "cutoff", fn: func(m map[string]any) { deliveryRules(m)["cutoff"] = "3pm" },
			wants: []string{"delivery.cutoff", "3pm"}},
		{name: "holiday", fn: func(m map[string]any) { deliveryRules(m)["holidays"] = []any{"25-12-2026"} },
			wants: []string{"delivery.holidays", "25-12-2026"}},
		{name: "weekday", fn: func(m map[string]any) { deliveryRules(m)["closed_weekdays"] = []any{7} },
			wants: []string{"closed_weekdays", "7"}},
		{name: "two errors at once", fn: func(m map[string]any) {
			item(m, 0)["price"] = 0
			item(m, 2)["delivery_class"] = "nope"
		}, wants: []string{"KOF-GUJI-250-BO", "MOLEN-1", "nope"}},
		{name: "not json", raw: "{\"version\": ", wants: []string{"decode JSON"}},
		{name: "trailing data", raw: string(validJSONNoT()) + "{}", wants: []string{"trailing"}},
		{name: "wrong type", raw: `{"items": [{"sku": "A", "price": "14.50"}]}`, wants: []string{"decode JSON"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.raw)
			if tt.fn != nil {
				data = mutate(t, tt.fn)
			}
			c, err := Parse(data)
			if err == nil {
				t.Fatalf("Parse accepted it: %+v", c)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error does not wrap ErrInvalid: %v", err)
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func validJSONNoT() []byte {
	b, err := os.ReadFile("testdata/catalog.json")
	if err != nil {
		panic(err)
	}
	return b
}

func TestLookupHandBuilt(t *testing.T) {
	c := &Catalog{Items: []Item{{SKU: "A", Price: 100}, {SKU: "B", Price: 200}}}
	if it, ok := c.Lookup("B"); !ok || it.Price != 200 {
		t.Errorf("Lookup(B) = %+v, %v", it, ok)
	}
	var nilCat *Catalog
	if _, ok := nilCat.Lookup("A"); ok {
		t.Error("nil catalog found an item")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(validJSONNoT())
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"currency":"EUR","items":[{"sku":"A","price":1}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"items":[{"sku":"A"},{"sku":"A"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			return
		}
		// Whatever is accepted honours the rules.
		seen := map[string]bool{}
		for _, it := range c.Items {
			if seen[it.SKU] || it.Price <= 0 || it.Currency != c.Currency {
				t.Fatalf("accepted a bad item: %+v", it)
			}
			seen[it.SKU] = true
			if _, ok := c.Delivery.Classes[it.DeliveryClass]; !ok {
				t.Fatalf("accepted unknown class: %+v", it)
			}
			if got, ok := c.Lookup(it.SKU); !ok || got.SKU != it.SKU {
				t.Fatalf("Lookup(%q) = %+v, %v", it.SKU, got, ok)
			}
		}
		if len(c.Shipping.Methods) == 0 {
			t.Fatal("accepted a catalog without shipping methods")
		}
	})
}

// TestVATAbroad: registered for OSS, the catalog must say the rate of every
// item's class in every country a method ships to, or the sidecar refuses
// it (and keeps the previous one); prices abroad keep the amount excluding
// VAT (issue 10 §2).
func TestVATAbroad(t *testing.T) {
	withClasses := func(m map[string]any) {
		for _, it := range items(m) {
			it.(map[string]any)["vat_class"] = map[float64]string{9: "reduced", 21: "standard", 0: "zero"}[it.(map[string]any)["vat_rate"].(float64)]
		}
	}
	var foreign []string
	c0, err := Parse(validJSON(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range c0.Shipping.Methods {
		for _, co := range m.Countries {
			if co != c0.Shop.Country {
				foreign = append(foreign, co)
			}
		}
	}
	if len(foreign) == 0 {
		t.Fatal("the test catalog ships nowhere abroad")
	}
	co := foreign[0]
	_, err = Parse(mutate(t, func(m map[string]any) {
		withClasses(m)
		m["vat"] = map[string]any{"oss": true, "rates": map[string]any{}}
	}))
	if err == nil || !strings.Contains(err.Error(), "vat.rates."+co) {
		t.Fatalf("OSS without rates for %s: %v", co, err)
	}
	rates := map[string]any{}
	for _, f := range foreign {
		rates[strings.ToLower(f)] = map[string]any{"standard": 21, "reduced": 6, "zero": 0}
	}
	c, err := Parse(mutate(t, func(m map[string]any) {
		withClasses(m)
		m["vat"] = map[string]any{"oss": true, "rates": rates}
	}))
	if err != nil {
		t.Fatal(err)
	}
	it, _ := c.Lookup("BOEK-001") // 24,95 at 9 %
	if c.RateFor(it, co) != 6 || c.PriceFor(it, co) != 2426 || c.RateFor(it, c.Shop.Country) != 9 || c.PriceFor(it, c.Shop.Country) != 2495 {
		t.Fatalf("book abroad: %d%% %d; at home %d%% %d", c.RateFor(it, co), c.PriceFor(it, co), c.RateFor(it, c.Shop.Country), c.PriceFor(it, c.Shop.Country))
	}
	// Under the threshold: the shop's rates and prices everywhere.
	c.VAT.OSS = false
	if c.RateFor(it, co) != 9 || c.PriceFor(it, co) != 2495 {
		t.Fatalf("under the threshold the book abroad is %d%% %d", c.RateFor(it, co), c.PriceFor(it, co))
	}
}

// TestInsteadOf: a method that does not deliver to a country gives way to
// the same carrier's method there, else to the first that delivers ("").
func TestInsteadOf(t *testing.T) {
	c := &Catalog{Shipping: Shipping{Methods: []ShippingMethod{
		{ID: "postnl", Countries: []string{"NL"}},
		{ID: "dhl", Countries: []string{"NL"}},
		{ID: "pickup", Countries: []string{"NL"}, Pickup: true},
		{ID: "postnl-be", Countries: []string{"BE"}},
		{ID: "dhl-be", Countries: []string{"BE"}},
		{ID: "dhl-de", Countries: []string{"DE"}},
	}}}
	tests := []struct{ method, country, want string }{
		{"dhl", "BE", "dhl-be"},
		{"postnl", "BE", "postnl-be"},
		{"dhl-be", "NL", "dhl"},
		{"postnl-be", "DE", ""}, // PostNL does not go there: the first that does
		{"pickup", "BE", ""},
		{"dhl", "FR", ""},
		{"", "BE", ""},
	}
	for _, tt := range tests {
		if got := c.InsteadOf(tt.method, tt.country); got != tt.want {
			t.Errorf("InsteadOf(%q, %q) = %q, want %q", tt.method, tt.country, got, tt.want)
		}
	}
}

// TestCountries: the checkout's country list is every country a method
// names, once, upper case, sorted; each has a method.
func TestCountries(t *testing.T) {
	c := &Catalog{Shipping: Shipping{Methods: []ShippingMethod{
		{ID: "postnl", Countries: []string{"NL", "be"}},
		{ID: "dhl-de", Countries: []string{"DE"}},
		{ID: "dhl-be", Countries: []string{"BE"}},
	}}}
	got := c.Countries()
	if want := []string{"BE", "DE", "NL"}; !slices.Equal(got, want) {
		t.Fatalf("Countries() = %v, want %v", got, want)
	}
	for _, co := range got {
		if len(c.MethodsFor(co)) == 0 {
			t.Errorf("%s has no method", co)
		}
	}
}
