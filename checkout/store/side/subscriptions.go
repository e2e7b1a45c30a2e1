package side

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/store/kv"
	"github.com/storefront/storefront/checkout/subscribe"
)

// Subscriptions are the subscribers of "follow what you love" as far as
// no e-mail is queued: confirming, unsubscribing and reading (buckets
// kv.Subscribers, kv.SubTokens, kv.SubConfirm). The request and the
// digests (store.RequestSubscription, store.Notify) stay in package store:
// they queue their e-mails in the same transaction.
type Subscriptions struct{ b kv.Base }

// NewSubscriptions is the subscriptions of the file b.
func NewSubscriptions(b kv.Base) *Subscriptions { return &Subscriptions{b: b} }

// Confirm gives consent for the topic of a confirmation token.
func (s *Subscriptions) Confirm(token string) (sub subscribe.Subscriber, c subscribe.Consent, changed bool, err error) {
	now := s.b.Now()
	err = s.b.Write(func(tx *bolt.Tx) error {
		changed = false
		subs, _, confirm, err := kv.SubBuckets(tx)
		if err != nil {
			return err
		}
		email := confirm.Get([]byte(token))
		if email == nil {
			return subscribe.ErrBadToken
		}
		if err := kv.GetJSON(subs, string(email), &sub); err != nil {
			return err
		}
		cp, ch, err := sub.Confirm(token, now)
		if err != nil {
			return err
		}
		c, changed = *cp, ch
		return kv.PutJSON(subs, string(email), sub)
	})
	if err != nil {
		return sub, c, false, fmt.Errorf("confirm subscription: %w", err)
	}
	return sub, c, changed, nil
}

// ConsentByConfirmToken finds the subscriber and the topic a confirmation
// token was made for (through the token index, not a scan).
func (s *Subscriptions) ConsentByConfirmToken(token string) (subscribe.Subscriber, *subscribe.Consent, error) {
	var sub subscribe.Subscriber
	var found *subscribe.Consent
	err := s.b.DB.View(func(tx *bolt.Tx) error {
		confirm, subs := tx.Bucket(kv.SubConfirm), tx.Bucket(kv.Subscribers)
		if confirm == nil || subs == nil || token == "" {
			return subscribe.ErrBadToken
		}
		email := confirm.Get([]byte(token))
		if email == nil {
			return subscribe.ErrBadToken
		}
		if err := kv.GetJSON(subs, string(email), &sub); err != nil {
			return err
		}
		for _, c := range sub.Topics {
			if c.ConfirmToken == token {
				found = c
			}
		}
		if found == nil {
			return subscribe.ErrBadToken
		}
		return nil
	})
	if err != nil {
		return sub, nil, fmt.Errorf("consent by confirmation token: %w", err)
	}
	return sub, found, nil
}

// ByToken loads the subscriber of an unsubscribe/manage token.
func (s *Subscriptions) ByToken(token string) (subscribe.Subscriber, error) {
	var sub subscribe.Subscriber
	err := s.b.DB.View(func(tx *bolt.Tx) error {
		tokens, subs := tx.Bucket(kv.SubTokens), tx.Bucket(kv.Subscribers)
		if tokens == nil || subs == nil || token == "" {
			return subscribe.ErrBadToken
		}
		email := tokens.Get([]byte(token))
		if email == nil {
			return subscribe.ErrBadToken
		}
		return kv.GetJSON(subs, string(email), &sub)
	})
	if err != nil {
		return sub, fmt.Errorf("subscriber by token: %w", err)
	}
	return sub, nil
}

// Get loads a subscriber by e-mail address.
func (s *Subscriptions) Get(email string) (subscribe.Subscriber, error) {
	var sub subscribe.Subscriber
	err := s.b.DB.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(kv.Subscribers)
		if b == nil {
			return kv.ErrNotFound
		}
		return kv.GetJSON(b, string(kv.EmailKey(email)), &sub)
	})
	if err != nil {
		return sub, fmt.Errorf("get subscriber: %w", err)
	}
	return sub, nil
}

// Unsubscribe ends consent for one topic ("" for all) of the subscriber
// with this token, and reports the topics ended.
func (s *Subscriptions) Unsubscribe(token, topic string) (ended []subscribe.Topic, err error) {
	now := s.b.Now()
	err = s.b.Write(func(tx *bolt.Tx) error {
		ended = nil
		subs, tokens, confirm, err := kv.SubBuckets(tx)
		if err != nil {
			return err
		}
		email := tokens.Get([]byte(token))
		if email == nil || token == "" {
			return subscribe.ErrBadToken
		}
		var sub subscribe.Subscriber
		if err := kv.GetJSON(subs, string(email), &sub); err != nil {
			return err
		}
		for _, c := range sub.Topics {
			if (topic == "" || c.Topic.String() == topic) && c.ConfirmToken != "" {
				if err := confirm.Delete([]byte(c.ConfirmToken)); err != nil {
					return err
				}
			}
		}
		ended = sub.Unsubscribe(topic, now)
		return kv.PutJSON(subs, string(email), sub)
	})
	if err != nil {
		return nil, fmt.Errorf("unsubscribe: %w", err)
	}
	return ended, nil
}

// List lists every subscriber, by address.
func (s *Subscriptions) List() ([]subscribe.Subscriber, error) {
	var out []subscribe.Subscriber
	err := s.b.DB.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(kv.Subscribers)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var sub subscribe.Subscriber
			if err := json.Unmarshal(v, &sub); err != nil {
				return fmt.Errorf("decode subscriber: %w", err)
			}
			out = append(out, sub)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list subscribers: %w", err)
	}
	return out, nil
}
