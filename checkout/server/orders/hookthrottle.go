package orders

import (
	"sync"
	"time"
)

// HookThrottle is a token bucket per payment id for webhook-driven provider
// checks: burst checks at once, then one per every. It also remembers which
// payments have a delayed check waiting, so a flood queues one.
type HookThrottle struct {
	burst float64
	every time.Duration

	mu      sync.Mutex
	buckets map[string]*hookBucket
}

type hookBucket struct {
	tokens float64
	at     time.Time
	queued bool
}

func NewHookThrottle(burst int, every time.Duration) *HookThrottle {
	return &HookThrottle{burst: float64(burst), every: every, buckets: map[string]*hookBucket{}}
}

// take spends a token for id; when none is left it reports how long until
// one is back. every <= 0 disables the throttle.
func (h *HookThrottle) take(id string, now time.Time) (bool, time.Duration) {
	if h.every <= 0 {
		return true, 0
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	b := h.buckets[id]
	if b == nil {
		h.prune(now)
		b = &hookBucket{tokens: h.burst, at: now}
		h.buckets[id] = b
	}
	b.tokens = min(h.burst, b.tokens+float64(now.Sub(b.at))/float64(h.every))
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(h.every))
}

// giveBack returns the token of a check that failed.
func (h *HookThrottle) giveBack(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if b := h.buckets[id]; b != nil {
		b.tokens = min(h.burst, b.tokens+1)
	}
}

// queue marks a delayed check for id; false when one is waiting already.
func (h *HookThrottle) queue(id string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	b := h.buckets[id]
	if b == nil || b.queued {
		return false
	}
	b.queued = true
	return true
}

func (h *HookThrottle) unqueue(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if b := h.buckets[id]; b != nil {
		b.queued = false
	}
}

// prune forgets full buckets once there are many (called with mu held).
func (h *HookThrottle) prune(now time.Time) {
	if len(h.buckets) < 10000 {
		return
	}
	full := time.Duration(h.burst * float64(h.every))
	for id, b := range h.buckets {
		if !b.queued && now.Sub(b.at) > full {
			delete(h.buckets, id)
		}
	}
}
