package shop

import (
	"crypto/rand"
	"encoding/base64"
	"testing"
	"time"
)

// New cart ids sort as the carts were made (the cart store and the order
// indexes keyed by cart are appended to) and pass the cookie's check, and
// the random ids of earlier versions, still in customers' cookies, do too.
func TestCartIDsSortByTimeAndEarlierOnesStayValid(t *testing.T) {
	prev := newCartID()
	for range 5 {
		time.Sleep(2 * time.Millisecond)
		id := newCartID()
		if !validCartID(id) {
			t.Fatalf("new cart id %q refused by the cookie check", id)
		}
		if !(prev < id) {
			t.Fatalf("cart id %q made later sorts before %q", id, prev)
		}
		prev = id
	}
	b := make([]byte, 32)
	rand.Read(b)
	if old := base64.RawURLEncoding.EncodeToString(b); !validCartID(old) {
		t.Errorf("a cart id of the earlier form %q is refused", old)
	}
	for _, bad := range []string{"", prev[:42], prev + "x", prev[:42] + "*"} {
		if validCartID(bad) {
			t.Errorf("cart id %q accepted", bad)
		}
	}
}
