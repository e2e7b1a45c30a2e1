package doctor

import (
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }

func TestWasReference(t *testing.T) {
	h := func(lines ...any) []PriceChange {
		var out []PriceChange
		for i := 0; i < len(lines); i += 2 {
			out = append(out, PriceChange{SKU: "A", Date: day(lines[i].(string)), Price: lines[i+1].(int)})
		}
		return out
	}
	tests := []struct {
		name  string
		hist  []PriceChange
		price int
		want  int
		err   string
	}{
		{"one reduction", h("2026-08-01", 2495, "2026-12-01", 1995), 1995, 2495, ""},
		{"a dip in the window", h("2026-08-01", 2495, "2026-11-10", 2250, "2026-11-17", 2495, "2026-12-01", 1995), 1995, 2250, ""},
		{"a dip before the window", h("2026-08-01", 2495, "2026-10-01", 2000, "2026-10-15", 2495, "2026-12-01", 1995), 1995, 2495, ""},
		{"a raise in the window", h("2026-08-01", 2495, "2026-11-20", 2995, "2026-12-01", 1995), 1995, 2495, ""},
		{"recorded twice", h("2026-08-01", 2495, "2026-12-01", 1995, "2026-12-03", 1995), 1995, 2495, ""},
		{"too short", h("2026-11-15", 2495, "2026-12-01", 1995), 1995, 0, "30 days"},
		{"not the current price", h("2026-08-01", 2495), 1995, 0, "latest price"},
		{"no history", nil, 1995, 0, "no history"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := WasReference(tc.hist, "A", tc.price)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("reference %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

// TestRecordPrices: a new price and a new SKU are recorded, an unchanged
// price is not; the file written reads back the same.
func TestRecordPrices(t *testing.T) {
	s, err := Load(fixture(t, "was-backed"))
	if err != nil {
		t.Fatal(err)
	}
	hist, added := RecordPrices(s, s.PriceHistory, day("2026-12-05"))
	for _, a := range added {
		if a.SKU == "ZET-V60-02" {
			t.Fatalf("unchanged V60 recorded again: %+v", a)
		}
	}
	if len(added) == 0 {
		t.Fatal("the fixture's other SKUs were not recorded")
	}
	back, err := ParsePriceHistory(FormatPriceHistory(hist))
	if err != nil || len(back) != len(hist) {
		t.Fatalf("read back %d of %d: %v", len(back), len(hist), err)
	}
	for i := range back {
		if back[i] != hist[i] {
			t.Fatalf("line %d: %+v, wrote %+v", i, back[i], hist[i])
		}
	}
	if _, again := RecordPrices(s, hist, day("2026-12-06")); len(again) != 0 {
		t.Fatalf("nothing changed, yet recorded %+v", again)
	}
}
