package cli

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/cli/clitest"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/server"
)

const token = clitest.Token

// startSidecar runs a sidecar with the built-in provider and places one paid order.
func startSidecar(t *testing.T, mods ...func(*server.Options)) (base, orderID string) {
	return clitest.StartSidecar(t, mods...)
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
