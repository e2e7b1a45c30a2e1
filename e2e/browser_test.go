package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// step is how long one browser step may take before the test gives up.
const step = 20 * time.Second

// tabOptions shape a tab: JavaScript on or off, and the viewport.
type tabOptions struct {
	NoJS   bool
	Width  int64 // 0: the browser's 1280
	Height int64
	Mobile bool
	// AcceptLanguage is the tab's Accept-Language header ("en-GB,en;q=0.9");
	// "" keeps the browser's Dutch one.
	AcceptLanguage string
}

// tab is one browser tab of one customer. It watches everything the page
// does (journey 9): uncaught exceptions, console errors, failed loads,
// responses of 400 and up, and requests that leave this machine. Whatever it
// saw fails the test at the end, with the page it happened on.
type tab struct {
	t    *testing.T
	h    *harness
	ctx  context.Context
	opts tabOptions

	mu       sync.Mutex
	problems []string
	urls     map[network.RequestID]string
	allowed  map[int64]bool // statuses the test expects on documents (e.g. 422)
	requests []string       // every request: "METHOD URL"
}

// newCustomer opens a tab in a fresh browser context: a new customer with no
// cookies and an empty cart.
func newCustomer(t *testing.T, h *harness, opts tabOptions) *tab {
	t.Helper()
	return h.openTab(t, h.browser, opts, chromedp.WithNewBrowserContext())
}

// another opens a second tab for the same customer (same cookies).
func (tb *tab) another(opts tabOptions) *tab {
	tb.t.Helper()
	return tb.h.openTab(tb.t, tb.ctx, opts)
}

func (h *harness) openTab(t *testing.T, parent context.Context, opts tabOptions, extra ...chromedp.ContextOption) *tab {
	t.Helper()
	tb := &tab{t: t, h: h, opts: opts, urls: map[network.RequestID]string{}, allowed: map[int64]bool{}}
	ctxOpts := append([]chromedp.ContextOption{chromedp.WithListener(tb.listen)}, extra...)
	ctx, cancel := chromedp.NewContext(parent, ctxOpts...)
	tb.ctx = ctx
	t.Cleanup(func() {
		if t.Failed() {
			tb.screenshot("failed")
		}
		cancel()
		tb.report()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	if opts.NoJS {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("turn JavaScript off: %v", err)
		}
	}
	if opts.AcceptLanguage != "" {
		ua, err := chromedp.Run(ctx, chromedp.Evaluate[string]("navigator.userAgent"))
		if err == nil {
			_, err = chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: opts.AcceptLanguage})
		}
		if err != nil {
			t.Fatalf("Accept-Language %s: %v", opts.AcceptLanguage, err)
		}
	}
	if opts.Width > 0 {
		height := opts.Height
		if height == 0 {
			height = 812
		}
		vopts := []chromedp.EmulateViewportOption{}
		if opts.Mobile {
			vopts = append(vopts, chromedp.EmulateMobile, chromedp.EmulateTouch)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(opts.Width, height, vopts...)); err != nil {
			t.Fatalf("viewport %dx%d: %v", opts.Width, height, err)
		}
	}
	return tb
}

// listen runs in the tab's event loop: it records, it does not act.
func (tb *tab) listen(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg = d.Exception.Description
		}
		tb.problems = append(tb.problems, fmt.Sprintf("JavaScript exception at %s:%d: %s", d.URL, d.LineNumber+1, firstLine(msg)))
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				if a.Value != nil {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			tb.problems = append(tb.problems, "console."+string(ev.Type)+": "+strings.Join(parts, " "))
		}
	case *cdplog.EventEntryAdded:
		// Failed loads come as network events with their URL; the rest
		// (security, CSP, deprecations that are errors) is reported here.
		e := ev.Entry
		if e.Level == cdplog.EntryLevelError && e.Source != cdplog.EntrySourceNetwork {
			tb.problems = append(tb.problems, fmt.Sprintf("browser log (%s): %s %s", e.Source, e.Text, e.URL))
		}
	case *network.EventRequestWillBeSent:
		u := ev.Request.URL
		tb.urls[ev.RequestID] = u
		tb.requests = append(tb.requests, ev.Request.Method+" "+u)
		if !LocalURL(u) {
			tb.problems = append(tb.problems, "request leaves localhost: "+u)
		}
	case *network.EventResponseReceived:
		st := ev.Response.Status
		if st >= 400 && !(ev.Type == network.ResourceTypeDocument && tb.allowed[st]) {
			tb.problems = append(tb.problems, fmt.Sprintf("%s %s answered %d", ev.Type, ev.Response.URL, st))
		}
	case *network.EventLoadingFailed:
		if !ev.Canceled && ev.BlockedReason == "" {
			tb.problems = append(tb.problems, fmt.Sprintf("%s %s failed to load: %s", ev.Type, tb.urls[ev.RequestID], ev.ErrorText))
		} else if ev.BlockedReason != "" {
			tb.problems = append(tb.problems, fmt.Sprintf("%s %s blocked: %s", ev.Type, tb.urls[ev.RequestID], ev.BlockedReason))
		}
	}
}

// allowStatus tells the tab that a document with this status is expected
// (a form answered 422 with its errors).
func (tb *tab) allowStatus(st int64) {
	tb.mu.Lock()
	tb.allowed[st] = true
	tb.mu.Unlock()
}

