package web

import (
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
