package server

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/storefront/storefront/checkout/server/web"
)

// abuseState holds the limits on what a stranger can make the sidecar do
// (issue 12): guessing the admin token, making the shop send e-mail.
type abuseState struct {
	login *web.TokenGuard // the owner's page login form
	api   *web.TokenGuard // the admin API's bearer token
	mail  *web.Limiter    // e-mails a stranger can trigger, per network (nil: off)
}

// Mails a stranger can trigger (a subscription's confirmation, a points
// link): per network (IPv4 address or IPv6 /64), mailBurst at once and
// mailPerHour after that, over both forms together. Each address also has
// its own limit (subscribe.MaxAsksPerDay, retention.PointsLinkEvery).
const (
	mailBurst   = 5
	mailPerHour = 10
)

func newAbuseState(s *Sidecar) abuseState {
	a := abuseState{
		login: web.NewTokenGuard(s.Now, 15*time.Minute, 30, 1),
		api:   web.NewTokenGuard(s.Now, 15*time.Minute, 30, 1),
	}
	if s.opts.RateLimit >= 0 {
		a.mail = web.NewLimiterPer(float64(mailPerHour)/3600, mailBurst, s.Now, s.netClientKey)
	}
	return a
}

// netClientKey is the client's network (netKey of clientKey).
func (s *Sidecar) netClientKey(r *http.Request) string { return web.NetKey(s.ClientKey(r)) }

// mailLimit is the middleware of the forms that make the shop send e-mail.
func (s *Sidecar) mailLimit() gin.HandlerFunc { return s.abuse.mail.Middleware(s.TooManyPage) }
