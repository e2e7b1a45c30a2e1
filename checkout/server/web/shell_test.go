package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestShellParse(t *testing.T) {
	sh, err := parseShell([]byte(`<html lang="en-GB"><title><!--sf:title--></title><main><!--sf:main--></main></html>`))
	if err != nil {
		t.Fatal(err)
	}
	got := string(sh.Render(`Order <1> & "2"`, HTMLSafe("<p>hi</p>")))
	want := `<html lang="en-GB"><title>Order &lt;1&gt; &amp; &#34;2&#34;</title><main><p>hi</p></main></html>`
	if got != want || sh.lang != "en" {
		t.Errorf("render = %s (lang %q)", got, sh.lang)
	}
	for _, bad := range []string{`<main><!--sf:main--></main>`, `<!--sf:main--><!--sf:title-->`, `<!--sf:title--><!--sf:main--><!--sf:main-->`} {
		if _, err := parseShell([]byte(bad)); err == nil {
			t.Errorf("parseShell(%q) accepted", bad)
		}
	}
}

// TestShellSwitchFor: the switch link's href is the theme's without a
// request (and after a form), the page itself with lang= for a GET; a path
// of two slashes stays on this host and the query is escaped.
func TestShellSwitchFor(t *testing.T) {
	sh, err := parseShell([]byte(`<html lang="nl"><title><!--sf:title--></title><header><a href="/en/" data-sf-switch="en" hreflang="en">English</a></header><main><!--sf:main--></main><a class="x" href="/y/">y</a></html>`))
	if err != nil {
		t.Fatal(err)
	}
	link := func(sh *Shell) string {
		doc := string(sh.Render("T", "m"))
		i := strings.Index(doc, `<a href="`)
		return doc[i+len(`<a href="`) : i+strings.Index(doc[i:], `" data-sf-switch`)]
	}
	for _, c := range []struct{ method, target, want string }{
		{"", "", "/en/"},
		{http.MethodPost, "/checkout/", "/en/"},
		{http.MethodGet, "/cart/", "/cart/?lang=en"},
		{http.MethodGet, "/search/?q=koffie&lang=nl", "/search/?q=koffie&amp;lang=en"},
		{http.MethodGet, `/search/?q=%22%3E%3Cscript%3E&lang=nl&lang=en`, "/search/?q=%22%3E%3Cscript%3E&amp;lang=en"},
		{http.MethodHead, "//evil.example/x?a=%zz&b=1", "/evil.example/x?b=1&amp;lang=en"},
	} {
		s := sh
		if c.method != "" {
			s = sh.For(httptest.NewRequest(c.method, c.target, nil))
		}
		if got := link(s); got != c.want {
			t.Errorf("%s %s: switch href %q, want %q", c.method, c.target, got, c.want)
		}
	}
	if got := string(sh.For(httptest.NewRequest(http.MethodGet, "/cart/", nil)).Render("T", "m")); !strings.HasSuffix(got, `<main>m</main><a class="x" href="/y/">y</a></html>`) {
		t.Errorf("other links changed: %s", got)
	}
}

// BenchmarkShellRender: a page in the shell, its switch pointed at the page
// itself (For) against the theme's href as it was (home).
func BenchmarkShellRender(b *testing.B) {
	page := `<!DOCTYPE html><html lang="nl"><head><title><!--sf:title--></title>` + strings.Repeat(`<link rel="preload" href="/x.css">`, 60) +
		`</head><body><header><a href="/en/" data-sf-switch="en" hreflang="en" lang="en">English</a></header><main><!--sf:main--></main>` + strings.Repeat(`<p>footer text</p>`, 100) + `</body></html>`
	sh, err := parseShell([]byte(page))
	if err != nil {
		b.Fatal(err)
	}
	main := HTMLSafe(strings.Repeat("<p>line</p>", 200))
	r := httptest.NewRequest(http.MethodGet, "/search/?q=koffie&page=2&lang=nl", nil)
	b.Run("home", func(b *testing.B) {
		for b.Loop() {
			sh.Render("T", main)
		}
	})
	b.Run("for", func(b *testing.B) {
		for b.Loop() {
			sh.For(r).Render("T", main)
		}
	})
}
