package store

import (
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// TrimMap drops a bbolt file's mapped pages from this process's resident
// set (madvise MADV_DONTNEED on bbolt's read-only shared map): they stay
// in the kernel's page cache, so the next read of one is a minor fault,
// not a disk read. Without it every page the sidecar ever read through the
// map counts in its RSS, and the RSS grows with the file. It runs inside a
// read transaction, where bbolt cannot remap, so the range is the live map.
func TrimMap(db *bolt.DB) error {
	return db.View(func(tx *bolt.Tx) error {
		addr, size := db.Info().Data, tx.Size()
		if addr == 0 || size <= 0 {
			return nil
		}
		if _, _, e := syscall.Syscall(syscall.SYS_MADVISE, addr, uintptr(size), syscall.MADV_DONTNEED); e != 0 {
			return e
		}
		return nil
	})
}
