//go:build !linux

package store

import bolt "go.etcd.io/bbolt"

// TrimMap is a no-op where madvise is not used (see trim_linux.go).
func TrimMap(db *bolt.DB) error { return nil }
