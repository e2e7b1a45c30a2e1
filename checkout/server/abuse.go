package server

import "time"

// abuseState holds the limits on what a stranger can make the sidecar do
// (issue 12): guessing the admin token, ...
type abuseState struct {
	login *tokenGuard // the owner's page login form
	api   *tokenGuard // the admin API's bearer token
}

func newAbuseState(now func() time.Time) abuseState {
	return abuseState{
		login: newTokenGuard(now, 15*time.Minute, 30, 1),
		api:   newTokenGuard(now, 15*time.Minute, 30, 1),
	}
}
