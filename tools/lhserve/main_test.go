package main

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A public folder and the repository's own netlify.toml, served as a visitor
// gets them: compressed, with the file's headers, its 404 rules, and the
// sidecar's paths proxied.
func TestServesLikeNetlify(t *testing.T) {
	var upstream []string
	sidecar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upstream = append(upstream, r.URL.RequestURI())
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, strings.Repeat("<p>sidecar search page</p>", 50))
	}))
	defer sidecar.Close()

	pub := t.TempDir()
	files := map[string]string{
		"index.html":             "<h1>home</h1>" + strings.Repeat("x", 2000),
		"css/main.1234.css":      "body{color:red}",
		"404.html":               "nl niet gevonden",
		"en/404.html":            "en not found",
		"producten/a/index.html": "product a",
		"_redirects":             "# comment\n/search  " + sidecar.URL + "/search  200!\n/search/*  " + sidecar.URL + "/search/:splat  200!\n",
	}
	for name, body := range files {
		p := filepath.Join(pub, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, err := newHandler(pub, filepath.Join("..", "..", "netlify.toml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gzipHandler(h))
	defer srv.Close()
	tr := &http.Transport{DisableCompression: true}
	client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip, deflate, br")
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var r io.Reader = res.Body
		if res.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(res.Body)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			r = zr
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return res, string(b)
	}

	res, body := get("/")
	if res.StatusCode != 200 || !strings.HasPrefix(body, "<h1>home</h1>") {
		t.Errorf("/: %d %q", res.StatusCode, body[:20])
	}
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Error("/ is not gzipped")
	}
	csp := h.cfg.Headers[0].Values["Content-Security-Policy"]
	if !strings.Contains(csp, "default-src 'self'") || res.Header.Get("Content-Security-Policy") != csp {
		t.Errorf("/ has CSP %q, netlify.toml says %q", res.Header.Get("Content-Security-Policy"), csp)
	}
	if res.Header.Get("X-Frame-Options") != "DENY" {
		t.Error("/ lacks netlify.toml's X-Frame-Options")
	}
	res, _ = get("/css/main.1234.css")
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("/css/: Cache-Control %q, want netlify.toml's immutable", cc)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("/css/: Content-Type %q", ct)
	}
	if res, body = get("/en/nope/"); res.StatusCode != 404 || body != "en not found" {
		t.Errorf("/en/nope/: %d %q, want netlify.toml's /en/404.html", res.StatusCode, body)
	}
	if res, body = get("/nope/"); res.StatusCode != 404 || body != "nl niet gevonden" {
		t.Errorf("/nope/: %d %q, want /404.html", res.StatusCode, body)
	}
	if res, _ = get("/producten/a"); res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/producten/a/" {
		t.Errorf("/producten/a: %d %q, want a redirect to the folder", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ = get("/../../etc/passwd"); res.StatusCode != 404 {
		t.Errorf("/../../etc/passwd: %d", res.StatusCode)
	}
	res, body = get("/search/?q=guji&lang=en")
	if res.StatusCode != 200 || !strings.Contains(body, "sidecar search page") || res.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("/search/: %d %q gzip=%q, want the sidecar's page, compressed", res.StatusCode, body[:min(len(body), 30)], res.Header.Get("Content-Encoding"))
	}
	if len(upstream) != 1 || upstream[0] != "/search/?q=guji&lang=en" {
		t.Errorf("the sidecar got %q, want /search/?q=guji&lang=en", upstream)
	}
	if res.Header.Get("Content-Security-Policy") != "" {
		t.Error("a proxied answer got netlify.toml's headers; Netlify leaves them to the sidecar")
	}
}

func TestLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:8931", ":8931", "192.0.2.1:8931", "example.com:80"} {
		if err := run(t.TempDir(), filepath.Join("..", "..", "netlify.toml"), addr); err == nil || !strings.Contains(err.Error(), "loopback") && !strings.Contains(err.Error(), "listen address") {
			t.Errorf("run on %s: %v, want a refusal", addr, err)
		}
	}
}