// report fails the test with every problem the tab saw.
func (tb *tab) report() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		tb.t.Errorf("page problem: %s", p)
	}
	tb.problems = nil
}

// url makes an absolute URL of a path on the shop.
func (tb *tab) url(path string) string {
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		return path
	}
	return tb.h.base + path
}

// do runs actions with a per-step timeout.
func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(tb.ctx, step)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// open navigates to path and fails the test unless the page answers 200.
func (tb *tab) open(path string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, step)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(tb.url(path)))
	if err != nil {
		tb.t.Fatalf("open %s: %v", path, err)
	}
	if resp != nil && resp.Status != 200 {
		tb.t.Fatalf("open %s: status %d", path, resp.Status)
	}
}

// submit clicks sel and waits for the page it leads to; it returns the
// status of the new document.
func (tb *tab) submit(sel string) int64 {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, step)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		tb.t.Fatalf("click %s on %s: %v", sel, tb.location(), err)
	}
	if resp == nil {
		return 0
	}
	return resp.Status
}

// eval evaluates a JavaScript expression in the page (works with the
// page's own scripts turned off: DevTools still evaluates).
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, step)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluate %.80q on %s: %v", expr, tb.location(), err)
	}
	return v
}

// tryEval is eval that returns the error instead of failing the test.
func tryEval[T any](tb *tab, expr string) (T, error) {
	ctx, cancel := context.WithTimeout(tb.ctx, step)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// text is what the customer reads on the page: the body's rendered text.
func (tb *tab) text() string {
	tb.t.Helper()
	return eval[string](tb, `document.body ? document.body.innerText : ""`)
}

// mainText is the rendered text of <main> (the whole body if there is none).
func (tb *tab) mainText() string {
	tb.t.Helper()
	return eval[string](tb, `(document.querySelector("main") || document.body).innerText`)
}

func (tb *tab) location() string {
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown page)"
	}
	return strings.TrimPrefix(loc, tb.h.base)
}

// path is the current page's path and query.
func (tb *tab) path() string {
	u, err := url.Parse(tb.url(tb.location()))
	if err != nil {
		return ""
	}
	return u.RequestURI()
}

// waitText polls the page until its text matches re, and returns the text.
func (tb *tab) waitText(re *regexp.Regexp, within time.Duration) string {
	tb.t.Helper()
	deadline := time.Now().Add(within)
	var last string
	for {
		last = eval[string](tb, `document.body ? document.body.innerText : ""`)
		if re.MatchString(last) {
			return last
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("page %s did not show %s within %s; it shows:\n%s", tb.location(), re, within, clip(last, 1500))
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// fill replaces the value of a form field as a customer would type it.
func (tb *tab) fill(sel, value string) {
	tb.t.Helper()
	if err := tb.do(
		chromedp.Clear(chromedp.CSS(sel)),
		chromedp.SendKeys(chromedp.CSS(sel), value),
	); err != nil {
		tb.t.Fatalf("fill %s on %s: %v", sel, tb.location(), err)
	}
}

// screenshot writes a full-page PNG to the artefacts folder.
func (tb *tab) screenshot(name string) string {
	ctx, cancel := context.WithTimeout(tb.ctx, step)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	p := filepath.Join(tb.h.artifacts, safeName(tb.t.Name()+"-"+name)+".png")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		tb.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	tb.t.Logf("screenshot: %s", p)
	return p
}

// jsonOf evaluates an expression whose value (or promised value) is
// JSON-able, and decodes it.
func jsonOf[T any](tb *tab, expr string) T {
	tb.t.Helper()
	raw := eval[string](tb, `Promise.resolve(`+expr+`).then(v => JSON.stringify(v))`)
	var v T
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		tb.t.Fatalf("decode %s: %v", raw, err)
	}
	return v
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeName(s string) string { return strings.Trim(unsafeChars.ReplaceAllString(s, "-"), "-") }

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// waitFor polls a JavaScript condition until it is true. Evaluation errors
// (a page in the middle of navigating) count as not yet.
func (tb *tab) waitFor(cond string, within time.Duration) {
	tb.t.Helper()
	deadline := time.Now().Add(within)
	var lastErr error
	for {
		ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && !!(`+cond+`)`))
		cancel()
		if err == nil && ok {
			if d := time.Since(deadline.Add(-within)); d > 2*time.Second {
				tb.t.Logf("waited %s for %.120s", d.Round(time.Millisecond), cond)
			}
			return
		}
		lastErr = err
		if time.Now().After(deadline) {
			tb.t.Fatalf("on %s, %s was not true within %s (last error: %v)", tb.location(), cond, within, lastErr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// click clicks the first element matching sel without waiting for anything;
// follow it with waitFor or waitText.
func (tb *tab) click(sel string) {
	tb.t.Helper()
	if err := tb.do(chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		tb.t.Fatalf("click %s on %s: %v", sel, tb.location(), err)
	}
}

// exists reports whether sel matches a rendered (visible) element.
func (tb *tab) visible(sel string) bool {
	tb.t.Helper()
	return eval[bool](tb, `(() => { const e = document.querySelector(`+jsString(sel)+`); return !!e && !e.closest("[hidden]") && e.getClientRects().length > 0; })()`)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// sent counts the requests the tab sent with this method to this path.
func (tb *tab) sent(method, path string) int {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	n := 0
	for _, r := range tb.requests {
		if r == method+" "+tb.h.base+path {
			n++
		}
	}
	return n
}
