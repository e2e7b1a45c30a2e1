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
