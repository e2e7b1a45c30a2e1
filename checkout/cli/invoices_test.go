package cli

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestInvoicesExport: shop invoices export --from --to writes the CSV of a
// real sidecar with one paid order: its invoice on one line.
func TestInvoicesExport(t *testing.T) {
	base, _ := startSidecar(t)
	t.Setenv("SHOP_ADMIN_URL", base)
	t.Setenv("SHOP_ADMIN_TOKEN", token)
	var out bytes.Buffer
	if err := invoices([]string{"export", "--from", "2000-01-01", "--to", "2099-12-31"}, &out); err != nil {
		t.Fatalf("export: %v", err)
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][0] != "number" || !regexp.MustCompile(`^\d{4}-00001$`).MatchString(rows[1][0]) {
		t.Fatalf("export: %v %v", rows, err)
	}
	file := filepath.Join(t.TempDir(), "q.csv")
	if err := invoices([]string{"export", "-from", "2000-01-01", "-o", file}, &out); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(file); !strings.Contains(string(b), rows[1][0]) {
		t.Errorf("file export: %s", b)
	}
	if err := invoices([]string{"export", "-from", "1 januari"}, &out); err == nil || !strings.Contains(err.Error(), "not a date") {
		t.Errorf("a bad date: %v", err)
	}
	if err := invoices([]string{"import"}, &out); err == nil {
		t.Error("unknown subcommand accepted")
	}
}
