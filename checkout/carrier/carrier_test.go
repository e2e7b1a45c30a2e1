package carrier

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestNearestProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pts := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) PickupPoint {
			return PickupPoint{ID: rapid.StringMatching(`[0-9]{1,4}`).Draw(t, "id"), Name: rapid.StringMatching(`[A-Z][a-z]{0,5}`).Draw(t, "name"),
				DistanceM: rapid.IntRange(0, 20000).Draw(t, "d")}
		}), 0, 20).Draw(t, "points")
		n := rapid.IntRange(0, 25).Draw(t, "n")
		got := Nearest(pts, n)
		if len(got) != min(n, len(pts)) {
			t.Fatalf("kept %d of %d with n=%d", len(got), len(pts), n)
		}
		key := func(p PickupPoint) int {
			if p.DistanceM <= 0 {
				return 1 << 30
			}
			return p.DistanceM
		}
		for i := 1; i < len(got); i++ {
			if key(got[i]) < key(got[i-1]) {
				t.Fatalf("not nearest first: %+v", got)
			}
		}
		// the kept points are the nearest ones
		if len(got) > 0 && len(got) < len(pts) {
			worst := key(got[len(got)-1])
			dropped := 0
			for _, p := range pts {
				if key(p) < worst {
					dropped++
				}
			}
			if dropped > len(got) {
				t.Fatalf("a nearer point was dropped")
			}
		}
	})
}

func TestTrackingLink(t *testing.T) {
	if l, ok := TrackingLink("https://jouw.postnl.nl/track-and-trace/{code}-NL", "3SABC123"); !ok || l != "https://jouw.postnl.nl/track-and-trace/3SABC123-NL" {
		t.Fatalf("%q %v", l, ok)
	}
	if l, ok := TrackingLink("https://x.example/t?c={code}", "3S/../x"); !ok || strings.Contains(l, "/../") {
		t.Fatalf("code not escaped: %q", l)
	}
	for _, tc := range [][2]string{{"", "3SABC"}, {"https://x.example/", "3SABC"}, {"javascript:{code}", "3SABC"}, {"https://x.example/{code}", " "}} {
		if _, ok := TrackingLink(tc[0], tc[1]); ok {
			t.Errorf("TrackingLink(%q, %q) accepted", tc[0], tc[1])
		}
	}
	for s, want := range map[string]bool{"3SABC123": true, "JVGL0612345678": true, "abc": false, "https://x": false, "3S ABC": false, strings.Repeat("A", 41): false} {
		if ValidTrackingCode(s) != want {
			t.Errorf("ValidTrackingCode(%q) != %v", s, want)
		}
	}
}

func TestDeliveredAtProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		shipped := base.Add(time.Duration(rapid.IntRange(0, 1000).Draw(t, "s")) * time.Hour)
		now := shipped.Add(time.Duration(rapid.IntRange(0, 1000).Draw(t, "n")) * time.Hour)
		carrierAt := base.Add(time.Duration(rapid.IntRange(-100, 3000).Draw(t, "c")) * time.Hour)
		if rapid.Bool().Draw(t, "zero") {
			carrierAt = time.Time{}
		}
		got := DeliveredAt(shipped, carrierAt, now)
		if got.Before(shipped) || got.After(now) {
			t.Fatalf("delivered %v outside [%v, %v]", got, shipped, now)
		}
		if !carrierAt.IsZero() && !carrierAt.Before(shipped) && !carrierAt.After(now) && !got.Equal(carrierAt) {
			t.Fatalf("a sane carrier time %v was not kept (%v)", carrierAt, got)
		}
	})
}

func TestPostcodeAndPaper(t *testing.T) {
	for in, want := range map[string]string{"3512 ab": "3512AB", "1000": "1000", " 10115 ": "10115"} {
		if got, ok := NormalizePostcode(in); !ok || got != want {
			t.Errorf("NormalizePostcode(%q) = %q %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "12", "35<12", strings.Repeat("1", 11)} {
		if _, ok := NormalizePostcode(bad); ok {
			t.Errorf("NormalizePostcode(%q) accepted", bad)
		}
	}
	if p, ok := ParsePaper("a4"); !ok || p != A4 {
		t.Fatal("a4")
	}
	if p, ok := ParsePaper(""); !ok || p != A6 {
		t.Fatal("default")
	}
	if _, ok := ParsePaper("letter"); ok {
		t.Fatal("letter")
	}
}

func TestManualCarrierMakesNothing(t *testing.T) {
	var c Carrier = Manual{}
	ctx := context.Background()
	if _, err := c.CreateParcel(ctx, Shipment{Reference: "SF-1"}); !errors.Is(err, ErrNotSupported) || !strings.Contains(err.Error(), "SHOP_SENDCLOUD") {
		t.Fatalf("create: %v", err)
	}
	if _, err := c.Label(ctx, "1", A6); !errors.Is(err, ErrNotSupported) {
		t.Fatal(err)
	}
	if _, err := c.Status(ctx, "1", "3S"); !errors.Is(err, ErrNotSupported) {
		t.Fatal(err)
	}
	if _, err := c.PickupPoints(ctx, "NL", "3511AB", ""); !errors.Is(err, ErrNotSupported) {
		t.Fatal(err)
	}
}
