package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/server"
	"github.com/storefront/storefront/site"
)

// TestCDNProxiesWhatTheSidecarOwns: the _redirects rules `shop build
// --sidecar` writes forward every path the sidecar answers for customers
// (the owner's /admin/ is reached on the sidecar's own address).
func TestCDNProxiesWhatTheSidecarOwns(t *testing.T) {
	for _, p := range server.OwnedPrefixes() {
		p = strings.TrimSuffix(p, "/")
		if p == "/admin" {
			continue
		}
		if !slices.Contains(site.SidecarPaths, p) {
			t.Errorf("the sidecar answers %s/ but the CDN's proxy rules (site.SidecarPaths) do not forward it", p)
		}
	}
}
