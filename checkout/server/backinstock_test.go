package server

import (
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/server/retention"
)

// TestBackInStockAlert: the last copies of a book are sold; a stranger asks
// to be mailed when it is back (double opt-in, as other subscriptions); the
// owner sees one person waiting; a returned copy put back in stock sends
// exactly one e-mail and ends the alert. Asked in English, the e-mail names
// the book and links its page in English.
func TestBackInStockAlert(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f), withCatalog(t, func(c map[string]any) {
		for _, it := range c["items"].([]any) {
			if it := it.(map[string]any); it["sku"] == "BOEK-001" {
				it["title_en"], it["url_en"] = "The coffee book", "/en/products/coffee-book/"
			}
		}
	}))
	o := sh.delivered(sh.paidOrder(f, "books", map[string]int{"BOEK-001": 3}))

	if r := sh.req(http.MethodPost, "/api/subscriptions", `{"email":"jan@example.nl","topic":"stock:NOPE-1","label":"x"}`); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unknown SKU: %d %s", r.StatusCode, r.body)
	}
	r := sh.req(http.MethodPost, "/api/subscriptions", `{"email":"jan@example.nl","topic":"stock:BOEK-001","label":"Het koffieboek","lang":"en"}`)
	if r.StatusCode != http.StatusAccepted {
		t.Fatalf("ask: %d %s", r.StatusCode, r.body)
	}
	sh.flushMail()
	confirms := sh.outboxFiles("subscribe_confirm")
	if len(confirms) != 1 {
		t.Fatalf("%d confirmation mails", len(confirms))
	}
	raw, _ := os.ReadFile(confirms[0])
	eml := strings.ReplaceAll(strings.ReplaceAll(string(raw), "=\r\n", ""), "=\n", "")
	m := regexp.MustCompile(`/api/subscriptions/confirm/([A-Za-z0-9_-]{32})`).FindStringSubmatch(eml)
	if m == nil {
		t.Fatalf("no confirmation link in\n%s", eml)
	}
	// Not confirmed yet: nothing is sent even when stock came back.
	var w retention.WaitingList
	sh.admin(http.MethodGet, "/api/admin/back-in-stock", "").json(t, &w)
	if len(w.Waiting) != 1 || w.Waiting[0].Pending != 1 || w.Waiting[0].Waiting != 0 {
		t.Fatalf("waiting before confirmation: %+v", w)
	}
	if r := sh.form("/api/subscriptions/confirm/"+m[1], nil); r.StatusCode/100 != 2 && r.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", r.StatusCode, r.body)
	}
	sh.admin(http.MethodGet, "/api/admin/back-in-stock", "").json(t, &w)
	if len(w.Waiting) != 1 || w.Waiting[0].SKU != "BOEK-001" || w.Waiting[0].Waiting != 1 {
		t.Fatalf("waiting: %+v", w)
	}
	sh.sc.stock.BackInStock()
	if n := sh.mailCount("back_in_stock"); n != 0 {
		t.Fatalf("%d alerts while sold out", n)
	}

	// A copy comes back; the owner receives it and puts it back in stock.
	if r := sh.req(http.MethodPost, "/api/orders/"+o.Token+"/returns", `{"lines":[{"sku":"BOEK-001","quantity":1}]}`); r.StatusCode/100 != 2 {
		t.Fatalf("return: %d %s", r.StatusCode, r.body)
	}
	code := o.ID + "-R1"
	if r := sh.admin(http.MethodPost, "/api/admin/orders/"+o.ID+"/returns/"+code+"/restock", ""); r.StatusCode != http.StatusConflict {
		t.Fatalf("restock before receipt: %d %s", r.StatusCode, r.body)
	}
	if r := sh.admin(http.MethodPost, "/api/admin/orders/"+o.ID+"/return-received", `{"code":"`+code+`"}`); r.StatusCode != 200 {
		t.Fatalf("received: %d %s", r.StatusCode, r.body)
	}
	for i, want := range []string{`"restocked":true`, `"restocked":false`} {
		r := sh.admin(http.MethodPost, "/api/admin/orders/"+o.ID+"/returns/"+code+"/restock", "")
		if r.StatusCode != 200 || !strings.Contains(r.body, want) {
			t.Fatalf("restock %d: %d %s", i, r.StatusCode, r.body)
		}
	}
	sh.sc.stock.BackInStock()
	if n := sh.mailCount("back_in_stock"); n != 1 {
		t.Fatalf("%d alert mails, want 1", n)
	}
	if text, _ := bodies(sh.mails("back_in_stock")[0]); !strings.Contains(text, "The coffee book") || !strings.Contains(text, "/en/products/coffee-book/") {
		t.Errorf("the English alert does not name or link the English page:\n%s", text)
	}
	var a struct {
		Items []struct {
			SKU       string `json:"sku"`
			Remaining int    `json:"remaining"`
		} `json:"items"`
	}
	sh.req(http.MethodGet, "/api/availability?sku=BOEK-001", "").json(t, &a)
	if len(a.Items) != 1 || a.Items[0].Remaining != 1 {
		t.Fatalf("availability after restock: %+v", a)
	}
	sh.admin(http.MethodGet, "/api/admin/back-in-stock", "").json(t, &w)
	if len(w.Waiting) != 0 {
		t.Fatalf("the alert did not end: %+v", w)
	}
	if r := sh.admin(http.MethodPost, "/api/admin/orders/"+o.ID+"/returns/XX/restock", ""); r.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown return: %d", r.StatusCode)
	}
}
