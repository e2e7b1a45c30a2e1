package web

import (
	"math"
	"net/netip"
	"sync"
	"time"
)

// NetKey is the network a client address stands for when counting what a
// stranger may do: the address itself for IPv4, its /64 for IPv6 (one
// household or server gets a whole /64, so counting single IPv6 addresses
// would let one machine act as billions of clients).
func NetKey(client string) string {
	ip, err := netip.ParseAddr(client)
	if err != nil {
		return client
	}
	ip = ip.Unmap()
	if ip.Is4() {
		return ip.String()
	}
	p, err := ip.Prefix(64)
	if err != nil {
		return client
	}
	return p.String()
}

// TokenGuard slows down guessing of the admin token. Each wrong token locks
// its client's network for 1 s, 2 s, 4 s, ... up to maxDelay; a locked
// client is refused without the token being compared, so 20 parallel
// guesses cost the guesser as much as 20 sequential ones. All wrong tokens
// together also drain a global budget (burst, then perMinute); while it is
// empty, every client is refused, except an exempt one (see callers). Both
// locks are bounded: a client's by maxDelay, the global one by
// (1+burst)/perMinute minutes after the last wrong token.
type TokenGuard struct {
	mu       sync.Mutex
	now      func() time.Time
	maxDelay time.Duration
	clients  map[string]*strikes

	rate, burst float64 // global budget of wrong tokens: per second, at most
	tokens      float64
	last        time.Time
}

type strikes struct {
	n     int
	until time.Time
	busy  bool // a try of this client is being compared (begin, end)
}

const maxGuardClients = 100000

func NewTokenGuard(now func() time.Time, maxDelay time.Duration, burst, perMinute int) *TokenGuard {
	return &TokenGuard{now: now, maxDelay: maxDelay, clients: map[string]*strikes{},
		rate: float64(perMinute) / 60, burst: float64(burst), tokens: float64(burst), last: now()}
}

// wait says how long client must wait before its next try is looked at
// (0: go ahead). exempt skips the global lock, never the client's own.
func (g *TokenGuard) Wait(client string, exempt bool) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.waitLocked(client, exempt)
}

// begin is wait for a try whose token is compared next: when it may go
// ahead, the client's other tries wait (busyWait) until end reports how
// it went, so parallel guesses are compared one at a time, not all before
// the first wrong one locks the client.
func (g *TokenGuard) Begin(client string, exempt bool) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	key := NetKey(client)
	if st := g.clients[key]; st != nil && st.busy {
		return busyWait
	}
	w := g.waitLocked(client, exempt)
	if w == 0 {
		st := g.clients[key]
		if st == nil {
			if len(g.clients) >= maxGuardClients {
				g.sweep(g.now())
			}
			st = &strikes{}
			g.clients[key] = st
		}
		st.busy = true
	}
	return w
}

// end closes a try begun with begin: a right token forgets the client's
// wrong tries, a wrong one is counted (failed).
func (g *TokenGuard) End(client string, right bool) {
	if right {
		g.Succeeded(client)
		return
	}
	g.Failed(client)
}

// busyWait is how long a try waits while another try of its client is
// being compared.
const busyWait = time.Second

func (g *TokenGuard) waitLocked(client string, exempt bool) time.Duration {
	now := g.now()
	var w time.Duration
	if st := g.clients[NetKey(client)]; st != nil && now.Before(st.until) {
		w = st.until.Sub(now)
	}
	if !exempt {
		g.refill(now)
		if g.tokens < 1 {
			w = max(w, time.Duration((1-g.tokens)/g.rate*float64(time.Second)))
		}
	}
	return w
}

// failed records a wrong token from client.
func (g *TokenGuard) Failed(client string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	key := NetKey(client)
	st := g.clients[key]
	if st == nil {
		if len(g.clients) >= maxGuardClients {
			g.sweep(now)
		}
		st = &strikes{}
		g.clients[key] = st
	}
	if now.Sub(st.until) > 24*time.Hour {
		st.n = 0 // a typo long ago does not count
	}
	st.busy = false
	st.n++
	d := time.Duration(math.Min(float64(g.maxDelay), float64(time.Second)*math.Pow(2, float64(min(st.n-1, 40)))))
	st.until = now.Add(d)
	g.refill(now)
	// The budget may go below zero, so a steady attack keeps the lock, but
	// not below -burst: the lock ends at most (1+burst)/rate after the last
	// wrong token.
	g.tokens = math.Max(-g.burst, g.tokens-1)
}

// succeeded forgets client's wrong tries.
func (g *TokenGuard) Succeeded(client string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.clients, NetKey(client))
}

func (g *TokenGuard) refill(now time.Time) {
	if now.After(g.last) {
		g.tokens = math.Min(g.burst, g.tokens+now.Sub(g.last).Seconds()*g.rate)
	}
	g.last = now
}

// sweep forgets clients whose lock ended a day ago, and when that is not
// enough, every client whose lock has ended.
func (g *TokenGuard) sweep(now time.Time) {
	for k, st := range g.clients {
		if now.Sub(st.until) > 24*time.Hour {
			delete(g.clients, k)
		}
	}
	if len(g.clients) >= maxGuardClients {
		for k, st := range g.clients {
			if now.After(st.until) {
				delete(g.clients, k)
			}
		}
	}
}
