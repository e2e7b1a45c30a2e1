package usecase

import "time"

// Sessions are the owner's page's logins, recorded so that logging out
// ends a session everywhere: one ends Idle after its last use and MaxAge
// after it began.
type Sessions struct {
	Deps
	Idle, MaxAge time.Duration
}

// Start records a new session.
func (u Sessions) Start(id string) error {
	return u.Store.Sessions.Start(id, u.Now(), u.Idle, u.MaxAge)
}

// Touch reports whether the session is live and marks it used.
func (u Sessions) Touch(id string) (bool, error) {
	return u.Store.Sessions.Touch(id, u.Now(), u.Idle, u.MaxAge)
}

// End ends a session (logging out).
func (u Sessions) End(id string) error { return u.Store.Sessions.End(id) }
