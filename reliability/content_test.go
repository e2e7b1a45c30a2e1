package reliability

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/server"
)

// cartState is the part of GET /api/cart this test reads.
type cartState struct {
	Subtotal     int64    `json:"subtotal"`
	PriceChanged bool     `json:"price_changed"`
	Unavailable  bool     `json:"unavailable"`
	Notices      []string `json:"notices"`
}

func getCart(t *testing.T, c *customer) cartState {
	t.Helper()
	a := c.do(http.MethodGet, "/api/cart", nil, "Accept-Language", "en")
	if a.status != http.StatusOK {
		t.Fatalf("get cart: %s", a)
	}
	var v cartState
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestContentFaults: a broken catalog, duplicate SKUs or a bad price are
// refused while the old catalog keeps serving; a changed price is shown
// plainly in open carts; orders keep the price they were placed at.
func TestContentFaults(t *testing.T) {
	fake := molliefake.New()
	defer fake.Close()
	logs := &syncBuffer{}
	s := startShop(t, shopConfig{fake: fake, logs: logs})

	early := s.customer() // an order placed at the old price, paid after the change
	early.add("KOF-001", 2)
	ea, eca := early.checkout("early-1", form("Early"))
	if ea.status != http.StatusCreated {
		t.Fatalf("early checkout: %s", ea)
	}
	open := s.customer() // an open cart across the changes
	if a := open.add("KOF-001", 1); a.status != http.StatusOK {
		t.Fatalf("add: %s", a)
	}
	open.add("BOEK-001", 1)

	refused := func() int { return strings.Count(logs.String(), "catalog refused") }
	bad := []struct{ name, body string }{
		{"truncated file", string(catalogJSON("v2", defaultItems))[:200]},
		{"empty file", ""},
		{"duplicate SKUs", string(catalogJSON("v3", append(append([]item{}, defaultItems...), item{SKU: "KOF-001", Title: "Dubbel", Price: 1, VAT: 9})))},
		{"zero price", string(catalogJSON("v4", []item{{SKU: "KOF-001", Title: "Gratis", Price: 0, VAT: 9}}))},
		{"negative price", string(catalogJSON("v5", []item{{SKU: "KOF-001", Title: "Min", Price: -1450, VAT: 9}}))},
		{"not a catalog", `{"items": "everything"}`},
	}
	for _, b := range bad {
		before := refused()
		writeFileAtomic(t, s.catalog, []byte(b.body))
		if !eventually(10*time.Second, func() bool { return refused() > before }) {
			t.Fatalf("%s: the sidecar did not report refusing the catalog\n%s", b.name, tail(logs.String(), 2000))
		}
		if a := open.do(http.MethodGet, "/api/availability?sku=KOF-001&sku=MOK-001", nil); a.status != http.StatusOK ||
			!strings.Contains(string(a.body), `"known":true`) {
			t.Errorf("%s: availability after the refusal: %s", b.name, a)
		}
		if v := getCart(t, open); v.Subtotal != 1450+2495 || v.PriceChanged || v.Unavailable {
			t.Errorf("%s: the open cart changed under a refused catalog: %+v", b.name, v)
		}
	}

	// A valid new build: KOF-001 costs more, BOEK-001 is gone.
	items := []item{
		{SKU: "KOF-001", Title: "Ethiopië Guji", Price: 1650, VAT: 9, Tracked: true, Qty: 1_000_000},
		{SKU: "MOK-001", Title: "Mok", Price: 1295, VAT: 21},
	}
	writeFileAtomic(t, s.catalog, catalogJSON("v9", items))
	var v cartState
	if !eventually(10*time.Second, func() bool { v = getCart(t, open); return v.PriceChanged }) {
		t.Fatalf("the cart does not show the price change: %+v", v)
	}
	all := strings.Join(v.Notices, " | ")
	if !v.Unavailable || !strings.Contains(all, "14.50") || !strings.Contains(all, "16.50") || !strings.Contains(all, "BOEK-001") {
		t.Errorf("cart notices do not say plainly what changed (old and new price, the item gone): %q", all)
	}
	// Checkout refuses until the customer removes the gone item and sees the new price.
	if a, _ := open.checkout("open-1", form("Open")); a.status != http.StatusConflict || a.errorText() == "" {
		t.Errorf("checkout with an unavailable item: %s, want 409 with a message", a)
	}
	open.do(http.MethodDelete, "/api/cart/items/BOEK-001", nil)
	a, _ := open.checkout("open-2", form("Open"))
	if a.status != http.StatusConflict || !strings.Contains(strings.ReplaceAll(a.errorText(), ",", "."), "16.50") {
		t.Errorf("first checkout after a price change: %s, want 409 naming the new price", a)
	}
	a, ca := open.checkout("open-3", form("Open"))
	if a.status != http.StatusCreated || ca.Order.Lines[0].UnitPrice != 1650 {
		t.Fatalf("checkout after seeing the new price: %s", a)
	}

	// The early order keeps its price, and paying it now is no anomaly.
	if err := fake.SetStatus(paymentID(eca.CheckoutURL), "paid"); err != nil {
		t.Fatal(err)
	}
	var o server.OrderView
	adminGet(t, s.URL, "/api/admin/orders/"+eca.Order.ID, &o)
	if o.State != "paid" || o.Lines[0].UnitPrice != 1450 || o.Subtotal != 2900 {
		t.Errorf("early order after the price change: state %s, unit price %d, subtotal %d; want paid at 1450, 2900",
			o.State, o.Lines[0].UnitPrice, o.Subtotal)
	}
}

// TestAbsurdPriceRefused: a price so large that a line total overflows
// int64 must be refused by the catalog loader (or the cart), never wrap
// around into a small charge. 4 x 46,116,860,184,273,879.05 EUR wraps to
// 0.04 EUR in int64 arithmetic.
func TestAbsurdPriceRefused(t *testing.T) {
	const wraps = 4611686018427387905 // 2^62 + 1 minor units; x4 = 2^64 + 4
	items := []item{
		{SKU: "KOF-001", Title: "Koffie", Price: 1450, VAT: 9},
		{SKU: "GOUD-1", Title: "Gouden bonen", Price: wraps, VAT: 21},
	}
	if _, err := catalog.Parse(catalogJSON("v1", items)); err != nil {
		// Refused by the catalog loader, as the sidecar does at start and on reload.
		if !strings.Contains(err.Error(), "GOUD-1") {
			t.Errorf("the catalog is refused, but the message does not name the SKU: %v", err)
		}
		return
	}
	s := startShop(t, shopConfig{items: items})
	c := s.customer()
	a := c.add("GOUD-1", 4)
	if a.status == http.StatusOK {
		var v struct {
			Subtotal   int64 `json:"subtotal"`
			GrandTotal int64 `json:"grand_total"`
		}
		json.Unmarshal(a.body, &v)
		if v.Subtotal < wraps || v.GrandTotal < wraps {
			t.Errorf("4 items of %d cents make a cart of %d cents (grand total %d): the line total overflowed int64",
				int64(wraps), v.Subtotal, v.GrandTotal)
		}
	}
}
