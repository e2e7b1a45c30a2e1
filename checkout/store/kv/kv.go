// Package kv holds what the store's packages share at the level of one
// bbolt transaction: the error a missing record gives, the helpers that
// read, write and delete records (compressed or JSON, package codec), the
// names of buckets more than one package touches, and Base, the handle a
// resource outside the order transaction (package side) is built on.
//
// It decides nothing about orders, stock or mail: that stays in package
// store, whose transactions change several resources at once.
package kv

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/store/codec"
)

// ErrNotFound is a record that is not there (store.ErrNotFound is this one).
var ErrNotFound = errors.New("not found")

// Buckets of the resources in package side that package store also reads
// or writes inside its own transactions (a review request or a
// subscription request queues its e-mail with the mail queue; deleting a
// customer's data blanks the address on their reviews; back-in-stock reads
// the subscribers). Created on first write.
var (
	ReviewRequests = []byte("review_requests")
	ReviewOptOut   = []byte("review_optout")
	Reviews        = []byte("reviews")

	Subscribers = []byte("subscribers") // e-mail (lower case) -> subscribe.Subscriber
	SubTokens   = []byte("sub_tokens")  // subscriber token -> e-mail
	SubConfirm  = []byte("sub_confirm") // confirmation token -> e-mail
)

// Base is one store's file as a resource outside the order transaction
// sees it: reads with DB.View, writes through Write (the store's batched
// commit), the store's clock and its report of records that do not decode.
type Base struct {
	DB        *bolt.DB
	Write     func(fn func(*bolt.Tx) error) error
	Now       func() time.Time
	BadRecord func(bucket, key []byte, err error)
}

// Bucket is the bucket name in tx: created if missing when tx writes,
// nil if missing when it only reads.
func Bucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	if tx.Writable() {
		return tx.CreateBucketIfNotExists(name)
	}
	return tx.Bucket(name), nil
}

// GetJSON decodes the record under key, compressed or JSON, into v;
// ErrNotFound when there is none.
func GetJSON(b *bolt.Bucket, key string, v any) error {
	data := b.Get([]byte(key))
	if data == nil {
		return ErrNotFound
	}
	if err := codec.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %s/%s: %w", b, key, err)
	}
	return nil
}

// PutJSON stores v under key as JSON.
func PutJSON(b *bolt.Bucket, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return b.Put([]byte(key), data)
}

// DeleteWhere deletes the keys of b whose entry match selects and reports
// how many. Keys are collected first: bbolt forbids deleting while ForEach
// walks the bucket. An error from match stops it with nothing deleted.
func DeleteWhere(b *bolt.Bucket, match func(k, v []byte) (bool, error)) (int, error) {
	var keys [][]byte
	err := b.ForEach(func(k, v []byte) error {
		ok, err := match(k, v)
		if ok {
			keys = append(keys, append([]byte(nil), k...))
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

// EmailKey is an address as the review opt-outs and the subscribers are
// keyed: trimmed, lower case.
func EmailKey(email string) []byte { return []byte(strings.ToLower(strings.TrimSpace(email))) }

// SubBuckets are the subscription buckets in tx (see Bucket).
func SubBuckets(tx *bolt.Tx) (subs, tokens, confirm *bolt.Bucket, err error) {
	if subs, err = Bucket(tx, Subscribers); err != nil {
		return
	}
	if tokens, err = Bucket(tx, SubTokens); err != nil {
		return
	}
	confirm, err = Bucket(tx, SubConfirm)
	return
}
