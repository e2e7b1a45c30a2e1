package store

import (
	"bytes"

	bolt "go.etcd.io/bbolt"
)

// Long reads of a bucket go in chunks: a read transaction held for a whole
// bucket of 200,000 records would make any commit that must grow the
// file's map wait for it (bbolt remaps only when no read transaction is
// open), a write transaction would make every checkout wait, and the pages
// read would count in RSS until the next release.

// releaseChunks is how many chunks a walk reads between releases of the
// map's pages (release.go).
var releaseChunks = 5

// walkChunks walks the keys of bucket that start with prefix (nil: all),
// chunk keys to a read transaction. visit sees each key and value inside
// the transaction (they are valid only there); after each transaction,
// between runs outside it, may write, and stops the walk by returning
// false or an error. The map's pages are handed back every releaseChunks
// chunks and at the end of a walk longer than that.
func (s *core) walkChunks(bucket, prefix []byte, chunk int, visit func(tx *bolt.Tx, k, v []byte), between func() (bool, error)) error {
	var after []byte // the last key read; nil: none yet
	chunks := 0
	defer func() {
		if chunks > releaseChunks {
			s.dropMapped()
		}
	}()
	for more := true; more; chunks++ {
		if chunks > 0 && chunks%releaseChunks == 0 {
			s.dropMapped()
		}
		more = false
		err := s.db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucket).Cursor()
			k, v := c.Seek(prefix)
			if after != nil {
				if k, v = c.Seek(after); bytes.Equal(k, after) {
					k, v = c.Next()
				}
			}
			for n := 0; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				if n == chunk {
					more = true
					break
				}
				n++
				after = append(after[:0], k...)
				visit(tx, k, v)
			}
			return nil
		})
		if err != nil {
			return err
		}
		goOn, err := between()
		if err != nil || !goOn {
			return err
		}
	}
	return nil
}

// pruneChunk is how many keys pruneWhere reads in one transaction.
var pruneChunk = 1000

// pruneWhere deletes the records of bucket that match: each chunk's
// matching keys in a write transaction of their own, which looks at each
// record again (it may have changed since it was read).
func (s *core) pruneWhere(bucket []byte, match func(v []byte) bool) (int, error) {
	n := 0
	var doomed [][]byte
	err := s.walkChunks(bucket, nil, pruneChunk, func(_ *bolt.Tx, k, v []byte) {
		if v != nil && match(v) {
			doomed = append(doomed, bytes.Clone(k))
		}
	}, func() (bool, error) {
		if len(doomed) == 0 {
			return true, nil
		}
		err := s.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucket)
			for _, k := range doomed {
				if v := b.Get(k); v != nil && match(v) {
					if err := b.Delete(k); err != nil {
						return err
					}
					n++
				}
			}
			return nil
		})
		doomed = doomed[:0]
		return err == nil, err
	})
	return n, err
}
