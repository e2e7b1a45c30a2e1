package kv

import (
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// MailQueue is the mail queue's bucket: mail id -> Mail. Package store
// queues e-mails in it inside its own transactions (Enqueue);
// side.MailQueue sends, retries and prunes them.
var MailQueue = []byte("mail_queue")

// Mail is one queued e-mail. The queue holds what to send, not how it
// looks: the sender renders Kind for OrderID at send time (or sends Body
// when a caller queued a rendered message).
type Mail struct {
	ID        string    `json:"id"` // kind:order for order mails: queued once per order
	Kind      string    `json:"kind"`
	OrderID   string    `json:"order_id,omitempty"`
	CardID    string    `json:"card_id,omitempty"` // a gift card's mail (giftcards.go)
	To        string    `json:"to"`
	Lang      string    `json:"lang,omitempty"`
	Body      []byte    `json:"body,omitempty"` // optional pre-rendered message
	CreatedAt time.Time `json:"created_at"`
	NextAt    time.Time `json:"next_at"`
	Attempts  int       `json:"attempts"`
	SentAt    time.Time `json:"sent_at,omitzero"`
	LastError string    `json:"last_error,omitempty"`
	Dead      bool      `json:"dead,omitempty"`
}

// Failed reports whether m is unsent and its last attempt failed. A message
// emptied at the customer's request (no address) is not a failure.
func (m Mail) Failed() bool {
	return m.SentAt.IsZero() && m.Attempts > 0 && m.LastError != "" && m.To != ""
}

// Enqueue queues m in tx, the transaction of the change it belongs to, to be
// sent now (now is the store's clock, read only when m is new). An empty ID
// gets a fresh one; a message with an ID already queued (sent or not) is
// left alone, so queueing is idempotent. Returns the ID.
func Enqueue(tx *bolt.Tx, m Mail, now func() time.Time) (string, error) {
	b := tx.Bucket(MailQueue)
	if m.ID == "" {
		n, err := b.NextSequence()
		if err != nil {
			return "", err
		}
		m.ID = "mail:" + strconv.FormatUint(n, 10)
	}
	if b.Get([]byte(m.ID)) != nil {
		return m.ID, nil
	}
	t := now()
	if m.CreatedAt.IsZero() {
		m.CreatedAt = t
	}
	if m.NextAt.IsZero() {
		m.NextAt = t
	}
	return m.ID, PutJSON(b, m.ID, m)
}
