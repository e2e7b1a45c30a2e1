package server

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/poll"
	"github.com/storefront/storefront/checkout/store"
)

// TestRedirectsDoNotLeakBetweenVisitors: the slash redirects keep one
// visitor's query to that visitor's answer (issue 12, item 1).
func TestRedirectsDoNotLeakBetweenVisitors(t *testing.T) {
	sh := newShop(t, func(o *Options) { o.Dev = true })
	for _, path := range []string{"/cart", "/checkout", "/points", "/admin", "/outbox"} {
		first := sh.req(http.MethodGet, path+"?victim=abc", "")
		if got, want := first.Header.Get("Location"), path+"/?victim=abc"; got != want {
			t.Errorf("%s?victim=abc: Location %q, want %q", path, got, want)
		}
		second := sh.req(http.MethodGet, path, "")
		if got, want := second.Header.Get("Location"), path+"/"; got != want {
			t.Errorf("%s after another visitor's query: Location %q, want %q", path, got, want)
		}
	}
}

// TestAdminNoticeIsACode: a link with ?notice=<free text> puts nothing on the
// owner's pages; the buttons' own codes still show their message (item 6).
func TestAdminNoticeIsACode(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	o := sh.paidOrder(f, "notice-1", map[string]int{"MOK-001": 1})
	sh.adminLogin()
	phish := "Your token expired - log in again at https://evil.example/login"
	for _, p := range []string{"/admin/", "/admin/orders/" + o.ID, "/admin/reviews/"} {
		r := sh.req(http.MethodGet, p+"?notice="+url.QueryEscape(phish), "")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", p, r.StatusCode)
		}
		if strings.Contains(r.body, "evil.example") || strings.Contains(r.body, "notice--success") {
			t.Errorf("GET %s?notice=<free text> shows the text as a notice", p)
		}
	}
	page := sh.req(http.MethodGet, "/admin/orders/"+o.ID, "")
	r := sh.form("/admin/orders/"+o.ID+"/pack", url.Values{"csrf": {csrfOf(t, page.body)}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("pack: %d %s", r.StatusCode, r.body)
	}
	loc := r.Header.Get("Location")
	if after := sh.req(http.MethodGet, loc, ""); !strings.Contains(after.body, `notice--success" role="status">`+sh.says("notice.packed")) {
		t.Errorf("after packing (%s) no success notice", loc)
	}
}

