package server

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// abuseState holds the limits on what a stranger can make the sidecar do
// (issue 12): guessing the admin token, making the shop send e-mail.
type abuseState struct {
	login *tokenGuard // the owner's page login form
	api   *tokenGuard // the admin API's bearer token
	mail  *limiter    // e-mails a stranger can trigger, per network (nil: off)
}

// Mails a stranger can trigger (a subscription's confirmation, a points
// link): per network (IPv4 address or IPv6 /64), mailBurst at once and
// mailPerHour after that, over both forms together. Each address also has
// its own limit (subscribe.MaxAsksPerDay, pointsLinkEvery).
const (
	mailBurst   = 5
	mailPerHour = 10
)

func newAbuseState(s *Sidecar) abuseState {
	a := abuseState{
		login: newTokenGuard(s.now, 15*time.Minute, 30, 1),
		api:   newTokenGuard(s.now, 15*time.Minute, 30, 1),
	}
	if s.opts.RateLimit >= 0 {
		a.mail = &limiter{rate: float64(mailPerHour) / 3600, burst: mailBurst, now: s.now, key: s.netClientKey, buckets: map[string]*bucket{}}
	}
	return a
}

// netClientKey is the client's network (netKey of clientKey).
func (s *Sidecar) netClientKey(r *http.Request) string { return netKey(s.clientKey(r)) }

// mailLimit is the middleware of the forms that make the shop send e-mail.
func (s *Sidecar) mailLimit() gin.HandlerFunc { return s.abuse.mail.middleware(s.tooManyPage) }

func init() {
	addPhrases(map[string]map[string]string{
		"nl": {
			"poll.counting": "Eén stem per browser; van één internetaansluiting tellen hoogstens %d browsers mee. Je kunt je stem wijzigen.",
			"poll.limit":    "Je stem is niet geteld: van deze internetaansluiting hebben al %d browsers gestemd.",
		},
		"en": {
			"poll.counting": "One vote per browser; at most %d browsers count from one internet connection. You can change your vote.",
			"poll.limit":    "Your vote was not counted: %d browsers on this internet connection have voted already.",
		},
	})
}
