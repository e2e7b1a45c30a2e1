package source

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/catalog"
)

// withVersion returns the valid catalog with another version and the price of
// BOEK-001 set to price.
func withVersion(t *testing.T, version string, price int) []byte {
	t.Helper()
	return mutate(t, func(m map[string]any) {
		m["version"] = version
		item(m, 1)["price"] = price
	})
}

// logSink is a slog handler that hands records to a channel.
type logSink struct {
	ch chan slog.Record
}

func (h *logSink) Enabled(context.Context, slog.Level) bool { return true }
func (h *logSink) Handle(_ context.Context, r slog.Record) error {
	select {
	case h.ch <- r:
	default:
	}
	return nil
}
func (h *logSink) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *logSink) WithGroup(string) slog.Handler      { return h }

func newSink() (*logSink, *slog.Logger) {
	h := &logSink{ch: make(chan slog.Record, 100)}
	return h, slog.New(h)
}

func waitLog(t *testing.T, h *logSink, level slog.Level) slog.Record {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case r := <-h.ch:
			if r.Level == level {
				return r
			}
		case <-deadline:
			t.Fatalf("no %s log within 5s", level)
		}
	}
}

// waitErrorNaming waits for an error record whose attributes hold want and
// returns them; earlier error records are passed over.
func waitErrorNaming(t *testing.T, h *logSink, want string) string {
	t.Helper()
	var seen []string
	deadline := time.After(5 * time.Second)
	for {
		select {
		case r := <-h.ch:
			if r.Level != slog.LevelError {
				continue
			}
			var buf bytes.Buffer
			r.Attrs(func(a slog.Attr) bool { buf.WriteString(a.String() + " "); return true })
			if strings.Contains(buf.String(), want) {
				return buf.String()
			}
			seen = append(seen, buf.String())
		case <-deadline:
			t.Fatalf("no error log naming %s within 5s; error logs: %q", want, seen)
		}
	}
}

func waitCatalog(t *testing.T, ch <-chan *catalog.Catalog) *catalog.Catalog {
	t.Helper()
	select {
	case c := <-ch:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("no new catalog within 5s")
	}
	return nil
}

