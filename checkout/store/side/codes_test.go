package side

import (
	"errors"
	"testing"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/store/kv"
)

func TestStoredCodes(t *testing.T) {
	f := open(t)
	c := cart.Code{Code: "winter-5", Kind: cart.CodeFixed, Value: 500}
	if err := f.codes.Create(c); err != nil {
		t.Fatal(err)
	}
	if err := f.codes.Create(c); !errors.Is(err, ErrCodeExists) {
		t.Fatalf("second create: %v", err)
	}
	got, err := f.codes.SetDisabled("Winter-5", true)
	if err != nil || !got.Disabled || got.Code != "WINTER-5" {
		t.Fatalf("disable: %+v %v", got, err)
	}
	list, err := f.codes.List()
	if err != nil || len(list) != 1 || !list[0].Disabled {
		t.Fatalf("list: %+v %v", list, err)
	}
	if _, err := f.codes.Get("nope"); !errors.Is(err, kv.ErrNotFound) {
		t.Fatalf("unknown: %v", err)
	}
}
