package codec

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"

	"pgregory.net/rapid"
)

// Records compressed with a dictionary can only be read with the same
// bytes: changing one would make every record written with it unreadable.
// A new dictionary is a new file and a new first byte.
func TestDictsFrozen(t *testing.T) {
	want := map[Dict]string{
		Order:  "9fe4c43cb9540e03f6034512edf4a938cfcbbb6aafd1a94cac163d3f476aceb8",
		Record: "4dacdcc3f2bb0b4fafda72a79ceb45e395315ddba6d142aba0144137b7dd35bf",
	}
	for d, dict := range dicts {
		sum := sha256.Sum256(dict)
		if got := hex.EncodeToString(sum[:]); got != want[d] {
			t.Errorf("dictionary %d changed (sha256 %s): records stored with it would no longer decode", d, got)
		}
		if d == '{' || d == ' ' || d == '\t' || d == '\n' || d == '\r' {
			t.Errorf("dictionary %d's first byte can start JSON", d)
		}
	}
	if len(want) != len(dicts) {
		t.Errorf("%d dictionaries, %d frozen", len(dicts), len(want))
	}
}

// Any bytes compressed with any dictionary come back unchanged, and JSON
// (the old form) is read as it is.
func TestRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		j := rapid.SliceOf(rapid.Byte()).Draw(t, "json")
		d := rapid.SampledFrom([]Dict{Order, Record}).Draw(t, "dict")
		rec := Compress(j, d)
		if rec[0] != byte(d) {
			t.Fatalf("first byte %#x, want %#x", rec[0], d)
		}
		back, err := JSON(rec)
		if err != nil || !bytes.Equal(back, j) {
			t.Fatalf("read back %q, %v; want %q", back, err, j)
		}
		if old := append([]byte("{"), j...); !bytes.Equal(must(JSON(old)), old) {
			t.Fatalf("JSON changed on reading")
		}
	})
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// A damaged frame does not decode (its checksum, or its structure): flip
// any bit, or cut it anywhere.
func TestDamageDetected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		j := []byte(`{"id":"SF-2026-000123","state":"paid","customer":{"name":"` + rapid.StringN(0, 40, -1).Draw(t, "name") + `"}}`)
		rec := Compress(j, Order)
		bad := append([]byte(nil), rec...)
		if rapid.Bool().Draw(t, "cut") {
			bad = bad[:rapid.IntRange(1, len(bad)-1).Draw(t, "at")]
		} else {
			i := rapid.IntRange(1, len(bad)-1).Draw(t, "byte")
			bad[i] ^= 1 << rapid.IntRange(0, 7).Draw(t, "bit")
		}
		if back, err := JSON(bad); err == nil && !bytes.Equal(back, j) {
			t.Fatalf("damaged record decoded to %q", back)
		}
	})
}

// A record far larger than the encoder's window (an order with a long
// history) comes back whole.
func TestLargeRecord(t *testing.T) {
	j := bytes.Repeat([]byte(`{"at":"2026-12-06T14:03:27Z","by":"admin","note":"a line of history"},`), 5000)
	for _, d := range []Dict{Order, Record} {
		if back, err := JSON(Compress(j, d)); err != nil || !bytes.Equal(back, j) {
			t.Errorf("dictionary %d: %d bytes back of %d, %v", d, len(back), len(j), err)
		}
	}
}

// Reading records of both forms one after the other, from many
// goroutines, gives each its own value and never writes to the stored
// bytes (a JSON record is bbolt's read-only memory).
func TestUnmarshalMixed(t *testing.T) {
	type rec struct{ N, Pad string }
	done := make(chan error)
	for g := range 4 {
		go func() {
			var err error
			var all, copies [][]byte
			defer func() {
				for i := range all {
					if err == nil && !bytes.Equal(all[i], copies[i]) {
						err = fmt.Errorf("stored record %d of %d changed by later reads", i, g)
					}
				}
				done <- err
			}()
			for i := range 300 {
				want := rec{N: string(rune('a'+g)) + string(rune('A'+i%26)), Pad: string(bytes.Repeat([]byte{'x'}, i*7))}
				j, _ := json.Marshal(want)
				stored := j
				if i%2 == 0 {
					stored = Compress(j, Record)
				}
				keep := append([]byte(nil), stored...)
				all, copies = append(all, stored), append(copies, keep)
				var got rec
				if e := Unmarshal(stored, &got); e != nil || got != want || !bytes.Equal(stored, keep) {
					err = fmt.Errorf("record %d of %d: %+v, %v; stored bytes changed: %v", i, g, got, e, !bytes.Equal(stored, keep))
					break
				}
			}
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
