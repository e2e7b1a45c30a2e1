package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAfterSaleCommands: the owner's after-sale desk through the admin API.
func TestAfterSaleCommands(t *testing.T) {
	base, id := startSidecar(t)
	t.Setenv("SHOP_ADMIN_URL", base)
	t.Setenv("SHOP_ADMIN_TOKEN", token)
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := orders(args, &out)
		return out.String(), err
	}
	out, err := run("pick-list")
	if err != nil || !strings.Contains(out, "MOK-001") || !strings.Contains(out, id) {
		t.Fatalf("pick-list: %v\n%s", err, out)
	}
	slip := filepath.Join(t.TempDir(), "slip.html")
	if _, err := run("packing-slip", id, "-o", slip); err != nil {
		t.Fatalf("packing-slip: %v", err)
	}
	if b, _ := os.ReadFile(slip); !strings.Contains(string(b), id) || !strings.Contains(string(b), "@media print") {
		t.Errorf("packing slip file: %.200s", b)
	}
	if _, err := run("refund", id); err == nil || !strings.Contains(err.Error(), "exactly one of") {
		t.Errorf("refund without saying what: %v", err)
	}
	if _, err := run("refund", id, "--sku", "MOK-001"); err == nil || !strings.Contains(err.Error(), "SKU=N") {
		t.Errorf("refund --sku without a number: %v", err)
	}
	out, err = run("refund", id, "--amount", "2,50", "--note", "late")
	if err != nil || !strings.Contains(out, "€2.50") || !strings.Contains(out, "refunded") {
		t.Fatalf("refund --amount: %v\n%s", err, out)
	}
	if _, err := run("refund", id, "--amount", "100.00"); err == nil || !strings.Contains(err.Error(), "422") {
		t.Errorf("over-refund: %v", err)
	}
	// Returns need a shipped order.
	if _, err := run("ship", id, "--tracking", "https://jouw.postnl.nl/track-and-trace/3SABC"); err != nil {
		t.Fatal(err)
	}
	if _, err := run("return-received", id); err == nil || !strings.Contains(err.Error(), "no return") {
		t.Errorf("return-received without a return: %v", err)
	}
	out, err = run("returns", id)
	if err != nil || !strings.Contains(out, "Returns open until") {
		t.Errorf("returns: %v\n%s", err, out)
	}
	if !strings.Contains(ordersHelp(t), "return-received ID") {
		t.Error("help does not list the after-sale commands")
	}
}

func ordersHelp(t *testing.T) string {
	var out bytes.Buffer
	_ = orders([]string{"help"}, &out)
	return out.String()
}
