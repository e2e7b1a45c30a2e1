package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/server"
)

const token = "cli-test-token-0123456789abcdef0123456789"

func copySite(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "public")
	err := filepath.Walk("../server/testdata/site", func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("../server/testdata/site", p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// startSidecar runs a sidecar with the built-in provider and places one paid order.
func startSidecar(t *testing.T, mods ...func(*server.Options)) (base, orderID string) {
	t.Helper()
	site := copySite(t)
	dir := t.TempDir()
	ts := httptest.NewUnstartedServer(nil)
	base = "http://" + ts.Listener.Addr().String()
	opts := server.Options{
		Catalog: filepath.Join(site, "catalog.json"), DataFile: filepath.Join(dir, "shop.db"), BaseURL: base + "/",
		AdminToken: token, OutboxDir: filepath.Join(dir, "outbox"), ReconcileEvery: time.Hour,
	}
	for _, m := range mods {
		m(&opts)
	}
	sc, err := server.Open(context.Background(), opts, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = sc.Handler()
	ts.Start()
	t.Cleanup(func() { ts.Close(); sc.Close() })

	// A customer orders and pays through the built-in provider.
	jar := newJar()
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path, ctype, body string, hdr ...string) *http.Response {
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Origin", base)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	post("/api/cart/items", "application/json", `{"sku":"MOK-001","quantity":1}`).Body.Close()
	resp := post("/api/checkout", "application/json", `{"name":"Eva","email":"eva@example.nl","street":"Markt 1","postal_code":"3511 AA","city":"Utrecht","country":"NL"}`, "Idempotency-Key", "cli")
	var a server.CheckoutAnswer
	json.NewDecoder(resp.Body).Decode(&a)
	resp.Body.Close()
	u, _ := url.Parse(a.CheckoutURL)
	post(u.Path, "application/x-www-form-urlencoded", "status=paid").Body.Close()
	// The return page asks the provider itself, so the order is paid now.
	if r, err := c.Get(a.OrderURL); err == nil {
		r.Body.Close()
	}
	if a.Order.ID == "" {
		t.Fatalf("no order placed: %+v", a)
	}
	return base, a.Order.ID
}

func TestOrdersCommands(t *testing.T) {
	base, id := startSidecar(t)
	t.Setenv("SHOP_ADMIN_URL", base)
	t.Setenv("SHOP_ADMIN_TOKEN", token)
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := orders(args, &out)
		return out.String(), err
	}
	out, err := run("list")
	if err != nil || !strings.Contains(out, id) || !strings.Contains(out, "paid") {
		t.Fatalf("list: %v\n%s", err, out)
	}
	if out, _ := run("list", "-state", "shipped"); !strings.Contains(out, "no orders") {
		t.Errorf("list -state shipped: %s", out)
	}
	if _, err := run("ship", id); err == nil || !strings.Contains(err.Error(), "--tracking") {
		t.Errorf("ship without tracking: %v", err)
	}
	out, err = run("ship", id, "--tracking", "https://jouw.postnl.nl/track-and-trace/3SABC")
	if err != nil || !strings.Contains(out, "shipped") || !strings.Contains(out, "3SABC") {
		t.Fatalf("ship: %v\n%s", err, out)
	}
	out, err = run("show", id)
	if err != nil || !strings.Contains(out, "cli") || !strings.Contains(out, "Eva") {
		t.Errorf("show: history should name the cli: %v\n%s", err, out)
	}
	if _, err := run("pack", id); err == nil || !strings.Contains(err.Error(), "shipped") {
		t.Errorf("pack a shipped order: %v", err)
	}
	if _, err := run("deliver", id); err != nil {
		t.Errorf("deliver: %v", err)
	}
	if _, err := run("frobnicate", id); err == nil {
		t.Error("unknown command accepted")
	}
	t.Setenv("SHOP_ADMIN_TOKEN", "wrong-token-wrong-token-wrong-token")
	if _, err := run("list"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("wrong token: %v", err)
	}
}

func TestParseInterleaved(t *testing.T) {
	for _, args := range [][]string{{"ID", "--tracking", "U"}, {"--tracking", "U", "ID"}} {
		fs := newFS()
		tr := fs.String("tracking", "", "")
		pos, err := parseInterleaved(fs, args)
		if err != nil || fmt.Sprint(pos) != "[ID]" || *tr != "U" {
			t.Errorf("%v: pos %v tracking %q err %v", args, pos, *tr, err)
		}
	}
}

// TestOrdersShowSaysMailNotSent: the confirmation cannot go out (the mail
// server refuses connections); `shop orders show` says so, with the error,
// instead of leaving it to a log line.
func TestOrdersShowSaysMailNotSent(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nobody listens here
	base, id := startSidecar(t, func(o *server.Options) {
		o.OutboxDir = ""
		o.SMTP = mail.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: "none", From: "Winkel <winkel@example.nl>"}
	})
	t.Setenv("SHOP_ADMIN_URL", base)
	t.Setenv("SHOP_ADMIN_TOKEN", token)
	var out bytes.Buffer
	for i := 0; i < 200 && !strings.Contains(out.String(), "E-MAIL NOT SENT"); i++ {
		if i > 0 {
			time.Sleep(25 * time.Millisecond) // the mail worker tries once right after the payment
		}
		out.Reset()
		if err := orders([]string{"show", id}, &out); err != nil {
			t.Fatal(err)
		}
	}
	if s := out.String(); !strings.Contains(s, "E-MAIL NOT SENT") || !strings.Contains(s, "order_confirmation:"+id) || !strings.Contains(s, "127.0.0.1") {
		t.Errorf("show does not say the confirmation was not sent:\n%s", s)
	}
}
