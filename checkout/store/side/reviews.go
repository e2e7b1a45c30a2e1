package side

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/review"
	"github.com/storefront/storefront/checkout/store/kv"
)

// Reviews are the customers' reviews and the addresses that want no review
// request (buckets kv.Reviews, kv.ReviewOptOut). The request itself
// (store.RequestReview) stays in package store: it queues its e-mail in the
// same transaction.
type Reviews struct{ b kv.Base }

// NewReviews is the reviews of the file b.
func NewReviews(b kv.Base) *Reviews { return &Reviews{b: b} }

// ErrReviewLocked is returned when a customer edits a review the owner has
// moderated already.
var ErrReviewLocked = errors.New("review has been moderated already")

var (
	bucketReviewOptOut = kv.ReviewOptOut
	bucketReviews      = kv.Reviews
	emailKey           = kv.EmailKey
)

// OptOut records that email never wants a review request again.
func (s *Reviews) OptOut(email string) error {
	now := s.b.Now()
	err := s.b.Write(func(tx *bolt.Tx) error {
		b, err := kv.Bucket(tx, bucketReviewOptOut)
		if err != nil {
			return err
		}
		if b.Get(emailKey(email)) != nil {
			return nil
		}
		return kv.PutJSON(b, string(emailKey(email)), now)
	})
	if err != nil {
		return fmt.Errorf("review opt-out: %w", err)
	}
	return nil
}

// OptedOut reports whether email opted out of review requests.
func (s *Reviews) OptedOut(email string) bool {
	out := false
	_ = s.b.DB.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketReviewOptOut); b != nil {
			out = b.Get(emailKey(email)) != nil
		}
		return nil
	})
	return out
}

// Save stores a customer's review of one product of one order. A
// review awaiting moderation is replaced (the customer changed their mind);
// a moderated one is not (ErrReviewLocked). created reports a new review.
func (s *Reviews) Save(r review.Review) (out review.Review, created bool, err error) {
	now := s.b.Now()
	err = s.b.Write(func(tx *bolt.Tx) error {
		out, created = review.Review{}, false
		b, err := kv.Bucket(tx, bucketReviews)
		if err != nil {
			return err
		}
		c := r
		c.ID = review.ID(r.OrderID, r.Product)
		var prev review.Review
		switch err := kv.GetJSON(b, c.ID, &prev); {
		case err == nil:
			if prev.State != review.Pending {
				return ErrReviewLocked
			}
			c.CreatedAt = prev.CreatedAt
		case errors.Is(err, kv.ErrNotFound):
			created = true
			c.CreatedAt = now
		default:
			return err
		}
		c.State, c.UpdatedAt = review.Pending, now
		out = c
		return kv.PutJSON(b, c.ID, c)
	})
	if err != nil {
		return review.Review{}, false, fmt.Errorf("save review: %w", err)
	}
	return out, created, nil
}

// Get loads one review by id (order number "/" product).
func (s *Reviews) Get(id string) (review.Review, error) {
	var r review.Review
	err := s.b.DB.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReviews)
		if b == nil {
			return kv.ErrNotFound
		}
		return kv.GetJSON(b, id, &r)
	})
	if err != nil {
		return r, fmt.Errorf("get review %s: %w", id, err)
	}
	return r, nil
}

// OfOrder lists the reviews written through an order's link.
func (s *Reviews) OfOrder(orderID string) ([]review.Review, error) {
	return s.list(func(r review.Review) bool { return r.OrderID == orderID })
}

// List lists reviews in a state ("" for all), oldest first.
func (s *Reviews) List(state review.State) ([]review.Review, error) {
	return s.list(func(r review.Review) bool { return state == "" || r.State == state })
}

func (s *Reviews) list(keep func(review.Review) bool) ([]review.Review, error) {
	var out []review.Review
	err := s.b.DB.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReviews)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var r review.Review
			if err := json.Unmarshal(v, &r); err != nil {
				s.b.BadRecord(bucketReviews, k, err)
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

// Moderate approves or rejects a review (see review.Moderate).
func (s *Reviews) Moderate(id string, a review.Action, by string) (review.Review, error) {
	now := s.b.Now()
	var out review.Review
	err := s.b.Write(func(tx *bolt.Tx) error {
		b, err := kv.Bucket(tx, bucketReviews)
		if err != nil {
			return err
		}
		var r review.Review
		if err := kv.GetJSON(b, id, &r); err != nil {
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
		return kv.PutJSON(b, id, r)
	})
	if err != nil {
		return out, fmt.Errorf("moderate review %s: %w", id, err)
	}
	return out, nil
}
