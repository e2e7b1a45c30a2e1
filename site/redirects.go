package site

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// SidecarPaths are the paths the CDN proxies to the checkout sidecar
// (docs/architecture.md, URL layout). /outbox/ is demo-only and not proxied.
var SidecarPaths = []string{"/api", "/cart", "/checkout", "/order", "/pay", "/points", "/search", "/standing", "/giftcard"}

// Redirects renders Netlify's _redirects rules that proxy (status 200, so the
// browser stays on the shop's own origin) the sidecar's paths to sidecarURL.
func Redirects(sidecarURL string) (string, error) {
	u, err := url.Parse(sidecarURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("sidecar address %q is not a URL like https://checkout.example.nl (SHOP_SIDECAR_URL)", sidecarURL)
	}
	base := strings.TrimSuffix(u.String(), "/")
	var b strings.Builder
	b.WriteString("# Written by shop build: the checkout sidecar, same-origin for the browser.\n")
	for _, p := range SidecarPaths {
		fmt.Fprintf(&b, "%-12s %s%s  200!\n", p, base, p)
		fmt.Fprintf(&b, "%-12s %s%s/:splat  200!\n", p+"/*", base, p)
	}
	return b.String(), nil
}

// WriteRedirects writes dest/_redirects for sidecarURL.
func WriteRedirects(dest, sidecarURL string) error {
	s, err := Redirects(sidecarURL)
	if err != nil {
		return err
	}
	p := filepath.Join(dest, "_redirects")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}
