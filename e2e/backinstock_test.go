package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestBackInStockJourney (docs/subscriptions.md): someone buys the last
// copies of a book; a visitor of its page (the live stock script shows the
// form the build did not) asks to be mailed when it is back, confirms the
// e-mail's link, and gets one e-mail when a returned copy is put back in
// stock by the owner.
func TestBackInStockJourney(t *testing.T) {
	h := need(t, true)
	order, byProduct := readCatalog(t, h)
	var pick catalogItem
	for _, p := range order {
		its := byProduct[p]
		if len(its) == 1 && its[0].Stock.Tracked && its[0].Stock.Quantity >= 2 && its[0].Stock.Quantity <= 10 {
			pick = its[0]
			break
		}
	}
	if pick.SKU == "" {
		t.Skip("the demo shop has no single product with 2 to 10 in stock")
	}

	// A buyer takes every copy; the owner ships and delivers them.
	c := newAPIClient(t, h)
	if st, b := c.post("/api/cart/items", "application/json", fmt.Sprintf(`{"sku":%q,"quantity":%d}`, pick.SKU, pick.Stock.Quantity)); st != http.StatusOK {
		t.Fatalf("add to cart: %d %s", st, b)
	}
	st, b := c.post("/api/checkout", "application/json", `{"name":"Kees Boekhuis","email":"kees-bis@example.nl","street":"Oudegracht 2","postal_code":"3511 AA","city":"Utrecht","country":"NL","shipping_method":"postnl"}`, "Idempotency-Key", "bis-"+pick.SKU)
	if st/100 != 2 {
		t.Fatalf("checkout: %d %s", st, b)
	}
	var a struct {
		CheckoutURL string `json:"checkout_url"`
		OrderURL    string `json:"order_url"`
		Order       struct {
			ID string `json:"id"`
		} `json:"order"`
	}
	json.Unmarshal([]byte(b), &a)
	pay, _ := url.Parse(a.CheckoutURL)
	if st, b := c.post(pay.Path, "application/x-www-form-urlencoded", "status=paid"); st != http.StatusSeeOther {
		t.Fatalf("pay: %d %s", st, b)
	}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if r, err := c.http.Get(a.OrderURL); err == nil {
			r.Body.Close()
		}
		var o adminOrder
		admin(t, h, "GET", "/api/admin/orders/"+a.Order.ID, nil, &o)
		if o.State == "paid" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %s is %s after paying", a.Order.ID, o.State)
		}
	}
	admin(t, h, "POST", "/api/admin/orders/"+a.Order.ID+"/ship", map[string]string{"tracking_url": "https://track.example/BIS1"}, nil)
	admin(t, h, "POST", "/api/admin/orders/"+a.Order.ID+"/deliver", nil, nil)

	// A visitor finds it sold out and asks to be told.
	tb := newCustomer(t, h, tabOptions{})
	tb.open(pick.URL)
	tb.waitFor(`(f => f && !f.hidden)(document.querySelector("[data-back-in-stock]"))`, step)
	email := fmt.Sprintf("wacht-%d@example.nl", time.Now().UnixNano())
	tb.fill("#bis-email", email)
	if st := tb.submit(`[data-back-in-stock] button[type=submit]`); st != 200 {
		t.Fatalf("asking for the alert answered %d", st)
	}
	if !regexp.MustCompile(`(?i)mail`).MatchString(tb.mainText()) {
		t.Errorf("after asking, the page says:\n%s", clip(tb.mainText(), 600))
	}
	confirm := mailsTo(t, h, email, 1)[0]
	link := regexp.MustCompile(`/api/subscriptions/confirm/[A-Za-z0-9_-]{32}`).FindString(confirm.Text)
	if link == "" {
		t.Fatalf("the confirmation e-mail has no link:\n%s", confirm.Text)
	}
	tb.open(link)
	if st := tb.submit(`form[action^="/api/subscriptions/confirm/"] button`); st != 200 {
		t.Fatalf("confirming answered %d", st)
	}
	var w struct {
		Waiting []struct {
			SKU     string `json:"sku"`
			Waiting int    `json:"waiting"`
		} `json:"waiting"`
	}
	admin(t, h, "GET", "/api/admin/back-in-stock", nil, &w)
	found := false
	for _, x := range w.Waiting {
		found = found || (x.SKU == pick.SKU && x.Waiting >= 1)
	}
	if !found {
		t.Fatalf("the owner does not see anyone waiting for %s: %+v", pick.SKU, w)
	}

	// One copy comes back: returned, received, put back in stock.
	tok := strings.TrimPrefix(mustPath(t, a.OrderURL), "/order/")
	if st, b := c.post("/api/orders/"+tok+"/returns", "application/json", fmt.Sprintf(`{"lines":[{"sku":%q,"quantity":1}]}`, pick.SKU)); st/100 != 2 {
		t.Fatalf("return: %d %s", st, b)
	}
	code := a.Order.ID + "-R1"
	admin(t, h, "POST", "/api/admin/orders/"+a.Order.ID+"/return-received", map[string]string{"code": code}, nil)
	admin(t, h, "POST", "/api/admin/orders/"+a.Order.ID+"/returns/"+code+"/restock", nil, nil)
	mails := mailsTo(t, h, email, 2)
	back := mails[1]
	if !strings.Contains(back.Text, pick.URL) {
		t.Errorf("the back-in-stock e-mail %q does not link to %s:\n%s", back.Subject, pick.URL, clip(back.Text, 800))
	}
	tb.open(pick.URL)
	tb.waitFor(`(b => b && !b.disabled)(document.querySelector("form.buy-form [data-add]"))`, step)
}

func mustPath(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}
