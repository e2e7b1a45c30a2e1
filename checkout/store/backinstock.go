package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/subscribe"
)

// Back-in-stock alerts are consents of kind subscribe.Stock in the
// subscribers bucket (the double opt-in of subscriptions.go). When the SKU
// can be bought again, one e-mail is queued and the alert ends, in one
// transaction.

// MailBackInStock is the one e-mail of an alert.
const MailBackInStock = "back_in_stock"

// bucketRestocked: order id NUL return code -> nothing: returns whose items
// were put back in stock (once).
var bucketRestocked = []byte("restocked")

// BackInStock sends the alerts whose SKU is available again (in the
// catalog cat, counting reservations and sales) and ends them. It returns
// how many e-mails it queued. Safe to run any number of times.
func (s *Stock) BackInStock(cat *catalog.Catalog) (int, error) {
	if cat == nil {
		return 0, nil
	}
	// Most of the time nobody waits: look before taking the write lock.
	waiting := false
	if err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSubscribers)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			if !waiting && strings.Contains(string(v), `"kind":"stock"`) {
				waiting = true
			}
			return nil
		})
	}); err != nil || !waiting {
		return 0, err
	}
	now := s.opts.Now()
	queued := 0
	err := s.write(func(tx *bolt.Tx) error {
		queued = 0
		subs, _, _, err := subBuckets(tx)
		if err != nil {
			return err
		}
		stock := tx.Bucket(bucketStock)
		available := map[string]bool{}
		isAvailable := func(sku string) (bool, error) {
			if v, ok := available[sku]; ok {
				return v, nil
			}
			it, ok := cat.Lookup(sku)
			v := false
			if ok {
				v = !it.Stock.Tracked
				if it.Stock.Tracked {
					r, err := loadStock(stock, sku, it.Stock.Quantity)
					if err != nil {
						return false, err
					}
					v = it.Stock.Quantity-r.Reserved-r.Sold > 0
				}
			}
			available[sku] = v
			return v, nil
		}
		type change struct {
			email string
			sub   subscribe.Subscriber
		}
		var changes []change
		err = subs.ForEach(func(k, v []byte) error {
			var sub subscribe.Subscriber
			if err := json.Unmarshal(v, &sub); err != nil {
				return fmt.Errorf("decode subscriber: %w", err)
			}
			changed := false
			for key, c := range sub.Topics {
				if c.Topic.Kind != subscribe.Stock || c.State != subscribe.Confirmed {
					continue
				}
				ok, err := isAvailable(c.Topic.Key)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
				body, _ := json.Marshal(SubscribeMail{Topic: key, Label: c.Label})
				id := MailBackInStock + ":" + tokenHash(sub.Email)[:16] + ":" + c.Topic.Key + ":" + strconv.FormatInt(c.ConfirmedAt.Unix(), 10)
				if _, err := s.enqueue(tx, Mail{ID: id, Kind: MailBackInStock, To: sub.Email, Lang: sub.Lang, Body: body}); err != nil {
					return err
				}
				sub.Unsubscribe(key, now) // one e-mail per alert, then it ends
				changed = true
				queued++
			}
			if changed {
				changes = append(changes, change{string(k), sub})
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, c := range changes {
			if err := putJSON(subs, c.email, c.sub); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("back in stock: %w", err)
	}
	return queued, nil
}

// Waiting is how many confirmed alerts wait for one SKU.
type Waiting struct {
	SKU     string `json:"sku"`
	Label   string `json:"label"`
	Waiting int    `json:"waiting"`
	Pending int    `json:"pending"` // asked, not yet confirmed
}

// WaitingForStock counts the alerts per SKU, most wanted first.
func (s *Stock) WaitingForStock() ([]Waiting, error) {
	by := map[string]*Waiting{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSubscribers)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			var sub subscribe.Subscriber
			if err := json.Unmarshal(v, &sub); err != nil {
				return err
			}
			for _, c := range sub.Topics {
				if c.Topic.Kind != subscribe.Stock || (c.State != subscribe.Confirmed && c.State != subscribe.Pending) {
					continue
				}
				w := by[c.Topic.Key]
				if w == nil {
					w = &Waiting{SKU: c.Topic.Key, Label: c.Label}
					by[c.Topic.Key] = w
				}
				if c.State == subscribe.Confirmed {
					w.Waiting++
				} else {
					w.Pending++
				}
			}
			return nil
		})
	})
	out := make([]Waiting, 0, len(by))
	for _, w := range by {
		out = append(out, *w)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Waiting != out[j].Waiting {
			return out[i].Waiting > out[j].Waiting
		}
		return out[i].SKU < out[j].SKU
	})
	return out, err
}

// RestockReturn puts the items of a received return back in stock (the
// owner found them fit to sell again): their units no longer count as
// sold, so a returned single-copy book can be bought (and its alerts sent)
// again. Once per return; returns whether it changed anything.
func (s *Stock) RestockReturn(orderID, code string) (bool, error) {
	changed := false
	err := s.write(func(tx *bolt.Tx) error {
		changed = false
		done, err := bucket(tx, bucketRestocked)
		if err != nil {
			return err
		}
		var o order.Order
		if err := getJSON(tx.Bucket(bucketOrders), orderID, &o); err != nil {
			return err
		}
		var ret *order.Return
		for i := range o.Returns {
			if strings.EqualFold(o.Returns[i].Code, code) {
				ret = &o.Returns[i]
			}
		}
		if ret == nil {
			return fmt.Errorf("order %s has no return %s: %w", orderID, code, ErrNotFound)
		}
		// The return's own code, so "r-1" and "R-1" are one restock.
		key := restockKey(orderID, ret.Code)
		if done.Get(key) != nil {
			return nil
		}
		if ret.ReceivedAt.IsZero() {
			return fmt.Errorf("return %s is not received yet: %w", code, ErrConflict)
		}
		b := tx.Bucket(bucketStock)
		for _, l := range ret.Lines {
			if o.Held[l.SKU] == 0 && b.Get([]byte(l.SKU)) == nil {
				continue // not tracked
			}
			r, err := loadStockRaw(b, l.SKU)
			if err != nil {
				return err
			}
			r.Sold = max(0, r.Sold-l.Quantity)
			if err := putJSON(b, l.SKU, r); err != nil {
				return err
			}
		}
		changed = true
		return done.Put(key, nil)
	})
	if err != nil {
		return false, fmt.Errorf("restock return %s of %s: %w", code, orderID, err)
	}
	return changed, nil
}

func restockKey(orderID, code string) []byte { return []byte(orderID + "\x00" + code) }

// Restocked reports which returns of an order were put back in stock, by
// return code (the owner's page offers the button for the others).
func (s *Stock) Restocked(orderID string) (map[string]bool, error) {
	out := map[string]bool{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRestocked)
		if b == nil {
			return nil
		}
		prefix := restockKey(orderID, "")
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			out[string(k[len(prefix):])] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("restocked returns of %s: %w", orderID, err)
	}
	return out, nil
}
