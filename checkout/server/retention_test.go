package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	netmail "net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/poll"
	"github.com/storefront/storefront/checkout/review"
	"github.com/storefront/storefront/checkout/store"
	"github.com/storefront/storefront/checkout/subscribe"
)

// testClock is a settable clock for the sidecar.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func withClock(c *testClock) shopOpt { return func(o *Options) { o.Now = c.Now } }

// withCatalog edits the shop's catalog.json before the sidecar opens it.
func withCatalog(t *testing.T, edit func(map[string]any)) shopOpt {
	return func(o *Options) { editCatalog(t, o.Catalog, edit) }
}

func editCatalog(t *testing.T, file string, edit func(map[string]any)) {
	t.Helper()
	if err := rewriteCatalog(file, edit); err != nil {
		t.Fatal(err)
	}
}

// catalogOpt edits the shop's catalog.json before the sidecar opens it,
// for shop options made without a *testing.T.
func catalogOpt(edit func(map[string]any)) shopOpt {
	return func(o *Options) {
		if err := rewriteCatalog(o.Catalog, edit); err != nil {
			panic(err)
		}
	}
}

// rewriteCatalog decodes a catalog.json, lets edit change it, gives it a
// new version and writes it back.
func rewriteCatalog(file string, edit func(map[string]any)) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	edit(c)
	c["version"] = c["version"].(string) + "x"
	b, _ = json.Marshal(c)
	return os.WriteFile(file, b, 0o644)
}

// addProduct is a catalog edit that adds a product in a category.
func addProduct(slug, category, maker string) func(map[string]any) {
	return func(c map[string]any) {
		items := c["items"].([]any)
		it := map[string]any{}
		for k, v := range items[0].(map[string]any) {
			it[k] = v
		}
		it["sku"], it["product"], it["title"], it["url"] = strings.ToUpper(slug), slug, "Nieuw: "+slug, "/producten/"+slug+"/"
		it["category"], it["maker"] = category, maker
		c["items"] = append(items, it)
	}
}

// reload makes the sidecar read its catalog file now.
func (sh *testShop) reload() {
	sh.t.Helper()
	if err := sh.sc.Catalog.Reload(context.Background()); err != nil {
		sh.t.Fatal(err)
	}
}

// mails reads the outbox messages of a kind.
func (sh *testShop) mails(kind string) []*netmail.Message {
	sh.t.Helper()
	var out []*netmail.Message
	for _, f := range sh.outboxFiles(kind) {
		fh, err := os.Open(f)
		if err != nil {
			sh.t.Fatal(err)
		}
		m, err := netmail.ReadMessage(fh)
		if err != nil {
			sh.t.Fatal(err)
		}
		out = append(out, m)
		defer fh.Close()
	}
	return out
}

// link finds the first URL with the given path part in a message's text.
func link(t *testing.T, m *netmail.Message, part string) string {
	t.Helper()
	text, _ := bodies(m)
	u := regexp.MustCompile(`https?://\S*` + regexp.QuoteMeta(part) + `\S*`).FindString(text)
	if u == "" {
		t.Fatalf("no link with %q in:\n%s", part, text)
	}
	return u
}

