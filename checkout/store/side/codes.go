package side

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/store/kv"
)

// Codes are the discount codes the owner made through the admin API
// (docs/codes.md; codes from data/codes.toml live in git and are not
// stored), in their own bucket, created on the first:
//
//	codes  normalised code -> cart.Code
//
// No other change reads or writes them: checkout looks a code up here and
// hands it to the payment, whose transaction counts its use
// (store.CodeUses, bucket code_uses).
type Codes struct{ b kv.Base }

// NewCodes is the codes of the file b.
func NewCodes(b kv.Base) *Codes { return &Codes{b: b} }

var bucketCodes = []byte("codes")

// ErrCodeExists is returned when a code of that name exists already.
var ErrCodeExists = errors.New("code exists already")

// Create stores a code made by the owner; ErrCodeExists when one of
// that name exists.
func (s *Codes) Create(c cart.Code) error {
	c.Code = cart.NormalizeCode(c.Code)
	return s.b.Write(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketCodes)
		if err != nil {
			return err
		}
		if b.Get([]byte(c.Code)) != nil {
			return fmt.Errorf("%s: %w", c.Code, ErrCodeExists)
		}
		return kv.PutJSON(b, c.Code, c)
	})
}

// SetDisabled turns a stored code off (or on again).
func (s *Codes) SetDisabled(code string, disabled bool) (cart.Code, error) {
	var c cart.Code
	code = cart.NormalizeCode(code)
	err := s.b.Write(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketCodes)
		if err != nil {
			return err
		}
		if err := kv.GetJSON(b, code, &c); err != nil {
			return err
		}
		c.Disabled = disabled
		return kv.PutJSON(b, code, c)
	})
	if err != nil {
		return cart.Code{}, fmt.Errorf("code %s: %w", code, err)
	}
	return c, nil
}

// Get returns the stored code of that name (kv.ErrNotFound).
func (s *Codes) Get(code string) (cart.Code, error) {
	var c cart.Code
	err := s.b.DB.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCodes)
		if b == nil {
			return kv.ErrNotFound
		}
		return kv.GetJSON(b, cart.NormalizeCode(code), &c)
	})
	return c, err
}

// List lists the stored codes by name.
func (s *Codes) List() ([]cart.Code, error) {
	var out []cart.Code
	err := s.b.DB.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCodes)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var c cart.Code
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("code %s: %w", k, err)
			}
			out = append(out, c)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, err
}
