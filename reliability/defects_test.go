package reliability

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

// skipDefect skips a test that documents a known defect in another
// package, until it is fixed; RELIABILITY_DEFECTS=1 runs it anyway (to see
// whether the fix landed). Each defect is described in docs/reliability.md.
func skipDefect(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("RELIABILITY_DEFECTS") == "" {
		t.Skip("defect: " + what + "; run with RELIABILITY_DEFECTS=1 to check a fix")
	}
}

// TestRateLimitNotSpoofable: the per-client checkout limit must not be
// dodged by a client that sends a new X-Forwarded-For with every request.
// The sidecar listens on a public address (the CDN proxies to it), so any
// client can reach it directly and set that header.
func TestRateLimitNotSpoofable(t *testing.T) {
	skipDefect(t, "server.clientKey trusts X-Forwarded-For and X-Nf-Client-Connection-Ip from any client (docs/reliability.md, defect D2)")
	s := startShop(t, shopConfig{rateLimit: 30})
	limited := 0
	for i := 0; i < 40; i++ {
		c := s.customer()
		a := c.do(http.MethodPost, "/api/checkout", form("Spoof"), "Idempotency-Key", fmt.Sprint("spoof-", i),
			"X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		if a.status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Errorf("40 checkouts in a row from one connection's address, each with a made-up X-Forwarded-For: none was rate limited (limit 30/min, burst 10)")
	}
}

// TestRateLimitHolds is the control of the test above: without spoofing,
// one client is limited after its burst.
func TestRateLimitHolds(t *testing.T) {
	s := startShop(t, shopConfig{rateLimit: 30})
	c := s.customer()
	limited := 0
	for i := 0; i < 20; i++ {
		a := c.do(http.MethodPost, "/api/checkout", form("Same"), "Idempotency-Key", fmt.Sprint("same-", i))
		if a.status == http.StatusTooManyRequests {
			limited++
			if a.header.Get("Retry-After") == "" || a.errorText() == "" {
				t.Errorf("429 without Retry-After or message: %s", a)
			}
		}
	}
	if limited < 5 {
		t.Errorf("20 checkouts from one client in a burst: %d limited, want at least 5 (burst 10)", limited)
	}
}

// TestReturnPageDoesNotHang: a customer coming back from paying must see
// the order page (saying the payment is being confirmed) promptly, even
// when the provider does not answer. The page asks the provider about an
// open payment; that question must not hold the page for long.
func TestReturnPageDoesNotHang(t *testing.T) {
	skipDefect(t, "server.checkFromPage waits up to 20 s for the provider before the order page answers (docs/reliability.md, defect D3)")
	fake := molliefake.New()
	defer fake.Close()
	s := startShop(t, shopConfig{fake: fake})
	ca, _ := placeOrder(t, s, "MOK-001")
	fake.Fail(molliefake.GetPayment, molliefake.Fault{Delay: 30 * time.Second, Times: 10})
	c := s.customer()
	token := ca.OrderURL[strings.LastIndex(ca.OrderURL, "/")+1:]
	for _, p := range []string{"/order/" + token, "/api/orders/" + token} {
		start := time.Now()
		a := c.do(http.MethodGet, p, nil)
		took := time.Since(start)
		if a.status != http.StatusOK {
			t.Errorf("%s while the provider hangs: %s", p[:7], a)
		}
		// 5 s: generous for a loaded machine, far below the 20 s it takes now.
		if took > 5*time.Second {
			t.Errorf("%s answered after %v while the provider hangs; the customer stares at a blank page", p[:7], took.Round(time.Second))
		}
	}
}