// TestOriginIsTheBaseURL: the Origin check compares with the configured base
// URL only; a forged Host header equal to the forged Origin does not pass
// (item 7). A loopback base URL (shop serve) also takes 127.0.0.1 and ::1 of
// the same port.
func TestOriginIsTheBaseURL(t *testing.T) {
	sh := newShop(t)
	post := func(origin, host string) int {
		req, _ := http.NewRequest(http.MethodPost, sh.url+"/api/cart/items", strings.NewReader(`{"sku":"MOK-001","quantity":1}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", origin)
		if host != "" {
			req.Host = host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post("http://evil.example", "evil.example"); got != http.StatusForbidden {
		t.Errorf("Origin and Host both evil.example: %d, want 403", got)
	}
	if got := post("http://evil.example:8080", "evil.example:8080"); got != http.StatusForbidden {
		t.Errorf("Origin and Host both evil.example:8080: %d, want 403", got)
	}
	if got := post(sh.url, ""); got != http.StatusOK {
		t.Errorf("the base URL's own origin: %d, want 200", got)
	}
	u, _ := url.Parse(sh.url)
	if got := post("http://localhost:"+u.Port(), ""); got != http.StatusOK {
		t.Errorf("localhost with the base URL's port: %d, want 200", got)
	}
	if got := post("http://localhost:1", ""); got != http.StatusForbidden {
		t.Errorf("localhost with another port: %d, want 403", got)
	}
}

// withProxy makes the shop believe X-Forwarded-For from 127.0.0.1, so a
// test can speak as many clients.
func withProxy(o *Options) {
	p, err := ParseTrustedProxies("127.0.0.1/32")
	if err != nil {
		panic(err)
	}
	o.TrustedProxies = p
}

// TestAdminSessionRevocable: after logout the old cookie opens nothing; a
// session unused for longer than the idle limit ends (item 4).
func TestAdminSessionRevocable(t *testing.T) {
	var clk offsetClock
	sh := newShop(t, withOffsetClock(&clk))
	u, _ := url.Parse(sh.url + "/admin/")
	old := sh.adminLogin()
	home := sh.req(http.MethodGet, "/admin/", "")
	if home.StatusCode != http.StatusOK {
		t.Fatalf("home: %d", home.StatusCode)
	}
	if r := sh.form("/admin/logout", url.Values{"csrf": {csrfOf(t, home.body)}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.StatusCode)
	}
	sh.jar.SetCookies(u, []*http.Cookie{{Name: adminCookie, Value: old.Value, Path: "/admin/"}})
	if r := sh.req(http.MethodGet, "/admin/", ""); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("the cookie of a logged-out session: %d, want 401", r.StatusCode)
	}

	sh.adminLogin()
	clk.advance(adminSessionIdle - time.Minute)
	if r := sh.req(http.MethodGet, "/admin/", ""); r.StatusCode != http.StatusOK {
		t.Errorf("a session used %s ago: %d", adminSessionIdle-time.Minute, r.StatusCode)
	}
	clk.advance(adminSessionIdle - time.Minute) // used just now: still live
	if r := sh.req(http.MethodGet, "/admin/", ""); r.StatusCode != http.StatusOK {
		t.Errorf("a session in use for %s: %d", 2*(adminSessionIdle-time.Minute), r.StatusCode)
	}
	clk.advance(adminSessionIdle + time.Minute)
	if r := sh.req(http.MethodGet, "/admin/", ""); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("a session idle for %s: %d, want 401", adminSessionIdle+time.Minute, r.StatusCode)
	}
}

// loginAs posts the login form as client (an X-Forwarded-For address).
func (sh *testShop) loginAs(client, token string, cookies ...*http.Cookie) response {
	sh.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, sh.url+"/admin/login", strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Origin", sh.url)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", client)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		sh.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Response: resp, body: string(b)}
}

// TestAdminLoginGuessing: parallel wrong tokens from one client are not
// compared while it is locked; wrong tokens from many clients lock
// everyone but a browser that logged in before; the lock ends (item 4).
func TestAdminLoginGuessing(t *testing.T) {
	var clk offsetClock
	sh := newShop(t, withOffsetClock(&clk), withProxy)
	const wrong = "wrong-token-wrong-token-wrong-token-x"

	// The owner logged in once from this browser: it holds the owner cookie.
	first := sh.loginAs("198.51.100.1", testAdminToken)
	var owner *http.Cookie
	for _, c := range first.Cookies() {
		if c.Name == ownerCookie {
			owner = c
		}
	}
	if first.StatusCode != http.StatusSeeOther || owner == nil {
		t.Fatalf("first login: %d, owner cookie %v", first.StatusCode, owner)
	}

	// 20 parallel wrong tokens from one client: one is compared.
	codes := make(chan int, 20)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() { defer wg.Done(); codes <- sh.loginAs("203.0.113.9", wrong).StatusCode }()
	}
	wg.Wait()
	close(codes)
	compared := 0
	for c := range codes {
		switch c {
		case http.StatusUnauthorized:
			compared++
		case http.StatusTooManyRequests:
		default:
			t.Errorf("parallel wrong login: %d", c)
		}
	}
	if compared > 1 {
		t.Errorf("%d of 20 parallel wrong tokens were compared, want at most 1", compared)
	}
	// Locked, even with the right token; the same /64 for IPv6.
	if r := sh.loginAs("203.0.113.9", testAdminToken); r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Errorf("right token from a locked client: %d", r.StatusCode)
	}
	sh.loginAs("2001:db8:1:2::1", wrong)
	if r := sh.loginAs("2001:db8:1:2::ffff", wrong); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("another address of a locked /64: %d, want 429", r.StatusCode)
	}
	// The delay doubles per wrong token and is bounded.
	clk.advance(2 * time.Second)
	sh.loginAs("203.0.113.9", wrong)
	clk.advance(time.Second + 500*time.Millisecond)
	if r := sh.loginAs("203.0.113.9", testAdminToken); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("after the second wrong token the lock is 2 s: %d", r.StatusCode)
	}
	clk.advance(time.Second)
	if r := sh.loginAs("203.0.113.9", testAdminToken); r.StatusCode != http.StatusSeeOther {
		t.Errorf("after the lock: %d", r.StatusCode)
	}

	// Many clients, one wrong token each: the global budget runs out.
	for i := range 40 {
		sh.loginAs("192.0.2."+itoa(i+1), wrong)
	}
	if r := sh.loginAs("198.51.100.200", testAdminToken); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right token from a new client during the global lock: %d, want 429", r.StatusCode)
	}
	if r := sh.loginAs("198.51.100.1", testAdminToken, owner); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the owner's browser during the global lock: %d, want 303", r.StatusCode)
	}
	forged := &http.Cookie{Name: ownerCookie, Value: "00." + strings.Repeat("0", 64)}
	if r := sh.loginAs("198.51.100.201", testAdminToken, forged); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a forged owner cookie during the global lock: %d, want 429", r.StatusCode)
	}
	clk.advance(32 * time.Minute) // bounded: (1+burst)/rate
	if r := sh.loginAs("198.51.100.200", testAdminToken); r.StatusCode != http.StatusSeeOther {
		t.Errorf("right token after the global lock: %d", r.StatusCode)
	}
}

// TestAdminAPIGuessing: wrong bearer tokens lock their client out of the
// admin API; the CLI on the server itself (loopback) is not locked out by
// strangers elsewhere (item 4).
func TestAdminAPIGuessing(t *testing.T) {
	var clk offsetClock
	sh := newShop(t, withOffsetClock(&clk), withProxy)
	api := func(client, token string) int {
		r := sh.req(http.MethodGet, "/api/admin/orders", "", "Authorization", "Bearer "+token, "X-Forwarded-For", client)
		return r.StatusCode
	}
	if got := api("203.0.113.9", "wrong-token-wrong-token-wrong-token-x"); got != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d", got)
	}
	if got := api("203.0.113.9", testAdminToken); got != http.StatusTooManyRequests {
		t.Errorf("right token right after a wrong one: %d, want 429", got)
	}
	for i := range 40 {
		api("192.0.2."+itoa(i+1), "wrong-token-wrong-token-wrong-token-x")
	}
	if got := api("198.51.100.7", testAdminToken); got != http.StatusTooManyRequests {
		t.Errorf("a new client during the global lock: %d, want 429", got)
	}
	if got := api("", testAdminToken); got != http.StatusOK { // no X-Forwarded-For: 127.0.0.1
		t.Errorf("the CLI on the server during the global lock: %d, want 200", got)
	}
}

// TestPollStuffing: browsers without a cookie from 40 addresses of one
// IPv6 /64 count as at most maxVotersPerNet votes; a browser that voted can
// still change its vote; the result says how votes are counted (item 5).
func TestPollStuffing(t *testing.T) {
	var clk offsetClock
	sh := newShop(t, withProxy, withOffsetClock(&clk), withCatalog(t, func(c map[string]any) {
		c["polls"] = []any{map[string]any{"id": "next-glaze", "question": "Welke glazuur?", "options": []any{"Blauw", "Groen", "Zand"}, "page": "/over/"}}
	}))
	vote := func(client string, jar http.CookieJar, option string) response {
		req, _ := http.NewRequest(http.MethodPost, sh.url+"/api/polls/next-glaze/vote", strings.NewReader(`{"option":`+option+`}`))
		req.Header.Set("Origin", sh.url)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept-Language", "en")
		req.Header.Set("X-Forwarded-For", client)
		resp, err := (&http.Client{Jar: jar}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return response{Response: resp, body: string(b)}
	}
	first, _ := newJar()
	if r := vote("2001:db8:5:6::1", first, "0"); r.StatusCode != http.StatusOK {
		t.Fatalf("first vote: %d %s", r.StatusCode, r.body)
	}
	for i := range 40 {
		vote("2001:db8:5:6::"+strconv.FormatInt(int64(i+2), 16), nil, "1")
	}
	var res poll.Result
	sh.req(http.MethodGet, "/api/polls/next-glaze", "").json(t, &res)
	if res.Total > maxVotersPerNet {
		t.Errorf("41 cookie-less votes from one /64 count as %d, want at most %d", res.Total, maxVotersPerNet)
	}
	// The first browser still moves its own vote (after the rate limit,
	// which counts per /64 too, has refilled).
	clk.advance(time.Minute)
	if r := vote("2001:db8:5:6::1", first, "2"); r.StatusCode != http.StatusOK {
		t.Errorf("a browser that voted changes its vote: %d %s", r.StatusCode, r.body)
	}
	// Another network votes as usual, and reads how votes are counted.
	r := vote("198.51.100.3", nil, "2")
	r.json(t, &res)
	if r.StatusCode != http.StatusOK || !strings.Contains(res.Counting, "browsers count from one internet connection") {
		t.Errorf("vote from another network: %d, counting %q", r.StatusCode, res.Counting)
	}
	sh.req(http.MethodGet, "/api/polls/next-glaze", "", "Accept-Language", "nl", "Cookie", "sf_lang=nl").json(t, &res)
	if !strings.Contains(res.Counting, "Eén stem per browser") {
		t.Errorf("Dutch result says %q", res.Counting)
	}
}

// TestStrangerOrderDoesNotBlockErasure: a stranger's unpaid order with the
// customer's address neither shows on the customer's data page nor blocks
// the erasure of their data (item 3).
func TestStrangerOrderDoesNotBlockErasure(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f), withLoyalty(t))
	mine := sh.delivered(sh.buy(f, "own-1", map[string]int{"MOK-001": 1}, ""))

	// The stranger, in another browser, orders with Eva's address and does not pay.
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.addToCart("MOK-001", 1)
	stranger := strings.NewReplacer("Eva de Vries", "Mallory Stranger", "Markt 1", "Evil Street 13").Replace(validCheckout)
	r := sh.req(http.MethodPost, "/api/checkout", stranger, "Idempotency-Key", "stranger-1")
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("stranger's checkout: %d %s", r.StatusCode, r.body)
	}
	var a CheckoutAnswer
	r.json(t, &a)

	jar, _ = newJar()
	sh.jar, sh.client.Jar = jar, jar // Eva's browser
	linkPath := sh.pointsLink(pointsEmail)
	page := sh.req(http.MethodGet, linkPath+"?lang=en", "")
	if strings.Contains(page.body, "Mallory") || strings.Contains(page.body, "Evil Street") || strings.Contains(page.body, a.Order.ID) {
		t.Errorf("Eva's data page shows the stranger's unpaid order")
	}
	if !strings.Contains(page.body, mine.ID) {
		t.Errorf("Eva's data page lacks her own order %s", mine.ID)
	}
	del := sh.form(linkPath+"/delete", url.Values{"confirm": {"1"}, "lang": {"en"}})
	if del.StatusCode != http.StatusOK {
		t.Fatalf("delete with a stranger's unpaid order under the address: %d, want 200", del.StatusCode)
	}
	if o, _ := sh.sc.store.Orders.GetOrder(mine.ID); o.Customer.Email != "" || o.Customer.Name != store.AnonymousName {
		t.Errorf("Eva's order keeps her data: %+v", o.Customer)
	}
}

// withLimits turns the rate limits on (newShop turns them off).
func withLimits(o *Options) { o.RateLimit = 0 }

// subscribeAs posts the subscription form as client (an X-Forwarded-For address).
func (sh *testShop) subscribeAs(client string, v url.Values) int {
	sh.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, sh.url+"/api/subscriptions", strings.NewReader(v.Encode()))
	req.Header.Set("Origin", sh.url)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", client)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		sh.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestStrangerCannotMailAnyone: the subscription form takes topics and
// their names from the catalog only; an address gets a few confirmation
// e-mails a day whoever asks, a network a few an hour whatever the
// addresses; an unpaid order with someone else's address sends that address
// nothing, not when canceled, not as a points link (item 2).
func TestStrangerCannotMailAnyone(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f), withProxy, withLimits)
	const victim = "victim@example.nl"
	phish := "FREE 500 EUR giftcard - claim at https://evil.example/claim"

	if code := sh.subscribeAs("2001:db8:9::1", url.Values{"email": {victim}, "topic": {"category:zz-1"}, "label": {phish}}); code != http.StatusUnprocessableEntity {
		t.Errorf("a topic the catalog does not know: %d, want 422", code)
	}
	if code := sh.subscribeAs("2001:db8:9::2", url.Values{"email": {victim}, "topic": {"category:koffie"}, "label": {phish}, "lang": {"en"}}); code != http.StatusOK {
		t.Fatalf("a known topic: %d", code)
	}
	sh.flushMail()
	ms := sh.mails("subscribe_confirm")
	if len(ms) != 1 {
		t.Fatalf("%d confirmation e-mails after one good request, want 1", len(ms))
	}
	if subj := ms[0].Header.Get("Subject"); strings.Contains(subj, "FREE") || !strings.Contains(subj, "Coffee") {
		t.Errorf("subject %q: want the catalog's name Coffee, never the form's words", subj)
	}
	body, _ := io.ReadAll(ms[0].Body)
	if strings.Contains(string(body), "evil.example") {
		t.Error("the form's words reach the e-mail body")
	}

	// 20 addresses of one /64 (one client) ask for every topic for the victim.
	topics := []string{"category:koffie", "category:boeken", "category:servies", "maker:guji-cooperatie"}
	refused := 0
	for i := range 20 {
		code := sh.subscribeAs("2001:db8:9::"+strconv.Itoa(100+i), url.Values{"email": {victim}, "topic": {topics[i%len(topics)]}})
		if code == http.StatusTooManyRequests {
			refused++
		}
	}
	sh.flushMail()
	if n := len(sh.mails("subscribe_confirm")); n > 3 {
		t.Errorf("the victim got %d confirmation e-mails, want at most 3 a day", n)
	}
	if refused == 0 {
		t.Error("20 requests from one /64 within a second: none refused")
	}
	// Another /64 sprays 20 different addresses: a few e-mails, not 20.
	before := len(sh.mails("subscribe_confirm"))
	for i := range 20 {
		sh.subscribeAs("2001:db8:a::"+strconv.Itoa(i+1), url.Values{"email": {"v" + strconv.Itoa(i) + "@example.nl"}, "topic": {"category:koffie"}})
	}
	sh.flushMail()
	if n := len(sh.mails("subscribe_confirm")) - before; n > mailBurst {
		t.Errorf("one /64 made the shop mail %d addresses at once, want at most %d", n, mailBurst)
	}

	// An unpaid order with Eva's address, placed by someone else: Eva gets
	// no order e-mail, no cancel e-mail and no points link because of it.
	sh.addToCart("MOK-001", 1)
	r, a := sh.checkout("stranger-mail-1")
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("checkout: %d %s", r.StatusCode, r.body)
	}
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if err := f.SetStatus(o.PaymentID, "failed"); err != nil {
		t.Fatal(err)
	}
	if r := sh.req(http.MethodPost, "/api/orders/"+o.Token+"/cancel", "{}"); r.StatusCode != http.StatusOK {
		t.Fatalf("cancel the unpaid order: %d %s", r.StatusCode, r.body)
	}
	if r := sh.form("/points/", url.Values{"email": {"eva@example.nl"}, "lang": {"en"}}); r.StatusCode != http.StatusOK {
		t.Fatalf("points link form: %d", r.StatusCode)
	}
	sh.flushMail()
	for _, kind := range []string{"order_confirmation", "order_canceled", "points_link"} {
		if n := len(sh.outboxFiles(kind)); n != 0 {
			t.Errorf("an unpaid order with someone's address sent them %d %s e-mail(s)", n, kind)
		}
	}
}

// frozenClock stands still until advanced.
type frozenClock struct{ ns atomic.Int64 }

func (c *frozenClock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *frozenClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// TestProviderBudget: 30 unpaid orders whose pages are polled at once ask
// the provider no more than the budget allows (a burst of twice the rate,
// then the rate); the pages that find the budget used up still answer, with
// "we are confirming your payment" (item 8).
func TestProviderBudget(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	var clk frozenClock
	clk.advance(time.Duration(time.Now().UnixNano()))
	const rate = 2
	sh := newShop(t, withMollie(f), func(o *Options) { o.ProviderCallsPerSecond, o.Now = rate, clk.now })
	var tokens []string
	for i := range 30 {
		jar, _ := newJar()
		sh.jar, sh.client.Jar = jar, jar
		sh.addToCart("MOK-001", 1)
		r, a := sh.checkout("budget-" + strconv.Itoa(i))
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("checkout %d: %d %s (creating payments is never refused)", i, r.StatusCode, r.body)
		}
		tokens = append(tokens, tokenOf(t, a.Order.URL))
	}
	clk.advance(time.Minute) // the bucket is full again
	before := f.Calls(molliefake.GetPayment)
	const rounds = 3
	var answered, confirming atomic.Int64
	for range rounds {
		var wg sync.WaitGroup
		for _, tok := range tokens {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest(http.MethodGet, sh.url+"/order/"+tok, nil)
				req.Header.Set("Accept-Language", "en")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				if resp.StatusCode == http.StatusOK {
					answered.Add(1)
				}
				if strings.Contains(string(b), "We are confirming your payment") {
					confirming.Add(1)
				}
			}()
		}
		wg.Wait()
		clk.advance(3 * time.Second) // the pages refresh every 3 s
	}
	calls := f.Calls(molliefake.GetPayment) - before
	budget := 2*rate + rate*3*(rounds-1)
	if calls > budget {
		t.Errorf("%d pages polled %d times asked the provider %d times, want at most %d", len(tokens), rounds, calls, budget)
	}
	if calls == 0 {
		t.Error("no page asked the provider at all")
	}
	if n := answered.Load(); n != int64(rounds*len(tokens)) {
		t.Errorf("%d of %d page views answered 200", n, rounds*len(tokens))
	}
	if n := confirming.Load(); n != int64(rounds*len(tokens)) {
		t.Errorf("%d of %d page views say we are confirming the payment", n, rounds*len(tokens))
	}
}
