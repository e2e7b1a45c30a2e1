package store

import (
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
			s.dropMapped()
		}
	}
}

// dropMapped is releaseMapped on the store's file, a failure logged (the
// pages then stay counted until the next time).
func (s *core) dropMapped() {
	if err := releaseMapped(s.db); err != nil {
		s.opts.Logger.Warn("release the file's mapped pages", "err", err)
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
