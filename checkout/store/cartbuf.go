package store

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
)

// DefaultCartFlush is how long a cart change may wait in memory before it
// is written to the file (Options.CartFlush).
const DefaultCartFlush = 20 * time.Millisecond

// cartBuf holds the carts changed since the last flush, encoded, so a cart
// write is answered without waiting for an fsync: a flusher writes them
// all in one commit every Options.CartFlush. Reads look here first. A cart
// is the one kind of data whose latest change may be lost (a kill -9 or a
// power cut within CartFlush of it); orders, payments and refunds are
// durable before their answer (docs/reliability.md, "What each kind of
// data is promised").
//
// Changes of one cart are serialized by a lock stripe; a flush takes the
// entries it writes under mu and forgets only those not changed since;
// flushes take turns (flushMu).
type cartBuf struct {
	stripes [64]sync.Mutex
	flushMu sync.Mutex // one flush at a time: an older one must not overwrite a newer
	mu      sync.Mutex
	dirty   map[string]cartEntry
	seq     uint64
	kick    chan struct{} // a flush is wanted
	stop    chan struct{}
	done    chan struct{}
	every   time.Duration
}

// cartEntry is a cart's latest version; data nil means deleted.
type cartEntry struct {
	data []byte
	seq  uint64
}

func newCartBuf(every time.Duration) *cartBuf {
	return &cartBuf{dirty: map[string]cartEntry{}, kick: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{}), every: every}
}

func (b *cartBuf) lock(id string) func() {
	h := fnv.New32a()
	h.Write([]byte(id))
	m := &b.stripes[h.Sum32()%uint32(len(b.stripes))]
	m.Lock()
	return m.Unlock
}

// get returns the buffered version of a cart: found reports whether there
// is one (data nil then means deleted).
func (b *cartBuf) get(id string) (data []byte, found bool) {
	b.mu.Lock()
	e, ok := b.dirty[id]
	b.mu.Unlock()
	return e.data, ok
}

// put records a cart's new version (nil: deleted) and wakes the flusher.
func (b *cartBuf) put(id string, data []byte) {
	b.mu.Lock()
	b.seq++
	b.dirty[id] = cartEntry{data: data, seq: b.seq}
	b.mu.Unlock()
	select {
	case b.kick <- struct{}{}:
	default:
	}
}

// run flushes a while after each change until stop is closed; then once
// more.
func (s *core) runCartFlusher() {
	b := s.carts
	defer close(b.done)
	for {
		select {
		case <-b.stop:
			if err := s.flushCarts(); err != nil {
				s.opts.Logger.Error("write carts on close", "err", err)
			}
			return
		case <-b.kick:
		}
		t := time.NewTimer(b.every)
		select {
		case <-t.C:
		case <-b.stop:
			t.Stop()
		}
		if err := s.flushCarts(); err != nil {
			s.opts.Logger.Error("write carts", "err", err)
		}
	}
}

// flushCarts writes every buffered cart change in one commit.
func (s *core) flushCarts() error {
	b := s.carts
	b.flushMu.Lock()
	defer b.flushMu.Unlock()
	b.mu.Lock()
	batch := make(map[string]cartEntry, len(b.dirty))
	for id, e := range b.dirty {
		batch[id] = e
	}
	b.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketCarts)
		for id, e := range batch {
			var err error
			if e.data == nil {
				err = bk.Delete([]byte(id))
			} else {
				err = bk.Put([]byte(id), compressRecord(e.data))
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err // kept buffered: the next flush tries again
	}
	b.mu.Lock()
	for id, e := range batch {
		if cur, ok := b.dirty[id]; ok && cur.seq == e.seq {
			delete(b.dirty, id)
		}
	}
	b.mu.Unlock()
	return nil
}

// takeOrderedFromCart takes what the paid order o holds out of its cart,
// within the write transaction that marks o paid, before that transaction
// commits: a reader that sees the order paid must not see its lines in the
// cart still (bbolt makes a commit visible to readers before its OnCommit
// hooks run). What the customer put in the cart after the order was made
// (a line added while a payment failed, before "Pay again") stays: paying
// an older order must not throw away what was never ordered. The code the
// order used goes with it. A cart with nothing left is removed. Should the
// transaction fail after this, the buffered cart stays taken from: the
// provider has the money, and the reconciler records the payment again.
// Under the cart's lock, so a concurrent change of the cart (read, change,
// write) does not bring the lines back.
func (s *core) takeOrderedFromCart(tx *bolt.Tx, o *order.Order) error {
	id := o.CartID
	if s.carts != nil {
		defer s.carts.lock(id)()
	}
	var data []byte
	found := false
	if s.carts != nil {
		data, found = s.carts.get(id)
	}
	if !found {
		data = tx.Bucket(bucketCarts).Get([]byte(id))
	}
	var rest []byte
	if data != nil {
		var c cart.Cart
		if err := decodeRecord(data, &c); err == nil && takeOrdered(&c, o) {
			if rest, err = json.Marshal(&c); err != nil {
				return fmt.Errorf("encode cart %s: %w", id, err)
			}
		}
	}
	if rest == nil {
		if err := tx.Bucket(bucketCarts).Delete([]byte(id)); err != nil {
			return err
		}
	} else if err := tx.Bucket(bucketCarts).Put([]byte(id), compressRecord(rest)); err != nil {
		return err
	}
	if s.carts != nil {
		s.carts.put(id, rest)
	}
	return nil
}

// takeOrdered lowers c's lines by the quantities o ordered and drops the
// code o used; it reports whether any line is left.
func takeOrdered(c *cart.Cart, o *order.Order) bool {
	ordered := map[string]int{}
	for _, l := range o.Lines {
		ordered[l.SKU] += l.Quantity
	}
	left := c.Lines[:0]
	for _, l := range c.Lines {
		l.Quantity -= ordered[l.SKU]
		if l.Quantity > 0 {
			left = append(left, l)
		}
	}
	c.Lines = left
	if c.Code != "" && strings.EqualFold(c.Code, o.DiscountCode) {
		c.Code = ""
	}
	return len(c.Lines) > 0
}
