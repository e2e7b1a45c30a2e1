package store

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/order"
)

// Stats is a summary of the database for the owner and health checks.
type Stats struct {
	Orders      map[order.State]int `json:"orders"` // by state
	Carts       int                 `json:"carts"`
	MailPending int                 `json:"mail_pending"` // not sent, still retried
	MailDead    int                 `json:"mail_dead"`    // given up after MailMaxAttempts
	OldestMail  time.Time           `json:"oldest_mail,omitzero"`
	Undecodable int                 `json:"undecodable,omitempty"` // records skipped: they do not decode
	// Delivered orders with a promise, and how many arrived on time.
	Delivered int   `json:"delivered"`
	OnTime    int   `json:"on_time"`
	SizeBytes int64 `json:"size_bytes"`
}

// Stats counts what is in the database, in one read transaction.
func (s *Store) Stats() (Stats, error) {
	st := Stats{Orders: map[order.State]int{}}
	if err := s.Carts.FlushCarts(); err != nil {
		return st, err
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		st.SizeBytes = tx.Size()
		st.Carts = tx.Bucket(bucketCarts).Stats().KeyN
		err := tx.Bucket(bucketOrders).ForEach(func(k, v []byte) error {
			o, ok := s.decodeOrder(k, v)
			if !ok {
				st.Undecodable++
				return nil
			}
			st.Orders[o.State]++
			if kept, known := o.PromiseKept(); known {
				st.Delivered++
				if kept {
					st.OnTime++
				}
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
				st.Undecodable++
				return nil
			}
			switch {
			case m.Dead:
				st.MailDead++
			case m.SentAt.IsZero():
				st.MailPending++
				if st.OldestMail.IsZero() || m.CreatedAt.Before(st.OldestMail) {
					st.OldestMail = m.CreatedAt
				}
			}
			return nil
		})
	})
	if err != nil {
		return Stats{}, fmt.Errorf("stats: %w", err)
	}
	return st, nil
}
