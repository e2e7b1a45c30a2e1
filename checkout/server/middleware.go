package server

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/storefront/storefront/checkout/server/web"
)

// maxBody is the largest request body the sidecar reads (cart, checkout, forms).
const maxBody = 16 << 10

// requestID gives every request an id, echoed in X-Request-Id and the log.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-Id")
		if !safeRequestID(id) {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Set(web.CtxRequestID, id)
		c.Header("X-Request-Id", id)
		c.Next()
	}
}

func safeRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// accessLog logs one line per request: the route pattern (never the order token
// or query, which can carry customer data), status, duration and request id.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "(unrouted)"
		}
		level := slog.LevelInfo
		if c.Writer.Status() >= 500 {
			level = slog.LevelError
		}
		log.LogAttrs(c.Request.Context(), level, "http",
			slog.String("method", c.Request.Method),
			slog.String("route", route),
			slog.Int("status", c.Writer.Status()),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", c.GetString(web.CtxRequestID)),
		)
	}
}

// securityHeaders sets headers every sidecar response carries. Pages hold order
// tokens in their URL, so the referrer never leaves the site.
func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "frame-ancestors 'none'; base-uri 'self'; object-src 'none'")
		h.Set("Cache-Control", "no-store")
		c.Next()
	}
}

// limitBody caps every request body at maxBody bytes.
func limitBody() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > maxBody {
			web.Fail(c, http.StatusRequestEntityTooLarge, "request body is too large (at most 16 KB)")
			return
		}
		if c.Request.Body != nil {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBody)
		}
		c.Next()
	}
}

// requireJSON refuses request bodies that are not JSON. Simple content types
// (forms, text/plain) would let another site post without a preflight.
func requireJSON() gin.HandlerFunc {
	return func(c *gin.Context) {
		switch c.Request.Method {
		case http.MethodPost, http.MethodPatch, http.MethodPut:
		default:
			c.Next()
			return
		}
		mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
		if err != nil || mt != "application/json" {
			web.Fail(c, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
			return
		}
		c.Next()
	}
}

// sameOrigin refuses state-changing requests that a browser sent from another
// site. Browsers send Origin on every POST, PATCH and DELETE; a request without
// Origin and without Sec-Fetch-Site: same-origin is refused too, so the check
// cannot be dodged by stripping the header.
func (s *Sidecar) sameOrigin() gin.HandlerFunc {
	return func(c *gin.Context) {
		switch c.Request.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			c.Next()
			return
		}
		if msg := s.checkOrigin(c.Request); msg != "" {
			web.Fail(c, http.StatusForbidden, msg)
			return
		}
		c.Next()
	}
}

func (s *Sidecar) checkOrigin(r *http.Request) string {
	site := r.Header.Get("Sec-Fetch-Site")
	if site != "" && site != "same-origin" && site != "none" {
		return "cross-site request refused (Sec-Fetch-Site: " + site + ")"
	}
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		if site == "same-origin" {
			return ""
		}
		return "request refused: the Origin header is missing (send the request from the shop's own pages)"
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return "request refused: the Origin header is not a URL"
	}
	if strings.EqualFold(u.Scheme, s.Base.Scheme) && strings.EqualFold(u.Host, s.Base.Host) {
		return ""
	}
	// The Host header is the client's to write, so it is never the yardstick.
	// Only a loopback base URL (shop serve: http://localhost:1313/) also
	// takes the other loopback names of the same port, so the dev server
	// works at http://127.0.0.1:1313/ too; a page elsewhere cannot have such
	// an origin.
	if web.Loopback(s.Base.Hostname()) && web.Loopback(u.Hostname()) && u.Port() == s.Base.Port() && strings.EqualFold(u.Scheme, s.Base.Scheme) {
		return ""
	}
	return "cross-origin request refused: " + origin + " is not this shop"
}
