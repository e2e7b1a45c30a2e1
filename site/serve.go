package site

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gohugoio/hugo/commands"
	"github.com/pelletier/go-toml/v2"
)

// Sidecar is the checkout half as `shop serve` needs it: a handler and the
// paths it owns. cmd/shop opens the real one (checkout/server).
type Sidecar interface {
	Handler() http.Handler
	Owns(path string) bool
	Close() error
}

// OpenSidecar opens the sidecar on the catalog the dev build wrote.
type OpenSidecar func(ctx context.Context, catalogPath, baseURL string) (Sidecar, error)

// ServeOptions configure `shop serve`.
type ServeOptions struct {
	Source  string // the shop's folder; default "."
	Port    int    // public port; default 1313
	Bind    string // interface; default 127.0.0.1
	Sidecar OpenSidecar
	Out     io.Writer // where the editor reads progress; default os.Stdout
	Log     *slog.Logger
	// Timeouts of the public server; cmd/shop passes the sidecar's
	// production values so a slow client is cut off here as in production.
	Timeouts Timeouts
}

// Timeouts cut off clients that send slowly. Read and Write apply per
// request, except to a connection upgraded to a WebSocket (live reload),
// which stays open as long as the browser tab does.
type Timeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
}

func (t Timeouts) orDefaults() Timeouts {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&t.ReadHeader, 5*time.Second)
	def(&t.Read, 15*time.Second)
	def(&t.Write, 60*time.Second)
	def(&t.Idle, 90*time.Second)
	return t
}

// frontServer is the public server of shop serve with its timeouts. The
// read and write deadlines are set per request (http.Server's own ReadTimeout
// would also end the live-reload WebSocket, which outlives any request).
func frontServer(h http.Handler, t Timeouts) *http.Server {
	t = t.orDefaults()
	return &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Every request sets its own deadlines: the connection keeps
			// the previous request's otherwise.
			rc := http.NewResponseController(w)
			read, write := time.Now().Add(t.Read), time.Now().Add(t.Write)
			if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
				read, write = time.Time{}, time.Time{}
			} else if r.ContentLength == 0 && len(r.TransferEncoding) == 0 {
				// No body to read slowly. A read deadline would still end
				// the request when it passes (the server reads on in the
				// background to notice a client leaving), and Hugo may take
				// longer than that to render a page of a big shop when it
				// is first asked for after an edit.
				read = time.Time{}
			}
			_ = rc.SetReadDeadline(read)
			_ = rc.SetWriteDeadline(write)
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: t.ReadHeader,
		IdleTimeout:       t.Idle,
	}
}

