package server

import (
	"strings"
	"testing"
)

// TestEveryPageRouteIsOwned: every route a browser reaches is under one of
// ownedPrefixes, so `shop serve` hands it to the sidecar (and the CDN's
// proxy rules, checked against them in cmd/shop, forward it). The gift
// card's page was missing: every gift card e-mail linked to a 404.
func TestEveryPageRouteIsOwned(t *testing.T) {
	sh := newShop(t)
	exempt := []string{"/healthz", "/readyz", "/metrics", "/webhooks/", "/outbox"} // operators, providers, the demo's outbox
	n := 0
	for _, r := range sh.sc.router.Routes() {
		skip := false
		for _, e := range exempt {
			skip = skip || strings.HasPrefix(r.Path, e)
		}
		if skip || r.Path == "/" {
			continue
		}
		n++
		if !sh.sc.Owns(r.Path) {
			t.Errorf("%s %s is registered but not owned: `shop serve` and the CDN send it to the static site (a 404)", r.Method, r.Path)
		}
	}
	if n < 50 {
		t.Fatalf("only %d routes walked", n)
	}
}
