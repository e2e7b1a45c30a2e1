package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/storefront/storefront/checkout/cli"
)

// The retention journeys (docs/retention.md): a verified buyer reviews a
// product and the owner publishes it with the next build; a visitor follows
// a category by e-mail with double opt-in, gets one digest and unsubscribes.

// apiClient is a customer without a browser (the review journey starts
// after the purchase, which other journeys cover in the browser).
type apiClient struct {
	t    *testing.T
	h    *harness
	http *http.Client
}

func newAPIClient(t *testing.T, h *harness) *apiClient {
	jar, _ := cookiejar.New(nil)
	return &apiClient{t: t, h: h, http: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *apiClient) post(path, ctype, body string, hdr ...string) (int, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.h.base+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Origin", c.h.base)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// deliveredOrder buys one SKU, pays on the built-in provider's page and has
// the owner ship and deliver it; it returns the order's token and number.
func deliveredOrder(t *testing.T, h *harness, sku, email string) (token, number string) {
	t.Helper()
	c := newAPIClient(t, h)
	if st, b := c.post("/api/cart/items", "application/json", `{"sku":"`+sku+`","quantity":1}`); st != http.StatusOK {
		t.Fatalf("add to cart: %d %s", st, b)
	}
	body := `{"name":"Rosa Verbeek","email":"` + email + `","street":"Oudegracht 1","postal_code":"3511 AA","city":"Utrecht","country":"NL","shipping_method":"postnl"}`
	st, b := c.post("/api/checkout", "application/json", body, "Idempotency-Key", "retention-"+email)
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
	if err := json.Unmarshal([]byte(b), &a); err != nil {
		t.Fatal(err)
	}
	pay, _ := url.Parse(a.CheckoutURL)
	if st, b := c.post(pay.Path, "application/x-www-form-urlencoded", "status=paid"); st != http.StatusSeeOther {
		t.Fatalf("pay: %d %s", st, b)
	}
	// The provider tells the sidecar in the background; the return page asks too.
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
	admin(t, h, "POST", "/api/admin/orders/"+a.Order.ID+"/ship", map[string]string{"tracking_url": "https://track.example/RV1"}, nil)
	admin(t, h, "POST", "/api/admin/orders/"+a.Order.ID+"/deliver", nil, nil)
	u, _ := url.Parse(a.OrderURL)
	return strings.TrimPrefix(u.Path, "/order/"), a.Order.ID
}

// copyShop copies the demo shop's sources (not its build) to a temp dir.
func copyShop(t *testing.T, h *harness) string {
	t.Helper()
	dst := t.TempDir()
	for _, part := range []string{"content", "data", "themes", "hugo.toml", "resources", "static", "assets", "i18n", "layouts"} {
		src := filepath.Join(h.repo, part)
		if _, err := os.Stat(src); err != nil {
			continue
		}
		err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(h.repo, p)
			if info.IsDir() {
				return os.MkdirAll(filepath.Join(dst, rel), 0o755)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

var ratingRe = regexp.MustCompile(`"reviewCount":(\d+)`)

// TestRetentionReviewJourney: the buyer writes a review in the browser
// (without JavaScript, as the form must work), the owner approves it,
// `shop reviews export` writes data/reviews/, and a real build shows it on
// the product page and counts it in the JSON-LD.
func TestRetentionReviewJourney(t *testing.T) {
	h := need(t, true)
	token, number := deliveredOrder(t, h, "KOF-GUJI-250-BO", "rosa.review@example.nl")

	tb := newCustomer(t, h, tabOptions{NoJS: true})
	tb.open("/order/" + token + "/review?product=ethiopie-guji")
	if !strings.Contains(tb.mainText(), "Ethiopië Guji") {
		t.Fatalf("review page does not name the product:\n%s", clip(tb.mainText(), 600))
	}
	tb.click(`#p-ethiopie-guji input[name="rating"][value="5"]`)
	const text = "Bloemig en zoet; op de V60 het mooist. Snel geleverd!"
	// The textarea starts empty (fill's Clear needs a text node to clear).
	if err := tb.do(chromedp.SendKeys(chromedp.CSS(`#text-ethiopie-guji`), text)); err != nil {
		t.Fatalf("type the review: %v", err)
	}
	tb.fill(`#author-ethiopie-guji`, "Rosa")
	if st := tb.submit(`#p-ethiopie-guji button[type="submit"]`); st != 200 {
		t.Fatalf("review form answered %d", st)
	}
	tb.waitText(regexp.MustCompile(`Dank je wel`), 10*time.Second)

	var pending struct {
		Reviews []struct {
			ID, Text, State, Product string
			Rating                   int
		} `json:"reviews"`
	}
	admin(t, h, "GET", "/api/admin/reviews?state=pending", nil, &pending)
	id := ""
	for _, r := range pending.Reviews {
		if strings.HasPrefix(r.ID, number+"/") {
			id = r.ID
			if r.Text != text || r.Rating != 5 || r.Product != "ethiopie-guji" {
				t.Errorf("stored review %+v", r)
			}
		}
	}
	if id == "" {
		t.Fatalf("the owner sees no pending review of order %s: %+v", number, pending.Reviews)
	}
	admin(t, h, "POST", "/api/admin/reviews/"+id+"/approve", nil, nil)

	// The owner exports and the next build publishes.
	src := copyShop(t, h)
	t.Setenv("SHOP_ADMIN_URL", h.base)
	t.Setenv("SHOP_ADMIN_TOKEN", adminToken)
	if err := cli.Reviews([]string{"export", "-s", src}); err != nil {
		t.Fatalf("shop reviews export: %v", err)
	}
	before, _ := os.ReadFile(filepath.Join(h.public, "producten", "ethiopie-guji", "index.html"))
	out := filepath.Join(t.TempDir(), "public")
	if err := buildSite(src, out, h.base+"/"); err != nil {
		t.Fatalf("build with the exported reviews: %v", err)
	}
	page, err := os.ReadFile(filepath.Join(out, "producten", "ethiopie-guji", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte("Bloemig en zoet; op de V60 het mooist.")) || !bytes.Contains(page, []byte("Rosa")) {
		t.Error("the rebuilt product page does not show the approved review")
	}
	was, now := ratingRe.FindSubmatch(before), ratingRe.FindSubmatch(page)
	if was == nil || now == nil {
		t.Fatalf("no JSON-LD reviewCount on the product page (before %q, after %q)", was, now)
	}
	if n0, _ := strconv.Atoi(string(was[1])); strconv.Itoa(n0+1) != string(now[1]) {
		t.Errorf("JSON-LD reviewCount %s before, %s after: want one more", was[1], now[1])
	}

	// One click never to be asked again.
	tb.open("/order/" + token + "/review/opt-out")
	if st := tb.submit(`main form button[type="submit"]`); st != 200 {
		t.Fatalf("opt-out answered %d", st)
	}
	tb.waitText(regexp.MustCompile(`nooit meer`), 10*time.Second)

	// Last, as it skips the test when axe-core is not installed (outside CI).
	js := newCustomer(t, h, tabOptions{})
	js.open("/order/" + token + "/review")
	checkAxe(t, js, "review form")
}

var linkRe = regexp.MustCompile(`https?://\S+`)

func linkWith(t *testing.T, text, part string) string {
	t.Helper()
	for _, l := range linkRe.FindAllString(text, -1) {
		if strings.Contains(l, part) {
			return l
		}
	}
	t.Fatalf("no link with %q in:\n%s", part, text)
	return ""
}

// TestRetentionSubscribeJourney: follow a category from its page, confirm
// (double opt-in), get one digest of a new product, unsubscribe in one click.
func TestRetentionSubscribeJourney(t *testing.T) {
	h := need(t, true)
	addr := "volger." + time.Now().Format("150405.000") + "@example.nl"
	tb := newCustomer(t, h, tabOptions{NoJS: true})
	tb.open("/categories/koffie/")
	tb.fill(`#subscribe-email`, addr)
	if st := tb.submit(`form.subscribe button[type="submit"]`); st != 200 {
		t.Fatalf("subscribe form answered %d", st)
	}
	tb.waitText(regexp.MustCompile(`Kijk in je mail`), 10*time.Second)
	confirm := mailsTo(t, h, addr, 1)[0]
	link := linkWith(t, confirm.Text, "/api/subscriptions/confirm/")

	var res struct {
		Baseline, Unchanged bool
		Queued              int
		Arrivals            []string
	}
	admin(t, h, "POST", "/api/admin/notify", nil, &res) // first run: the starting point

	u, _ := url.Parse(link)
	tb.open(u.Path)
	if st := tb.submit(`main form button[type="submit"]`); st != 200 {
		t.Fatalf("confirm answered %d", st)
	}
	tb.waitText(regexp.MustCompile(`Aangemeld`), 10*time.Second)

	// A deploy adds a coffee: the sidecar reloads its catalog, the owner
	// runs shop notify (twice), the build is then put back as it was.
	catFile := filepath.Join(h.public, "catalog.json")
	orig, err := os.ReadFile(catFile)
	if err != nil {
		t.Fatal(err)
	}
	var cat map[string]any
	json.Unmarshal(orig, &cat)
	items := cat["items"].([]any)
	it := map[string]any{}
	for k, v := range items[0].(map[string]any) {
		it[k] = v
	}
	it["sku"], it["product"], it["title"], it["url"], it["category"] = "E2E-NIEUW-1", "e2e-nieuwe-koffie", "Kenia Kiambu (nieuw)", "/producten/e2e-nieuwe-koffie/", "koffie"
	cat["items"] = append(items, it)
	cat["version"] = "e2e-retention"
	changed, _ := json.Marshal(cat)
	t.Cleanup(func() { os.WriteFile(catFile, orig, 0o644) })
	if err := os.WriteFile(catFile, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		admin(t, h, "POST", "/api/admin/notify?dry_run=1", nil, &res)
		if len(res.Arrivals) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	admin(t, h, "POST", "/api/admin/notify", nil, &res)
	if res.Queued < 1 {
		t.Fatalf("notify after a new coffee: %+v", res)
	}
	admin(t, h, "POST", "/api/admin/notify", nil, &res)
	if res.Queued != 0 {
		t.Errorf("notify twice queued %d more", res.Queued)
	}
	os.WriteFile(catFile, orig, 0o644)

	mails := mailsTo(t, h, addr, 2)
	var digest Message
	for _, m := range mails {
		if strings.Contains(m.File, "-digest-") {
			digest = m
		}
	}
	if !strings.Contains(digest.Text, "Kenia Kiambu (nieuw)") {
		t.Fatalf("digest:\n%s", digest.Text)
	}
	raw, err := os.Open(filepath.Join(h.outbox, digest.File))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	hdr, err := mail.ReadMessage(raw)
	if err != nil {
		t.Fatal(err)
	}
	if lu := hdr.Header.Get("List-Unsubscribe"); !strings.Contains(lu, "/api/subscriptions/unsubscribe/") {
		t.Errorf("digest List-Unsubscribe %q", lu)
	}

	unsub, _ := url.Parse(linkWith(t, digest.Text, "/api/subscriptions/unsubscribe/"))
	tb.open(unsub.Path)
	if st := tb.submit(`main form:not(.sf-inline) > button[type="submit"]`); st != 200 {
		t.Fatalf("unsubscribe answered %d", st)
	}
	tb.waitText(regexp.MustCompile(`afgemeld`), 10*time.Second)
	var subs struct {
		Subscribers []struct {
			Email  string
			Topics map[string]struct{ State string }
		}
	}
	admin(t, h, "GET", "/api/admin/subscribers", nil, &subs)
	for _, s := range subs.Subscribers {
		if s.Email == addr && s.Topics["category:koffie"].State != "unsubscribed" {
			t.Errorf("after unsubscribing: %+v", s)
		}
	}
}

// TestRetentionBestRatedOrder: the "best rated" order of every category is
// strictly monotonic in what the cards show: stars (one decimal) ↓, then
// number of reviews ↓, then the name order; and it has its own static page.
func TestRetentionBestRatedOrder(t *testing.T) {
	h := need(t, false)
	files, _ := filepath.Glob(filepath.Join(h.public, "categories", "*", "index.json"))
	if len(files) == 0 {
		t.Fatal("no category indexes in the build")
	}
	rated := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var ix struct {
			Orders   []string `json:"orders"`
			Products []struct {
				Title   string         `json:"title"`
				Stars   int            `json:"stars"`
				Reviews int            `json:"reviews"`
				Rank    map[string]int `json:"rank"`
			} `json:"products"`
		}
		if err := json.Unmarshal(b, &ix); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !strings.Contains(strings.Join(ix.Orders, ","), "rating") {
			t.Errorf("%s: no rating order in %v", f, ix.Orders)
		}
		ps := ix.Products
		byRank := make([]int, len(ps))
		for i := range byRank {
			byRank[i] = -1
		}
		for i, p := range ps {
			r, ok := p.Rank["rating"]
			if !ok || r < 0 || r >= len(ps) || byRank[r] >= 0 {
				t.Fatalf("%s: rating ranks are not a permutation (%s: %v)", f, p.Title, p.Rank)
			}
			byRank[r] = i
			if p.Reviews > 0 {
				rated++
			}
		}
		for k := 1; k < len(byRank); k++ {
			a, b := ps[byRank[k-1]], ps[byRank[k]]
			ok := a.Stars > b.Stars || a.Stars == b.Stars && (a.Reviews > b.Reviews || a.Reviews == b.Reviews && a.Rank["name"] < b.Rank["name"])
			if !ok {
				t.Errorf("%s: best rated puts %s (%d, %d) before %s (%d, %d)", f, a.Title, a.Stars, a.Reviews, b.Title, b.Stars, b.Reviews)
			}
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(f), "best-rated.html")); err != nil {
			t.Errorf("no static best-rated page next to %s", f)
		}
	}
	if rated == 0 {
		t.Error("no product with reviews: the order was not exercised")
	}
}

// TestRetentionPollJourney: a visitor without JavaScript votes and comes
// back to a thank-you; a visitor with JavaScript votes in place and sees the
// live result, with both votes counted.
func TestRetentionPollJourney(t *testing.T) {
	h := need(t, true)
	const page = "/verhalen/atelier-lotte/"
	var before struct {
		Total int `json:"total"`
	}
	getJSON := func(v any) {
		resp, err := http.Get(h.base + "/api/polls/volgend-glazuur")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /api/polls/volgend-glazuur: %s", resp.Status)
		}
		json.NewDecoder(resp.Body).Decode(v)
	}
	getJSON(&before)

	plain := newCustomer(t, h, tabOptions{NoJS: true})
	plain.open(page)
	plain.click(`#poll-volgend-glazuur input[name="option"][value="2"]`)
	if st := plain.submit(`#poll-volgend-glazuur button[type="submit"]`); st != 200 {
		t.Fatalf("vote without JavaScript answered %d", st)
	}
	if !strings.HasSuffix(plain.location(), page+"#poll-volgend-glazuur-thanks") {
		t.Errorf("after voting without JavaScript the browser is at %s", plain.location())
	}
	if !plain.visible("#poll-volgend-glazuur-thanks") {
		t.Error("no thank-you after voting without JavaScript")
	}

	// An English browser reading the Dutch story: the live result speaks
	// the page's Dutch, not the browser's English.
	js := newCustomer(t, h, tabOptions{AcceptLanguage: "en-GB,en;q=0.9"})
	js.open(page)
	js.click(`#poll-volgend-glazuur input[name="option"][value="0"]`)
	js.click(`#poll-volgend-glazuur button[type="submit"]`)
	js.waitFor(`document.querySelector("#poll-volgend-glazuur [data-poll-result]:not([hidden]) meter")`, 10*time.Second)
	if strings.Contains(js.location(), "#poll-") {
		t.Errorf("with JavaScript the page was left: %s", js.location())
	}
	result := js.text()
	if !strings.Contains(result, "%") || !strings.Contains(result, "Diepblauw celadon") {
		t.Errorf("live result not shown:\n%s", clip(result, 800))
	}
	if how := eval[string](js, `(document.querySelector("#poll-volgend-glazuur .poll__how") || {}).innerText || ""`); !strings.Contains(how, "Eén stem per browser") {
		t.Errorf("the Dutch page's poll says how votes count in another language: %q", how)
	}
	var after struct {
		Total   int `json:"total"`
		Options []struct {
			Votes int `json:"votes"`
		} `json:"options"`
	}
	getJSON(&after)
	if after.Total != before.Total+2 {
		t.Errorf("poll total %d before, %d after two browsers voted", before.Total, after.Total)
	}
	// The same browser voting again moves its vote; the total stays.
	js.click(`#poll-volgend-glazuur input[name="option"][value="1"]`)
	js.click(`#poll-volgend-glazuur button[type="submit"]`)
	js.waitFor(`document.querySelector("#poll-volgend-glazuur .poll__row--mine") && document.querySelector("#poll-volgend-glazuur .poll__row--mine") === document.querySelectorAll("#poll-volgend-glazuur .poll__row")[1]`, 10*time.Second)
	getJSON(&after)
	if after.Total != before.Total+2 {
		t.Errorf("a second vote from the same browser changed the total to %d", after.Total)
	}
}
