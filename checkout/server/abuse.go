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
