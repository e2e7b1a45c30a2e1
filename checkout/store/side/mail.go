package side

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/store/kv"
)

// MailQueue is the mail queue as its sender and the owner see it: what is
// due, marking it sent or failed, retrying, pruning, the failures. Queueing
// an order's, a review request's or a gift card's e-mail happens inside
// that change's own transaction in package store (kv.Enqueue).
type MailQueue struct{ b kv.Base }

// NewMailQueue is the mail queue of the file b.
func NewMailQueue(b kv.Base) *MailQueue { return &MailQueue{b: b} }

// Mail is kv.Mail.
type Mail = kv.Mail

var bucketMail = kv.MailQueue

// Mail queue limits.
const (
	MailMaxAttempts = 12               // then the message is dead (kept, not retried)
	mailFirstRetry  = 30 * time.Second // doubled per failed attempt
	mailMaxRetry    = 6 * time.Hour
)

// Enqueue queues m for sending now. An empty ID gets a fresh one; a message
// with an ID already queued (sent or not) is left alone, so enqueueing is
// idempotent. Returns the ID.
func (s *MailQueue) Enqueue(m Mail) (string, error) {
	var id string
	err := s.b.Write(func(tx *bolt.Tx) error {
		var err error
		id, err = kv.Enqueue(tx, m, s.b.Now)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("enqueue mail: %w", err)
	}
	return id, nil
}

// Due lists unsent, live messages whose time has come, oldest first, at most
// limit (0: all).
func (s *MailQueue) Due(now time.Time, limit int) ([]Mail, error) {
	var out []Mail
	err := s.b.DB.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMail).ForEach(func(k, v []byte) error {
			var m Mail
			if err := json.Unmarshal(v, &m); err != nil {
				s.b.BadRecord(bucketMail, k, err) // skipped: the rest of the queue goes on
				return nil
			}
			if m.SentAt.IsZero() && !m.Dead && !m.NextAt.After(now) {
				out = append(out, m)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("due mail: %w", err)
	}
	slices.SortStableFunc(out, func(a, b Mail) int { return a.NextAt.Compare(b.NextAt) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Get loads one queued message.
func (s *MailQueue) Get(id string) (Mail, error) {
	var m Mail
	err := s.b.DB.View(func(tx *bolt.Tx) error { return kv.GetJSON(tx.Bucket(bucketMail), id, &m) })
	if err != nil {
		return m, fmt.Errorf("get mail %s: %w", id, err)
	}
	return m, nil
}

// MarkSent records that message id went out.
func (s *MailQueue) MarkSent(id string, now time.Time) error {
	return s.update(id, func(m *Mail) {
		m.Attempts++
		m.SentAt = now
		m.LastError = ""
	})
}

// MarkFailed records a failed attempt and schedules the next one with
// exponential backoff (30 s, 1 min, 2 min, … at most 6 h); after
// MailMaxAttempts the message is dead. Returns the updated message.
func (s *MailQueue) MarkFailed(id string, sendErr error, now time.Time) (Mail, error) {
	var out Mail
	err := s.update(id, func(m *Mail) {
		m.Attempts++
		if sendErr != nil {
			m.LastError = sendErr.Error()
		}
		m.NextAt = now.Add(Backoff(m.Attempts))
		m.Dead = m.Attempts >= MailMaxAttempts
		out = *m
	})
	return out, err
}

// Backoff is the wait after the given number of failed attempts.
func Backoff(attempts int) time.Duration {
	d := mailFirstRetry
	for i := 1; i < attempts && d < mailMaxRetry; i++ {
		d *= 2
	}
	return min(d, mailMaxRetry)
}

func (s *MailQueue) update(id string, fn func(*Mail)) error {
	err := s.b.Write(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMail)
		var m Mail
		if err := kv.GetJSON(b, id, &m); err != nil {
			return err
		}
		fn(&m)
		return kv.PutJSON(b, id, m)
	})
	if err != nil {
		if errors.Is(err, kv.ErrNotFound) {
			return fmt.Errorf("mail %s: %w", id, err)
		}
		return fmt.Errorf("update mail %s: %w", id, err)
	}
	return nil
}

// Prune removes messages sent before before, and dead ones created
// before it; it reports how many.
func (s *MailQueue) Prune(before time.Time) (int, error) {
	n := 0
	err := s.b.DB.Update(func(tx *bolt.Tx) error {
		var err error
		n, err = kv.DeleteWhere(tx.Bucket(bucketMail), func(k, v []byte) (bool, error) {
			var m Mail
			if err := json.Unmarshal(v, &m); err != nil {
				s.b.BadRecord(bucketMail, k, err) // kept for inspection, not pruned
				return false, nil
			}
			return (!m.SentAt.IsZero() && m.SentAt.Before(before)) || (m.Dead && m.CreatedAt.Before(before)), nil
		})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune mail: %w", err)
	}
	return n, nil
}

// Failed mail, for the owner (docs/after-sale.md, "E-mail that cannot be
// sent"): a message whose send failed stays in the queue with its last
// error; after MailMaxAttempts it is dead. FailedMails lists both kinds
// for the admin page and `shop orders show`; MailFailures counts them for
// an alert or a metric; RetryMail puts one back in the queue.

// Failed lists unsent messages whose last attempt failed (still being
// retried, or dead), of one order (orderID != "") or all; dead ones first,
// then newest first.
func (s *MailQueue) Failed(orderID string) ([]Mail, error) {
	var out []Mail
	err := s.b.DB.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMail).ForEach(func(k, v []byte) error {
			var m Mail
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("decode mail %s: %w", k, err)
			}
			if m.Failed() && (orderID == "" || m.OrderID == orderID) {
				out = append(out, m)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("failed mail: %w", err)
	}
	slices.SortStableFunc(out, func(a, b Mail) int {
		if a.Dead != b.Dead {
			if a.Dead {
				return -1
			}
			return 1
		}
		return b.CreatedAt.Compare(a.CreatedAt)
	})
	return out, nil
}

// MailFailureCount is what the queue holds that did not go out.
type MailFailureCount struct {
	Dead     int       `json:"dead"`      // given up after MailMaxAttempts: the customer has not got it
	Retrying int       `json:"retrying"`  // failed at least once, will be tried again
	LastDead time.Time `json:"last_dead"` // when the newest dead message was created (zero: none)
}

// Failures counts the failed messages (for an alert or a metric).
func (s *MailQueue) Failures() (MailFailureCount, error) {
	var c MailFailureCount
	all, err := s.Failed("")
	if err != nil {
		return c, err
	}
	for _, m := range all {
		if m.Dead {
			c.Dead++
			if m.CreatedAt.After(c.LastDead) {
				c.LastDead = m.CreatedAt
			}
		} else {
			c.Retrying++
		}
	}
	return c, nil
}

// Retry makes a failed (or dead) unsent message due now, with a fresh
// set of attempts; its last error stays until it is sent. A sent message is
// left alone (ErrAlreadySent).
func (s *MailQueue) Retry(id string, now time.Time) (Mail, error) {
	var out Mail
	var sent bool
	err := s.update(id, func(m *Mail) {
		if !m.SentAt.IsZero() || m.To == "" {
			sent = true
			out = *m
			return
		}
		m.Dead, m.Attempts, m.NextAt = false, 0, now
		out = *m
	})
	if err == nil && sent {
		err = fmt.Errorf("mail %s: %w", id, ErrMailNotRetryable)
	}
	return out, err
}

// ErrMailNotRetryable: the message went out already, or its address was deleted.
var ErrMailNotRetryable = errors.New("already sent or without an address; nothing to retry")
