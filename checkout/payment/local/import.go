package local

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ImportedSuffix is added to a provider file's name once its payments are
// in the order database.
const ImportedSuffix = ".imported"

// Import copies the payments, keys, customers and mandates of an earlier
// version's own provider file (path, e.g. shop-localpay.db) into db, the
// order database the provider now keeps them in, and renames the file to
// path+ImportedSuffix. A record db already holds is kept as it is (a crash
// after the copy and before the rename imports again and changes nothing).
// No file at path: nothing to do. It returns how many records it copied.
// The caller checks the file first (store.CheckFile), as any file it opens.
func Import(db *bolt.DB, path string) (int, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	old, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return 0, fmt.Errorf("local payments: open %s to move its payments into %s: %w", path, db.Path(), err)
	}
	n := 0
	err = old.View(func(from *bolt.Tx) error {
		src := from.Bucket([]byte(LocalBucket))
		if src == nil {
			return nil
		}
		return db.Update(func(to *bolt.Tx) error {
			n = 0
			dst, err := to.CreateBucketIfNotExists([]byte(LocalBucket))
			if err != nil {
				return err
			}
			c, err := copyNew(src, dst)
			n = c
			return err
		})
	})
	if cerr := old.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("local payments: move %s into %s: %w", path, db.Path(), err)
	}
	if err := os.Rename(path, path+ImportedSuffix); err != nil {
		return n, fmt.Errorf("local payments: moved into %s, but: %w", db.Path(), err)
	}
	return n, nil
}

// copyNew copies src's keys and nested buckets into dst, keeping what dst
// has under the same key.
func copyNew(src, dst *bolt.Bucket) (int, error) {
	n := 0
	err := src.ForEach(func(k, v []byte) error {
		if v == nil { // a nested bucket
			sub, err := dst.CreateBucketIfNotExists(k)
			if err != nil {
				return err
			}
			c, err := copyNew(src.Bucket(k), sub)
			n += c
			return err
		}
		if dst.Get(k) != nil {
			return nil
		}
		n++
		return dst.Put(k, v)
	})
	return n, err
}
