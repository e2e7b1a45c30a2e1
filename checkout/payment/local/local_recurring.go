package local

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/storefront/storefront/checkout/payment"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// The local provider's recurring flow, as Mollie's
// (https://docs.mollie.com/docs/recurring-payments): a customer, a first
// payment that creates a valid mandate when it is paid, then recurring
// payments against the mandate that are settled at once (paid, or failed
// while FailRecurring is on) and reported like any status change.

var (
	bucketCustomers = []byte("customers")
	bucketMandates  = []byte("mandates") // mandate id -> payment.Mandate
)

var _ payment.Recurring = (*Local)(nil)

// FailRecurring makes recurring charges fail (a declined card), for tests
// and demos of the failed-charge path.
func (l *Local) FailRecurring(on bool) { l.failRecurring.Store(on) }

func recurringBuckets(tx *bolt.Tx) error {
	root := tx.Bucket([]byte(LocalBucket))
	for _, b := range [][]byte{bucketCustomers, bucketMandates} {
		if _, err := root.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	return nil
}

// CreateCustomer stores a customer; the same idempotency key gives the
// same customer.
func (l *Local) CreateCustomer(ctx context.Context, name, email, idempotencyKey string) (*payment.Customer, error) {
	var out payment.Customer
	err := l.db.Update(func(tx *bolt.Tx) error {
		root := tx.Bucket([]byte(LocalBucket))
		keys := root.Bucket(bucketKeys)
		if idempotencyKey != "" {
			if id := keys.Get([]byte("cst:" + idempotencyKey)); id != nil {
				return json.Unmarshal(root.Bucket(bucketCustomers).Get(id), &out)
			}
		}
		id, _ := newID("cst_")
		out = payment.Customer{ID: id, Name: name, Email: email}
		v, err := json.Marshal(out)
		if err != nil {
			return err
		}
		if idempotencyKey != "" {
			if err := keys.Put([]byte("cst:"+idempotencyKey), []byte(id)); err != nil {
				return err
			}
		}
		return root.Bucket(bucketCustomers).Put([]byte(id), v)
	})
	if err != nil {
		return nil, fmt.Errorf("local create customer: %w", err)
	}
	return &out, nil
}

// ListMandates returns a customer's mandates.
func (l *Local) ListMandates(ctx context.Context, customerID string) ([]payment.Mandate, error) {
	var out []payment.Mandate
	err := l.db.View(func(tx *bolt.Tx) error {
		root := tx.Bucket([]byte(LocalBucket))
		if root.Bucket(bucketCustomers).Get([]byte(customerID)) == nil {
			return payment.ErrNotFound
		}
		return root.Bucket(bucketMandates).ForEach(func(_, v []byte) error {
			var m payment.Mandate
			if err := json.Unmarshal(v, &m); err != nil {
				return err
			}
			if m.CustomerID == customerID {
				out = append(out, m)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("local list mandates of %s: %w", customerID, err)
	}
	return out, nil
}

// RevokeMandate makes a mandate invalid.
func (l *Local) RevokeMandate(ctx context.Context, customerID, mandateID string) error {
	err := l.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(LocalBucket)).Bucket(bucketMandates)
		var m payment.Mandate
		v := b.Get([]byte(mandateID))
		if v == nil {
			return payment.ErrNotFound
		}
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		if m.CustomerID != customerID {
			return payment.ErrNotFound
		}
		m.Status = payment.MandateInvalid
		nv, _ := json.Marshal(m)
		return b.Put([]byte(mandateID), nv)
	})
	if err != nil {
		return fmt.Errorf("local revoke mandate %s: %w", mandateID, err)
	}
	return nil
}

// checkSequence validates a create request's recurring fields inside the
// transaction and returns the mandate a recurring payment charges.
func checkSequence(root *bolt.Bucket, req payment.CreateRequest) (*payment.Mandate, error) {
	switch req.SequenceType {
	case "", payment.SequenceOneOff:
		return nil, nil
	case payment.SequenceFirst, payment.SequenceRecurring:
	default:
		return nil, fmt.Errorf("sequence type %q: %w", req.SequenceType, payment.ErrInvalid)
	}
	if root.Bucket(bucketCustomers).Get([]byte(req.CustomerID)) == nil {
		return nil, fmt.Errorf("customer %q: %w", req.CustomerID, payment.ErrInvalid)
	}
	if req.SequenceType == payment.SequenceFirst {
		return nil, nil
	}
	var best *payment.Mandate
	err := root.Bucket(bucketMandates).ForEach(func(_, v []byte) error {
		var m payment.Mandate
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		if m.CustomerID == req.CustomerID && m.Status == payment.MandateValid && (req.MandateID == "" || req.MandateID == m.ID) &&
			(best == nil || m.CreatedAt.After(best.CreatedAt)) {
			best = &m
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if best == nil {
		return nil, fmt.Errorf("customer %s: %w", req.CustomerID, payment.ErrNoMandate)
	}
	return best, nil
}

// firstPaid creates the mandate of a first payment that became paid.
func (l *Local) firstPaid(root *bolt.Bucket, r *localRecord) error {
	p := &r.Payment
	if p.SequenceType != payment.SequenceFirst || p.Status != payment.StatusPaid || p.MandateID != "" {
		return nil
	}
	id, _ := newID("mdt_")
	m := payment.Mandate{ID: id, CustomerID: p.CustomerID, Status: payment.MandateValid, Method: "directdebit", CreatedAt: l.opts.Now().UTC()}
	v, err := json.Marshal(m)
	if err != nil {
		return err
	}
	p.MandateID = id
	return root.Bucket(bucketMandates).Put([]byte(id), v)
}

// settleRecurring charges a just-created recurring payment: paid, or
// failed while FailRecurring is on; the webhook (or OnStatusChange) tells.
func (l *Local) settleRecurring(ctx context.Context, p *payment.Payment) {
	if p.SequenceType != payment.SequenceRecurring || p.Status != payment.StatusPending {
		return
	}
	to := payment.StatusPaid
	if l.failRecurring.Load() {
		to = payment.StatusFailed
	}
	if _, err := l.SetStatus(ctx, p.ID, to); err != nil && !strings.Contains(err.Error(), payment.ErrFinal.Error()) {
		l.opts.Logger.Warn("local recurring charge", "payment", p.ID, "error", err)
	}
}
