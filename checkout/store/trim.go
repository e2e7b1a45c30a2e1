package store

import (
	"log/slog"
	"time"

	bolt "go.etcd.io/bbolt"
)

// KeepTrimmed calls TrimMap on db every interval until the returned stop
// is called (stop waits for a trim in progress).
func KeepTrimmed(db *bolt.DB, every time.Duration, log *slog.Logger) (stop func()) {
	end, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-end:
				return
			case <-t.C:
				if err := TrimMap(db); err != nil {
					log.Warn("drop mapped database pages from memory", "err", err)
					return
				}
			}
		}
	}()
	return func() {
		select {
		case <-end:
		default:
			close(end)
		}
		<-done
	}
}
