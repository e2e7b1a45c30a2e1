package server

import (
	"net/http"
	"testing"
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
