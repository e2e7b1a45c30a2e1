package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

const CtxRequestID = "request_id"

const CtxActor = "actor"

// clientKey identifies a client for rate limiting: the address the
// connection comes from. Only when that is one of the configured proxies
// (Options.TrustedProxies, SHOP_TRUSTED_PROXIES) are forwarding headers
// believed: the right-most X-Forwarded-For entry that is not a trusted proxy
// itself (entries further left are whatever the client wrote), else
// Netlify's X-Nf-Client-Connection-Ip. Anyone can reach the sidecar directly
// and send those headers, so believing them from anyone would let one client
// look like many and never be limited.
func (w *Web) ClientKey(r *http.Request) string {
	return ClientKeyFrom(r, w.Config.TrustedProxies)
}

func ClientKeyFrom(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	remote, err := netip.ParseAddr(host)
	if err != nil || !trustedProxy(remote, trusted) {
		return host
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		ip, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return host // garbage where an address should be: the client is unknown
		}
		if !trustedProxy(ip, trusted) {
			return ip.Unmap().String()
		}
	}
	if ip, err := netip.ParseAddr(strings.TrimSpace(r.Header.Get("X-Nf-Client-Connection-Ip"))); err == nil {
		return ip.Unmap().String()
	}
	return host
}

func trustedProxy(ip netip.Addr, trusted []netip.Prefix) bool {
	ip = ip.Unmap()
	for _, p := range trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