// paidDelivered places an order, pays it and has the owner ship and deliver it.
func (sh *testShop) paidDelivered(key string) OrderView {
	sh.t.Helper()
	sh.addToCart("KOF-GUJI-250-BO", 1)
	r, a := sh.checkout(key)
	if r.StatusCode/100 != 2 {
		sh.t.Fatalf("checkout: %d %s", r.StatusCode, r.body)
	}
	sh.choose(a.CheckoutURL, "paid")
	// The built-in provider calls the webhook in the background: wait for
	// the order to be paid before the owner ships it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		o, err := sh.sc.store.Orders.GetOrder(a.Order.ID)
		if err != nil {
			sh.t.Fatal(err)
		}
		if o.State == order.Paid {
			break
		}
		if time.Now().After(deadline) {
			sh.t.Fatalf("order %s is still %s 10 s after paying", o.ID, o.State)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, step := range []string{"ship", "deliver"} {
		body := ""
		if step == "ship" {
			body = `{"tracking_url":"https://track.example/1"}`
		}
		if r := sh.admin(http.MethodPost, "/api/admin/orders/"+a.Order.ID+"/"+step, body); r.StatusCode != http.StatusOK {
			sh.t.Fatalf("%s: %d %s", step, r.StatusCode, r.body)
		}
	}
	return a.Order
}

func tokenOf(t *testing.T, orderURL string) string {
	t.Helper()
	u, err := url.Parse(orderURL)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/order/")
}

// TestReviewJourney: asked once, some days after delivery; the form makes a
// pending review; the owner approves; a moderated review is locked.
func TestReviewJourney(t *testing.T) {
	clk := &testClock{t: time.Now().UTC()}
	sh := newShop(t, withClock(clk), withCatalog(t, func(c map[string]any) {
		c["shop"].(map[string]any)["review_after_days"] = 3
	}))
	o := sh.paidDelivered("rev-1")
	token := tokenOf(t, o.URL)
	ctx := context.Background()

	if n := sh.sc.uc.reviews.RequestDue(ctx); n != 0 {
		t.Fatalf("asked %d orders on the day of delivery", n)
	}
	clk.Add(3*24*time.Hour + time.Minute)
	if n := sh.sc.uc.reviews.RequestDue(ctx); n != 1 {
		t.Fatalf("asked %d orders after 3 days, want 1", n)
	}
	if n := sh.sc.uc.reviews.RequestDue(ctx); n != 0 {
		t.Fatalf("asked again: %d", n)
	}
	sh.flushMail()
	sh.flushMail()
	msgs := sh.mails("review_request")
	if len(msgs) != 1 {
		t.Fatalf("%d review request e-mails, want 1", len(msgs))
	}
	if lu := msgs[0].Header.Get("List-Unsubscribe"); !strings.Contains(lu, "/order/"+token+"/review/opt-out") {
		t.Errorf("List-Unsubscribe %q", lu)
	}
	formURL := link(t, msgs[0], "/review?product=ethiopie-guji")

	page := sh.req(http.MethodGet, path(t, formURL)+"?product=ethiopie-guji", "")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.body, `name="product" value="ethiopie-guji"`) || !strings.Contains(page.body, `value="Eva"`) {
		t.Fatalf("review page: %d\n%s", page.StatusCode, page.body)
	}
	bad := sh.form("/order/"+token+"/review", url.Values{"product": {"ethiopie-guji"}, "rating": {"9"}, "text": {"Top"}, "author": {"Eva"}})
	// The order, and so its review page and its errors, is in English.
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "Choose 1 to 5 stars") {
		t.Errorf("bad rating: %d %s", bad.StatusCode, bad.body)
	}
	other := sh.form("/order/"+token+"/review", url.Values{"product": {"mok"}, "rating": {"5"}, "text": {"Not bought"}, "author": {"Eva"}})
	if other.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("review of a product not in the order: %d", other.StatusCode)
	}
	good := sh.form("/order/"+token+"/review", url.Values{"product": {"ethiopie-guji"}, "rating": {"4"}, "text": {"Bloemig <en> zoet"}, "author": {"Eva V."}, "lang": {"nl"}})
	if good.StatusCode != http.StatusSeeOther || !strings.Contains(good.Header.Get("Location"), "thanks=ethiopie-guji") {
		t.Fatalf("good review: %d %s", good.StatusCode, good.body)
	}

	var list ReviewList
	sh.admin(http.MethodGet, "/api/admin/reviews?state=approved", "").json(t, &list)
	if len(list.Reviews) != 0 {
		t.Fatal("a review is approved before the owner saw it")
	}
	sh.admin(http.MethodGet, "/api/admin/reviews?state=pending", "").json(t, &list)
	if len(list.Reviews) != 1 || list.Reviews[0].Text != "Bloemig <en> zoet" || list.Reviews[0].Author != "Eva V." {
		t.Fatalf("pending reviews %+v", list.Reviews)
	}
	id := list.Reviews[0].ID
	if r := sh.admin(http.MethodPost, "/api/admin/reviews/"+id+"/approve", ""); r.StatusCode != http.StatusOK {
		t.Fatalf("approve: %d %s", r.StatusCode, r.body)
	}
	if r := sh.admin(http.MethodPost, "/api/admin/reviews/"+id+"/publish", ""); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown action: %d", r.StatusCode)
	}
	if r := sh.req(http.MethodGet, "/api/admin/reviews", ""); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("admin reviews without a token: %d", r.StatusCode)
	}
	again := sh.form("/order/"+token+"/review", url.Values{"product": {"ethiopie-guji"}, "rating": {"1"}, "text": {"Changed"}, "author": {"Eva"}})
	if again.StatusCode != http.StatusConflict {
		t.Errorf("edit after approval: %d", again.StatusCode)
	}
	if r, _ := sh.sc.store.Reviews.Get(id); r.State != review.Approved || r.Text != "Bloemig <en> zoet" {
		t.Errorf("review after a refused edit: %+v", r)
	}
	if page := sh.req(http.MethodGet, "/order/"+token+"/review", ""); strings.Contains(page.body, "<en>") {
		t.Error("review text not escaped on the page")
	}
}

