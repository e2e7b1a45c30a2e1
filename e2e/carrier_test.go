package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/storefront/storefront/checkout/sendcloud/sendcloudfake"
	"github.com/storefront/storefront/checkout/server"
	"github.com/storefront/storefront/checkout/words"
)

// carrierHarness serves the built demo shop with a second sidecar that has
// a Sendcloud account (sendcloudfake) and a PostNL pick-up point method
// added to its catalog; the demo shop itself runs without an account.
func carrierHarness(t *testing.T, h *harness) (*harness, *sendcloudfake.Fake) {
	t.Helper()
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	for _, rel := range []string{"catalog.json", "_shell/index.html", "en/_shell/index.html"} {
		b, err := os.ReadFile(filepath.Join(h.public, rel))
		if err != nil {
			t.Fatal(err)
		}
		if rel == "catalog.json" {
			var cat map[string]any
			if err := json.Unmarshal(b, &cat); err != nil {
				t.Fatal(err)
			}
			ship := cat["shipping"].(map[string]any)
			ship["methods"] = append(ship["methods"].([]any), map[string]any{"id": "postnl-point", "name": "PostNL-punt",
				"name_en": "PostNL pick-up point", "price": 395, "vat_rate": 21, "transit_days": 1, "countries": []string{"NL"},
				"tracking_url": "https://jouw.postnl.nl/track-and-trace/{code}-NL", "carrier_option": "postnl:pakjegemak", "pickup_points": true})
			b, _ = json.Marshal(cat)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(site, rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(site, rel), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	f := sendcloudfake.New()
	t.Cleanup(f.Close)
	logf, err := os.Create(filepath.Join(h.artifacts, "sidecar-carrier.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logf.Close() })
	sc, err := server.Open(context.Background(), server.Options{
		Catalog: filepath.Join(site, "catalog.json"), DataFile: filepath.Join(dir, "shop.db"), BaseURL: base + "/",
		AdminToken: adminToken, OutboxDir: filepath.Join(dir, "outbox"), PublicDir: h.public, Dev: true, RateLimit: -1,
		SendcloudPublicKey: sendcloudfake.PublicKey, SendcloudSecretKey: sendcloudfake.SecretKey, SendcloudBaseURL: f.BaseURL(),
		CarrierCheckEvery: -1,
	}, slog.New(slog.NewTextHandler(logf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: sc.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close(); sc.Close() })
	return &harness{base: base, repo: h.repo, tmp: dir, public: h.public, outbox: filepath.Join(dir, "outbox"),
		artifacts: h.artifacts, browser: h.browser}, f
}

var orderIDRe = regexp.MustCompile(`SF-\d{4}-\d+`)

// TestPickupPointAndLabel: without JavaScript a customer chooses a PostNL
// pick-up point (not the nearest) near a postcode other than their own,
// pays the total the page showed (the method's price in it) and sees the
// point on the order page; the owner creates the label from the admin page
// and gets the A6 and A4 PDFs.
func TestPickupPointAndLabel(t *testing.T) {
	main := need(t, true)
	h, f := carrierHarness(t, main)
	v := pickVariant(t, main)
	if u, err := url.Parse(v.URL); err == nil {
		v.URL = u.Path // on this sidecar, not the demo's
	}
	tb := newCustomer(t, h, tabOptions{NoJS: true})
	addToCart(t, tb, v, 1)
	if st := tb.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
		t.Fatalf("checkout page: %d", st)
	}
	fillCheckout(tb, validAddress(t))
	if eval[bool](tb, `!!document.querySelector("[data-sf-pickup]:not([hidden])")`) {
		t.Fatal("the pick-up point field shows before a pick-up point method is chosen")
	}
	before := shownTotal(t, tb)
	tb.click(`input[name="shipping_method"][value="postnl-point"]`)
	if st := tb.submit(`button[name="update"]`); st != 200 {
		t.Fatalf("update with the pick-up point method: %d", st)
	}
	if !eval[bool](tb, `!!document.querySelector("[data-sf-pickup]:not([hidden])")`) {
		t.Fatalf("no pick-up point field after choosing the method:\n%s", clip(tb.mainText(), 1500))
	}
	tb.fill(`#f-pickup_postcode`, "1012 AB")
	if st := tb.submit(`button[name="find_points"]`); st != 200 {
		t.Fatalf("find points: %d", st)
	}
	names := jsonOf[[]string](tb, `[...document.querySelectorAll('input[name="pickup_point"]')].map(i => i.closest("label").innerText.trim())`)
	if len(names) < 2 {
		t.Fatalf("points found: %v\n%s", names, clip(tb.mainText(), 1500))
	}
	chosen := names[1] // not the nearest
	tb.click(`label:nth-of-type(2) > input[name="pickup_point"]`)
	if got := eval[string](tb, `document.querySelector('input[name="pickup_point"]:checked').closest("label").innerText.trim()`); got != chosen {
		t.Fatalf("chose %q, checked is %q", chosen, got)
	}
	total := shownTotal(t, tb)
	if st := tb.submit(`form.sf-checkout-form button[type=submit]`); st != 200 {
		t.Fatalf("placing the order: %d\n%s", st, clip(tb.mainText(), 1500))
	}
	if !strings.HasPrefix(tb.path(), "/pay/") {
		t.Fatalf("not on the payment page but %s:\n%s", tb.path(), clip(tb.mainText(), 1500))
	}
	if got := payAmount(t, tb); got != total {
		t.Fatalf("the page showed %s, the payment asks %s", euroText(total), euroText(got))
	}
	if total == before {
		t.Logf("note: the pick-up point method costs the same as the first method here (%s)", euroText(total))
	}
	choose(t, tb, "paid")
	pointName := strings.SplitN(chosen, ",", 2)[0]
	if txt := tb.mainText(); !strings.Contains(txt, pointName) {
		t.Fatalf("the order page does not show the pick-up point %q:\n%s", pointName, clip(txt, 2000))
	}
	id := orderIDRe.FindString(eval[string](tb, `document.querySelector(".sf-order h1").innerText`))
	if id == "" {
		t.Fatal("no order number on the order page")
	}

	// The owner prints the label from the admin page.
	ow := newCustomer(t, h, tabOptions{})
	ow.allowStatus(401) // the login page answers 401 until the owner logs in
	if err := ow.do(chromedp.Navigate(ow.url("/admin/"))); err != nil {
		t.Fatalf("open /admin/: %v", err)
	}
	ow.fill(`input[name="token"]`, adminToken)
	if st := ow.submit(`form.sf-admin-login-form button[type=submit]`); st != 200 {
		t.Fatalf("admin login: %d", st)
	}
	ow.open("/admin/orders/" + id)
	if !strings.Contains(ow.mainText(), pointName) {
		t.Errorf("the admin page does not show the pick-up point")
	}
	if st := ow.submit(`[data-create-label]`); st != 200 {
		t.Fatalf("create label: %d\n%s", st, clip(ow.mainText(), 1500))
	}
	// The owner's page speaks the shop's language (the demo's: Dutch).
	if txt := ow.mainText(); !strings.Contains(txt, words.T("nl", "owner.notice.label")) || !strings.Contains(txt, words.T("nl", "checkout.state.shipped")) {
		t.Fatalf("after creating the label:\n%s", clip(txt, 1500))
	}
	for _, size := range []string{"A6", "A4"} {
		got := eval[string](ow, `fetch(document.querySelector('a[data-label="`+size+`"]').href, {credentials: "same-origin"})
			.then(r => r.text().then(b => r.status + " " + r.headers.get("content-type") + " " + b.slice(0, 5) + " " + (b.includes("LABEL `+size+`") ? "size-ok" : "size-wrong") + " " + (b.includes("Service point") ? "point-ok" : "no-point")))`)
		if got != "200 application/pdf %PDF- size-ok point-ok" {
			t.Errorf("label %s: %s", size, got)
		}
	}
	// Today's labels, one PDF, from the labels page.
	ow.open("/admin/labels")
	got := eval[string](ow, `fetch(document.querySelector('a[data-labels="A6"]').href, {credentials: "same-origin"})
		.then(r => r.text().then(b => r.status + " " + r.headers.get("content-type") + " " + (b.includes("/Count 1") ? "one-page" : "pages?")))`)
	if got != "200 application/pdf one-page" {
		t.Errorf("today's labels: %s", got)
	}
	parcels := f.Shipments(id)
	if len(parcels) != 1 || parcels[0].ServicePoint == "" {
		t.Fatalf("parcels at the carrier: %+v", parcels)
	}
	// The slip shows the point too.
	ow.open("/admin/orders/" + id + "/packing-slip")
	if !strings.Contains(ow.mainText(), pointName) {
		t.Errorf("the packing slip does not show the pick-up point")
	}
}

// TestPickupPointWithJS: with JavaScript, choosing the method shows the
// field and lists the points near the address's postcode at once, nearest
// first; the total follows the method and is the amount asked.
func TestPickupPointWithJS(t *testing.T) {
	main := need(t, true)
	h, _ := carrierHarness(t, main)
	v := pickVariant(t, main)
	if u, err := url.Parse(v.URL); err == nil {
		v.URL = u.Path
	}
	tb := newCustomer(t, h, tabOptions{})
	addToCart(t, tb, v, 1)
	if st := tb.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
		t.Fatalf("checkout page: %d", st)
	}
	fillCheckout(tb, validAddress(t))
	tb.click(`input[name="shipping_method"][value="postnl-point"]`)
	tb.waitFor(`document.querySelectorAll('[data-sf-pickup]:not([hidden]) input[name="pickup_point"]').length > 1`, step)
	// The script asks in the page's language: its answers (a bad postcode,
	// no points) are shown on this Dutch page whatever the browser prefers.
	tb.mu.Lock()
	asked := ""
	for _, r := range tb.requests {
		if strings.Contains(r, "/api/pickup-points?") {
			asked = r
		}
	}
	tb.mu.Unlock()
	if !strings.Contains(asked, "lang=nl") {
		t.Errorf("the Dutch checkout page asked for pick-up points without its language: %q", asked)
	}
	dists := jsonOf[[]string](tb, `[...document.querySelectorAll('input[name="pickup_point"]')].map(i => (i.closest("label").querySelector("small") || {}).innerText || "")`)
	var last float64
	for _, d := range dists {
		var n float64
		var unit string
		if _, err := fmt.Sscanf(strings.Trim(d, "()"), "%g %s", &n, &unit); err != nil {
			t.Fatalf("distance %q: %v", d, err)
		}
		if unit == "km" {
			n *= 1000
		}
		if n < last {
			t.Fatalf("not nearest first: %v", dists)
		}
		last = n
	}
	tb.waitFor(`!document.querySelector("form[aria-busy]")`, step)
	tb.click(`input[name="pickup_point"]`)
	name := eval[string](tb, `document.querySelector('input[name="pickup_point"]:checked').closest("label").innerText.split(",")[0].trim()`)
	total := shownTotal(t, tb)
	if st := tb.submit(`form.sf-checkout-form button[type=submit]`); st != 200 || !strings.HasPrefix(tb.path(), "/pay/") {
		t.Fatalf("placing the order: %d at %s\n%s", st, tb.path(), clip(tb.mainText(), 1500))
	}
	if got := payAmount(t, tb); got != total {
		t.Fatalf("the page showed %s, the payment asks %s", euroText(total), euroText(got))
	}
	choose(t, tb, "paid")
	if !strings.Contains(tb.mainText(), name) {
		t.Fatalf("the order page does not show %q", name)
	}
}