// Serve runs Hugo's own development server in-process on an internal port
// (it watches content, themes, data and config, rebuilds, and pushes live
// reload), writing the site to a temporary folder so the sidecar can read
// catalog.json from it. One public server in front sends the sidecar's paths
// to the sidecar and everything else, including /livereload, to Hugo.
// It returns when ctx is done or Hugo stops.
func Serve(ctx context.Context, opts ServeOptions) error {
	src := opts.Source
	if src == "" {
		src = "."
	}
	src, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(src, "hugo.toml")); err != nil {
		return fmt.Errorf("no hugo.toml in %s: run shop serve in the shop's folder or point at it with -s", src)
	}
	if opts.Port == 0 {
		opts.Port = 1313
	}
	if opts.Bind == "" {
		opts.Bind = "127.0.0.1"
	}
	out := opts.Out
	if out == nil {
		out = os.Stdout
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}

	public, err := net.Listen("tcp", net.JoinHostPort(opts.Bind, strconv.Itoa(opts.Port)))
	if err != nil {
		return fmt.Errorf("port %d is not free (is another shop serve running?); choose another with --port: %w", opts.Port, err)
	}
	defer public.Close()
	port := public.Addr().(*net.TCPAddr).Port
	internal, err := freePort()
	if err != nil {
		return err
	}
	dest, err := os.MkdirTemp("", "shop-serve-")
	if err != nil {
		return err
	}
	defer removeLater(dest)

	host := "localhost"
	if opts.Bind != "127.0.0.1" && opts.Bind != "localhost" && opts.Bind != "0.0.0.0" {
		host = opts.Bind
	}
	baseURL := fmt.Sprintf("http://%s:%d/", host, port)
	overlay, err := serveConfig(src)
	if err != nil {
		return err
	}
	args := []string{"server", "-s", src, "-d", dest}
	if overlay != "" {
		defer os.Remove(overlay)
		args = append(args, "--config", filepath.Join(src, "hugo.toml")+","+overlay)
	}
	args = append(args,
		"--port", strconv.Itoa(internal), "--bind", "127.0.0.1",
		"--baseURL", baseURL, "--appendPort=false", "--liveReloadPort", strconv.Itoa(port),
		"--noHTTPCache")

	fmt.Fprintf(out, "Building %s with Hugo %s …\n", src, HugoVersion())
	restore, err := filterStdout(out)
	if err != nil {
		return err
	}
	defer restore()
	hugoDone := make(chan error, 1)
	hugoMu.Lock()
	go func() {
		defer hugoMu.Unlock()
		hugoDone <- commands.Execute(args)
	}()

	// Hugo listens once its first build is done.
	if err := waitListening(ctx, internal, hugoDone); err != nil {
		if ctx.Err() != nil {
			return nil // stopped (Ctrl-C) during the first build
		}
		return err
	}
	if err := watchBundles(ctx, filepath.Join(src, "content"), log); err != nil {
		log.Warn("photos added next to a page may need an edit of the page to show", "err", err)
	}
	var car Sidecar
	catalog := filepath.Join(dest, "catalog.json")
	if opts.Sidecar != nil {
		if _, err := os.Stat(catalog); err != nil {
			log.Warn("the build wrote no catalog.json; serving the site without checkout", "catalog", catalog)
		} else if car, err = opts.Sidecar(ctx, catalog, baseURL); err != nil {
			log.Error("checkout sidecar did not start; serving the site alone", "err", err)
			car = nil
		}
	}
	if car != nil {
		defer car.Close()
	}

	target, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", internal))
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		http.Error(w, "the site is rebuilding or Hugo stopped: "+err.Error(), http.StatusBadGateway)
	}
	catalogURL := fmt.Sprintf("http://127.0.0.1:%d/catalog.json", internal)
	front := frontServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if car != nil && car.Owns(r.URL.Path) {
			// Hugo's fast render mode re-renders only the outputs
			// visited recently. Visiting catalog.json (as a browser
			// would navigate to it) brings it up to date before the
			// sidecar prices a cart, without making every later edit
			// re-render the home page's other outputs (its HTML, the
			// search index, the feeds), as visiting "/" would.
			touch(r.Context(), catalogURL)
			car.Handler().ServeHTTP(w, r)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/search.json") {
			// The header's search reads the home page's search index,
			// which an edit does not re-render unless it was asked for
			// recently (see catalog.json above): ask for it as a browser
			// navigation does, so Hugo renders it first if it is stale.
			r.Header.Set("Sec-Fetch-Mode", "navigate")
		}
		proxy.ServeHTTP(w, r)
	}), opts.Timeouts)
	frontDone := make(chan error, 1)
	go func() { frontDone <- front.Serve(public) }()

	with := "site alone, checkout not available"
	if car != nil {
		with = "site and checkout"
	}
	fmt.Fprintf(out, "\nYour shop is running (%s) at %s\nOpen it in your browser; pages reload when you save a file. Press Ctrl+C to stop.\n\n", with, baseURL)

	var hugoErr error
	select {
	case <-ctx.Done():
		// A Ctrl+C reached Hugo's own handler too; when the context ended
		// another way, stopHugo (stop_*.go) sends it the signal it waits for.
		select {
		case hugoErr = <-hugoDone:
		case <-time.After(200 * time.Millisecond):
			_ = stopHugo()
			select {
			case hugoErr = <-hugoDone:
			case <-time.After(10 * time.Second):
				hugoErr = errors.New("hugo did not stop within 10s")
			}
		}
	case hugoErr = <-hugoDone:
		if hugoErr == nil {
			hugoErr = errors.New("hugo stopped")
		}
	case err := <-frontDone:
		hugoErr = err
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = front.Shutdown(shutCtx)
	if hugoErr != nil && ctx.Err() == nil {
		return fmt.Errorf("serve: %w", hugoErr)
	}
	return nil
}

