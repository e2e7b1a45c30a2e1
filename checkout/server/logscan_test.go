package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The sidecar's log must never hold a customer's name or e-mail address
// (docs/checkout.md, "What the log holds"). Every test shop of this package
// logs through logScan, which reads each record as it is written; TestMain
// fails the package when any record named a test customer.

// testCustomerNames are the customers' names the tests check out with.
var testCustomerNames = []string{"Eva de Vries", `Sean O"Neil`, `Eva "Evi" Jansen`, `Jan Peters \`, "李伟", "Zoë d'Ancona"}

// emailInLog is any e-mail address; the shop's own (the sender, the
// owner's alert address) may be logged and are listed in shopAddress.
var (
	emailInLog  = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+`)
	shopAddress = regexp.MustCompile(`^(winkel|shop|owner|eigenaar|noreply|no-reply)@`)
)

var logScan = &logScanner{}

type logScanner struct {
	mu    sync.Mutex
	found []string
}

// check records the record's text when it holds a name or an address.
func (l *logScanner) check(test, text string) {
	var hits []string
	for _, n := range testCustomerNames {
		if q := strconv.Quote(n); strings.Contains(text, n) || strings.Contains(text, q[1:len(q)-1]) {
			hits = append(hits, "name "+n)
		}
	}
	for _, a := range emailInLog.FindAllString(text, -1) {
		if !shopAddress.MatchString(strings.ToLower(a)) {
			hits = append(hits, "address "+a)
		}
	}
	if len(hits) == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.found) < 50 {
		l.found = append(l.found, fmt.Sprintf("%s: %s in %s", test, strings.Join(hits, ", "), strings.TrimSpace(text)))
	}
}

func (l *logScanner) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.found
	l.found = nil
	return out
}

// scanHandler hands the message and every attribute's value (unescaped:
// an error's text as Error() gives it) of each record, at all levels, to
// the scanner, then passes the record on to next.
type scanHandler struct {
	test  string
	next  slog.Handler
	attrs []slog.Attr
}

func newScanHandler(test string, next slog.Handler) *scanHandler {
	return &scanHandler{test: test, next: next}
}

func (h *scanHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *scanHandler) Handle(ctx context.Context, r slog.Record) error {
	var b bytes.Buffer
	b.WriteString(r.Message)
	var add func(a slog.Attr)
	add = func(a slog.Attr) {
		v := a.Value.Resolve()
		if v.Kind() == slog.KindGroup {
			for _, g := range v.Group() {
				add(g)
			}
			return
		}
		fmt.Fprintf(&b, " %s=%s", a.Key, v.String())
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(func(a slog.Attr) bool { add(a); return true })
	logScan.check(h.test, b.String())
	if h.next.Enabled(ctx, r.Level) {
		return h.next.Handle(ctx, r)
	}
	return nil
}

func (h *scanHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &scanHandler{test: h.test, next: h.next.WithAttrs(as), attrs: append(slices.Clone(h.attrs), as...)}
}

func (h *scanHandler) WithGroup(name string) slog.Handler {
	return &scanHandler{test: h.test, next: h.next.WithGroup(name), attrs: h.attrs}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if found := logScan.take(); len(found) > 0 {
		fmt.Fprintln(os.Stderr, "FAIL: the sidecar logged a customer's name or e-mail address (docs/checkout.md promises it never does):")
		for _, f := range found {
			fmt.Fprintln(os.Stderr, "  "+f)
		}
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// TestLogScannerCatches: the scanner itself sees a name and an address.
func TestLogScannerCatches(t *testing.T) {
	var s logScanner
	h := newScanHandler("x", slog.DiscardHandler)
	saved := logScan
	logScan = &s
	slog.New(h).Error("send mail", "err", errors.New(`failed to parse mail address ""Sean O"Neil" <sean@example.org>": mail: no angle-addr`))
	slog.New(h).With("from", "winkel@example.nl").Info("ok", "order", "SF-1")
	logScan = saved
	if got := s.take(); len(got) != 1 || !strings.Contains(got[0], "Sean O\"Neil") || !strings.Contains(got[0], "sean@example.org") {
		t.Errorf("scanner found %q", got)
	}
}
