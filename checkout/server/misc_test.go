package server

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/server/web"
	bolt "go.etcd.io/bbolt"
)

// TestPagesWearTheShell: the theme's shell per language; the built-in page
// when the site has none; the shell is reloaded with the catalog.
func TestPagesWearTheShell(t *testing.T) {
	sh := newShop(t)
	if p := sh.req("GET", "/cart/?lang=en", ""); !strings.Contains(p.body, "THEME-HEADER-EN") || !strings.Contains(p.body, "Your cart is empty") {
		t.Errorf("English cart page lacks the English shell:\n%s", p.body)
	}
	// The lang choice is remembered in a cookie.
	if p := sh.req("GET", "/checkout/", ""); !strings.Contains(p.body, "THEME-HEADER-EN") {
		t.Error("language choice not remembered")
	}
	if p := sh.req("GET", "/cart/?lang=nl", ""); !strings.Contains(p.body, "THEME-HEADER-NL") || !strings.Contains(p.body, "<title>Winkelmand · Brandpunt Koffie</title>") {
		t.Errorf("Dutch cart page:\n%s", p.body)
	}
	// A new build changes the shell; the sidecar follows the catalog.
	shell := filepath.Join(sh.site, "_shell", "index.html")
	b, _ := os.ReadFile(shell)
	os.WriteFile(shell, bytes.Replace(b, []byte("THEME-HEADER-NL"), []byte("THEME-HEADER-V2"), 1), 0o644)
	cat := filepath.Join(sh.site, "catalog.json")
	c, _ := os.ReadFile(cat)
	os.WriteFile(cat, bytes.Replace(c, []byte(`"test-1"`), []byte(`"test-2"`), 1), 0o644)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if p := sh.req("GET", "/cart/", ""); strings.Contains(p.body, "THEME-HEADER-V2") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("shell not reloaded after the catalog changed")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestBuiltinShellWhenMissing(t *testing.T) {
	sh := newShop(t, func(o *Options) {})
	os.RemoveAll(filepath.Join(sh.site, "_shell"))
	os.RemoveAll(filepath.Join(sh.site, "en"))
	var ss web.Shells
	errs := ss.Load(t.Context(), sh.sc.Catalog.ReadSibling)
	if len(errs) == 0 {
		t.Error("a missing shell is not reported")
	}
	if got := string(ss.Get("nl").Render("T", "<p>x</p>")); !strings.Contains(got, "<main id=\"main\"><p>x</p></main>") {
		t.Errorf("built-in page: %s", got)
	}
}

// TestPriceChanged: a new catalog with another price: the cart says so
// plainly, the checkout asks to confirm once, the order keeps the new price.
func TestPriceChanged(t *testing.T) {
	sh := newShop(t)
	sh.addToCart("MOK-001", 1)
	cat := filepath.Join(sh.site, "catalog.json")
	c, _ := os.ReadFile(cat)
	c = bytes.Replace(c, []byte(`"price": 1295`), []byte(`"price": 1395`), 1)
	c = bytes.Replace(c, []byte(`"test-1"`), []byte(`"test-price"`), 1)
	os.WriteFile(cat, c, 0o644)
	deadline := time.Now().Add(10 * time.Second)
	var cv CartView
	for {
		sh.req("GET", "/api/cart", "").json(t, &cv)
		if cv.PriceChanged || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !cv.PriceChanged || len(cv.Notices) != 1 || !strings.Contains(cv.Notices[0], "€12.95") || !strings.Contains(cv.Notices[0], "€13.95") {
		t.Fatalf("price change not told: %+v %v", cv.Totals, cv.Notices)
	}
	if p := sh.req("GET", "/cart/?lang=en", ""); !strings.Contains(p.body, "changed from €12.95 to €13.95") {
		t.Error("cart page does not say the price changed")
	}
	r, _ := sh.checkout("price-1")
	if r.StatusCode != http.StatusConflict || !strings.Contains(r.errorMessage(t), "€13.95") {
		t.Fatalf("checkout after a price change: %d %s", r.StatusCode, r.body)
	}
	r, a := sh.checkout("price-2")
	if r.StatusCode != http.StatusCreated || a.Order.Total != 1395+495 {
		t.Fatalf("confirmed checkout: %d %s", r.StatusCode, r.body)
	}
}

func TestRateLimit(t *testing.T) {
	sh := newShop(t, func(o *Options) { o.RateLimit = 1 })
	var last response
	for i := range 12 {
		last = sh.req("POST", "/api/checkout", validCheckout, "Idempotency-Key", "rl-"+itoa(i))
		if last.StatusCode == http.StatusTooManyRequests {
			break
		}
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" || last.errorMessage(t) == "" {
		t.Fatalf("no 429 with Retry-After after a burst: %d %v", last.StatusCode, last.Header)
	}
	// The cart API is not limited.
	if r := sh.req("GET", "/api/cart", ""); r.StatusCode != 200 {
		t.Errorf("cart after checkout limit: %d", r.StatusCode)
	}
}

func TestSecurityHeadersAndCookie(t *testing.T) {
	sh := newShop(t)
	r := sh.req("GET", "/cart/", "")
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
		"Referrer-Policy": "same-origin", "Cache-Control": "no-store"} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if r.Header.Get("X-Request-Id") == "" {
		t.Error("no request id")
	}
	// Cross-origin form posts are refused too.
	if r := sh.req("POST", "/cart/add", "sku=MOK-001", "Origin", "https://evil.example"); r.StatusCode != 403 {
		t.Errorf("cross-origin form: %d", r.StatusCode)
	}
}

func TestBackupThroughAdminAPI(t *testing.T) {
	sh := newShop(t)
	sh.addToCart("MOK-001", 1)
	sh.checkout("backup")
	r := sh.admin("GET", "/api/admin/backup", "")
	if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("backup: %d %v", r.StatusCode, r.Header)
	}
	path := filepath.Join(t.TempDir(), "copy.db")
	os.WriteFile(path, []byte(r.body), 0o600)
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("the copy does not open: %v", err)
	}
	defer db.Close()
	n := 0
	db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte("orders")); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	if n != 1 {
		t.Errorf("the copy holds %d orders, want 1", n)
	}
	if r := sh.req("GET", "/api/admin/backup", ""); r.StatusCode != 401 {
		t.Errorf("backup without token: %d", r.StatusCode)
	}
}

