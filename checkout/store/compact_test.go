package store

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestCompactFile: a file that held many records and lost most of them
// keeps its size; the compacted copy is smaller and holds exactly what is
// left, nested buckets and sequences included.
func TestCompactFile(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "shop.db")
	db, err := bolt.Open(src, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	val := bytes.Repeat([]byte("x"), 900)
	for i := 0; i < 20; i++ {
		err = db.Update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists([]byte("things"))
			if err != nil {
				return err
			}
			for j := 0; j < 500; j++ {
				if err := b.Put([]byte(fmt.Sprintf("%06d", i*500+j)), val); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("things"))
		if err := b.SetSequence(10000); err != nil {
			return err
		}
		for i := 0; i < 10000; i++ {
			if i%10 != 0 {
				if err := b.Delete([]byte(fmt.Sprintf("%06d", i))); err != nil {
					return err
				}
			}
		}
		sub, err := b.CreateBucket([]byte("nested"))
		if err != nil {
			return err
		}
		return sub.Put([]byte("k"), []byte("v"))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	dst := filepath.Join(dir, "compact.db")
	before, after, err := CompactFile(src, dst)
	if err != nil {
		t.Fatal(err)
	}
	if after*3 > before {
		t.Errorf("compacted %d bytes from %d: expected at most a third", after, before)
	}
	if _, err := VerifyFile(dst); err != nil {
		t.Errorf("compacted copy does not pass the check: %v", err)
	}
	out, err := bolt.Open(dst, 0o400, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	out.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("things"))
		if b.Sequence() != 10000 {
			t.Errorf("sequence %d, want 10000", b.Sequence())
		}
		n := 0
		b.ForEach(func(k, v []byte) error {
			if v != nil {
				n++
				if !bytes.Equal(v, val) {
					t.Errorf("%s changed", k)
				}
			}
			return nil
		})
		if n != 1000 {
			t.Errorf("%d records, want 1000", n)
		}
		if got := b.Bucket([]byte("nested")).Get([]byte("k")); string(got) != "v" {
			t.Errorf("nested bucket lost its record: %q", got)
		}
		return nil
	})

	if _, _, err := CompactFile(src, dst); err == nil {
		t.Error("compacting onto an existing file: no error")
	}
	if _, _, err := CompactFile(filepath.Join(dir, "missing.db"), filepath.Join(dir, "x.db")); err == nil {
		t.Error("compacting a missing file: no error")
	}
	if _, err := os.Stat(filepath.Join(dir, "x.db")); err == nil {
		t.Error("a failed compaction left a file behind")
	}
}
