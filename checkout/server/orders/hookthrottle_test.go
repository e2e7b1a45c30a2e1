package orders

import (
	"testing"
	"time"
)

func TestHookThrottleTake(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	h := NewHookThrottle(3, 2*time.Second)
	steps := []struct {
		at     time.Duration
		giveUp bool // give the token back (a failed check)
		want   bool
	}{
		{0, false, true}, {0, false, true}, {0, true, true}, // the third fails: its token comes back
		{0, false, true}, {0, false, false},
		{time.Second, false, false}, // half a token
		{2 * time.Second, false, true},
		{2 * time.Second, false, false},
		{time.Minute, false, true}, {time.Minute, false, true}, {time.Minute, false, true}, {time.Minute, false, false}, // refilled to the burst, not beyond
	}
	for i, st := range steps {
		ok, wait := h.take("tr_1", t0.Add(st.at))
		if ok != st.want {
			t.Fatalf("step %d at %v: take = %v, want %v", i, st.at, ok, st.want)
		}
		if !ok && wait <= 0 {
			t.Errorf("step %d: refused with no wait", i)
		}
		if st.giveUp {
			h.giveBack("tr_1")
		}
	}
	if ok, _ := h.take("tr_2", t0); !ok {
		t.Error("another payment has its own bucket")
	}
	if !h.queue("tr_1") || h.queue("tr_1") {
		t.Error("a second delayed check was queued")
	}
	h.unqueue("tr_1")
	if !h.queue("tr_1") {
		t.Error("unqueue did not clear")
	}
}
