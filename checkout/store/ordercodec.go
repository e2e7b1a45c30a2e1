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
// A stored order is one of:
//
//	'{' ...           the order's JSON (every record written before this form)
//	0x01 zstd frame   the JSON compressed with dictionary 1 (orderdict1.json)
//
// Records of both forms are read; new ones are written in the second.
// orderdict1.json must never change (TestOrderDictFrozen): records written
// with it can only be read with it. A better dictionary is a new file, a new
// first byte and a new case in decodeRecord, the old one kept.

//go:embed orderdict1.json
var orderDict1 []byte

// recZstdDict1 starts a record compressed with dictionary 1.
const recZstdDict1 = 0x01

// maxRecord bounds what one compressed record may expand to: a damaged
// record must not make the sidecar allocate without limit.
const maxRecord = 16 << 20

var codec = sync.OnceValues(func() (*zstd.Encoder, *zstd.Decoder) {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderDictRaw(1, orderDict1),
		zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithLowerEncoderMem(true),
		zstd.WithWindowSize(1<<17))
	if err != nil {
		panic(fmt.Sprintf("order codec: %v", err)) // the options are constant
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderDictRaw(1, orderDict1),
		zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxMemory(maxRecord))
	if err != nil {
		panic(fmt.Sprintf("order codec: %v", err))
	}
	return enc, dec
})

// encodeOrder is the stored form of o.
func encodeOrder(o *order.Order) ([]byte, error) {
	j, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("encode order %s: %w", o.ID, err)
	}
	enc, _ := codec()
	return enc.EncodeAll(j, append(make([]byte, 0, len(j)/4+32), recZstdDict1)), nil
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
	if len(data) == 0 || data[0] != recZstdDict1 {
		return data, nil
	}
	_, dec := codec()
	j, err := dec.DecodeAll(data[1:], nil)
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
	// Order numbers grow: new orders are appended, so leaves can be filled
	// whole (bbolt splits at half a page by default, for random keys).
	orders.FillPercent = 1.0
	return orders.Put([]byte(o.ID), data)
}
