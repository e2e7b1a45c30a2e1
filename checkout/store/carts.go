package store

import (
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/cart"
)

// GetCart loads a cart; ErrNotFound when there is none.
func (s *Store) GetCart(id string) (*cart.Cart, error) {
	var c cart.Cart
	err := s.db.View(func(tx *bolt.Tx) error {
		return getJSON(tx.Bucket(bucketCarts), id, &c)
	})
	if err != nil {
		return nil, fmt.Errorf("get cart: %w", err)
	}
	return &c, nil
}

// SaveCart stores c under c.ID, replacing what was there.
func (s *Store) SaveCart(c *cart.Cart) error {
	if c.ID == "" {
		return errors.New("save cart: empty id")
	}
	err := s.write(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketCarts), c.ID, c)
	})
	if err != nil {
		return fmt.Errorf("save cart: %w", err)
	}
	return nil
}

// UpdateCart reads the cart id (an empty cart with that id when there is
// none), lets fn change it and stores it, in one transaction, so concurrent
// requests on one cart do not lose each other's changes. An error from fn
// aborts without storing. fn may run more than once and must not have other
// side effects.
func (s *Store) UpdateCart(id string, fn func(c *cart.Cart) error) (*cart.Cart, error) {
	if id == "" {
		return nil, errors.New("update cart: empty id")
	}
	var out *cart.Cart
	err := s.write(func(tx *bolt.Tx) error {
		out = nil
		b := tx.Bucket(bucketCarts)
		c := &cart.Cart{ID: id}
		if err := getJSON(b, id, c); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
		c.ID = id
		if err := putJSON(b, id, c); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("update cart: %w", err)
	}
	return out, nil
}

// DeleteCart removes a cart; no error when it is not there.
func (s *Store) DeleteCart(id string) error {
	return s.write(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCarts).Delete([]byte(id))
	})
}

// PruneCarts removes carts not updated since before and reports how many.
func (s *Store) PruneCarts(before time.Time) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		n, err = deleteWhere(tx.Bucket(bucketCarts), func(_, v []byte) (bool, error) {
			var c cart.Cart
			return jsonUnmarshal(v, &c) != nil || c.UpdatedAt.Before(before), nil
		})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune carts: %w", err)
	}
	return n, nil
}