func TestFileSourceReloads(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "catalog.json")
	if err := os.WriteFile(path, withVersion(t, "v1", 2495), 0o644); err != nil {
		t.Fatal(err)
	}
	sink, logger := newSink()
	src, err := Open(context.Background(), path, Options{Debounce: 20 * time.Millisecond, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if got := src.Current().Version; got != "v1" {
		t.Fatalf("Current().Version = %q", got)
	}
	news := make(chan *catalog.Catalog, 10)
	src.Subscribe(func(c *catalog.Catalog) { news <- c })

	// A plain write.
	if err := os.WriteFile(path, withVersion(t, "v2", 2995), 0o644); err != nil {
		t.Fatal(err)
	}
	c := waitCatalog(t, news)
	if it, _ := c.Lookup("BOEK-001"); c.Version != "v2" || it.Price != 2995 {
		t.Fatalf("after write: version %q, price %d", c.Version, it.Price)
	}
	if src.Current() != c {
		t.Error("Current() is not the catalog handed to subscribers")
	}

	// A broken catalog is refused; v2 stays.
	broken := mutate(t, func(m map[string]any) {
		m["version"] = "v3"
		item(m, 1)["sku"] = "KOF-GUJI-250-BO"
	})
	if err := os.WriteFile(path, broken, 0o644); err != nil {
		t.Fatal(err)
	}
	// os.WriteFile truncates before it writes: on a slow machine a reload
	// may catch a file half written (this one or v2 above) and refuse it
	// too ("EOF"). The record that counts is the one of the broken catalog.
	if rec := waitErrorNaming(t, sink, "KOF-GUJI-250-BO"); !strings.Contains(rec, "version_in_force=v2") {
		t.Errorf("error log lacks the version in force: %s", rec)
	}
	if got := src.Current().Version; got != "v2" {
		t.Fatalf("broken catalog replaced the good one: version %q", got)
	}

	// An atomic replace (write elsewhere, rename over), as builds do.
	tmp := filepath.Join(dir, ".catalog.json.tmp")
	if err := os.WriteFile(tmp, withVersion(t, "v4", 1995), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	c = waitCatalog(t, news)
	if c.Version != "v4" {
		t.Fatalf("after rename: version %q", c.Version)
	}

	// Other files in the directory do not trigger anything.
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-news:
		t.Fatalf("unrelated file caused a reload: %q", c.Version)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestFileSourceDebounces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "catalog.json")
	if err := os.WriteFile(path, withVersion(t, "v1", 2495), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := Open(context.Background(), path, Options{Debounce: 300 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var n atomic.Int32
	news := make(chan *catalog.Catalog, 10)
	src.Subscribe(func(c *catalog.Catalog) { n.Add(1); news <- c })
	for i := range 5 {
		if err := os.WriteFile(path, withVersion(t, "burst"+string(rune('a'+i)), 2495+i), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := waitCatalog(t, news)
	time.Sleep(500 * time.Millisecond) // give a second reload the chance to show up
	if c.Version != "burste" || n.Load() != 1 {
		t.Errorf("burst of 5 writes: %d reloads, last version %q; want 1 reload of burste", n.Load(), c.Version)
	}
}

func TestOpenRefusesBrokenFirstCatalog(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "catalog.json")
	if err := os.WriteFile(path, []byte(`{"items":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), path, Options{}); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open of broken catalog: %v", err)
	}
	if _, err := Open(context.Background(), filepath.Join(dir, "missing.json"), Options{}); err == nil {
		t.Fatal("Open of missing file succeeded")
	}
}

func TestURLSourceConditionalGET(t *testing.T) {
	var mu sync.Mutex
	body, etag := withVersion(t, "v1", 2495), `"v1"`
	var gets, notModified atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == "/_shell/index.html" {
			w.Write([]byte("<html>shell</html>"))
			return
		}
		if r.URL.Path != "/catalog.json" {
			http.NotFound(w, r)
			return
		}
		gets.Add(1)
		if r.Header.Get("If-None-Match") == etag {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Write(body)
	}))
	defer srv.Close()
	set := func(b []byte, tag string) { mu.Lock(); body, etag = b, tag; mu.Unlock() }

	sink, logger := newSink()
	src, err := Open(context.Background(), srv.URL+"/catalog.json", Options{PollInterval: 20 * time.Millisecond, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	news := make(chan *catalog.Catalog, 10)
	src.Subscribe(func(c *catalog.Catalog) { news <- c })

	// Unchanged: polls get 304 and nothing is reloaded.
	for notModified.Load() < 3 {
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case c := <-news:
		t.Fatalf("304 caused a reload to %q", c.Version)
	default:
	}

	set(withVersion(t, "v2", 2995), `"v2"`)
	if c := waitCatalog(t, news); c.Version != "v2" {
		t.Fatalf("version %q after change", c.Version)
	}

	// Broken: refused, logged, v2 stays; polled again (no ETag remembered).
	set([]byte(`{"version":"v3"}`), `"v3"`)
	waitLog(t, sink, slog.LevelError)
	if got := src.Current().Version; got != "v2" {
		t.Fatalf("broken catalog replaced v2: %q", got)
	}
	before := gets.Load()
	waitLog(t, sink, slog.LevelError) // refused again on the next poll
	if gets.Load() <= before {
		t.Error("broken catalog was not fetched again")
	}

	shell, err := src.ReadSibling(context.Background(), "_shell/index.html")
	if err != nil || string(shell) != "<html>shell</html>" {
		t.Errorf("ReadSibling = %q, %v", shell, err)
	}
}

func TestURLSourceServerError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	defer srv.Close()
	_, err := Open(context.Background(), srv.URL+"/catalog.json", Options{})
	if err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("Open against a 500: %v", err)
	}
}

func TestStaticAndSibling(t *testing.T) {
	c, err := catalog.Parse(validJSON(t))
	if err != nil {
		t.Fatal(err)
	}
	s := Static(c)
	if s.Current() != c {
		t.Fatal("Static does not serve its catalog")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "catalog.json")
	os.WriteFile(path, validJSON(t), 0o644)
	os.MkdirAll(filepath.Join(dir, "en", "_shell"), 0o755)
	os.WriteFile(filepath.Join(dir, "en", "_shell", "index.html"), []byte("en shell"), 0o644)
	src, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	b, err := src.ReadSibling(context.Background(), "en/_shell/index.html")
	if err != nil || string(b) != "en shell" {
		t.Errorf("ReadSibling = %q, %v", b, err)
	}
}

// A build that deletes and recreates the output directory takes the watch
// with it; the stat check notices the new file and watches the new directory.
func TestFileSourceSurvivesReplacedDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, "catalog.json")
	if err := os.WriteFile(path, withVersion(t, "v1", 2495), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := Open(context.Background(), path, Options{Debounce: 20 * time.Millisecond,
		StatInterval: 50 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	news := make(chan *catalog.Catalog, 10)
	src.Subscribe(func(c *catalog.Catalog) { news <- c })

	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(path, withVersion(t, "v2", 2995), 0o644); err != nil {
		t.Fatal(err)
	}
	if c := waitCatalog(t, news); c.Version != "v2" {
		t.Fatalf("after directory replaced: %q", c.Version)
	}
	time.Sleep(150 * time.Millisecond) // the check re-adds the directory watch
	if err := os.WriteFile(path, withVersion(t, "v3", 3995), 0o644); err != nil {
		t.Fatal(err)
	}
	if c := waitCatalog(t, news); c.Version != "v3" {
		t.Fatalf("after a later write: %q", c.Version)
	}
}

func TestURLSourceLastModified(t *testing.T) {
	const lm = "Thu, 26 Nov 2026 10:00:00 GMT"
	var notModified atomic.Int32
	body := withVersion(t, "v1", 2495)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-Modified-Since") == lm {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Last-Modified", lm)
		w.Write(body)
	}))
	defer srv.Close()
	src, err := Open(context.Background(), srv.URL+"/catalog.json", Options{PollInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	deadline := time.Now().Add(5 * time.Second)
	for notModified.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if notModified.Load() < 2 || src.Current().Version != "v1" {
		t.Fatalf("%d conditional answers, version %q", notModified.Load(), src.Current().Version)
	}
	if err := src.Reload(context.Background()); !errors.Is(err, ErrNotModified) {
		t.Fatalf("Reload = %v, want ErrNotModified", err)
	}
}
