package server

import (
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/review"
	"github.com/storefront/storefront/checkout/store"
)

// genOrder stores an order of email placed at created and, when paid,
// delivered at delivered (zero: not delivered) against a promise of
// promised; it goes through the real store into the bbolt file.
func (sh *testShop) genOrder(email string, created, promised, delivered time.Time, paid, returned bool) *order.Order {
	sh.t.Helper()
	cat := sh.sc.Catalog.Current()
	c := &cart.Cart{ID: "gen-" + email + created.Format("0102")}
	if err := cart.Add(c, cat, "MOK-001", 1, created); err != nil {
		sh.t.Fatal(err)
	}
	tot, err := cart.Compute(c, cat, "postnl", "NL")
	if err != nil {
		sh.t.Fatal(err)
	}
	o, err := order.New(order.Customer{Name: "Gen", Email: email, Street: "Markt 1", PostalCode: "3511 AA", City: "Utrecht", Country: "NL"},
		tot, "en", c.ID, "", created)
	if err != nil {
		sh.t.Fatal(err)
	}
	o, _, err = sh.sc.store.Orders.CreateOrder(store.NewOrder{Order: o, Catalog: cat})
	if err != nil {
		sh.t.Fatal(err)
	}
	if !paid {
		return o
	}
	o, _, err = sh.sc.store.Orders.UpdateOrder(o.ID, func(o *order.Order) (bool, []order.Effect, error) {
		o.State, o.PaidAt, o.PromisedBy, o.Stock = order.Paid, created.Add(time.Minute), promised, order.StockNone
		if !delivered.IsZero() {
			o.State, o.ShippedAt, o.DeliveredAt = order.Delivered, delivered.Add(-24*time.Hour), delivered
		}
		if returned {
			o.Returns = append(o.Returns, order.Return{Code: o.ID + "-R1", State: order.ReturnRequested, RequestedAt: delivered})
		}
		return true, nil, nil
	})
	if err != nil {
		sh.t.Fatal(err)
	}
	return o
}

// TestStatsOnGeneratedOrders: the owner's figures from a generated set of
// orders in a real bbolt file, through the admin API and the admin page.
func TestStatsOnGeneratedOrders(t *testing.T) {
	sh := newShop(t, withCatalog(t, func(c map[string]any) { c["shop"].(map[string]any)["on_time_target"] = 0.9 }))
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, ams) }
	var reviewed []*order.Order
	for i := range 10 { // ten customers, one order each in September; odd ones a day late
		late := i % 2
		o := sh.genOrder(fmt.Sprintf("c%d@example.nl", i), day(9, 1+i), day(9, 3+i), day(9, 3+i+late), true, i < 2)
		if i < 3 {
			reviewed = append(reviewed, o)
		}
	}
	for i := range 4 { // four of them order again 14 days later, on time
		sh.genOrder(fmt.Sprintf("c%d@example.nl", i), day(9, 15+i), day(9, 17+i), day(9, 17+i), true, false)
	}
	sh.genOrder("c10@example.nl", day(8, 20), day(8, 22), day(8, 22), true, false)   // before the period
	sh.genOrder("c10@example.nl", day(9, 19), day(9, 21), day(9, 21), true, false)   // 30 days later
	sh.genOrder("c11@example.nl", day(9, 5), time.Time{}, time.Time{}, false, false) // never paid
	for _, o := range reviewed {
		if _, _, err := sh.sc.store.Reviews.Save(review.Review{OrderID: o.ID, Product: "mok", Rating: 5, Text: "Mooi", Author: "Gen", Email: o.Customer.Email, Lang: "en"}); err != nil {
			t.Fatal(err)
		}
	}

	r := sh.admin(http.MethodGet, "/api/admin/stats?from=2026-09-01&to=2026-10-31", "")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("stats: %d %s", r.StatusCode, r.body)
	}
	var a StatsAnswer
	r.json(t, &a)
	rt := a.Retention
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"orders", float64(rt.Orders), 15},
		{"customers", float64(rt.Customers), 11},
		{"repeat customers", float64(rt.RepeatCustomers), 5},
		{"repeat rate", rt.RepeatRate, 5.0 / 11},
		{"intervals", float64(rt.Intervals), 5},
		{"median days", rt.MedianDays, 14},
		{"delivered", float64(rt.Delivered), 15},
		{"reviewed", float64(rt.Reviewed), 3},
		{"review rate", rt.ReviewRate, 0.2},
		{"returned", float64(rt.Returned), 2},
	} {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if len(a.Methods) != 1 {
		t.Fatalf("methods %+v", a.Methods)
	}
	m := a.Methods[0]
	if m.Method != "postnl" || m.Delivered != 15 || m.OnTime != 10 || m.MaxLate != 1 || a.Target != 0.9 {
		t.Errorf("postnl figures %+v (target %v)", m, a.Target)
	}
	if r := sh.admin(http.MethodGet, "/api/admin/stats?from=2026-10-31&to=2026-09-01", ""); r.StatusCode != http.StatusBadRequest {
		t.Errorf("from after to: %d", r.StatusCode)
	}
	if r := sh.req(http.MethodGet, "/api/admin/stats", ""); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("stats without the token: %d", r.StatusCode)
	}

	// The owner's page draws the same figures as bars.
	sh.adminLogin()
	page := sh.req(http.MethodGet, "/admin/stats/?from=2026-09-01&to=2026-10-31", "")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.body, "<svg") {
		t.Fatalf("admin stats page: %d\n%s", page.StatusCode, page.body)
	}
	// Repeat customers 5 of 11 = 45%: a bar of 136 of 300 px.
	if !regexp.MustCompile(`width="136"`).MatchString(page.body) || !strings.Contains(page.body, "45%") {
		t.Errorf("repeat-customer bar missing:\n%s", page.body)
	}
	if r := sh.client.Jar; r != nil {
		jar, _ := newJar()
		sh.jar, sh.client.Jar = jar, jar
	}
	if page := sh.req(http.MethodGet, "/admin/stats/", ""); page.StatusCode != http.StatusUnauthorized || strings.Contains(page.body, "<svg") {
		t.Errorf("admin stats page without a session: %d", page.StatusCode)
	}
}