// productsCascade is the cascade entry shop serve adds: product bundles'
// files are published only when a template or the content asks for them
// (.RelPermalink), as the theme does for every photo it shows. Hugo marks
// every product page as changed after any edit of a product and publishes
// all of a page's files again for each: 10,000 file copies and a walk of the
// page tree per product, the largest part of an edit in a 10,000-book shop.
var productsCascade = map[string]any{
	"build":  map[string]any{"publishResources": false},
	"target": map[string]any{"path": "{/products/**}"},
}

// serveConfig writes the extra Hugo config of shop serve to a temporary
// file and returns its path: the shop's own cascade entries (Hugo replaces the list
// from the first file with the one from this file) and productsCascade. It
// returns "" when the shop's hugo.toml has productsCascade already (the
// demo's does, for shop build too): nothing to add.
func serveConfig(src string) (string, error) {
	b, err := os.ReadFile(filepath.Join(src, "hugo.toml"))
	if err != nil {
		return "", err
	}
	var cfg map[string]any
	if err := toml.Unmarshal(b, &cfg); err != nil {
		return "", fmt.Errorf("read %s: %w", filepath.Join(src, "hugo.toml"), err)
	}
	var cascade []any
	switch c := cfg["cascade"].(type) {
	case []any:
		cascade = append(cascade, c...)
	case map[string]any:
		cascade = append(cascade, c)
	}
	for _, c := range cascade {
		if reflect.DeepEqual(c, productsCascade) {
			return "", nil
		}
	}
	cascade = append(cascade, productsCascade)
	out, err := toml.Marshal(map[string]any{"cascade": cascade})
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp("", "shop-serve-*.toml")
	if err != nil {
		return "", err
	}
	if _, err := f.Write(out); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), f.Close()
}

// removeLater removes the render folder. A rebuild that was running when
// Hugo's server stopped may still write a few files, so it tries again.
func removeLater(dir string) {
	for i := 0; i < 5; i++ {
		os.RemoveAll(dir)
		time.Sleep(200 * time.Millisecond)
		if _, err := os.Stat(dir); os.IsNotExist(err) {
			return
		}
	}
}

// touch requests url from Hugo as a browser navigating to it would (so that
// Hugo's fast render mode renders it first if an edit made it stale) and
// discards the answer.
func touch(ctx context.Context, url string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return
	}
	req.Header.Set("Sec-Fetch-Mode", "navigate")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitListening waits until Hugo answers HTTP on port. Hugo opens its
// listener before the first build, so a TCP connect is not enough: a request
// is answered only once the build is done and the server runs. It asks for
// robots.txt, not a page: Hugo's fast render mode re-renders every page
// requested recently on each edit, and "/" would make every edit re-render
// the home page's outputs over the whole catalog (catalog.json, search.json,
// the feeds), seconds in a shop of thousands of products.
func waitListening(ctx context.Context, port int, hugoDone <-chan error) error {
	url := fmt.Sprintf("http://127.0.0.1:%d/robots.txt", port)
	client := &http.Client{Timeout: time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodHead, url, nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case err := <-hugoDone:
			if err == nil {
				err = errors.New("hugo stopped before serving")
			}
			if strings.Contains(err.Error(), "logged") {
				// Hugo has printed each problem with its file and field.
				return errors.New("the first build failed (the problems are listed above); fix them and start shop serve again")
			}
			return fmt.Errorf("the first build failed; fix it and start shop serve again: %w", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// hidden are Hugo server lines that would mislead an editor: they name the
// internal port, not the one to open.
var hidden = []string{"Web Server is available", "Press Ctrl+C", "Running in Fast Render", "Serving pages from disk", "Environment:", "Watching for config changes"}

// filterStdout sends the process's stdout (where Hugo prints) through a
// filter to out until restore is called.
func filterStdout(out io.Writer) (restore func(), err error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	old := os.Stdout
	os.Stdout = w
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			skip := false
			for _, h := range hidden {
				if strings.Contains(line, h) {
					skip = true
					break
				}
			}
			if !skip {
				fmt.Fprintln(out, line)
			}
		}
	}()
	return func() {
		os.Stdout = old
		w.Close()
		wg.Wait()
		r.Close()
	}, nil
}
