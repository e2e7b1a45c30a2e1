package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/cart"
)

// stallWriter takes nothing until release is closed, like a backup client
// that stopped reading.
type stallWriter struct{ release chan struct{} }

func (w stallWriter) Write(p []byte) (int, error) {
	<-w.release
	return len(p), nil
}

// A backup whose reader stalls must not hold up writes, not even the ones
// that grow the file (bbolt cannot remap while a read transaction is open),
// and leaves no temporary copy behind.
func TestBackupStalledReaderDoesNotBlockWrites(t *testing.T) {
	f := open(t, -1)
	w := stallWriter{release: make(chan struct{})}
	done := make(chan error, 1)
	go func() { _, err := f.s.Backup(w); done <- err }()
	time.Sleep(50 * time.Millisecond) // let the backup start and stall

	wrote := make(chan error, 1)
	go func() {
		// About 8 MB of carts: the file must grow past its first mappings.
		note := strings.Repeat("x", 4000)
		for i := range 2000 {
			c := &cart.Cart{ID: fmt.Sprintf("cart-%04d", i), UpdatedAt: t0}
			c.Lines = []cart.Line{{SKU: note, Quantity: 1}}
			if err := f.s.Carts.SaveCart(c); err != nil {
				wrote <- err
				return
			}
		}
		wrote <- nil
	}()
	select {
	case err := <-wrote:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		close(w.release)
		t.Fatal("writes waited for the stalled backup reader")
	}
	close(w.release)
	if err := <-done; err != nil {
		t.Fatalf("backup: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(f.path), ".*backup*"))
	if len(left) > 0 {
		t.Errorf("temporary copies left behind: %v", left)
	}
	if _, err := os.Stat(f.path); err != nil {
		t.Fatal(err)
	}
}

// A file cut short (an interrupted copy or restore, a full disk) is refused
// with a message naming it and what to do, instead of crashing later.
func TestOpenRefusesTruncatedFile(t *testing.T) {
	f := open(t, -1)
	for i := range 300 {
		f.create(t, fmt.Sprint("k", i), f.newOrder(t, fmt.Sprint("c", i), "MOLEN-1", 1))
	}
	f.s.Close()
	fi, err := os.Stat(f.path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(f.path, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
	s, err := Open(f.path, f.opts)
	if err == nil {
		s.Close()
		t.Fatal("a truncated database was opened")
	}
	if !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), f.path) || !strings.Contains(err.Error(), "backup") {
		t.Errorf("error %q: want ErrTruncated naming the file and the backup", err)
	}
	// The file is left as it was, for inspection.
	if fi2, _ := os.Stat(f.path); fi2.Size() != fi.Size()/2 {
		t.Errorf("file size %d after the refusal, want %d", fi2.Size(), fi.Size()/2)
	}
	// reopen for the fixture's cleanup
	if err := os.Truncate(f.path, 0); err != nil {
		t.Fatal(err)
	}
	if f.s, err = Open(f.path, f.opts); err != nil {
		t.Fatal(err)
	}
}
