package store

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// BadRecord is a stored value that does not decode: a damaged page that
// bbolt's structure check cannot see (the bytes of a value changed, the
// pages still hang together). Readers that walk many records skip it and
// report it here, so one bad order never stops the listing, the reconciler
// or the figures of all the others.
type BadRecord struct {
	Bucket string    `json:"bucket"`
	Key    string    `json:"key"`
	Err    string    `json:"error"`
	Seen   time.Time `json:"seen"`
}

// badRecords remembers the bad records seen since the process started.
type badRecords struct {
	mu   sync.Mutex
	seen map[string]BadRecord
}

// maxBadRecords bounds what is remembered (a badly damaged file has many).
const maxBadRecords = 1000

// badRecord records that key of bucket did not decode, logs it and tells
// Options.OnBadRecord the first time.
func (s *core) badRecord(bucket []byte, key []byte, err error) {
	r := BadRecord{Bucket: string(bucket), Key: printableKey(key), Err: err.Error(), Seen: s.opts.Now()}
	id := r.Bucket + "/" + r.Key
	s.bad.mu.Lock()
	if s.bad.seen == nil {
		s.bad.seen = map[string]BadRecord{}
	}
	_, known := s.bad.seen[id]
	if !known && len(s.bad.seen) < maxBadRecords {
		s.bad.seen[id] = r
	}
	s.bad.mu.Unlock()
	if known {
		return
	}
	s.opts.Logger.Error("record does not decode; skipped (restore it from a backup, see docs/checkout.md)",
		"bucket", r.Bucket, "key", r.Key, "err", r.Err)
	if s.opts.OnBadRecord != nil {
		go s.opts.OnBadRecord(r) // not inside the caller's transaction
	}
}

// BadRecords lists the records skipped because they did not decode, by bucket and key.
func (s *Store) BadRecords() []BadRecord {
	s.bad.mu.Lock()
	defer s.bad.mu.Unlock()
	out := make([]BadRecord, 0, len(s.bad.seen))
	for _, r := range s.bad.seen {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b BadRecord) int {
		if c := strings.Compare(a.Bucket, b.Bucket); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}

// printableKey shows a key as text when it is, else in hex (bounded).
func printableKey(k []byte) string {
	if len(k) > 128 {
		k = k[:128]
	}
	for _, c := range k {
		if c < 0x20 || c > 0x7e {
			const hex = "0123456789abcdef"
			var b strings.Builder
			b.WriteString("0x")
			for _, c := range k {
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&15])
			}
			return b.String()
		}
	}
	return string(k)
}
