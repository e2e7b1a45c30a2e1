package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// Limiter is a token bucket per client: rate tokens per second, at most burst.
type Limiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	now     func() time.Time
	key     func(*http.Request) string // who the client is (Sidecar.ClientKey)
	buckets map[string]*bucket
	sweep   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// NewLimiterPer is a limiter of rate tokens a second, burst at most.
func NewLimiterPer(rate float64, burst int, now func() time.Time, key func(*http.Request) string) *Limiter {
	return &Limiter{rate: rate, burst: float64(burst), now: now, key: key, buckets: map[string]*bucket{}}
}

// NewLimiter is a limiter of perMinute requests a minute per client, burst at most.
func NewLimiter(perMinute, burst int, now func() time.Time, key func(*http.Request) string) *Limiter {
	return &Limiter{rate: float64(perMinute) / 60, burst: float64(burst), now: now, key: key, buckets: map[string]*bucket{}}
}

// allow takes a token for key; when none is left it says how long to wait.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	// Forget clients whose bucket is full again, looking as often as a
	// bucket takes to fill (at least once a minute): a client seen once is
	// gone by that time twice (20 s twice for checkouts, not 20 s plus a
	// minute), so a crowd of addresses seen once each stays in memory as
	// briefly as the limit allows.
	full := time.Duration(l.burst / l.rate * float64(time.Second))
	if now.Sub(l.sweep) > min(full, time.Minute) {
		for k, b := range l.buckets {
			if now.Sub(b.last) > full {
				delete(l.buckets, k)
			}
		}
		l.sweep = now
	}
	b, found := l.buckets[key]
	if !found {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// middleware answers 429 with Retry-After when a client checks out too often:
// JSON on the API, a page for the forms (via onPage).
func (l *Limiter) Middleware(onPage func(c *gin.Context, secs int)) gin.HandlerFunc {
	return func(c *gin.Context) {
		if l == nil {
			c.Next()
			return
		}
		okay, wait := l.Allow(l.key(c.Request))
		if !okay {
			secs := int(math.Ceil(wait.Seconds()))
			if secs < 1 {
				secs = 1
			}
			c.Header("Retry-After", strconv.Itoa(secs))
			if onPage != nil && !strings.HasPrefix(c.Request.URL.Path, "/api/") {
				onPage(c, secs)
				c.Abort()
				return
			}
			Fail(c, http.StatusTooManyRequests, "too many checkout attempts from your address; try again in "+strconv.Itoa(secs)+" seconds")
			return
		}
		c.Next()
	}
}

// Blocked reports whether key has no attempt left, and for how long.
func (l *Limiter) Blocked(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		return false, 0
	}
	tokens := math.Min(l.burst, b.tokens+l.now().Sub(b.last).Seconds()*l.rate)
	if tokens >= 1 {
		return false, 0
	}
	return true, time.Duration((1 - tokens) / l.rate * float64(time.Second))
}
