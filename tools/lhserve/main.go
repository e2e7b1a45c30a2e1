// Command lhserve is a stand-in for Netlify on this machine, for measuring the
// shop as a visitor gets it (tools/lighthouse.sh, docs/theme.md "Lighthouse"):
// it serves a built public folder with gzip compression and the headers and
// 404 rules of netlify.toml (read from the file, not copied), and proxies the
// paths that public/_redirects sends to the checkout sidecar (written by
// `shop build --sidecar URL`), as Netlify's CDN does. It listens on loopback
// only.
//
//	go build -o /tmp/lhserve ./tools/lhserve
//	/tmp/lhserve -public /tmp/lh-pub -toml netlify.toml -listen 127.0.0.1:8931
//
// It is not Netlify: no pretty-URL rewriting beyond index.html, no asset
// optimisation, no HTTP/2 (Lighthouse's simulated throttling models the
// network itself), and only the rule shapes this repository uses.
package main

import (
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/pelletier/go-toml/v2"
)

// netlifyConfig is the part of netlify.toml that shapes responses.
type netlifyConfig struct {
	Headers []struct {
		For    string            `toml:"for"`
		Values map[string]string `toml:"values"`
	} `toml:"headers"`
	Redirects []struct {
		From   string `toml:"from"`
		To     string `toml:"to"`
		Status int    `toml:"status"`
	} `toml:"redirects"`
}

// rule is one redirect rule: from netlify.toml or public/_redirects.
type rule struct {
	from, to string
	status   int
}

// proxyRule is a _redirects rule with status 200 to another origin.
type proxyRule struct {
	rule
	proxy *httputil.ReverseProxy
	base  *url.URL
}

func main() {
	public := flag.String("public", "public", "the built site (shop build -d)")
	tomlPath := flag.String("toml", "netlify.toml", "Netlify's configuration: its [[headers]] and [[redirects]]")
	listen := flag.String("listen", "127.0.0.1:8931", "loopback address to listen on")
	flag.Parse()
	if err := run(*public, *tomlPath, *listen); err != nil {
		fmt.Fprintln(os.Stderr, "lhserve:", err)
		os.Exit(1)
	}
}

func run(public, tomlPath, listen string) error {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", listen, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("listen address %q is not a loopback IP (this is a measuring tool, not a server)", listen)
	}
	h, err := newHandler(public, tomlPath)
	if err != nil {
		return err
	}
	slog.Info("lhserve", "public", public, "toml", tomlPath, "listen", "http://"+listen+"/", "proxies", len(h.proxies))
	return http.ListenAndServe(listen, gzipHandler(h))
}

type handler struct {
	root    string
	cfg     netlifyConfig
	notFnd  []rule // netlify.toml's status-404 rules
	proxies []proxyRule
}

func newHandler(public, tomlPath string) (*handler, error) {
	b, err := os.ReadFile(tomlPath)
	if err != nil {
		return nil, fmt.Errorf("read netlify config: %w", err)
	}
	h := &handler{root: public}
	if err := toml.Unmarshal(b, &h.cfg); err != nil {
		return nil, fmt.Errorf("parse %s: %w", tomlPath, err)
	}
	for _, r := range h.cfg.Redirects {
		if r.Status == http.StatusNotFound {
			h.notFnd = append(h.notFnd, rule{r.From, r.To, r.Status})
		}
	}
	rp := filepath.Join(public, "_redirects")
	rb, err := os.ReadFile(rp)
	if os.IsNotExist(err) {
		slog.Warn("no _redirects in the public folder: nothing is proxied to the sidecar (build with --sidecar)", "path", rp)
		return h, nil
	} else if err != nil {
		return nil, fmt.Errorf("read redirects: %w", err)
	}
	for i, line := range strings.Split(string(rb), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) < 3 {
			return nil, fmt.Errorf("%s:%d: want FROM TO STATUS, got %q", rp, i+1, line)
		}
		st, err := strconv.Atoi(strings.TrimSuffix(f[2], "!"))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: status %q: %w", rp, i+1, f[2], err)
		}
		u, err := url.Parse(f[1])
		if err != nil || st != http.StatusOK || u.Host == "" {
			return nil, fmt.Errorf("%s:%d: only proxy rules (status 200 to http(s)://host/...) are supported, got %q", rp, i+1, line)
		}
		base := &url.URL{Scheme: u.Scheme, Host: u.Host}
		p := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(base)
			// The sidecar sees what Netlify would forward: the visitor's host.
			pr.SetXForwarded()
		}}
		h.proxies = append(h.proxies, proxyRule{rule: rule{f[0], f[1], st}, proxy: p, base: base})
	}
	return h, nil
}

