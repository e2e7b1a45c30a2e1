package store

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/order"
)

// stockRecord counts one SKU's stock against the catalog quantity.
//
// The catalog's stock.quantity means "units free to sell when this catalog
// was published". Sold counts sales since then: when a new catalog brings a
// different quantity (the owner counted and restocked), Sold starts again at
// 0. Reserved (held by orders awaiting payment) carries over.
type stockRecord struct {
	Baseline int `json:"baseline"` // catalog quantity Sold counts against
	Reserved int `json:"reserved"`
	Sold     int `json:"sold"`
}

// Availability is one SKU's live stock.
type Availability struct {
	SKU       string `json:"sku"`
	Known     bool   `json:"known"`   // in the catalog
	Tracked   bool   `json:"tracked"` // false: no limit
	Quantity  int    `json:"quantity"`
	Reserved  int    `json:"reserved"`
	Sold      int    `json:"sold"`
	Remaining int    `json:"remaining"` // Quantity - Reserved - Sold, at least 0; meaningless when !Tracked
}

// InStock reports whether at least n units can be ordered.
func (a Availability) InStock(n int) bool {
	return a.Known && (!a.Tracked || a.Remaining >= n)
}

// Availability reports live stock for skus against cat.
func (s *Stock) Availability(cat *catalog.Catalog, skus ...string) ([]Availability, error) {
	out := make([]Availability, 0, len(skus))
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketStock)
		for _, sku := range skus {
			a := Availability{SKU: sku}
			it, ok := cat.Lookup(sku)
			if ok {
				a.Known, a.Tracked = true, it.Stock.Tracked
				if a.Tracked {
					r, err := loadStock(b, sku, it.Stock.Quantity)
					if err != nil {
						return err
					}
					a.Quantity, a.Reserved, a.Sold = it.Stock.Quantity, r.Reserved, r.Sold
					a.Remaining = max(0, a.Quantity-a.Reserved-a.Sold)
				}
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("availability: %w", err)
	}
	return out, nil
}

// loadStock reads a SKU's record, reset to the catalog quantity baseline.
func loadStock(b *bolt.Bucket, sku string, quantity int) (stockRecord, error) {
	r := stockRecord{Baseline: quantity}
	if data := b.Get([]byte(sku)); data != nil {
		if err := json.Unmarshal(data, &r); err != nil {
			return r, fmt.Errorf("decode stock %s: %w", sku, err)
		}
	}
	if r.Baseline != quantity {
		r.Baseline, r.Sold = quantity, 0
	}
	return r, nil
}

// loadStockRaw reads a SKU's record without a catalog (for release/commit).
func loadStockRaw(b *bolt.Bucket, sku string) (stockRecord, error) {
	var r stockRecord
	if data := b.Get([]byte(sku)); data != nil {
		if err := json.Unmarshal(data, &r); err != nil {
			return r, fmt.Errorf("decode stock %s: %w", sku, err)
		}
	}
	return r, nil
}

// reserveStock holds the order's tracked units, failing with
// *OutOfStockError when one is short. No catalog: nothing is checked or held.
func reserveStock(tx *bolt.Tx, o *order.Order, cat *catalog.Catalog) error {
	if o.Stock == order.StockReserved || o.Stock == order.StockSold {
		return nil
	}
	o.Held = nil
	if cat == nil {
		o.Stock = order.StockReserved
		return nil
	}
	b := tx.Bucket(bucketStock)
	want := map[string]int{}
	var skus []string
	for _, l := range o.Lines {
		if _, seen := want[l.SKU]; !seen {
			skus = append(skus, l.SKU)
		}
		want[l.SKU] += l.Quantity
	}
	held := map[string]int{}
	for _, sku := range skus {
		it, ok := cat.Lookup(sku)
		if !ok {
			return &OutOfStockError{SKU: sku, Requested: want[sku], Available: 0}
		}
		if !it.Stock.Tracked {
			continue
		}
		r, err := loadStock(b, sku, it.Stock.Quantity)
		if err != nil {
			return err
		}
		avail := it.Stock.Quantity - r.Reserved - r.Sold
		if avail < want[sku] {
			return &OutOfStockError{SKU: sku, Requested: want[sku], Available: max(0, avail)}
		}
		r.Reserved += want[sku]
		if err := putJSON(b, sku, r); err != nil {
			return err
		}
		held[sku] = want[sku]
	}
	if len(held) > 0 {
		o.Held = held
	}
	o.Stock = order.StockReserved
	return nil
}

// commitStock turns the order's reservation into sold units. An order whose
// reservation was released (paid after its payment failed) is sold anyway:
// paid money is never turned away; the counters may then exceed the
// quantity, which Availability shows as 0 remaining.
func commitStock(tx *bolt.Tx, o *order.Order) error {
	if o.Stock == order.StockSold {
		return nil
	}
	b := tx.Bucket(bucketStock)
	wasReserved := o.Stock == order.StockReserved
	held := o.Held
	if !wasReserved {
		// Take what the lines ask of SKUs that have stock records.
		held = map[string]int{}
		for _, l := range o.Lines {
			if b.Get([]byte(l.SKU)) != nil {
				held[l.SKU] += l.Quantity
			}
		}
	}
	for sku, n := range held {
		r, err := loadStockRaw(b, sku)
		if err != nil {
			return err
		}
		if wasReserved {
			r.Reserved = max(0, r.Reserved-n)
		}
		r.Sold += n
		if err := putJSON(b, sku, r); err != nil {
			return err
		}
	}
	if len(held) > 0 {
		o.Held = held
	} else {
		o.Held = nil
	}
	o.Stock = order.StockSold
	return nil
}

// releaseStock gives back what the order holds, reserved or sold.
func releaseStock(tx *bolt.Tx, o *order.Order) error {
	if o.Stock == order.StockNone {
		return nil
	}
	b := tx.Bucket(bucketStock)
	for sku, n := range o.Held {
		r, err := loadStockRaw(b, sku)
		if err != nil {
			return err
		}
		if o.Stock == order.StockReserved {
			r.Reserved = max(0, r.Reserved-n)
		} else {
			r.Sold = max(0, r.Sold-n)
		}
		if err := putJSON(b, sku, r); err != nil {
			return err
		}
	}
	o.Held = nil
	o.Stock = order.StockNone
	return nil
}
