package web

import (
	"strconv"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestTokenGuardBounded: whatever wrong tokens strangers send from however
// many networks, no client waits longer than the guard's bounds: its own
// lock at most maxDelay, the global one at most (1+burst)/rate after the
// last wrong token; and once those have passed, the right token goes
// through (nobody locks the owner out for good). Item 4.
func TestTokenGuardBounded(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		now := time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		const maxDelay, burst, perMinute = 15 * time.Minute, 30, 1
		g := NewTokenGuard(clock, maxDelay, burst, perMinute)
		globalMax := time.Duration(float64(1+burst)/float64(perMinute)*60) * time.Second
		for range rapid.IntRange(1, 300).Draw(rt, "tries") {
			now = now.Add(time.Duration(rapid.IntRange(0, 120_000).Draw(rt, "gap_ms")) * time.Millisecond)
			client := "192.0.2." + strconv.Itoa(rapid.IntRange(1, 50).Draw(rt, "client"))
			if rapid.Bool().Draw(rt, "v6") {
				client = "2001:db8:1:" + strconv.Itoa(rapid.IntRange(1, 3).Draw(rt, "net")) + "::" + strconv.Itoa(rapid.IntRange(1, 999).Draw(rt, "host"))
			}
			if w := g.Wait(client, true); w > maxDelay {
				rt.Fatalf("client %s waits %s, more than %s", client, w, maxDelay)
			}
			if w := g.Wait(client, false); w > max(maxDelay, globalMax) {
				rt.Fatalf("client %s waits %s with the global lock, more than %s", client, w, max(maxDelay, globalMax))
			}
			// An exempt client (the owner's browser, the CLI on the server)
			// may mistype too, while the global lock holds.
			if g.Wait(client, rapid.Bool().Draw(rt, "exempt")) == 0 {
				g.Failed(client)
			}
		}
		now = now.Add(max(maxDelay, globalMax) + time.Second)
		if w := g.Wait("198.51.100.1", false); w != 0 {
			rt.Fatalf("after every bound has passed a new client still waits %s", w)
		}
		if w := g.Wait("192.0.2.1", false); w != 0 {
			rt.Fatalf("after every bound has passed a guessing client still waits %s", w)
		}
	})
}
