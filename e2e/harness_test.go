package e2e

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// adminToken is the owner's bearer token of the sidecar under test.
const adminToken = "e2e-admin-token-0123456789abcdef0123456789abcdef"

// harness is the shop under test and the browser that visits it. It is set
// up once, on first use, and shared by every test of the package.
type harness struct {
	base      string // http://127.0.0.1:PORT, no trailing slash
	repo      string // the repository root (the demo shop's source)
	tmp       string
	public    string // the built site
	outbox    string // the sidecar's .eml files
	artifacts string // screenshots and logs for people to look at

	setupErr   error // the shop could not be built or served
	sidecarErr error // the sidecar did not open (static pages still served)

	browser    context.Context // a started Chromium; nil when none
	browserErr error           // why there is no browser
	axeJS      string          // axe.min.js
	axeErr     error

	shopOnce   sync.Once
	srv        *http.Server
	stop       []func()
	sidecarLog string
}

var (
	env     *harness
	envOnce sync.Once
)

// ci reports whether the tests run in CI, where a missing browser or axe-core
// is a failure rather than a reason to skip.
func ci() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "0" && v != "false"
}

func TestMain(m *testing.M) {
	code := m.Run()
	if env != nil {
		env.close()
		if found := customersInLog(env.sidecarLog); len(found) > 0 { // logscan_test.go
			fmt.Fprintln(os.Stderr, "FAIL: the sidecar logged a customer's name or e-mail address:\n  "+strings.Join(found, "\n  "))
			code = max(code, 1)
		}
	}
	os.Exit(code)
}

// needBrowser returns the shared harness with a running browser, or ends the
// test: a skip with the reason outside CI, a failure in CI.
func needBrowser(t *testing.T) *harness {
	t.Helper()
	envOnce.Do(func() { env = setupBrowser() })
	h := env
	if h.browserErr != nil {
		if ci() {
			t.Fatalf("no browser for the browser tests (CI=true): %v", h.browserErr)
		}
		t.Skipf("SKIP browser test: %v (install chromium or set CHROME_PATH; with CI=true this fails)", h.browserErr)
	}
	return h
}

// need returns the harness with the demo shop built and served; withSidecar
// also requires the checkout sidecar.
func need(t *testing.T, withSidecar bool) *harness {
	t.Helper()
	h := needBrowser(t)
	h.shopOnce.Do(h.setupShop)
	if h.setupErr != nil {
		t.Fatalf("demo shop not served: %v", h.setupErr)
	}
	if withSidecar && h.sidecarErr != nil {
		t.Fatalf("checkout sidecar not running: %v", h.sidecarErr)
	}
	return h
}

// findChrome returns the Chromium to drive: $CHROME_PATH, /usr/bin/chromium,
// or one on $PATH.
func findChrome() (string, error) {
	if p := os.Getenv("CHROME_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("CHROME_PATH=%s: %w", p, err)
		}
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium found (looked at $CHROME_PATH, /usr/bin/chromium and $PATH)")
}

// setupBrowser finds and starts Chromium, and reads axe-core.
func setupBrowser() *harness {
	h := &harness{}
	var err error
	h.repo, err = filepath.Abs("..")
	if err != nil {
		h.browserErr = err
		return h
	}
	h.artifacts = os.Getenv("SHOP_ARTIFACTS")
	if h.artifacts == "" {
		h.artifacts = filepath.Join(h.repo, "test-artifacts")
	}
	if err := os.MkdirAll(h.artifacts, 0o755); err != nil {
		h.browserErr = fmt.Errorf("artifacts folder: %w", err)
		return h
	}
	chrome, err := findChrome()
	if err != nil {
		h.browserErr = err
		return h
	}
	h.axeJS, h.axeErr = loadAxe(h.repo)
	h.tmp, err = os.MkdirTemp("", "shop-e2e-")
	if err != nil {
		h.browserErr = err
		return h
	}
	h.stop = append(h.stop, func() { os.RemoveAll(h.tmp) })
	h.browser, h.browserErr = h.startBrowser(chrome)
	return h
}

// setupShop builds the demo shop once and serves it with the sidecar.
func (h *harness) setupShop() {
	// One listener, chosen before the build, so the site's baseURL is the
	// address the browser really visits.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		h.setupErr = fmt.Errorf("listen: %w", err)
		return
	}
	h.base = "http://" + ln.Addr().String()

	h.public = filepath.Join(h.tmp, "public")
	start := time.Now()
	src := h.repo
	if dir := os.Getenv("SHOP_E2E_SITE"); dir != "" {
		src = dir // another shop folder (e.g. a snapshot of the demo shop)
	}
	if err := buildSite(src, h.public, h.base+"/"); err != nil {
		ln.Close()
		h.setupErr = fmt.Errorf("build the demo shop: %w", err)
		return
	}
	fmt.Fprintf(os.Stderr, "e2e: built the demo shop in %s\n", time.Since(start).Round(time.Millisecond))

	h.outbox = filepath.Join(h.tmp, "outbox")
	if err := os.MkdirAll(h.outbox, 0o755); err != nil {
		ln.Close()
		h.setupErr = err
		return
	}
	handler, closeSidecar, err := h.openSidecar()
	if err != nil {
		h.sidecarErr = err
		fmt.Fprintf(os.Stderr, "e2e: sidecar not running, serving the static site only: %v\n", err)
		handler = http.FileServer(http.Dir(h.public))
	} else {
		h.stop = append(h.stop, closeSidecar)
	}
	h.srv = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go h.srv.Serve(ln)
}

// openSidecar runs the checkout sidecar in-process on the built catalog,
// with the local payment provider and the outbox, logging to a file in the
// artefacts folder.
func (h *harness) openSidecar() (http.Handler, func(), error) {
	h.sidecarLog = filepath.Join(h.artifacts, "sidecar.log")
	f, err := os.Create(h.sidecarLog)
	if err != nil {
		return nil, nil, fmt.Errorf("sidecar log: %w", err)
	}
	log := slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug}))
	handler, closeFn, err := openSidecar(context.Background(), sidecarConfig{
		Catalog:   filepath.Join(h.public, "catalog.json"),
		DataFile:  filepath.Join(h.tmp, "shop.db"),
		BaseURL:   h.base + "/",
		Admin:     adminToken,
		OutboxDir: h.outbox,
		PublicDir: h.public,
	}, log)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return handler, func() { closeFn(); f.Close() }, nil
}

// startBrowser starts one headless Chromium for the whole package; every
// test opens its own browser context (a fresh customer) and tabs in it.
func (h *harness) startBrowser(chrome string) (context.Context, error) {
	profile := filepath.Join(h.tmp, "chromium-profile")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		// The demo shop's customer has a Dutch browser (headless Chromium
		// says en-US): the sidecar's pages follow Accept-Language, and the
		// English journeys choose English as a customer does.
		chromedp.Flag("accept-lang", "nl-NL,nl"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		return nil, fmt.Errorf("start %s: %w", chrome, err)
	}
	h.stop = append(h.stop, func() { cancel(); cancelAlloc() })
	return ctx, nil
}

func (h *harness) close() {
	if h.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		h.srv.Shutdown(ctx)
		cancel()
	}
	for i := len(h.stop) - 1; i >= 0; i-- {
		h.stop[i]()
	}
}

// loadAxe reads axe-core from e2e/axe/node_modules (installed by npm ci).
func loadAxe(repo string) (string, error) {
	p := filepath.Join(repo, "e2e", "axe", "node_modules", "axe-core", "axe.min.js")
	b, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("axe-core not installed (run `cd e2e/axe && npm ci`): %w", err)
	}
	return string(b), nil
}
