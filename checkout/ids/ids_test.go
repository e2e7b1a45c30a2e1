package ids

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// Ids made later sort after ids made earlier, whatever the random parts;
// each is made of base64url's characters, has the random bytes asked for and does not repeat.
func TestSortableProperty(t *testing.T) {
	seen := map[string]bool{}
	rapid.Check(t, func(t *rapid.T) {
		ms := rapid.Int64Range(0, 1<<44-1).Draw(t, "ms") // to the year 2527
		later := ms + rapid.Int64Range(1, 1<<30).Draw(t, "gap")
		if later >= 1<<44 {
			later = 1<<44 - 1
		}
		n := rapid.IntRange(16, 32).Draw(t, "randomBytes")
		a := Sortable(time.UnixMilli(ms), n)
		b := Sortable(time.UnixMilli(later), n)
		if later > ms && !(a < b) {
			t.Fatalf("id of %d ms %q does not sort before the id of %d ms %q", ms, a, later, b)
		}
		for _, id := range []string{a, b} {
			if strings.Trim(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
				t.Fatalf("%q has characters outside base64url's", id)
			}
			r, err := base64.RawURLEncoding.DecodeString(id[PrefixLen:])
			if err != nil || len(r) != n {
				t.Fatalf("%q: random part %d bytes (%v), want %d", id, len(r), err, n)
			}
			if seen[id] {
				t.Fatalf("%q made twice", id)
			}
			seen[id] = true
		}
	})
}

func TestSortableKeepsItsLengthForAllTimes(t *testing.T) {
	for _, at := range []time.Time{time.Unix(0, 0), time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC), time.Date(2500, 1, 1, 0, 0, 0, 0, time.UTC)} {
		if got := len(Sortable(at, 24)); got != PrefixLen+32 {
			t.Errorf("id made at %v is %d characters, want %d", at, got, PrefixLen+32)
		}
	}
}
