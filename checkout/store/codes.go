package store

import (
	"bytes"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/store/side"
)

// Discount codes (docs/codes.md): the codes the owner made through the
// admin API (codes from data/codes.toml live in git and are not stored),
// and the uses of every code, one key per order.
// The codes themselves are side.Codes (Store.Codes): no other change
// touches them. The uses are here: a payment takes one in its transaction.
var bucketCodeUses = []byte("code_uses") // code NUL order id -> e-mail

// ErrCodeExists is side.ErrCodeExists: a code of that name exists already.
var ErrCodeExists = side.ErrCodeExists

// CodeUsedUpError says that a code's limit is reached: in total, or for
// this customer's address. errors.Is(err, cart.ErrCodeUsedUp) holds.
type CodeUsedUpError struct {
	Code        string
	PerCustomer bool
}

func (e *CodeUsedUpError) Error() string {
	if e.PerCustomer {
		return fmt.Sprintf("code %s: used up for this address", e.Code)
	}
	return fmt.Sprintf("code %s: used up", e.Code)
}

// Is makes errors.Is(err, cart.ErrCodeUsedUp) true.
func (e *CodeUsedUpError) Is(target error) bool { return target == cart.ErrCodeUsedUp }

// usesCode reports whether an order holds a use of its code: every order
// except one canceled (or replaced) and one whose payment failed or expired
// (paying it again takes the use back).
func usesCode(o *order.Order) bool {
	return o.DiscountCode != "" && o.State != order.Canceled && o.State != order.PaymentFailed
}

// countCodeUses counts the orders holding a use of code, and those of
// email; the order except (if any) does not count.
func countCodeUses(tx *bolt.Tx, code, email, except string) (total, mine int, err error) {
	b := tx.Bucket(bucketCodeUses)
	if b == nil {
		return 0, 0, nil
	}
	// Whether an order holds its use is read from the state index (usesCode:
	// not canceled, payment not failed), not by decoding the order: the
	// cart counts a code's uses on every view (docs/codes.md).
	prefix := []byte(code + "\x00")
	orders := tx.Bucket(bucketOrders).Cursor()
	var states *bolt.Cursor
	if b := tx.Bucket(bucketStates); b != nil {
		states = b.Cursor()
	}
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		id := string(k[len(prefix):])
		if id == except || !hasKey(orders, []byte(id)) {
			continue
		}
		if states != nil && (hasKey(states, stateKey(order.Canceled, id)) || hasKey(states, stateKey(order.PaymentFailed, id))) {
			continue
		}
		total++
		if string(v) == email {
			mine++
		}
	}
	return total, mine, nil
}

// hasKey reports whether c's bucket holds key (whatever its value, even empty).
func hasKey(c *bolt.Cursor, key []byte) bool {
	k, _ := c.Seek(key)
	return bytes.Equal(k, key)
}

// takeCodeUse records the use of o's code, refusing it when a limit of c
// is reached. It runs in the transaction that stores o (or attaches a new
// payment to it, paid again), so two checkouts at once cannot both take
// the last use; o's own use is one use however often it is paid again.
func takeCodeUse(tx *bolt.Tx, o *order.Order, c *cart.Code) error {
	if o.DiscountCode == "" {
		return nil
	}
	email := strings.ToLower(o.Customer.Email)
	if c != nil && c.Limited() {
		total, mine, err := countCodeUses(tx, o.DiscountCode, email, o.ID) // its own use (an order paid again) is not another
		if err != nil {
			return fmt.Errorf("count uses of code %s: %w", o.DiscountCode, err)
		}
		if c.MaxUses > 0 && total >= c.MaxUses {
			return &CodeUsedUpError{Code: o.DiscountCode}
		}
		if c.MaxPerUser > 0 && mine >= c.MaxPerUser {
			return &CodeUsedUpError{Code: o.DiscountCode, PerCustomer: true}
		}
	}
	b, err := tx.CreateBucketIfNotExists(bucketCodeUses)
	if err != nil {
		return err
	}
	return b.Put([]byte(o.DiscountCode+"\x00"+o.ID), []byte(email))
}

// CodeUses counts the uses of code now held by orders (all addresses), and
// those of email ("" for none), leaving out the order except ("" for none).
func (s *Store) CodeUses(code, email, except string) (total, mine int, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		total, mine, err = countCodeUses(tx, cart.NormalizeCode(code), strings.ToLower(email), except)
		return err
	})
	return total, mine, err
}