func TestOutboxPageAndStatic(t *testing.T) {
	sh := newShop(t, func(o *Options) { o.Dev = true; o.PublicDir = "testdata/site" })
	sh.addToCart("MOK-001", 1)
	_, a := sh.checkout("outbox")
	back := sh.choose(a.CheckoutURL, "paid").Header.Get("Location")
	sh.req("GET", path(t, back), "")
	sh.flushMail()
	list := sh.req("GET", "/outbox/", "")
	if !strings.Contains(list.body, "eva@example.nl") || !strings.Contains(list.body, "confirmation") {
		t.Fatalf("outbox page:\n%s", list.body)
	}
	name := filepath.Base(sh.outboxFiles("confirmation")[0])
	msg := sh.req("GET", "/outbox/"+name, "")
	if !strings.Contains(msg.body, "Mug &lt;Brandpunt&gt;") || !strings.Contains(msg.body, "sandbox") {
		t.Errorf("outbox message page:\n%s", msg.body)
	}
	if r := sh.req("GET", "/outbox/..%2Fshop.db", ""); r.StatusCode != 404 {
		t.Errorf("outbox path escape: %d", r.StatusCode)
	}
	// PublicDir: the static site is served for paths the sidecar does not own.
	if r := sh.req("GET", "/catalog.json", ""); r.StatusCode != 200 || !strings.Contains(r.body, "KOF-GUJI-250-BO") {
		t.Errorf("static catalog.json: %d", r.StatusCode)
	}
	if r := sh.req("GET", "/en/", ""); r.StatusCode != 404 || strings.Contains(r.body, "_shell") {
		t.Errorf("a directory without index.html is listed: %d %s", r.StatusCode, r.body)
	}
	if r := sh.req("GET", "/_shell/", ""); r.StatusCode != 200 || !strings.Contains(r.body, "THEME-HEADER-NL") {
		t.Errorf("a directory's index.html: %d", r.StatusCode)
	}
}

// TestPayAgainSoldOut: while a failed order waited, someone else bought the
// last units: paying again says so plainly and creates no payment to keep.
func TestPayAgainSoldOut(t *testing.T) {
	sh := newShop(t)
	sh.addToCart("BOEK-001", 3)
	_, a := sh.checkout("first")
	back := sh.choose(a.CheckoutURL, "failed").Header.Get("Location")
	sh.req("GET", path(t, back), "")

	other := *sh
	other.jar, _ = newJar()
	other.client = &http.Client{Jar: other.jar, CheckRedirect: sh.client.CheckRedirect}
	other.addToCart("BOEK-001", 3)
	if r, _ := other.checkout("second"); r.StatusCode != http.StatusCreated {
		t.Fatalf("second customer: %d %s", r.StatusCode, r.body)
	}
	r := sh.form(path(t, back)+"/pay?lang=en", nil)
	if r.StatusCode != http.StatusConflict || !strings.Contains(r.body, "The coffee book is sold out") || !strings.Contains(r.body, "Pay again") {
		t.Fatalf("pay again when sold out: %d\n%s", r.StatusCode, r.body)
	}
	av, _ := sh.sc.store.Stock.Availability(sh.sc.Catalog.Current(), "BOEK-001")
	if av[0].Reserved != 3 {
		t.Errorf("stock %+v, want 3 reserved by the second customer only", av[0])
	}
}

func TestRateLimitForms(t *testing.T) {
	sh := newShop(t, func(o *Options) { o.RateLimit = 1 })
	var last response
	for range 12 {
		last = sh.form("/checkout/", nil)
		if last.StatusCode == http.StatusTooManyRequests {
			break
		}
	}
	if last.StatusCode != http.StatusTooManyRequests || !strings.Contains(last.Header.Get("Content-Type"), "text/html") || last.Header.Get("Retry-After") == "" {
		t.Fatalf("form over the limit: %d %s", last.StatusCode, last.Header.Get("Content-Type"))
	}
}

// TestCheckoutTotalFollowsCountry: a method that does not ship to the chosen
// country is not priced; the page shows the total of one that does.
func TestCheckoutTotalFollowsCountry(t *testing.T) {
	sh := newShop(t)
	sh.addToCart("KOF-GUJI-250-BO", 1)
	r := sh.form("/checkout/", url.Values{"lang": {"en"}, "country": {"BE"}, "shipping_method": {"postnl"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.StatusCode)
	}
	// Belgian VAT (OSS, testdata catalog): 14,50 at 9 % is 14,10 at 6 %; + 7,95.
	if !strings.Contains(r.body, `value="postnl-be" checked`) || !strings.Contains(r.body, "Order and pay · €22.05") {
		t.Errorf("the page does not price shipping to Belgium:\n%s", r.body)
	}
}
