package cli

import (
	"bytes"
	"strings"
	"testing"
)

// TestCodesCommand: the owner makes, lists, turns off and on a code with
// the CLI against a real sidecar; a mistake comes back with the field.
func TestCodesCommand(t *testing.T) {
	base, _ := startSidecar(t)
	t.Setenv("SHOP_ADMIN_URL", base)
	t.Setenv("SHOP_ADMIN_TOKEN", token)
	var out bytes.Buffer
	if err := codes([]string{"create", "winter10", "-percent", "10", "-min", "25,00", "-categories", "koffie", "-to", "2099-12-31", "-per-customer", "1"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "WINTER10: 10% off koffie, on, 0 uses, admin") {
		t.Fatalf("create: %s", out.String())
	}
	out.Reset()
	if err := codes([]string{"create", "VIJF", "-amount", "5"}, &out); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := codes([]string{"disable", "vijf"}, &out); err != nil || !strings.Contains(out.String(), "VIJF: 5.00 off everything, off") {
		t.Fatalf("disable: %v %s", err, out.String())
	}
	out.Reset()
	if err := codes([]string{"list"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"VIJF", "off", "WINTER10", "25.00", "2099-12-31", "0 (1 each)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("list lacks %q:\n%s", want, out.String())
		}
	}
	if err := codes([]string{"create", "VIJF", "-amount", "5"}, &out); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("a second VIJF: %v", err)
	}
	if err := codes([]string{"create", "NIEUW", "-percent", "10", "-categories", "koffi"}, &out); err == nil || !strings.Contains(err.Error(), "categories") {
		t.Fatalf("a typo in the category: %v", err)
	}
	if err := codes([]string{"create", "NIEUW", "-amount", "5,001"}, &out); err == nil || !strings.Contains(err.Error(), "-amount") {
		t.Fatalf("a bad amount: %v", err)
	}
}
