package side

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/store/kv"
)

// The owner's page sessions live in a bucket of their own, created on the
// first login:
//
//	admin_sessions  session id -> {created, seen}
//
// A session is valid while its record exists, is younger than the absolute
// limit and was used within the idle limit; logging out deletes the record,
// so a copied cookie is dead from then on.
var bucketAdminSessions = []byte("admin_sessions")

// Sessions are the owner's page sessions.
type Sessions struct{ b kv.Base }

// NewSessions is the sessions of the file b.
func NewSessions(b kv.Base) *Sessions { return &Sessions{b: b} }

type adminSession struct {
	Created time.Time `json:"created"`
	Seen    time.Time `json:"seen"`
}

// Start records a new owner's session and deletes the ones that
// have ended (older than maxAge or idle longer than idle).
func (s *Sessions) Start(id string, now time.Time, idle, maxAge time.Duration) error {
	err := s.b.Write(func(tx *bolt.Tx) error {
		b, err := kv.Bucket(tx, bucketAdminSessions)
		if err != nil {
			return err
		}
		if _, err := kv.DeleteWhere(b, func(_, v []byte) (bool, error) {
			var a adminSession
			if err := json.Unmarshal(v, &a); err != nil {
				return true, nil // an unreadable session is no session
			}
			return !sessionLive(a, now, idle, maxAge), nil
		}); err != nil {
			return err
		}
		return kv.PutJSON(b, id, adminSession{Created: now, Seen: now})
	})
	if err != nil {
		return fmt.Errorf("start admin session: %w", err)
	}
	return nil
}

// Touch reports whether session id is live at now and, when it is,
// records the use (at most once a minute, to spare the disk).
func (s *Sessions) Touch(id string, now time.Time, idle, maxAge time.Duration) (bool, error) {
	var live bool
	var a adminSession
	err := s.b.DB.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAdminSessions)
		if b == nil {
			return kv.ErrNotFound
		}
		return kv.GetJSON(b, id, &a)
	})
	if errors.Is(err, kv.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read admin session: %w", err)
	}
	if live = sessionLive(a, now, idle, maxAge); !live || now.Sub(a.Seen) < time.Minute {
		return live, nil
	}
	err = s.b.Write(func(tx *bolt.Tx) error {
		b, err := kv.Bucket(tx, bucketAdminSessions)
		if err != nil {
			return err
		}
		if b.Get([]byte(id)) == nil {
			live = false // ended meanwhile
			return nil
		}
		a.Seen = now
		return kv.PutJSON(b, id, a)
	})
	if err != nil {
		return false, fmt.Errorf("touch admin session: %w", err)
	}
	return live, nil
}

// End deletes session id (logout). Ending an unknown session is no error.
func (s *Sessions) End(id string) error {
	err := s.b.Write(func(tx *bolt.Tx) error {
		b, err := kv.Bucket(tx, bucketAdminSessions)
		if err != nil {
			return err
		}
		return b.Delete([]byte(id))
	})
	if err != nil {
		return fmt.Errorf("end admin session: %w", err)
	}
	return nil
}

func sessionLive(a adminSession, now time.Time, idle, maxAge time.Duration) bool {
	return now.Sub(a.Created) < maxAge && now.Sub(a.Seen) < idle && a.Created.Sub(now) < time.Minute
}
