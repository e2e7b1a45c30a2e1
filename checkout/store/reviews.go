package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/review"
)

// Reviews live in buckets of their own, created on first write (readers
// treat a missing bucket as empty):
//
//	review_requests  order number -> ReviewRequest: asked (or skipped) once per order
//	review_optout    e-mail (lower case) -> time: never ask this address again
//	reviews          order number "/" product slug -> review.Review
var (
	bucketReviewRequests = []byte("review_requests")
	bucketReviewOptOut   = []byte("review_optout")
	bucketReviews        = []byte("reviews")
)

// MailReviewRequest is the one polite e-mail asking for a review.
const MailReviewRequest = "review_request"

// ErrReviewLocked is returned when a customer edits a review the owner has
// moderated already.
var ErrReviewLocked = errors.New("review has been moderated already")

// ReviewRequest records that an order was considered for a review request.
type ReviewRequest struct {
	OrderID string    `json:"order_id"`
	At      time.Time `json:"at"`
	MailID  string    `json:"mail_id,omitempty"` // empty when skipped
	Skipped string    `json:"skipped,omitempty"` // why no e-mail went out
}

func bucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	if tx.Writable() {
		return tx.CreateBucketIfNotExists(name)
	}
	return tx.Bucket(name), nil
}

func emailKey(email string) []byte { return []byte(strings.ToLower(strings.TrimSpace(email))) }

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

// ReviewOptOut records that email never wants a review request again.
func (s *Store) ReviewOptOut(email string) error {
	now := s.opts.Now()
	err := s.write(func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketReviewOptOut)
		if err != nil {
			return err
		}
		if b.Get(emailKey(email)) != nil {
			return nil
		}
		return putJSON(b, string(emailKey(email)), now)
	})
	if err != nil {
		return fmt.Errorf("review opt-out: %w", err)
	}
	return nil
}

// ReviewOptedOut reports whether email opted out of review requests.
func (s *Store) ReviewOptedOut(email string) bool {
	out := false
	_ = s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketReviewOptOut); b != nil {
			out = b.Get(emailKey(email)) != nil
		}
		return nil
	})
	return out
}

// SaveReview stores a customer's review of one product of one order. A
// review awaiting moderation is replaced (the customer changed their mind);
// a moderated one is not (ErrReviewLocked). created reports a new review.
func (s *Store) SaveReview(r review.Review) (out review.Review, created bool, err error) {
	now := s.opts.Now()
	err = s.write(func(tx *bolt.Tx) error {
		out, created = review.Review{}, false
		b, err := bucket(tx, bucketReviews)
		if err != nil {
			return err
		}
		c := r
		c.ID = review.ID(r.OrderID, r.Product)
		var prev review.Review
		switch err := getJSON(b, c.ID, &prev); {
		case err == nil:
			if prev.State != review.Pending {
				return ErrReviewLocked
			}
			c.CreatedAt = prev.CreatedAt
		case errors.Is(err, ErrNotFound):
			created = true
			c.CreatedAt = now
		default:
			return err
		}
		c.State, c.UpdatedAt = review.Pending, now
		out = c
		return putJSON(b, c.ID, c)
	})
	if err != nil {
		return review.Review{}, false, fmt.Errorf("save review: %w", err)
	}
	return out, created, nil
}

// GetReview loads one review by id (order number "/" product).
func (s *Store) GetReview(id string) (review.Review, error) {
	var r review.Review
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReviews)
		if b == nil {
			return ErrNotFound
		}
		return getJSON(b, id, &r)
	})
	if err != nil {
		return r, fmt.Errorf("get review %s: %w", id, err)
	}
	return r, nil
}

// ReviewsOfOrder lists the reviews written through an order's link.
func (s *Store) ReviewsOfOrder(orderID string) ([]review.Review, error) {
	return s.listReviews(func(r review.Review) bool { return r.OrderID == orderID })
}

// ListReviews lists reviews in a state ("" for all), oldest first.
func (s *Store) ListReviews(state review.State) ([]review.Review, error) {
	return s.listReviews(func(r review.Review) bool { return state == "" || r.State == state })
}

func (s *Store) listReviews(keep func(review.Review) bool) ([]review.Review, error) {
	var out []review.Review
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReviews)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var r review.Review
			if err := json.Unmarshal(v, &r); err != nil {
				s.badRecord(bucketReviews, k, err)
				return nil
			}
			if keep(r) {
				out = append(out, r)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list reviews: %w", err)
	}
	slices.SortStableFunc(out, func(a, b review.Review) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// ModerateReview approves or rejects a review (see review.Moderate).
func (s *Store) ModerateReview(id string, a review.Action, by string) (review.Review, error) {
	now := s.opts.Now()
	var out review.Review
	err := s.write(func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketReviews)
		if err != nil {
			return err
		}
		var r review.Review
		if err := getJSON(b, id, &r); err != nil {
			return err
		}
		to, changed, err := review.Moderate(r.State, a)
		if err != nil {
			return err
		}
		out = r
		if !changed {
			return nil
		}
		r.State, r.ModeratedAt, r.ModeratedBy = to, now, by
		out = r
		return putJSON(b, id, r)
	})
	if err != nil {
		return out, fmt.Errorf("moderate review %s: %w", id, err)
	}
	return out, nil
}
