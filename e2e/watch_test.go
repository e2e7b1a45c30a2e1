package e2e

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestTabWatcher proves the journeys' page watcher can fail: a page with an
// uncaught exception, a console error, a missing image and a request to
// another host must each be reported; a clean page must not. It also proves
// that a no-JS tab really runs no page script.
func TestTabWatcher(t *testing.T) {
	h := needBrowser(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("/clean", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>clean</title><script>document.title = "js ran"</script><p>hello</p>`)
	})
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>broken</title>
<img src="/missing.png" alt="">
<img src="http://192.0.2.1:9/tracker.gif" alt="">
<script>console.error("boom in console"); undefinedFunction();</script>`)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(mux)
	srv.Listener = ln
	srv.Start()
	defer srv.Close()

	// Run the tabs under a throwaway *testing.T so their reports are
	// captured here instead of failing this test.
	probe := func(path string, opts tabOptions) ([]string, string) {
		var problems []string
		var title string
		t.Run(strings.TrimPrefix(path, "/"), func(sub *testing.T) {
			tb := h.openTab(sub, h.browser, opts)
			tb.open(srv.URL + path)
			title = eval[string](tb, `document.title`)
			// Give the blocked request time to fail.
			time.Sleep(300 * time.Millisecond)
			tb.mu.Lock()
			problems = append(problems, tb.problems...)
			tb.problems = nil
			tb.mu.Unlock()
		})
		return problems, title
	}

	problems, title := probe("/clean", tabOptions{})
	if len(problems) != 0 {
		t.Errorf("clean page reported problems: %q", problems)
	}
	if title != "js ran" {
		t.Errorf("with JavaScript on, the page script did not run: title %q", title)
	}
	_, title = probe("/clean", tabOptions{NoJS: true})
	if title != "clean" {
		t.Errorf("with JavaScript off, the page script ran anyway: title %q", title)
	}

	problems, _ = probe("/broken", tabOptions{})
	all := strings.Join(problems, "\n")
	for _, want := range []string{"undefinedFunction", "boom in console", "/missing.png answered 404", "leaves localhost: http://192.0.2.1:9/tracker.gif"} {
		if !strings.Contains(all, want) {
			t.Errorf("watcher missed %q; it reported:\n%s", want, all)
		}
	}
}

// TestAxeCheck proves the accessibility check can fail: a page with an image
// without alt text and an unlabeled input has critical violations.
func TestAxeCheck(t *testing.T) {
	h := needBrowser(t)
	needAxe(t, h)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/favicon.ico" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		fmt.Fprint(w, `<!doctype html><html lang="en"><title>bad</title><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text"></main></html>`)
	}))
	defer srv.Close()
	var failed bool
	var output string
	t.Run("bad-page", func(sub *testing.T) {
		tb := h.openTab(sub, h.browser, tabOptions{})
		tb.open(srv.URL + "/")
		vs := runAxe(sub, tb)
		for _, v := range vs {
			if v.Impact == "critical" || v.Impact == "serious" {
				failed = true
				output += v.String() + "\n"
			}
		}
	})
	if !failed {
		t.Fatalf("axe found no serious or critical violation on a page with an unlabeled image and input")
	}
	for _, want := range []string{"image-alt", "label"} {
		if !strings.Contains(output, want) {
			t.Errorf("axe output lacks %q:\n%s", want, output)
		}
	}
}
