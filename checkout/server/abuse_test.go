package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
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
	if after := sh.req(http.MethodGet, loc, ""); !strings.Contains(after.body, `notice--success" role="status">Packed.`) {
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
