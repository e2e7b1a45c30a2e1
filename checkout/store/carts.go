package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/cart"
)

// GetCart loads a cart; ErrNotFound when there is none.
func (s *Carts) GetCart(id string) (*cart.Cart, error) {
	data, err := s.cartData(id)
	if err == nil && data == nil {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get cart: %w", err)
	}
	var c cart.Cart
	if err := decodeRecord(data, &c); err != nil {
		return nil, fmt.Errorf("get cart: decode %s/%s: %w", bucketCarts, id, err)
	}
	return &c, nil
}

// cartData is a cart's stored JSON, from the buffer or the file; nil when
// there is none.
func (s *core) cartData(id string) ([]byte, error) {
	if s.carts != nil {
		if data, ok := s.carts.get(id); ok {
			return data, nil
		}
	}
	var data []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketCarts).Get([]byte(id)); v != nil {
			data = append([]byte(nil), v...)
		}
		return nil
	})
	return data, err
}

// putCart stores a cart's JSON (nil: deletes it): into the buffer, or
// with CartFlush negative in its own commit.
func (s *core) putCart(id string, data []byte) error {
	if s.carts != nil {
		s.carts.put(id, data)
		return nil
	}
	return s.write(func(tx *bolt.Tx) error {
		if data == nil {
			return tx.Bucket(bucketCarts).Delete([]byte(id))
		}
		return tx.Bucket(bucketCarts).Put([]byte(id), compressRecord(data))
	})
}

// lockCart serializes changes of one cart (a no-op without the buffer,
// where the write transaction does it).
func (s *core) lockCart(id string) func() {
	if s.carts == nil {
		return func() {}
	}
	return s.carts.lock(id)
}

// SaveCart stores c under c.ID, replacing what was there.
func (s *Carts) SaveCart(c *cart.Cart) error {
	if c.ID == "" {
		return errors.New("save cart: empty id")
	}
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("save cart: encode %s: %w", c.ID, err)
	}
	defer s.lockCart(c.ID)()
	if err := s.putCart(c.ID, data); err != nil {
		return fmt.Errorf("save cart: %w", err)
	}
	return nil
}

// UpdateCart reads the cart id (an empty cart with that id when there is
// none), lets fn change it and stores it, under the cart's lock (or in one
// transaction without the buffer), so concurrent requests on one cart do
// not lose each other's changes. An error from fn aborts without storing.
// fn may run more than once and must not have other side effects.
func (s *Carts) UpdateCart(id string, fn func(c *cart.Cart) error) (*cart.Cart, error) {
	if id == "" {
		return nil, errors.New("update cart: empty id")
	}
	if s.carts == nil {
		return s.updateCartTx(id, fn)
	}
	defer s.carts.lock(id)()
	data, err := s.cartData(id)
	if err != nil {
		return nil, fmt.Errorf("update cart: %w", err)
	}
	c := &cart.Cart{ID: id}
	if data != nil {
		if err := decodeRecord(data, c); err != nil {
			return nil, fmt.Errorf("update cart: decode %s/%s: %w", bucketCarts, id, err)
		}
	}
	if err := fn(c); err != nil {
		return nil, fmt.Errorf("update cart: %w", err)
	}
	c.ID = id
	if data, err = json.Marshal(c); err != nil {
		return nil, fmt.Errorf("update cart: encode %s: %w", id, err)
	}
	s.carts.put(id, data)
	return c, nil
}

// updateCartTx is UpdateCart with every change its own durable commit.
func (s *core) updateCartTx(id string, fn func(c *cart.Cart) error) (*cart.Cart, error) {
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
		if err := putRecord(b, id, c); err != nil {
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
func (s *Carts) DeleteCart(id string) error {
	defer s.lockCart(id)()
	return s.putCart(id, nil)
}

// FlushCarts writes the buffered cart changes now (Stats, PruneCarts and
// Backup do it first, so they see every cart).
func (s *Carts) FlushCarts() error {
	if s.carts == nil {
		return nil
	}
	if err := s.flushCarts(); err != nil {
		return fmt.Errorf("write carts: %w", err)
	}
	return nil
}

// PruneCarts removes carts not updated since before and reports how many.
func (s *Carts) PruneCarts(before time.Time) (int, error) {
	if err := s.FlushCarts(); err != nil {
		return 0, fmt.Errorf("prune carts: %w", err)
	}
	n, err := s.pruneWhere(bucketCarts, func(v []byte) bool {
		var c cart.Cart
		return decodeRecord(v, &c) != nil || c.UpdatedAt.Before(before)
	})
	if err != nil {
		return 0, fmt.Errorf("prune carts: %w", err)
	}
	return n, nil
}
