// Package codec is how the order database (shop.db) stores its larger records:
// JSON compressed with zstd against a fixed dictionary of typical records.
// An order's JSON is about 2 KB, more than half of bbolt's 4 KB page, so two
// of them took a page and an overflow page each: 4.1 KB of shop.db per
// order, three quarters of the file (docs/benchmarks.md, "Where a
// checkout's bytes go"). Most of those bytes are the same in every record
// (field names, states, provider names, the dates' first digits); against a
// dictionary that holds them an order takes about 450 bytes.
//
// A stored record is one of:
//
//	'{' ...           its JSON (every record written before this form)
//	0x01 zstd frame   an order's JSON, dictionary 1 (orderdict1.json)
//	0x02 zstd frame   a cart's or idempotency record's JSON, dictionary 2 (recorddict2.json)
//
// Every form is read (Unmarshal); new records are written compressed
// (Marshal). A frame carries a checksum, so a damaged record does not
// decode, as damaged JSON does not. The dictionaries must never change
// (TestDictsFrozen): records written with one can only be read with it. A
// better dictionary is a new file, a new Dict and a new entry in dicts, the
// old ones kept.
package codec

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Dict names a dictionary; it is also the first byte of a record
// compressed with it.
type Dict byte

// The dictionaries.
const (
	Order  Dict = 0x01 // order.Order
	Record Dict = 0x02 // cart.Cart, the store's idempotency records
)

var (
	//go:embed orderdict1.json
	orderDict1 []byte
	//go:embed recorddict2.json
	recordDict2 []byte
)

// dicts are the dictionaries by name (the embedded files are set before
// package variables are initialised).
var dicts = map[Dict][]byte{Order: orderDict1, Record: recordDict2}

// maxRecord bounds what one compressed record may expand to: a damaged
// record must not make the sidecar allocate without limit.
const maxRecord = 16 << 20

// codecs holds an encoder per dictionary and a decoder that knows them
// all (a zstd frame names its dictionary).
type codecs struct {
	enc map[Dict]*zstd.Encoder
	dec *zstd.Decoder
}

// One encoder state per dictionary (1.5 MB in all, against 3.3 MB with
// one per CPU): records are encoded inside bbolt's write transaction, one
// at a time anyway.
var get = sync.OnceValue(func() codecs {
	c := codecs{enc: map[Dict]*zstd.Encoder{}}
	dopts := []zstd.DOption{zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxMemory(maxRecord)}
	for id, dict := range dicts {
		enc, err := zstd.NewWriter(nil, zstd.WithEncoderDictRaw(uint32(id), dict),
			zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithLowerEncoderMem(true),
			zstd.WithWindowSize(1<<15), zstd.WithEncoderConcurrency(1))
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

// Compress is the stored form of a record's JSON, compressed with d.
func Compress(j []byte, d Dict) []byte {
	return get().enc[d].EncodeAll(j, append(make([]byte, 0, len(j)/3+32), byte(d)))
}

// Marshal is the stored form of v: its JSON compressed with d.
func Marshal(v any, d Dict) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return Compress(j, d), nil
}

// JSON is a stored record's JSON, whichever form it is in.
func JSON(data []byte) ([]byte, error) {
	if !compressed(data) {
		return data, nil // JSON, or not a record: json.Unmarshal says
	}
	return decompress(nil, data)
}

// compressed reports whether a stored record is in a compressed form.
func compressed(data []byte) bool {
	if len(data) == 0 {
		return false
	}
	_, ok := dicts[Dict(data[0])]
	return ok
}

// decompress appends a compressed record's JSON to dst.
func decompress(dst, data []byte) ([]byte, error) {
	if len(data) == 1 {
		return nil, errors.New("decompress: no frame after the dictionary byte")
	}
	j, err := get().dec.DecodeAll(data[1:], dst)
	if err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	return j, nil
}

// buffers hold decompressed JSON while Unmarshal decodes it (json.Unmarshal
// copies what it keeps), so reading a record makes no garbage of its own.
var buffers = sync.Pool{New: func() any { return new([]byte) }}

// Unmarshal decodes a stored record, in any form, into v.
func Unmarshal(data []byte, v any) error {
	if !compressed(data) {
		return json.Unmarshal(data, v)
	}
	buf := buffers.Get().(*[]byte)
	defer buffers.Put(buf)
	j, err := decompress((*buf)[:0], data)
	if err != nil {
		return err
	}
	if cap(j) <= 64<<10 { // keep buffers of ordinary records only
		*buf = j
	}
	return json.Unmarshal(j, v)
}
