package reliability

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// The sidecar's log must never hold a customer's e-mail address
// (docs/checkout.md, "Logs"). Every sidecar of the harness also logs into
// logScan; TestMain fails the run on any address but the shop's own.
var logScan = &addressScan{}

var (
	scanEmail     = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+`)
	scanShopEmail = regexp.MustCompile(`^(winkel|shop|owner|noreply|no-reply)@`)
)

type addressScan struct {
	mu   sync.Mutex
	hits []string
}

// Write reads one log record (slog writes a record per call).
func (a *addressScan) Write(p []byte) (int, error) {
	for _, addr := range scanEmail.FindAllString(string(p), -1) {
		if scanShopEmail.MatchString(strings.ToLower(addr)) {
			continue
		}
		a.mu.Lock()
		if len(a.hits) < 20 {
			a.hits = append(a.hits, fmt.Sprintf("%s in %s", addr, strings.TrimSpace(string(p))))
		}
		a.mu.Unlock()
	}
	return len(p), nil
}

func (a *addressScan) found() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.hits...)
}
