package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/store/codec"
)

// Orders, carts and idempotency records are stored compressed (package
// codec: about 450 bytes an order instead of 2.1 KB of JSON); records
// written before, as JSON, are read alike. Carts are compressed when the
// buffer writes them to the file (cartbuf.go), not while they wait in it,
// so a cart change costs no more than before.

// encodeOrder is the stored form of o.
func encodeOrder(o *order.Order) ([]byte, error) {
	data, err := codec.Marshal(o, codec.Order)
	if err != nil {
		return nil, fmt.Errorf("encode order %s: %w", o.ID, err)
	}
	return data, nil
}

// compressRecord is the stored form of a cart's or an idempotency
// record's JSON.
func compressRecord(j []byte) []byte { return codec.Compress(j, codec.Record) }

// putRecord stores v (a cart, an idempotency record) under key, compressed.
func putRecord(b *bolt.Bucket, key string, v any) error {
	data, err := codec.Marshal(v, codec.Record)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return b.Put([]byte(key), data)
}

// decodeRecord decodes a stored record, compressed or JSON, into v.
func decodeRecord(data []byte, v any) error { return codec.Unmarshal(data, v) }

// recordJSON is a stored record's JSON.
func recordJSON(data []byte) ([]byte, error) { return codec.JSON(data) }

// putOrderRecord stores o under its number, compressed.
func putOrderRecord(orders *bolt.Bucket, o *order.Order) error {
	data, err := encodeOrder(o)
	if err != nil {
		return err
	}
	// Order numbers grow: new orders are appended, so a leaf need not be
	// split in half (bbolt's default, for random keys) but can be filled;
	// to 70 %, as an order grows by about 120 bytes when its payment is
	// attached, which at 90 % or 100 % split the full leaf again (measured:
	// leaves 63 % full on average against 81 % at 70 %).
	orders.FillPercent = 0.7
	return orders.Put([]byte(o.ID), data)
}
