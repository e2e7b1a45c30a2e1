package server

import (
	"net/http"
	"strings"
	"testing"
)

// TestEveryRouteIsGuarded walks the router's own list of routes, so a route
// added later is checked too: every state-changing route refuses a
// cross-site request (except the ones that must take posts from elsewhere),
// and every owner's route refuses a caller without the token or a session.
func TestEveryRouteIsGuarded(t *testing.T) {
	sh := newShop(t)
	// Routes that take posts without an Origin by design.
	noOrigin := map[string]string{
		"POST /api/webhooks/mollie":                  "Mollie's servers post the webhook",
		"POST /api/webhooks/sendcloud":               "Sendcloud's servers post the webhook, signed",
		"POST /order/:token/review/opt-out":          "RFC 8058 one-click from a mail program",
		"POST /api/subscriptions/unsubscribe/:token": "RFC 8058 one-click from a mail program",
	}
	fill := func(path string) string {
		r := strings.NewReplacer(":token", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", ":id", "SF-2026-000001",
			":sku", "MOK-001", ":order", "SF-2026-000001", ":product", "mok", ":action", "approve", "*rest", "x")
		return r.Replace(path)
	}
	seen := 0
	for _, rt := range sh.sc.router.Routes() {
		key := rt.Method + " " + rt.Path
		changes := rt.Method != http.MethodGet && rt.Method != http.MethodHead
		admin := strings.HasPrefix(rt.Path, "/api/admin/") || (strings.HasPrefix(rt.Path, "/admin/") && rt.Path != "/admin/login")
		if rt.Method == "" || (!changes && !admin) {
			continue
		}
		seen++
		// The admin API's bearer token is no cookie: another site cannot send it.
		// The built-in provider's page (any method) checks its own forms' origin.
		if _, open := noOrigin[key]; changes && !open && !strings.HasPrefix(rt.Path, "/api/admin/") && rt.Path != "/pay/*rest" {
			req, _ := http.NewRequest(rt.Method, sh.url+fill(rt.Path), strings.NewReader("{}"))
			req.Header.Set("Origin", "https://evil.example")
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s from another site: %d, want 403", key, resp.StatusCode)
			}
		}
		if admin {
			req, _ := http.NewRequest(rt.Method, sh.url+fill(rt.Path), strings.NewReader(""))
			req.Header.Set("Origin", sh.url)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s without token or session: %d, want 401 or 403", key, resp.StatusCode)
			}
		}
	}
	if seen < 20 {
		t.Fatalf("only %d guarded routes seen; is the router's list empty?", seen)
	}
}