// TestReviewOptOutOneClick: a mail program's one-click POST (no Origin)
// opts the address out; a later delivered order is never asked.
func TestReviewOptOutOneClick(t *testing.T) {
	clk := &testClock{t: time.Now().UTC()}
	sh := newShop(t, withClock(clk))
	o := sh.paidDelivered("opt-1")
	token := tokenOf(t, o.URL)
	if r := sh.req(http.MethodGet, "/order/"+token+"/review/opt-out", ""); r.StatusCode != http.StatusOK || !strings.Contains(r.body, `method="post"`) {
		t.Fatalf("opt-out page: %d", r.StatusCode)
	}
	r := sh.req(http.MethodPost, "/order/"+token+"/review/opt-out", "List-Unsubscribe=One-Click", "Origin", "-")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("one-click opt-out: %d %s", r.StatusCode, r.body)
	}
	if !sh.sc.store.Reviews.OptedOut("EVA@example.nl") {
		t.Fatal("opt-out not recorded")
	}
	sh.paidDelivered("opt-2")
	clk.Add(time.Duration(review.DefaultAfterDays)*24*time.Hour + time.Hour)
	if n := sh.sc.uc.reviews.RequestDue(context.Background()); n != 0 {
		t.Errorf("%d review requests to an address that opted out", n)
	}
	sh.flushMail()
	if n := len(sh.outboxFiles("review_request")); n != 0 {
		t.Errorf("%d review e-mails after opting out", n)
	}
	if r := sh.req(http.MethodPost, "/order/not-a-real-token-at-all-xxxxxx/review/opt-out", "List-Unsubscribe=One-Click", "Origin", "-"); r.StatusCode != http.StatusNotFound {
		t.Errorf("opt-out with a wrong token: %d", r.StatusCode)
	}
}

