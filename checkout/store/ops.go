package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/order"
)

// bucketOps holds what the owner's operations need to remember across
// restarts: alert:KIND -> Alert, and "backup" -> BackupRecord.
var bucketOps = []byte("ops")

// MailAlert is the kind of an alert e-mail to the owner (Body: the Alert as JSON).
const MailAlert = "owner_alert"

// Alert is one kind of trouble the owner is told about.
type Alert struct {
	Kind   string    `json:"kind"`
	Detail string    `json:"detail"` // the latest occurrence, in words
	First  time.Time `json:"first"`
	Last   time.Time `json:"last"`
	Count  int       `json:"count"`
	Mailed time.Time `json:"mailed,omitzero"` // last alert e-mail queued
}

// RaiseAlert records an occurrence of alert kind and, when mailTo is set
// and no alert e-mail of this kind was queued within every, queues one
// (kind MailAlert, through the mail queue) in the same transaction. It
// reports whether it queued one.
func (s *Store) RaiseAlert(kind, detail, mailTo string, every time.Duration) (Alert, bool, error) {
	var a Alert
	mailed := false
	err := s.write(func(tx *bolt.Tx) error {
		mailed = false
		b := tx.Bucket(bucketOps)
		now := s.opts.Now()
		a = Alert{}
		if err := getJSON(b, "alert:"+kind, &a); err != nil && err != ErrNotFound {
			a = Alert{} // a damaged record starts over
		}
		if a.First.IsZero() {
			a.First = now
		}
		a.Kind, a.Detail, a.Last = kind, detail, now
		a.Count++
		if mailTo != "" && (a.Mailed.IsZero() || now.Sub(a.Mailed) >= every) {
			body, err := json.Marshal(a)
			if err != nil {
				return err
			}
			if _, err := s.enqueue(tx, Mail{ID: fmt.Sprintf("alert:%s:%d", kind, now.UnixNano()), Kind: MailAlert, To: mailTo, Body: body}); err != nil {
				return err
			}
			a.Mailed = now
			mailed = true
		}
		return putJSON(b, "alert:"+kind, a)
	})
	if err != nil {
		return Alert{}, false, fmt.Errorf("raise alert %s: %w", kind, err)
	}
	return a, mailed, nil
}

// Alerts lists the alerts raised (ever, newest first).
func (s *Store) Alerts() ([]Alert, error) {
	var out []Alert
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOps).Cursor()
		prefix := []byte("alert:")
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var a Alert
			if err := json.Unmarshal(v, &a); err != nil {
				s.badRecord(bucketOps, k, err)
				continue
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	slices.SortFunc(out, func(a, b Alert) int { return b.Last.Compare(a.Last) })
	return out, nil
}

// BackupRecord is the last backup that was written and verified.
type BackupRecord struct {
	At    time.Time `json:"at"`
	Bytes int64     `json:"bytes"`
}

// RecordBackup notes a verified backup (`shop backup` reports it).
func (s *Store) RecordBackup(bytes int64) error {
	return s.write(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketOps), "backup", BackupRecord{At: s.opts.Now(), Bytes: bytes})
	})
}

// LastBackup is the last verified backup (zero when none was recorded).
func (s *Store) LastBackup() (BackupRecord, error) {
	var r BackupRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		if err := getJSON(tx.Bucket(bucketOps), "backup", &r); err != nil && err != ErrNotFound {
			return err
		}
		return nil
	})
	return r, err
}

// Gauges are the figures a metrics scrape or a readiness probe asks for:
// cheap (the state index is counted, not decoded; only the mail queue and
// the orders awaiting payment are read).
type Gauges struct {
	OrdersByState    map[order.State]int
	AwaitingPayments int       // awaiting payment, with a payment at the provider
	OldestAwaiting   time.Time // created at, of the oldest of those
	MailQueued       int
	MailDead         int
	OldestDueMail    time.Time // NextAt of the oldest unsent, live message whose time has come
}

// Gauges reads the figures in one read transaction.
func (s *Store) Gauges(now time.Time) (Gauges, error) {
	g := Gauges{OrdersByState: map[order.State]int{}}
	err := s.db.View(func(tx *bolt.Tx) error {
		orders := tx.Bucket(bucketOrders)
		awaiting := stateKey(order.AwaitingPayment, "")
		err := tx.Bucket(bucketStates).ForEach(func(k, _ []byte) error {
			i := bytes.IndexByte(k, 0)
			if i < 0 {
				return nil
			}
			g.OrdersByState[order.State(k[:i])]++
			if !bytes.HasPrefix(k, awaiting) {
				return nil
			}
			var o struct {
				PaymentID string    `json:"payment_id"`
				CreatedAt time.Time `json:"created_at"`
			}
			v := orders.Get(k[i+1:])
			if v == nil || decodeRecord(v, &o) != nil || o.PaymentID == "" {
				return nil
			}
			g.AwaitingPayments++
			if g.OldestAwaiting.IsZero() || o.CreatedAt.Before(g.OldestAwaiting) {
				g.OldestAwaiting = o.CreatedAt
			}
			return nil
		})
		if err != nil {
			return err
		}
		return tx.Bucket(bucketMail).ForEach(func(k, v []byte) error {
			var m Mail
			if err := json.Unmarshal(v, &m); err != nil {
				s.badRecord(bucketMail, k, err)
				return nil
			}
			switch {
			case m.Dead:
				g.MailDead++
			case m.SentAt.IsZero():
				g.MailQueued++
				if !m.NextAt.After(now) && (g.OldestDueMail.IsZero() || m.NextAt.Before(g.OldestDueMail)) {
					g.OldestDueMail = m.NextAt
				}
			}
			return nil
		})
	})
	if err != nil {
		return Gauges{}, fmt.Errorf("gauges: %w", err)
	}
	return g, nil
}

// Ping reads the database: it is open and answers.
func (s *Store) Ping() error {
	return s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketOrders) == nil {
			return fmt.Errorf("database %s: no orders bucket", s.path)
		}
		return nil
	})
}
