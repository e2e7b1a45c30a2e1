package subscribe

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestAsksPerAddressPerDay: whatever topics a stranger asks for an address
// and however often, the address gets at most MaxAsksPerDay confirmation
// e-mails in any 24 hours (issue 12, item 2).
func TestAsksPerAddressPerDay(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		s := New("victim@example.nl", "nl", t0)
		now := t0
		var sent []time.Time
		for range rapid.IntRange(1, 60).Draw(rt, "requests") {
			now = now.Add(time.Duration(rapid.IntRange(0, 6*3600).Draw(rt, "gap_s")) * time.Second)
			kind := rapid.SampledFrom([]Kind{Category, Maker}).Draw(rt, "kind")
			key := rapid.SampledFrom([]string{"koffie", "servies", "boeken", "guji", "kiriti"}).Draw(rt, "key")
			if send, _ := s.Request(Topic{kind, key}, key, "/", "nl", now); send {
				sent = append(sent, now)
			}
		}
		for i := range sent {
			n := 0
			for _, at := range sent[i:] {
				if at.Sub(sent[i]) < 24*time.Hour {
					n++
				}
			}
			if n > MaxAsksPerDay {
				rt.Fatalf("%d confirmation e-mails within 24 hours from %s", n, sent[i])
			}
		}
	})
}
