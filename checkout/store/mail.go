package store

import (
	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/store/kv"
	"github.com/storefront/storefront/checkout/store/side"
)

// Mail kinds queued by order changes.
const (
	MailConfirmation = "order_confirmation" // on paid
	MailShipped      = "order_shipped"      // on ship, with tracking link
)

// Mail is one queued e-mail (kv.Mail; the queue's own operations are
// side.MailQueue, reached as Store.MailQueue).
type Mail = kv.Mail

// The queue's limits and answers, from side.
const MailMaxAttempts = side.MailMaxAttempts

var (
	// Backoff is side.Backoff: how long after a failed attempt the next one is.
	Backoff = side.Backoff
	// ErrMailNotRetryable is side.ErrMailNotRetryable.
	ErrMailNotRetryable = side.ErrMailNotRetryable
)

// MailFailureCount is side.MailFailureCount.
type MailFailureCount = side.MailFailureCount

// enqueue queues m in tx, with the store's clock (kv.Enqueue).
func (s *core) enqueue(tx *bolt.Tx, m Mail) (string, error) { return kv.Enqueue(tx, m, s.opts.Now) }
