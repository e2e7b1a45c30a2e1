package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/wire"
)

// withLocal runs the test with this machine's zone set to a zone no shop
// uses, so a time printed in it is told apart from one in the shop's zone.
func withLocal(t *testing.T) *time.Location {
	t.Helper()
	was := time.Local
	time.Local = time.FixedZone("ZZT", 5*3600+30*60)
	t.Cleanup(func() { time.Local = was })
	return time.Local
}

// TestShopTimeNamesTheZone: a time is said in the shop's zone when the
// sidecar names one this machine knows, else in this machine's zone, and
// always with the zone's abbreviation (or offset) after it.
func TestShopTimeNamesTheZone(t *testing.T) {
	local := withLocal(t)
	zones := []string{"Europe/Amsterdam", "Europe/Brussels", "America/New_York", "Asia/Tokyo", "UTC", "", "Mars/Olympus_Mons"}
	rapid.Check(t, func(t *rapid.T) {
		at := time.Unix(rapid.Int64Range(1_700_000_000, 2_000_000_000).Draw(t, "unix"), 0).UTC()
		zone := rapid.SampledFrom(zones).Draw(t, "zone")
		loc, err := time.LoadLocation(zone)
		if zone == "" || err != nil {
			loc = local
		}
		abbr, _ := at.In(loc).Zone()
		for _, seconds := range []bool{false, true} {
			got := shopTime(at, zone, seconds)
			layout := "2006-01-02 15:04 MST"
			if seconds {
				layout = "2006-01-02 15:04:05 MST"
			}
			if want := at.In(loc).Format(layout); got != want {
				t.Fatalf("%s in %q: %q, want %q", at, zone, got, want)
			}
			if abbr == "" || !strings.HasSuffix(got, " "+abbr) {
				t.Fatalf("%s in %q: %q does not name the zone (%q)", at, zone, got, abbr)
			}
		}
	})
	winter := time.Date(2026, 12, 7, 2, 10, 0, 0, time.UTC)
	if got := shopTime(winter, "Europe/Amsterdam", false); got != "2026-12-07 03:10 CET" {
		t.Errorf("winter in Amsterdam: %q", got)
	}
	if got := shopTime(winter.AddDate(0, -6, 0), "Europe/Amsterdam", false); got != "2026-06-07 04:10 CEST" {
		t.Errorf("summer in Amsterdam: %q", got)
	}
	if got := shopTime(winter, "", false); got != "2026-12-07 07:40 ZZT" {
		t.Errorf("no shop zone: %q", got)
	}
}

// TestOrdersListInShopZone: `shop orders list` and `show` print the times
// of a real sidecar (its catalog's zone is Europe/Amsterdam) in that zone,
// named, not in this machine's.
func TestOrdersListInShopZone(t *testing.T) {
	withLocal(t)
	base, id := startSidecar(t)
	t.Setenv("SHOP_ADMIN_URL", base)
	t.Setenv("SHOP_ADMIN_TOKEN", token)
	for _, args := range [][]string{{"list"}, {"show", id}} {
		var out bytes.Buffer
		if err := orders(args, &out); err != nil {
			t.Fatal(err)
		}
		s := out.String()
		if strings.Contains(s, "ZZT") || !strings.Contains(s, " CET") && !strings.Contains(s, " CEST") {
			t.Errorf("%v does not say its times in the shop's zone (Europe/Amsterdam):\n%s", args, s)
		}
	}
	var out bytes.Buffer
	printList(&out, []wire.OrderView{{ID: "B-1", State: "paid", CreatedAt: time.Date(2026, 12, 7, 2, 10, 0, 0, time.UTC), TimeZone: "Europe/Amsterdam"}})
	if !strings.Contains(out.String(), "2026-12-07 03:10 CET") {
		t.Errorf("list:\n%s", out.String())
	}
}
