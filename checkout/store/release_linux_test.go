package store

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// mappedKB is the resident size, in kB, of this process's mappings of path
// (from /proc/self/smaps).
func mappedKB(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no smaps: %v", err)
	}
	defer f.Close()
	kb, in := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			// A mapping's header line; an anonymous one has no path.
			in = len(fields) >= 6 && fields[len(fields)-1] == path
			continue
		}
		if in && len(fields) >= 2 && fields[0] == "Rss:" {
			n, _ := strconv.Atoi(fields[1])
			kb += n
		}
	}
	return kb
}

// fillAndRead writes n values of 4 KB to a bucket of the store's file and
// reads them all back through the map; it returns their checksum.
func fillAndRead(t *testing.T, db *bolt.DB, n int) [32]byte {
	t.Helper()
	err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("release-test"))
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			v := bytes.Repeat([]byte{byte(i), byte(i >> 8)}, 2048)
			if err := b.Put([]byte(fmt.Sprintf("%08d", i)), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return readAll(t, db)
}

func readAll(t *testing.T, db *bolt.DB) [32]byte {
	t.Helper()
	h := sha256.New()
	err := db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("release-test")).ForEach(func(k, v []byte) error {
			h.Write(k)
			h.Write(v)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

func TestReleaseMappedDropsResidentPagesAndKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")
	s, err := Open(path, Options{NoSync: true, ReleaseMapped: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sum := fillAndRead(t, s.DB(), 5000) // about 20 MB of pages
	before := mappedKB(t, path)
	if before < 10_000 {
		t.Fatalf("reading 20 MB through the map left %d kB resident; the test cannot see a release", before)
	}
	if err := releaseMapped(s.DB()); err != nil {
		t.Fatal(err)
	}
	after := mappedKB(t, path)
	if after > before/10 {
		t.Errorf("resident pages of the file: %d kB before the release, %d kB after; want a tenth or less", before, after)
	}
	if got := readAll(t, s.DB()); got != sum {
		t.Fatal("the data read after the release differs from before")
	}
	if again := mappedKB(t, path); again < before/2 {
		t.Errorf("reading everything again mapped %d kB (before: %d): the map is not in use?", again, before)
	}
}

func TestReleaseMappedRunsOnItsTimer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")
	s, err := Open(path, Options{NoSync: true, ReleaseMapped: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	fillAndRead(t, s.DB(), 2500)
	deadline := time.Now().Add(10 * time.Second)
	for mappedKB(t, path) > 2_000 {
		if time.Now().After(deadline) {
			t.Fatalf("still %d kB of the file resident 10 s after reading it, with a release every 20 ms", mappedKB(t, path))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := s.Close(); err != nil { // stops the timer; a second Close must not hang
		t.Fatal(err)
	}
}