// TestSubscribeJourney: double opt-in, notify sends once, unsubscribe stops mail.
func TestSubscribeJourney(t *testing.T) {
	sh := newShop(t)
	form := url.Values{"email": {"Fan@Example.nl"}, "topic": {"category:koffie"}, "label": {"Koffie"},
		"source": {"/categories/koffie/"}, "lang": {"nl"}}
	r := sh.form("/api/subscriptions", form)
	if r.StatusCode != http.StatusOK || !strings.Contains(r.body, "Kijk in je mail") || !strings.Contains(r.body, `href="/categories/koffie/"`) {
		t.Fatalf("subscribe form: %d\n%s", r.StatusCode, r.body)
	}
	sh.form("/api/subscriptions", form) // a double click
	if r := sh.form("/api/subscriptions", url.Values{"email": {"nope"}, "topic": {"category:koffie"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad address: %d", r.StatusCode)
	}
	if r := sh.form("/api/subscriptions", url.Values{"email": {"a@b.nl"}, "topic": {"tag:x"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad topic: %d", r.StatusCode)
	}
	if r := sh.req(http.MethodPost, "/api/subscriptions", form.Encode(), "Origin", "https://evil.example"); r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site subscribe: %d", r.StatusCode)
	}
	bot := url.Values{"email": {"bot@example.nl"}, "topic": {"category:koffie"}, "website": {"http://spam"}}
	if r := sh.form("/api/subscriptions", bot); r.StatusCode != http.StatusOK {
		t.Errorf("honeypot answer: %d", r.StatusCode)
	}
	sh.flushMail()
	confirms := sh.mails("subscribe_confirm")
	if len(confirms) != 1 {
		t.Fatalf("%d confirmation e-mails, want 1 (double click and bot send none)", len(confirms))
	}
	if to := confirms[0].Header.Get("To"); !strings.Contains(to, "fan@example.nl") {
		t.Errorf("confirmation to %q", to)
	}

	notify := func() store.NotifyResult {
		var res store.NotifyResult
		r := sh.admin(http.MethodPost, "/api/admin/notify", "")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("notify: %d %s", r.StatusCode, r.body)
		}
		r.json(t, &res)
		sh.flushMail()
		return res
	}
	if res := notify(); !res.Baseline {
		t.Fatalf("first notify: %+v", res)
	}
	editCatalog(t, filepath.Join(sh.site, "catalog.json"), addProduct("kenia-kiambu", "koffie", ""))
	sh.reload()
	if res := notify(); res.Queued != 0 || len(res.Arrivals) != 1 {
		t.Fatalf("notify before confirmation: %+v", res)
	}
	if n := len(sh.outboxFiles("digest")); n != 0 {
		t.Fatalf("%d digests before confirmation", n)
	}

	confirmURL := link(t, confirms[0], "/api/subscriptions/confirm/")
	cp := path(t, confirmURL)
	if page := sh.req(http.MethodGet, cp, ""); page.StatusCode != http.StatusOK || !strings.Contains(page.body, `action="`+cp+`"`) {
		t.Fatalf("confirm page: %d\n%s", page.StatusCode, page.body)
	}
	if sub, _ := sh.sc.store.Subscriptions.Get("fan@example.nl"); len(sub.Following()) != 0 {
		t.Fatal("opening the link (GET) confirmed: mail scanners would subscribe people")
	}
	if r := sh.form(cp, url.Values{}); r.StatusCode != http.StatusOK || !strings.Contains(r.body, "Aangemeld") {
		t.Fatalf("confirm: %d %s", r.StatusCode, r.body)
	}
	sub, _ := sh.sc.store.Subscriptions.Get("fan@example.nl")
	c := sub.Topics["category:koffie"]
	if c.State != subscribe.Confirmed || c.Source != "/categories/koffie/" || c.ConfirmedAt.IsZero() || c.RequestedAt.IsZero() {
		t.Errorf("consent record %+v", c)
	}

	editCatalog(t, filepath.Join(sh.site, "catalog.json"), addProduct("peru-cajamarca", "koffie", ""))
	editCatalog(t, filepath.Join(sh.site, "catalog.json"), addProduct("theepot", "servies", ""))
	sh.reload()
	if res := notify(); res.Queued != 1 {
		t.Fatalf("notify after confirmation: %+v", res)
	}
	if res := notify(); res.Queued != 0 || !res.Unchanged {
		t.Fatalf("notify twice: %+v", res)
	}
	digests := sh.mails("digest")
	if len(digests) != 1 {
		t.Fatalf("%d digests, want 1", len(digests))
	}
	text, _ := bodies(digests[0])
	if !strings.Contains(text, "peru-cajamarca") || strings.Contains(text, "theepot") || strings.Contains(text, "kenia-kiambu") {
		t.Errorf("digest should hold only the new coffee since confirming:\n%s", text)
	}
	lu := digests[0].Header.Get("List-Unsubscribe")
	if !strings.Contains(lu, "/api/subscriptions/unsubscribe/"+sub.Token) || !strings.Contains(lu, "mailto:winkel@example.nl") {
		t.Errorf("List-Unsubscribe %q", lu)
	}

	unsub := path(t, strings.Trim(strings.Split(lu, ",")[0], "<> "))
	if r := sh.req(http.MethodPost, unsub, "List-Unsubscribe=One-Click", "Origin", "-"); r.StatusCode != http.StatusOK {
		t.Fatalf("one-click unsubscribe: %d %s", r.StatusCode, r.body)
	}
	editCatalog(t, filepath.Join(sh.site, "catalog.json"), addProduct("colombia-huila", "koffie", ""))
	sh.reload()
	if res := notify(); res.Queued != 0 {
		t.Errorf("notify after unsubscribe queued %d", res.Queued)
	}
	if n := len(sh.outboxFiles("digest")); n != 1 {
		t.Errorf("%d digests after unsubscribing, want still 1", n)
	}
	if r := sh.form(cp, url.Values{}); r.StatusCode != http.StatusNotFound {
		t.Errorf("the old confirmation link after unsubscribing: %d", r.StatusCode)
	}
}

// TestDigestSkipsEndedConsent: a digest queued before an unsubscribe is not sent.
func TestDigestSkipsEndedConsent(t *testing.T) {
	sh := newShop(t)
	st := sh.sc.store
	tp := subscribe.Topic{Kind: subscribe.Maker, Key: "guji"}
	if _, err := st.RequestSubscription("x@example.nl", tp, "Guji", "/makers/guji/", "en"); err != nil {
		t.Fatal(err)
	}
	due, _ := st.MailQueue.Due(time.Now().Add(time.Hour), 0)
	var p store.SubscribeMail
	_ = json.Unmarshal(due[0].Body, &p)
	if _, _, _, err := st.Subscriptions.Confirm(p.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Notify("v1", nil, false); err != nil {
		t.Fatal(err)
	}
	if res, err := st.Notify("v2", []subscribe.Product{{Slug: "n", Maker: "guji", Title: "N", URL: "/n/"}}, false); err != nil || res.Queued != 1 {
		t.Fatalf("notify %+v %v", res, err)
	}
	sub, _ := st.Subscriptions.Get("x@example.nl")
	if _, err := st.Subscriptions.Unsubscribe(sub.Token, ""); err != nil {
		t.Fatal(err)
	}
	sh.flushMail()
	if n := len(sh.outboxFiles("digest")); n != 0 {
		t.Errorf("a digest went out after the unsubscribe: %d", n)
	}
	if n := len(sh.outboxFiles("subscribe_confirm")); n != 0 {
		t.Errorf("a confirmation went out for a confirmed topic: %d", n)
	}
}

// TestPollVotes: one vote per browser, live result, limits.
func TestPollVotes(t *testing.T) {
	sh := newShop(t, withCatalog(t, func(c map[string]any) {
		c["polls"] = []any{map[string]any{"id": "next-glaze", "question": "Welke glazuur?", "options": []any{"Blauw", "Groen", "Zand"}, "page": "/over/"}}
	}))
	var res poll.Result
	sh.req(http.MethodGet, "/api/polls/next-glaze", "").json(t, &res)
	if res.Total != 0 || len(res.Options) != 3 || res.Mine != nil {
		t.Fatalf("empty poll %+v", res)
	}
	r := sh.form("/api/polls/next-glaze/vote", url.Values{"option": {"1"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/over/#poll-next-glaze-thanks" {
		t.Fatalf("form vote: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	r = sh.req(http.MethodPost, "/api/polls/next-glaze/vote", `{"option":2}`)
	r.json(t, &res)
	if res.Total != 1 || res.Options[2].Votes != 1 || res.Mine == nil || *res.Mine != 2 {
		t.Fatalf("same browser votes again: %+v", res)
	}
	// Another browser.
	other := *sh
	jar, _ := cookiejar.New(nil)
	other.client = &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: sh.client.CheckRedirect}
	other.req(http.MethodPost, "/api/polls/next-glaze/vote", `{"option":2}`).json(t, &res)
	if res.Total != 2 || res.Options[2].Votes != 2 || res.Options[2].Percent != 100 {
		t.Errorf("two browsers: %+v", res)
	}
	for _, tc := range []struct {
		path, body string
		want       int
	}{
		{"/api/polls/nope/vote", `{"option":0}`, http.StatusNotFound},
		{"/api/polls/next-glaze/vote", `{"option":3}`, http.StatusUnprocessableEntity},
		{"/api/polls/next-glaze/vote", `{}`, http.StatusUnprocessableEntity},
	} {
		if r := sh.req(http.MethodPost, tc.path, tc.body); r.StatusCode != tc.want {
			t.Errorf("POST %s %s: %d, want %d", tc.path, tc.body, r.StatusCode, tc.want)
		}
	}
	if r := sh.req(http.MethodPost, "/api/polls/next-glaze/vote", `{"option":0}`, "Origin", "https://evil.example"); r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site vote: %d", r.StatusCode)
	}
	limited := 0
	for i := 0; i < 12; i++ {
		if r := sh.req(http.MethodPost, "/api/polls/next-glaze/vote", `{"option":0}`); r.StatusCode == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Error("no rate limit on votes")
	}
}

// TestAdminRetentionPage: the owner logs in, sees the pending review and the
// subscribers, approves with the page's CSRF token, and sends the digests.
func TestAdminRetentionPage(t *testing.T) {
	sh := newShop(t)
	if r := sh.req(http.MethodGet, "/admin/reviews/", ""); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("reviews page without a session: %d", r.StatusCode)
	}
	o := sh.paidDelivered("adm-1")
	token := tokenOf(t, o.URL)
	sh.form("/order/"+token+"/review", url.Values{"product": {"ethiopie-guji"}, "rating": {"3"}, "text": {"Gaat wel <b>"}, "author": {"Eva"}})
	sh.form("/api/subscriptions", url.Values{"email": {"f@example.nl"}, "topic": {"maker:guji-cooperatie"}, "lang": {"nl"}})
	sh.adminLogin()
	page := sh.req(http.MethodGet, "/admin/reviews/", "")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.body, "Gaat wel &lt;b&gt;") || !strings.Contains(page.body, "Guji-coöperatie") {
		t.Fatalf("reviews page: %d\n%s", page.StatusCode, page.body)
	}
	csrf := csrfOf(t, page.body)
	id := o.ID + "/ethiopie-guji"
	if r := sh.form("/admin/reviews/"+id+"/approve", url.Values{}); r.StatusCode != http.StatusForbidden {
		t.Errorf("approve without the CSRF token: %d", r.StatusCode)
	}
	if r := sh.form("/admin/reviews/"+id+"/approve", url.Values{"csrf": {csrf}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", r.StatusCode, r.body)
	}
	if r, _ := sh.sc.store.Reviews.Get(id); r.State != review.Approved || r.ModeratedBy == "" {
		t.Errorf("after approving on the page: %+v", r)
	}
	if r := sh.form("/admin/notify", url.Values{"csrf": {csrf}}); r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "notice=digest-baseline") {
		t.Errorf("notify button: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
}
