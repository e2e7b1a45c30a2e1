package web

import (
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// A limiter forgets a client seen once by the time its bucket is full
// again plus that time again (at most a minute more), so a crowd of
// addresses each seen once is not kept for long; a client still limited
// is kept.
func TestLimiterForgetsFullBucketsProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		perMinute := rapid.IntRange(1, 120).Draw(rt, "perMinute")
		burst := rapid.IntRange(1, 20).Draw(rt, "burst")
		now := time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)
		l := NewLimiter(perMinute, burst, func() time.Time { return now }, nil)
		l.Allow("warm-up") // the first call sweeps an empty map
		crowd := rapid.IntRange(1, 500).Draw(rt, "crowd")
		for i := range crowd {
			l.Allow(fmt.Sprintf("10.0.%d.%d", i>>8, i&255))
		}
		full := time.Duration(float64(burst) / (float64(perMinute) / 60) * float64(time.Second))
		gone := full + min(full, time.Minute) + time.Second
		now = now.Add(gone)
		for range burst + 1 { // this client runs out: it must be kept
			l.Allow("busy")
		}
		if n := len(l.buckets); n != 1 {
			rt.Fatalf("%d/min, burst %d (full after %s): %d clients kept %s after %d were seen once, want only the busy one", perMinute, burst, full, n, gone, crowd)
		}
		if ok, _ := l.Allow("busy"); ok {
			rt.Fatal("the busy client was forgotten")
		}
	})
}
