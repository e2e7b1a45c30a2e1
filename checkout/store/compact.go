package store

import (
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
)

// CompactFile writes a compacted copy of the bbolt file src to dst (which
// must not exist): every bucket, key, value and sequence, with full leaves
// and no free pages. bbolt reuses freed pages but never gives them back to
// the disk, so a file that once held much more (a spike of carts, erased
// customers, forgotten idempotency keys) stays that big; restoring the
// compacted copy shrinks it. It returns both files' sizes.
func CompactFile(src, dst string) (before, after int64, err error) {
	fi, err := os.Stat(src)
	if err != nil {
		return 0, 0, fmt.Errorf("compact %s: %w", src, err)
	}
	if _, err := os.Stat(dst); err == nil {
		return 0, 0, fmt.Errorf("compact to %s: the file exists", dst)
	}
	in, err := bolt.Open(src, 0o400, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return 0, 0, fmt.Errorf("compact %s: %w", src, err)
	}
	defer in.Close()
	// NoSync while copying; one Sync at the end makes the copy durable.
	out, err := bolt.Open(dst, 0o600, &bolt.Options{Timeout: time.Second, NoSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return 0, 0, fmt.Errorf("compact to %s: %w", dst, err)
	}
	// 64 MB per transaction keeps the copy's memory bounded on a big file.
	if err := bolt.Compact(out, in, 64<<20); err != nil {
		out.Close()
		os.Remove(dst)
		return 0, 0, fmt.Errorf("compact %s: %w", src, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(dst)
		return 0, 0, fmt.Errorf("compact to %s: %w", dst, err)
	}
	if err := out.Close(); err != nil {
		return 0, 0, fmt.Errorf("compact to %s: %w", dst, err)
	}
	fo, err := os.Stat(dst)
	if err != nil {
		return 0, 0, fmt.Errorf("compact to %s: %w", dst, err)
	}
	return fi.Size(), fo.Size(), nil
}
