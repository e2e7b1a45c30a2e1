package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
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

type adminSession struct {
	Created time.Time `json:"created"`
	Seen    time.Time `json:"seen"`
}

// StartSession records a new owner's session and deletes the ones that
// have ended (older than maxAge or idle longer than idle).
func (s *Store) StartSession(id string, now time.Time, idle, maxAge time.Duration) error {
	err := s.write(func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketAdminSessions)
		if err != nil {
			return err
		}
		if _, err := deleteWhere(b, func(_, v []byte) (bool, error) {
			var a adminSession
			if err := json.Unmarshal(v, &a); err != nil {
				return true, nil // an unreadable session is no session
			}
			return !sessionLive(a, now, idle, maxAge), nil
		}); err != nil {
			return err
		}
		return putJSON(b, id, adminSession{Created: now, Seen: now})
	})
	if err != nil {
		return fmt.Errorf("start admin session: %w", err)
	}
	return nil
}

// TouchSession reports whether session id is live at now and, when it is,
// records the use (at most once a minute, to spare the disk).
func (s *Store) TouchSession(id string, now time.Time, idle, maxAge time.Duration) (bool, error) {
	var live bool
	var a adminSession
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAdminSessions)
		if b == nil {
			return ErrNotFound
		}
		return getJSON(b, id, &a)
	})
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read admin session: %w", err)
	}
	if live = sessionLive(a, now, idle, maxAge); !live || now.Sub(a.Seen) < time.Minute {
		return live, nil
	}
	err = s.write(func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketAdminSessions)
		if err != nil {
			return err
		}
		if b.Get([]byte(id)) == nil {
			live = false // ended meanwhile
			return nil
		}
		a.Seen = now
		return putJSON(b, id, a)
	})
	if err != nil {
		return false, fmt.Errorf("touch admin session: %w", err)
	}
	return live, nil
}

// EndSession deletes session id (logout). Ending an unknown session is no error.
func (s *Store) EndSession(id string) error {
	err := s.write(func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketAdminSessions)
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
