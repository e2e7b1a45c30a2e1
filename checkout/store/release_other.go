//go:build !linux

package store

// dropMapping does nothing outside Linux: the pages of the map stay counted
// until bbolt maps the file again.
func dropMapping(addr uintptr) error { return nil }
