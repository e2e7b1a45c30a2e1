package server

import (
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

// TestRestockFromOwnerPage: the last copies of a book are sold, a visitor
// waits for it (double opt-in), a copy comes back. On the owner's order
// page the received return gets a button "Put return … back in stock";
// pressing it raises the stock, sends the one alert mail and ends the
// alert, and the button is gone. A second return is received and put back
// in stock with one form (the box is not ticked by itself). Pressing a
// stale button again changes nothing; a forged form is refused.
func TestRestockFromOwnerPage(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	o := sh.delivered(sh.paidOrder(f, "books", map[string]int{"BOEK-001": 3}))

	if r := sh.req(http.MethodPost, "/api/subscriptions", `{"email":"jan@example.nl","topic":"stock:BOEK-001","label":"Het koffieboek"}`); r.StatusCode != http.StatusAccepted {
		t.Fatalf("ask: %d %s", r.StatusCode, r.body)
	}
	sh.flushMail()
	raw, _ := os.ReadFile(sh.outboxFiles("subscribe_confirm")[0])
	eml := strings.ReplaceAll(strings.ReplaceAll(string(raw), "=\r\n", ""), "=\n", "")
	m := regexp.MustCompile(`/api/subscriptions/confirm/([A-Za-z0-9_-]{32})`).FindStringSubmatch(eml)
	if m == nil {
		t.Fatal("no confirmation link")
	}
	sh.form("/api/subscriptions/confirm/"+m[1], nil)
	ask := func(n string) string {
		t.Helper()
		r := sh.req(http.MethodPost, "/api/orders/"+o.Token+"/returns", `{"lines":[{"sku":"BOEK-001","quantity":`+n+`}]}`)
		var got struct {
			Code string `json:"code"`
		}
		r.json(t, &got)
		if r.StatusCode/100 != 2 || got.Code == "" {
			t.Fatalf("return: %d %s", r.StatusCode, r.body)
		}
		return got.Code
	}
	first := ask("1")
	remaining := func() string {
		return sh.req(http.MethodGet, "/api/availability?sku=BOEK-001", "").body
	}

	sh.adminLogin()
	page := sh.req(http.MethodGet, "/admin/orders/"+o.ID, "")
	if strings.Contains(page.body, "/restock") {
		t.Fatal("a restock button before the parcel is received")
	}
	if !strings.Contains(page.body, `name="restock" value="1">`) || strings.Contains(page.body, `name="restock" value="1" checked`) {
		t.Fatal("the receipt form lacks an unticked back-in-stock box")
	}
	csrf := csrfOf(t, page.body)
	if r := sh.form("/admin/orders/"+o.ID+"/restock", url.Values{"csrf": {csrf}, "code": {first}}); r.StatusCode != http.StatusConflict {
		t.Fatalf("restock before receipt: %d", r.StatusCode)
	}
	if r := sh.form("/admin/orders/"+o.ID+"/return-received", url.Values{"csrf": {csrf}, "code": {first}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("received: %d %s", r.StatusCode, r.body)
	}
	if n := sh.mailCount("back_in_stock"); n != 0 || !strings.Contains(remaining(), `"remaining":0`) {
		t.Fatalf("received without restock: %d alerts, %s", n, remaining())
	}
	page = sh.req(http.MethodGet, "/admin/orders/"+o.ID, "")
	if !strings.Contains(page.body, sh.says("order.restock", first)+" (1 × Het koffieboek)") { // the owner's language, not the customer's
		t.Fatalf("no restock button for the received return:\n%s", page.body)
	}
	if r := sh.form("/admin/orders/"+o.ID+"/restock", url.Values{"csrf": {"forged"}, "code": {first}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("forged form: %d", r.StatusCode)
	}
	r := sh.form("/admin/orders/"+o.ID+"/restock", url.Values{"csrf": {csrf}, "code": {first}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("restock: %d %s", r.StatusCode, r.body)
	}
	page = sh.req(http.MethodGet, r.Header.Get("Location"), "")
	if !strings.Contains(page.body, sh.says("notice.restocked")) || strings.Contains(page.body, sh.says("order.restock", first)) {
		t.Fatalf("after the button: notice or button wrong:\n%s", page.body)
	}
	if n := sh.mailCount("back_in_stock"); n != 1 || !strings.Contains(remaining(), `"remaining":1`) {
		t.Fatalf("after restock: %d alerts, %s", n, remaining())
	}
	// The stale button again, in other letters: nothing changes.
	r = sh.form("/admin/orders/"+o.ID+"/restock", url.Values{"csrf": {csrf}, "code": {strings.ToLower(first)}})
	if r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "restocked-before") || !strings.Contains(remaining(), `"remaining":1`) {
		t.Fatalf("second press: %d %s, %s", r.StatusCode, r.Header.Get("Location"), remaining())
	}
	// The other two copies come back: received and back in stock in one go.
	second := ask("2")
	if r := sh.form("/admin/orders/"+o.ID+"/return-received", url.Values{"csrf": {csrf}, "code": {second}, "restock": {"1"}}); r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "return-restocked") {
		t.Fatalf("received and restocked: %d %s", r.StatusCode, r.body)
	}
	if n := sh.mailCount("back_in_stock"); n != 1 || !strings.Contains(remaining(), `"remaining":3`) {
		t.Fatalf("after the second return: %d alerts (the alert had ended), %s", n, remaining())
	}
	if page := sh.req(http.MethodGet, "/admin/orders/"+o.ID, ""); strings.Contains(page.body, "/restock") {
		t.Fatal("a restock button for returns already back in stock")
	}
}
