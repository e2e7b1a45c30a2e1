package cli

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestStatsCommand: shop stats prints the figures of a real sidecar with
// one delivered order: on time with PostNL, one customer, no repeat.
func TestStatsCommand(t *testing.T) {
	base, id := startSidecar(t)
	t.Setenv("SHOP_ADMIN_URL", base)
	t.Setenv("SHOP_ADMIN_TOKEN", token)
	var out bytes.Buffer
	if err := orders([]string{"ship", id, "--tracking", "https://jouw.postnl.nl/track-and-trace/3SABC"}, &out); err != nil {
		t.Fatal(err)
	}
	if err := orders([]string{"deliver", id}, &out); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := stats(nil, &out); err != nil {
		t.Fatalf("stats: %v", err)
	}
	text := out.String()
	for _, want := range []string{"PostNL", "Paid orders", "0 (0%)", "Return rate"} {
		if !strings.Contains(text, want) {
			t.Errorf("stats output lacks %q:\n%s", want, text)
		}
	}
	if !regexp.MustCompile(`PostNL\s+1\s+1\s+100%`).MatchString(text) {
		t.Errorf("stats output does not show 1 of 1 on time:\n%s", text)
	}

	out.Reset()
	from, to := time.Now().AddDate(0, 0, -1).Format("2006-01-02"), time.Now().AddDate(0, 0, 1).Format("2006-01-02")
	if err := stats([]string{"-json", "-from", from, "-to", to}, &out); err != nil {
		t.Fatal(err)
	}
	var a struct {
		Retention struct{ Orders, Delivered int } `json:"retention"`
	}
	if err := json.Unmarshal(out.Bytes(), &a); err != nil || a.Retention.Orders != 1 || a.Retention.Delivered != 1 {
		t.Fatalf("stats -json: %v %s", err, out.String())
	}
	if err := stats([]string{"-from", "yesterday"}, &out); err == nil || !strings.Contains(err.Error(), "not a date") {
		t.Errorf("a bad date: %v", err)
	}
}
