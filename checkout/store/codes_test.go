package store

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
)

// TestCodeUsesUnderConcurrency: 40 checkouts at once with a code good for
// 5 uses in total and 2 per address: exactly the uses the limits allow are
// taken, with and without batched commits; a canceled order and one whose
// payment expired give their use back.
func TestCodeUsesUnderConcurrency(t *testing.T) {
	for _, batch := range []time.Duration{-1, 2 * time.Millisecond} {
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			f := open(t, batch)
			for i := range f.cat.Items {
				f.cat.Items[i].Stock.Quantity = 1000
			}
			code := &cart.Code{Code: "HERFST", Kind: cart.CodePercent, Value: 10, MaxUses: 5, MaxPerUser: 2}
			place := func(i int, email string) (*order.Order, error) {
				o := f.newOrder(t, fmt.Sprintf("c%d", i), "BOEK-001", 1)
				o.Customer.Email = email
				o.DiscountCode = code.Code
				got, _, err := f.s.CreateOrder(NewOrder{IdempotencyKey: fmt.Sprintf("k%d", i), RequestHash: "h", Order: o, Catalog: f.cat, Code: code})
				return got, err
			}
			var ok, total, mine atomic.Int32
			var wg sync.WaitGroup
			var mu sync.Mutex
			var placed []*order.Order
			for i := range 40 {
				wg.Go(func() {
					o, err := place(i, fmt.Sprintf("k%d@example.nl", i%4))
					var used *CodeUsedUpError
					switch {
					case err == nil:
						ok.Add(1)
						mu.Lock()
						placed = append(placed, o)
						mu.Unlock()
					case errors.As(err, &used) && errors.Is(err, cart.ErrCodeUsedUp):
						if used.PerCustomer {
							mine.Add(1)
						} else {
							total.Add(1)
						}
					default:
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if ok.Load() != 5 || total.Load()+mine.Load() != 35 {
				t.Fatalf("%d placed, %d used up, %d used up for the address; want 5 placed", ok.Load(), total.Load(), mine.Load())
			}
			perEmail := map[string]int{}
			for _, o := range placed {
				perEmail[o.Customer.Email]++
			}
			for e, n := range perEmail {
				if n > 2 {
					t.Fatalf("%s used the code %d times", e, n)
				}
			}
			if n, _, _ := f.s.CodeUses("herfst", "", ""); n != 5 {
				t.Fatalf("CodeUses = %d", n)
			}
			// Cancel one; let another's payment expire: two uses free.
			if _, _, err := f.s.Do(placed[0].ID, order.EventCancel, "owner", "test"); err != nil {
				t.Fatal(err)
			}
			p := paymentFor(placed[1], "tr_exp", payment.StatusOpen)
			if _, _, err := f.s.AttachPayment(placed[1].ID, "", p, "local"); err != nil {
				t.Fatal(err)
			}
			p.Status = payment.StatusExpired
			if _, _, _, err := f.s.ApplyPayment(p, "test"); err != nil {
				t.Fatal(err)
			}
			if n, _, _ := f.s.CodeUses("HERFST", "", ""); n != 3 {
				t.Fatalf("after a cancel and an expiry CodeUses = %d, want 3", n)
			}
			if _, err := place(100, "new@example.nl"); err != nil {
				t.Fatalf("a freed use: %v", err)
			}
			if _, err := place(101, "new2@example.nl"); err != nil {
				t.Fatalf("the second freed use: %v", err)
			}
			if _, err := place(102, "new3@example.nl"); !errors.Is(err, cart.ErrCodeUsedUp) {
				t.Fatalf("a sixth use: %v", err)
			}
		})
	}
}

func TestStoredCodes(t *testing.T) {
	f := open(t, -1)
	c := cart.Code{Code: "winter-5", Kind: cart.CodeFixed, Value: 500}
	if err := f.s.CreateCode(c); err != nil {
		t.Fatal(err)
	}
	if err := f.s.CreateCode(c); !errors.Is(err, ErrCodeExists) {
		t.Fatalf("second create: %v", err)
	}
	got, err := f.s.SetCodeDisabled("Winter-5", true)
	if err != nil || !got.Disabled || got.Code != "WINTER-5" {
		t.Fatalf("disable: %+v %v", got, err)
	}
	list, err := f.s.Codes()
	if err != nil || len(list) != 1 || !list[0].Disabled {
		t.Fatalf("list: %+v %v", list, err)
	}
	if _, err := f.s.Code("nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown: %v", err)
	}
}
