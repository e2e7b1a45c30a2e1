package store

import (
	"bytes"
	"time"

	bolt "go.etcd.io/bbolt"
)

// DefaultReleaseMapped is how often the store hands the pages of its file
// that it has read back to the kernel's page cache (Options.ReleaseMapped).
const DefaultReleaseMapped = 5 * time.Second

// releaser drops, on a timer, this process's mapping of the file's pages.
//
// bbolt reads the file through a read-only shared memory map and writes
// every change copy-on-write to new pages, which the next transaction reads
// through the map: under steady writes nearly every page of the file is
// read once, and a page once read stays counted in the process's resident
// set (RSS) although it is the kernel's page cache, shared and reclaimable.
// A sidecar that took 45,000 orders counted 90 MB of its file that way on
// top of 32 MB of its own memory (docs/benchmarks.md). Dropping the mapping
// of those pages (madvise MADV_DONTNEED, release_linux.go) leaves them in the
// page cache; a page read again is mapped again from there, without a read
// from disk. So RSS says what the sidecar holds, and the kernel decides
// what of the file stays cached.
type releaser struct {
	every      time.Duration
	stop, done chan struct{}
}

func (s *core) runReleaser(r *releaser) {
	defer close(r.done)
	t := time.NewTicker(r.every)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			if err := releaseMapped(s.db); err != nil {
				s.opts.Logger.Warn("release the file's mapped pages", "err", err)
			}
		}
	}
}

// releaseMapped drops the process's mapping of the file's pages. It runs
// inside a read transaction, which holds bbolt's map in place (a remap waits
// for every read transaction to end), so the map it finds is the file's from
// start to end of the call.
func releaseMapped(db *bolt.DB) error {
	return db.View(func(*bolt.Tx) error {
		return dropMapping(db.Info().Data)
	})
}

// pruneChunk is how many keys pruneWhere reads in one transaction.
var pruneChunk = 1000

// pruneWhere deletes the records of bucket that match, reading pruneChunk
// keys in a read transaction and deleting the matching ones in a write
// transaction of their own, which looks at each record again (it may have
// changed in between). A bucket of 200,000 carts is then never held in one
// write transaction, which would make every checkout wait for the whole
// scan, and the pages the scan read are handed back as it goes.
func (s *core) pruneWhere(bucket []byte, match func(v []byte) bool) (int, error) {
	var after []byte
	n, chunks := 0, 0
	defer func() {
		if chunks > releaseChunks {
			if err := releaseMapped(s.db); err != nil {
				s.opts.Logger.Warn("release the file's mapped pages", "err", err)
			}
		}
	}()
	for more := true; more; chunks++ {
		if chunks > 0 && chunks%releaseChunks == 0 {
			if err := releaseMapped(s.db); err != nil {
				s.opts.Logger.Warn("release the file's mapped pages", "err", err)
			}
		}
		var doomed [][]byte
		more = false
		err := s.db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucket).Cursor()
			k, v := c.First()
			if after != nil {
				if k, v = c.Seek(after); bytes.Equal(k, after) {
					k, v = c.Next()
				}
			}
			for i := 0; k != nil; k, v = c.Next() {
				if i == pruneChunk {
					more = true
					break
				}
				i++
				after = append(after[:0], k...)
				if v != nil && match(v) {
					doomed = append(doomed, bytes.Clone(k))
				}
			}
			return nil
		})
		if err != nil || len(doomed) == 0 {
			if err != nil {
				return n, err
			}
			continue
		}
		err = s.db.Update(func(tx *bolt.Tx) error {
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
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
