package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/server/web"
)

type strictInner struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

type strictBody struct {
	Name  string            `json:"name"`
	Skip  string            `json:"-"`
	Lines []strictInner     `json:"lines"`
	Ptr   *strictInner      `json:"ptr,omitempty"`
	Meta  map[string]string `json:"meta"`
	At    time.Time         `json:"at"`
	NoTag int
	//lint:ignore U1000 an unexported field the decoder must leave alone
	hidden int
}

func TestDecodeStrict(t *testing.T) {
	for _, tt := range []struct {
		body string
		want error // nil: decodes
	}{
		{`{"name":"a","lines":[{"sku":"A","quantity":1}],"ptr":{"sku":"B"},"meta":{"x":"y"},"at":"2026-01-02T03:04:05Z","NoTag":1}`, nil},
		{`{}`, nil},
		{`{"sku":"A","SKU":"B"}`, web.ErrUnknownField}, // at the top level neither is known
		{`{"lines":[{"sku":"A","SKU":"B"}]}`, web.ErrFieldCase},
		{`{"Name":"a"}`, web.ErrFieldCase},
		{`{"NAME":"a"}`, web.ErrFieldCase},
		{`{"notag":1}`, web.ErrFieldCase},
		{`{"name":"a","name":"b"}`, web.ErrDuplicateKey},
		{`{"lines":[{"sku":"A","sku":"B"}]}`, web.ErrDuplicateKey},
		{`{"meta":{"x":"1","x":"2"}}`, web.ErrDuplicateKey},
		{`{"ptr":{"quantity":1,"quantity":2}}`, web.ErrDuplicateKey},
		{`{"price":1}`, web.ErrUnknownField},
		{`{"lines":[{"sku":"A","price":1}]}`, web.ErrUnknownField},
		{`{"Skip":"x"}`, web.ErrUnknownField},
		{`{"-":"x"}`, web.ErrUnknownField},
		{`{"hidden":1}`, web.ErrUnknownField},
		{`{"name":"a"} {"name":"b"}`, errors.New("more than one")},
		{`{"name":`, errors.New("EOF")},
		{`{"name":1}`, errors.New("cannot unmarshal")},
	} {
		var v strictBody
		err := web.DecodeStrict([]byte(tt.body), &v)
		switch {
		case tt.want == nil && err != nil:
			t.Errorf("%s: %v", tt.body, err)
		case tt.want != nil && err == nil:
			t.Errorf("%s: accepted, want %v", tt.body, tt.want)
		case tt.want != nil && !errors.Is(err, tt.want) && !strings.Contains(err.Error(), tt.want.Error()):
			t.Errorf("%s: %v, want %v", tt.body, err, tt.want)
		}
	}
}

// FuzzDecodeStrict: whatever the body, DecodeStrict never panics, and what
// it accepts encoding/json accepts with the same result.
func FuzzDecodeStrict(f *testing.F) {
	for _, s := range []string{`{"sku":"A","SKU":"B"}`, `{"lines":[{"sku":"A","quantity":2}]}`, `{"name":"a","name":"a"}`,
		`{"meta":{"a":{"b":[1,{"c":2}]}}}`, `[]`, `null`, `{"ptr":null}`, `{"amount": 500, "full": true}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v strictBody
		if web.DecodeStrict(data, &v) != nil {
			return
		}
		var plain strictBody
		if err := json.Unmarshal(data, &plain); err != nil || !reflect.DeepEqual(v, plain) {
			t.Errorf("accepted %s, which encoding/json reads otherwise (%v): %+v vs %+v", data, err, v, plain)
		}
	})
}

// TestStrictBodiesOnTheAPI: the money endpoints refuse a key in another
// case, a duplicate key and an unknown field; nothing is added or refunded.
func TestStrictBodiesOnTheAPI(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	for _, tt := range []struct {
		body   string
		status int
	}{
		{`{"sku":"MOK-001","SKU":"KOF-GUJI-250-BO","quantity":1}`, 422},
		{`{"sku":"MOK-001","sku":"KOF-GUJI-250-BO","quantity":1}`, 400},
		{`{"sku":"MOK-001","quantity":1,"quantity":5}`, 400},
		{`{"sku":"MOK-001","Quantity":5}`, 422},
		{`{"sku":"MOK-001","quantity":1,"qty":5}`, 422},
	} {
		r := sh.req(http.MethodPost, "/api/cart/items", tt.body)
		if r.StatusCode != tt.status || r.errorMessage(t) == "" {
			t.Errorf("add %s: %d %s, want %d with an error", tt.body, r.StatusCode, r.body, tt.status)
		}
	}
	if r := sh.req(http.MethodGet, "/api/cart", ""); strings.Contains(r.body, "MOK-001") || strings.Contains(r.body, "KOF-GUJI") {
		t.Errorf("a refused body changed the cart: %s", r.body)
	}
	body := strings.Replace(validCheckout, `"name":"Eva de Vries"`, `"name":"Eva de Vries","NAME":"Other"`, 1)
	sh.addToCart("MOK-001", 1)
	if r := sh.req(http.MethodPost, "/api/checkout", body, "Idempotency-Key", "strict-1"); r.StatusCode != 422 {
		t.Errorf("checkout with NAME: %d %s", r.StatusCode, r.body)
	}
	o := sh.paidOrder(f, "strict-2", map[string]int{"MOK-001": 2})
	for _, b := range []string{`{"full":true,"Full":false}`, `{"full":true,"full":true}`, `{"amount":100,"reason":"x"}`} {
		if r := sh.admin(http.MethodPost, "/api/admin/orders/"+o.ID+"/refund", b); r.StatusCode/100 != 4 {
			t.Errorf("refund %s: %d %s", b, r.StatusCode, r.body)
		}
	}
	if o, _ = sh.sc.store.Orders.GetOrder(o.ID); len(o.Refunds) != 0 {
		t.Errorf("a refused body refunded: %+v", o.Refunds)
	}
}

// TestRefundAPIRefusesAmbiguousBodies: a body that says two things, or a
// line of zero units, is refused with 422 and an error; nothing is refunded.
func TestRefundAPIRefusesAmbiguousBodies(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	o := sh.paidOrder(f, "ambiguous", map[string]int{"MOK-001": 2})
	for _, b := range []string{
		`{"amount":500,"full":true}`,
		`{"lines":[{"sku":"MOK-001","quantity":1}],"full":true}`,
		`{"return_code":"X-R1","amount":100}`,
		`{"lines":[{"sku":"MOK-001","quantity":0}]}`,
		`{"lines":[{"sku":"MOK-001","quantity":-1}]}`,
		`{"lines":[{"sku":"","quantity":1}]}`,
		`{"amount":-100}`,
		`{"full":true,"shipping":true}`,
		`{}`,
	} {
		r := sh.admin(http.MethodPost, "/api/admin/orders/"+o.ID+"/refund", b)
		if r.StatusCode != http.StatusUnprocessableEntity || r.errorMessage(t) == "" {
			t.Errorf("refund %s: %d %s, want 422 with an error", b, r.StatusCode, r.body)
		}
	}
	if o, _ = sh.sc.store.Orders.GetOrder(o.ID); len(o.Refunds) != 0 {
		t.Errorf("a refused body refunded: %+v", o.Refunds)
	}
	if r := sh.admin(http.MethodPost, "/api/admin/orders/"+o.ID+"/refund", `{"amount":500}`); r.StatusCode != http.StatusOK {
		t.Errorf("a plain amount: %d %s", r.StatusCode, r.body)
	}
}
