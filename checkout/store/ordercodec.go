package store

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/order"
)

// How an order is stored. An order's JSON is about 2 KB, more than half of
// bbolt's 4 KB page, so two of them took a page and an overflow page each:
// 4.1 KB of shop.db per order, three quarters of the file (docs/benchmarks.md,
// "Where a checkout's bytes go"). Most of those bytes are the same in every
// order (field names, states, provider names, the dates' first digits), so
// an order is stored as its JSON compressed with zstd against a fixed
// dictionary of two typical orders (orderdict1.json): about 300 bytes, a
// dozen to a page.
//
// Carts and idempotency records, a third and a fifth of what was left
// per checkout, are compressed the same way with a small dictionary of
// their own (recorddict2.json); a cart when it is written to the file, not
// while it waits in the buffer (cartbuf.go).
//
// A stored record (orders, carts, idempotency) is one of:
//
//	'{' ...           its JSON (every record written before this form)
//	0x01 zstd frame   an order's JSON compressed with dictionary 1 (orderdict1.json)
//	0x02 zstd frame   a cart's or idempotency record's JSON, dictionary 2 (recorddict2.json)
//
// Records of every form are read; new ones are written compressed. The
// dictionaries must never change (TestDictsFrozen): records written with
// one can only be read with it. A better dictionary is a new file, a new
// first byte and a new case in recordJSON, the old ones kept.

//go:embed orderdict1.json
var orderDict1 []byte

//go:embed recorddict2.json
var recordDict2 []byte

// First bytes of compressed records: the dictionary's id.
const (
	recZstdDict1 = 0x01
	recZstdDict2 = 0x02
)

// maxRecord bounds what one compressed record may expand to: a damaged
// record must not make the sidecar allocate without limit.
const maxRecord = 16 << 20

// codecs holds an encoder per dictionary and a decoder that knows them
// all (a zstd frame names its dictionary).
type codecs struct {
	enc map[byte]*zstd.Encoder
	dec *zstd.Decoder
}

var codec = sync.OnceValue(func() codecs {
	dicts := map[byte][]byte{recZstdDict1: orderDict1, recZstdDict2: recordDict2}
	c := codecs{enc: map[byte]*zstd.Encoder{}}
	dopts := []zstd.DOption{zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxMemory(maxRecord)}
	for id, dict := range dicts {
		enc, err := zstd.NewWriter(nil, zstd.WithEncoderDictRaw(uint32(id), dict),
			zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithLowerEncoderMem(true),
			zstd.WithWindowSize(1<<17))
		if err != nil {
			panic(fmt.Sprintf("record codec: %v", err)) // the options are constant
		}
		c.enc[id] = enc
		dopts = append(dopts, zstd.WithDecoderDictRaw(uint32(id), dict))
	}
	dec, err := zstd.NewReader(nil, dopts...)
	if err != nil {
		panic(fmt.Sprintf("record codec: %v", err))
	}
	c.dec = dec
	return c
})

// compress is the stored form of a record's JSON, with dictionary dict.
func compress(j []byte, dict byte) []byte {
	return codec().enc[dict].EncodeAll(j, append(make([]byte, 0, len(j)/3+32), dict))
}

// encodeOrder is the stored form of o.
func encodeOrder(o *order.Order) ([]byte, error) {
	j, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("encode order %s: %w", o.ID, err)
	}
	return compress(j, recZstdDict1), nil
}

// putRecord stores v under key compressed with dictionary 2 (carts,
// idempotency records).
func putRecord(b *bolt.Bucket, key string, v any) error {
	j, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return b.Put([]byte(key), compress(j, recZstdDict2))
}

// decodeRecord decodes a stored record into v: JSON, or an order compressed
// by encodeOrder.
func decodeRecord(data []byte, v any) error {
	j, err := recordJSON(data)
	if err != nil {
		return err
	}
	return json.Unmarshal(j, v)
}

// recordJSON is a stored record's JSON.
func recordJSON(data []byte) ([]byte, error) {
	if len(data) == 0 || (data[0] != recZstdDict1 && data[0] != recZstdDict2) {
		return data, nil
	}
	j, err := codec().dec.DecodeAll(data[1:], nil)
	if err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	return j, nil
}

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