// match reports whether p matches a Netlify path pattern: exact, or a prefix
// ending in /* (which also matches the prefix without the slash), and returns
// the splat.
func match(pattern, p string) (string, bool) {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		if rest, ok := strings.CutPrefix(p, prefix); ok {
			return rest, true
		}
		return "", p == strings.TrimSuffix(prefix, "/") && prefix != "/"
	}
	return "", p == pattern
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := path.Clean("/" + r.URL.Path)
	if strings.HasSuffix(r.URL.Path, "/") && p != "/" {
		p += "/"
	}
	// _redirects rules with "200!" are forced: they win over files.
	for _, pr := range h.proxies {
		splat, ok := match(pr.from, p)
		if !ok {
			continue
		}
		to := strings.Replace(pr.to, ":splat", splat, 1)
		u, err := url.Parse(to)
		if err != nil {
			http.Error(w, "bad proxy target", http.StatusBadGateway)
			return
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = u.Path
		r2.URL.RawPath = ""
		pr.proxy.ServeHTTP(w, r2)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if f, ok := h.file(p); ok {
		h.serveFile(w, r, p, f, http.StatusOK)
		return
	}
	if _, ok := h.file(p + "/"); ok && !strings.HasSuffix(p, "/") {
		http.Redirect(w, r, p+"/", http.StatusMovedPermanently)
		return
	}
	for _, nf := range h.notFnd {
		if _, ok := match(nf.from, p); ok {
			if f, ok := h.file(nf.to); ok {
				h.serveFile(w, r, nf.to, f, http.StatusNotFound)
				return
			}
		}
	}
	if f, ok := h.file("/404.html"); ok {
		h.serveFile(w, r, "/404.html", f, http.StatusNotFound)
		return
	}
	http.NotFound(w, r)
}

// file returns the file in the public folder that serves URL path p.
func (h *handler) file(p string) (string, bool) {
	if strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	f := filepath.Join(h.root, filepath.FromSlash(p))
	st, err := os.Stat(f)
	if err != nil || st.IsDir() {
		return "", false
	}
	return f, true
}

func (h *handler) serveFile(w http.ResponseWriter, r *http.Request, p, f string, status int) {
	// netlify.toml's [[headers]] apply to the URL the visitor asked for.
	for _, hd := range h.cfg.Headers {
		if _, ok := match(hd.For, path.Clean("/"+r.URL.Path)); ok {
			for k, v := range hd.Values {
				w.Header().Set(k, v)
			}
		}
	}
	ct := mime.TypeByExtension(filepath.Ext(f))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "public, max-age=0, must-revalidate")
	}
	fh, err := os.Open(f)
	if err != nil {
		http.Error(w, "read error", http.StatusInternalServerError)
		return
	}
	defer fh.Close()
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	_, _ = io.Copy(w, fh)
}

// compressible reports whether a response of this Content-Type is worth gzip.
func compressible(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	return strings.HasPrefix(mt, "text/") || mt == "application/javascript" ||
		mt == "application/json" || mt == "application/xml" || mt == "image/svg+xml" ||
		mt == "application/manifest+json" || strings.HasSuffix(mt, "+xml")
}

var gzPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestCompression); return w }}

// gzipWriter compresses the body when the client accepts gzip and the
// response is text and not already encoded; it decides at WriteHeader.
type gzipWriter struct {
	http.ResponseWriter
	accept  bool
	decided bool
	gz      *gzip.Writer
}

func (g *gzipWriter) WriteHeader(status int) {
	if !g.decided {
		g.decided = true
		hd := g.Header()
		hd.Add("Vary", "Accept-Encoding")
		if g.accept && hd.Get("Content-Encoding") == "" && compressible(hd.Get("Content-Type")) &&
			status != http.StatusNoContent && status != http.StatusNotModified {
			hd.Del("Content-Length")
			hd.Set("Content-Encoding", "gzip")
			g.gz = gzPool.Get().(*gzip.Writer)
			g.gz.Reset(g.ResponseWriter)
		}
	}
	g.ResponseWriter.WriteHeader(status)
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.decided {
		if g.Header().Get("Content-Type") == "" {
			g.Header().Set("Content-Type", http.DetectContentType(b))
		}
		g.WriteHeader(http.StatusOK)
	}
	if g.gz != nil {
		return g.gz.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

func (g *gzipWriter) Flush() {
	if g.gz != nil {
		_ = g.gz.Flush()
	}
	if f, ok := g.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func gzipHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accept := r.Method != http.MethodHead && acceptsGzip(r.Header.Get("Accept-Encoding"))
		g := &gzipWriter{ResponseWriter: w, accept: accept}
		next.ServeHTTP(g, r)
		if g.gz != nil {
			_ = g.gz.Close()
			gzPool.Put(g.gz)
		}
	})
}

func acceptsGzip(ae string) bool {
	for _, part := range strings.Split(ae, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			return !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") ||
				strings.Contains(params, "q=0.")
		}
	}
	return false
}
