package server

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/payment/local"
)

// TestLocalPaymentsOfAnEarlierVersionStillPaid: a shop upgraded from a
// version that kept the built-in provider's payments in shop-localpay.db
// (an order awaiting payment in shop.db, its open payment in the other
// file) starts, moves the payments into shop.db, renames the old file, and
// the customer can still pay the payment they were sent to: the order
// becomes paid, with one confirmation e-mail. A new checkout afterwards
// gets a payment as usual.
func TestLocalPaymentsOfAnEarlierVersionStillPaid(t *testing.T) {
	dir := t.TempDir()
	sh := newShopIn(t, dir)
	sh.addToCart("KOF-GUJI-250-BO", 1)
	r, a := sh.checkout("upgrade-1")
	if r.StatusCode != http.StatusCreated || a.CheckoutURL == "" {
		t.Fatalf("checkout: %d %s", r.StatusCode, r.body)
	}
	sh.stop()

	// The earlier layout: the provider's buckets in a file of their own.
	data := filepath.Join(dir, "shop.db")
	old := filepath.Join(dir, "shop-localpay.db")
	moveBucket(t, data, old, local.LocalBucket)

	sh2 := newShopIn(t, dir)
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("%s still there after the start: %v", old, err)
	}
	if _, err := os.Stat(old + local.ImportedSuffix); err != nil {
		t.Errorf("the earlier file is not kept as %s: %v", old+local.ImportedSuffix, err)
	}
	sh2.choose(a.CheckoutURL, "paid")
	token := a.OrderURL[strings.LastIndex(a.OrderURL, "/")+1:]
	var v OrderView
	sh2.req("GET", "/api/orders/"+token, "").json(t, &v)
	if v.State != "paid" {
		t.Fatalf("the order paid through its earlier payment is %q", v.State)
	}
	sh2.flushMail()
	if n := len(sh2.outboxFiles("confirmation")); n != 1 {
		t.Errorf("%d confirmation e-mails, want 1", n)
	}
	sh2.addToCart("KOF-GUJI-250-BO", 2)
	if r, a2 := sh2.checkout("upgrade-2"); r.StatusCode != http.StatusCreated || a2.CheckoutURL == "" || a2.CheckoutURL == a.CheckoutURL {
		t.Fatalf("a checkout after the upgrade: %d %s", r.StatusCode, r.body)
	}
}

// moveBucket moves the top-level bucket name (with its nested buckets)
// from the bbolt file from into a new file to.
func moveBucket(t *testing.T, from, to, name string) {
	t.Helper()
	src, err := bolt.Open(from, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := bolt.Open(to, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	var copyInto func(s, d *bolt.Bucket) error
	copyInto = func(s, d *bolt.Bucket) error {
		return s.ForEach(func(k, v []byte) error {
			if v == nil {
				sub, err := d.CreateBucket(k)
				if err != nil {
					return err
				}
				return copyInto(s.Bucket(k), sub)
			}
			return d.Put(k, v)
		})
	}
	err = src.Update(func(stx *bolt.Tx) error {
		b := stx.Bucket([]byte(name))
		if b == nil {
			t.Fatalf("no bucket %s in %s", name, from)
		}
		if err := dst.Update(func(dtx *bolt.Tx) error {
			d, err := dtx.CreateBucket([]byte(name))
			if err != nil {
				return err
			}
			return copyInto(b, d)
		}); err != nil {
			return err
		}
		return stx.DeleteBucket([]byte(name))
	})
	if err != nil {
		t.Fatal(err)
	}
}
