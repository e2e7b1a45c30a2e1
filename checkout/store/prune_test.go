package store

import (
	"fmt"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
	"pgregory.net/rapid"
)

// pruneWhere, in chunks of any size, deletes exactly the records that
// match and says how many.
func TestPruneWhereInChunksProperty(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "shop.db"), Options{NoSync: true, ReleaseMapped: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	defer func(c, r int) { pruneChunk, releaseChunks = c, r }(pruneChunk, releaseChunks)
	bucket := []byte("prune-test")
	rapid.Check(t, func(rt *rapid.T) {
		pruneChunk = rapid.IntRange(1, 9).Draw(rt, "chunk")
		releaseChunks = rapid.IntRange(1, 4).Draw(rt, "releaseChunks")
		old := rapid.SliceOfN(rapid.Bool(), 0, 60).Draw(rt, "old")
		if err := s.db.Update(func(tx *bolt.Tx) error {
			_ = tx.DeleteBucket(bucket)
			b, err := tx.CreateBucket(bucket)
			if err != nil {
				return err
			}
			for i, o := range old {
				v := "new"
				if o {
					v = "old"
				}
				if err := b.Put(fmt.Appendf(nil, "%04d", i), []byte(v)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			rt.Fatal(err)
		}
		n, err := s.pruneWhere(bucket, func(v []byte) bool { return string(v) == "old" })
		if err != nil {
			rt.Fatal(err)
		}
		want := 0
		for _, o := range old {
			if o {
				want++
			}
		}
		if n != want {
			rt.Fatalf("pruned %d, want %d", n, want)
		}
		s.db.View(func(tx *bolt.Tx) error {
			for i, o := range old {
				v := tx.Bucket(bucket).Get(fmt.Appendf(nil, "%04d", i))
				if o && v != nil || !o && string(v) != "new" {
					rt.Fatalf("record %d (old %v) is %q after the prune", i, o, v)
				}
			}
			return nil
		})
	})
}
