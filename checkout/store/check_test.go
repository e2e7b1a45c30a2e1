package store

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/order"
)

// fill writes n orders and closes the store; it returns the file size.
func (f *fixture) fill(t *testing.T, n int) int64 {
	t.Helper()
	for i := range n {
		f.create(t, fmt.Sprint("k", i), f.newOrder(t, fmt.Sprint("c", i), "MOLEN-1", 1))
	}
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(f.path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// reopen lets the fixture's cleanup close something.
func (f *fixture) reopenEmpty(t *testing.T) {
	t.Helper()
	if err := os.Truncate(f.path, 0); err != nil {
		t.Fatal(err)
	}
	s, err := Open(f.path, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	f.s = s
}

// A healthy file passes the check, and says it was checked.
func TestCheckFileHealthy(t *testing.T) {
	f := open(t, -1)
	f.fill(t, 50)
	res, err := CheckFile(f.path, CheckOptions{})
	if err != nil || !res.Checked {
		t.Fatalf("healthy file: %+v, %v", res, err)
	}
	// Too large for the check: only the truncation check runs.
	if res, err := CheckFile(f.path, CheckOptions{MaxSize: 1}); err != nil || res.Checked {
		t.Fatalf("file over MaxSize: %+v, %v; want skipped", res, err)
	}
	f.reopenEmpty(t)
}

// Random bytes over whole pages: the structure check (or the truncation
// check, when a meta page is hit) refuses the file with the restore steps,
// and never crashes; a page whose garbage happens to look valid may pass
// the structure check but then must open.
func TestCheckFileRandomPages(t *testing.T) {
	f := open(t, -1)
	size := f.fill(t, 600)
	orig, err := os.ReadFile(f.path)
	if err != nil {
		t.Fatal(err)
	}
	pages := size / 4096
	refused := 0
	rng := rand.New(rand.NewPCG(1, 2))
	for _, pg := range []int64{2, 3, pages / 3, pages / 2, pages - 2} {
		b := append([]byte(nil), orig...)
		for i := pg * 4096; i < (pg+1)*4096; i++ {
			b[i] = byte(rng.UintN(256))
		}
		if err := os.WriteFile(f.path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := CheckFile(f.path, CheckOptions{})
		if err != nil {
			refused++
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "backup") || !strings.Contains(err.Error(), f.path) {
				t.Errorf("page %d: error %q: want ErrCorrupt naming the file and the restore steps", pg, err)
			}
			if s, err := Open(f.path, f.opts); err == nil {
				s.Close()
				t.Errorf("page %d: Open accepted a file CheckFile refuses", pg)
			}
		}
	}
	if refused == 0 {
		t.Error("random bytes over five pages: none refused")
	}
	if err := os.WriteFile(f.path, orig, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(f.path, f.opts)
	if err != nil {
		t.Fatalf("the original file after the damage was put back: %v", err)
	}
	f.s = s
}

// One order whose bytes do not decode: it is skipped and reported, and
// the listing, the state listing, the figures and a customer's orders go
// on with the rest.
func TestUndecodableOrderSkippedAndReported(t *testing.T) {
	f := open(t, -1)
	reported := make(chan BadRecord, 4)
	f.opts.OnBadRecord = func(r BadRecord) { reported <- r }
	f.fill(t, 5)
	s, err := Open(f.path, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	f.s = s
	all, err := s.Orders.ListOrders(Filter{})
	if err != nil || len(all) != 5 {
		t.Fatalf("%d orders, %v", len(all), err)
	}
	bad := all[2].ID
	err = s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOrders).Put([]byte(bad), []byte(`{"id":"`+bad+`","state":"awaiting_payment",`+"\x9c\x01garbage"))
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err = s.Orders.ListOrders(Filter{})
	if err != nil || len(all) != 4 {
		t.Fatalf("listing with one bad record: %d orders, %v; want the other 4", len(all), err)
	}
	open, err := s.Orders.ListOrders(Filter{States: []order.State{order.AwaitingPayment}})
	if err != nil || len(open) != 4 {
		t.Fatalf("listing by state with one bad record: %d orders, %v; want the other 4", len(open), err)
	}
	st, err := s.Stats()
	if err != nil || st.Undecodable != 1 {
		t.Fatalf("stats: %+v, %v; want 1 undecodable", st, err)
	}
	if _, err := s.Loyalty.CustomerOrders("anna@example.nl"); err != nil {
		t.Fatalf("a customer's orders: %v", err)
	}
	r := <-reported
	if r.Bucket != "orders" || r.Key != bad || r.Err == "" {
		t.Errorf("reported %+v, want orders/%s", r, bad)
	}
	if got := s.BadRecords(); len(got) != 1 || got[0].Key != bad {
		t.Errorf("BadRecords = %+v, want the one order", got)
	}
	select {
	case r := <-reported:
		t.Errorf("reported twice: %+v", r)
	default:
	}
}
