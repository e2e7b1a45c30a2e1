package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/store/kv"
)

// Reviews live in buckets of their own (package side keeps the reviews
// themselves and the opt-outs; the request, which queues its e-mail with the
// mail queue in one transaction, is here), created on first write (readers
// treat a missing bucket as empty):
//
//	review_requests  order number -> ReviewRequest: asked (or skipped) once per order
//	review_optout    e-mail (lower case) -> time: never ask this address again
//	reviews          order number "/" product slug -> review.Review
var (
	bucketReviewRequests = kv.ReviewRequests
	bucketReviewOptOut   = kv.ReviewOptOut
	bucketReviews        = kv.Reviews
)

// MailReviewRequest is the one polite e-mail asking for a review.
const MailReviewRequest = "review_request"

// ReviewRequest records that an order was considered for a review request.
type ReviewRequest struct {
	OrderID string    `json:"order_id"`
	At      time.Time `json:"at"`
	MailID  string    `json:"mail_id,omitempty"` // empty when skipped
	Skipped string    `json:"skipped,omitempty"` // why no e-mail went out
}

var emailKey = kv.EmailKey

// RequestReview queues the review request e-mail for order o unless the
// order was considered before or its customer opted out; the record and the
// e-mail are written in one transaction, so an order is never asked twice.
// It reports whether an e-mail was queued.
func (s *Store) RequestReview(o *order.Order) (queued bool, err error) {
	now := s.opts.Now()
	err = s.write(func(tx *bolt.Tx) error {
		queued = false
		reqs, err := bucket(tx, bucketReviewRequests)
		if err != nil {
			return err
		}
		if reqs.Get([]byte(o.ID)) != nil {
			return nil
		}
		optout, err := bucket(tx, bucketReviewOptOut)
		if err != nil {
			return err
		}
		rec := ReviewRequest{OrderID: o.ID, At: now}
		if optout.Get(emailKey(o.Customer.Email)) != nil {
			rec.Skipped = "opted out"
			return putJSON(reqs, o.ID, rec)
		}
		rec.MailID, err = s.enqueue(tx, Mail{ID: MailReviewRequest + ":" + o.ID, Kind: MailReviewRequest,
			OrderID: o.ID, To: o.Customer.Email, Lang: o.Lang})
		if err != nil {
			return err
		}
		queued = true
		return putJSON(reqs, o.ID, rec)
	})
	if err != nil {
		return false, fmt.Errorf("review request for order %s: %w", o.ID, err)
	}
	return queued, nil
}

// ReviewRequested reports the request record of an order, if any.
func (s *Store) ReviewRequested(orderID string) (ReviewRequest, bool) {
	var r ReviewRequest
	found := false
	_ = s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketReviewRequests); b != nil {
			found = getJSON(b, orderID, &r) == nil
		}
		return nil
	})
	return r, found
}
