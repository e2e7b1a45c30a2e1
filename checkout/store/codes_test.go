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
				got, _, err := f.s.Orders.CreateOrder(NewOrder{IdempotencyKey: fmt.Sprintf("k%d", i), RequestHash: "h", Order: o, Catalog: f.cat, Code: code})
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
			if _, _, err := f.s.Orders.Do(placed[0].ID, order.EventCancel, "owner", "test"); err != nil {
				t.Fatal(err)
			}
			p := paymentFor(placed[1], "tr_exp", payment.StatusOpen)
			if _, _, err := f.s.Orders.AttachPayment(placed[1].ID, "", p, "local"); err != nil {
				t.Fatal(err)
			}
			p.Status = payment.StatusExpired
			if _, _, _, err := f.s.Orders.ApplyPayment(p, "test"); err != nil {
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

// TestPayAgainRetakesCodeUse: an order whose payment failed holds no use
// of its code; paying it again takes one back, under the same limits as
// the first checkout and in the same transaction: refused when another
// order has the last use (in total or for the address), never counted
// twice for the same order however often it is paid again, and of two
// failed orders paid again at once only one gets the last use.
func TestPayAgainRetakesCodeUse(t *testing.T) {
	for _, batch := range []time.Duration{-1, 2 * time.Millisecond} {
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			f := open(t, batch)
			for i := range f.cat.Items {
				f.cat.Items[i].Stock.Quantity = 1000
			}
			code := &cart.Code{Code: "EENKEER", Kind: cart.CodeFixed, Value: 300, MaxUses: 1, MaxPerUser: 1}
			n := 0
			place := func(email string) (*order.Order, error) {
				n++
				o := f.newOrder(t, fmt.Sprintf("c%d", n), "BOEK-001", 1)
				o.Customer.Email = email
				o.DiscountCode = code.Code
				got, _, err := f.s.Orders.CreateOrder(NewOrder{IdempotencyKey: fmt.Sprintf("k%d", n), RequestHash: "h", Order: o, Catalog: f.cat, Code: code})
				return got, err
			}
			pay := func(o *order.Order, id string) error {
				cur, err := f.s.Orders.GetOrder(o.ID)
				if err != nil {
					t.Fatal(err)
				}
				_, _, err = f.s.Orders.AttachPaymentCode(o.ID, cur.PaymentID, paymentFor(o, id, payment.StatusOpen), "local", code)
				return err
			}
			fail := func(o *order.Order, id string) {
				if _, _, _, err := f.s.Orders.ApplyPayment(paymentFor(o, id, payment.StatusFailed), "test"); err != nil {
					t.Fatal(err)
				}
			}
			uses := func() int { n, _, _ := f.s.CodeUses(code.Code, "", ""); return n }

			a, err := place("a@example.nl")
			if err != nil {
				t.Fatal(err)
			}
			if err := pay(a, "tr_a1"); err != nil {
				t.Fatal(err)
			}
			fail(a, "tr_a1")
			if uses() != 0 {
				t.Fatalf("a failed order holds %d uses", uses())
			}
			// Paid again and failed again, three times: one use, never two.
			for i := 2; i <= 4; i++ {
				id := fmt.Sprintf("tr_a%d", i)
				if err := pay(a, id); err != nil {
					t.Fatalf("pay again %d: %v", i, err)
				}
				if uses() != 1 {
					t.Fatalf("paid again %d: %d uses", i, uses())
				}
				fail(a, id)
			}
			// b takes the last use meanwhile: a cannot have it back.
			b, err := place("b@example.nl")
			if err != nil {
				t.Fatal(err)
			}
			var used *CodeUsedUpError
			if err := pay(a, "tr_a5"); !errors.As(err, &used) || used.PerCustomer {
				t.Fatalf("paying a again with the code used up: %v", err)
			}
			if cur, _ := f.s.Orders.GetOrder(a.ID); cur.State != order.PaymentFailed || cur.Attempt("tr_a5") != nil || uses() != 1 {
				t.Fatalf("refused, a is %s with %d uses", cur.State, uses())
			}
			// Per address: b's address has its one use; b's own second order
			// (failed) cannot be paid again once the owner allows more uses.
			if _, _, err := f.s.Orders.Do(b.ID, order.EventCancel, "owner", "test"); err != nil {
				t.Fatal(err)
			}
			code.MaxUses = 0
			b2o := f.newOrder(t, "c-b2", "BOEK-001", 1)
			b2o.Customer.Email, b2o.DiscountCode = "b@example.nl", code.Code
			b2, _, err := f.s.Orders.CreateOrder(NewOrder{IdempotencyKey: "k-b2", RequestHash: "h", Order: b2o, Catalog: f.cat, Code: code})
			if err != nil {
				t.Fatal(err)
			}
			if err := pay(b2, "tr_b2"); err != nil {
				t.Fatal(err)
			}
			fail(b2, "tr_b2")
			b3o := f.newOrder(t, "c-b3", "BOEK-001", 1)
			b3o.Customer.Email, b3o.DiscountCode = "b@example.nl", code.Code
			if _, _, err := f.s.Orders.CreateOrder(NewOrder{IdempotencyKey: "k-b3", RequestHash: "h", Order: b3o, Catalog: f.cat, Code: code}); err != nil {
				t.Fatal(err)
			}
			if err := pay(b2, "tr_b2b"); !errors.As(err, &used) || !used.PerCustomer {
				t.Fatalf("paying b's failed order again with b's use taken: %v", err)
			}

			// Two failed orders paid again at once for the last use.
			code.MaxUses, code.MaxPerUser = 3, 0 // a's failed, b3 holds one, b2 failed: uses 1
			c, _ := place("c@example.nl")        // 2
			d, _ := place("d@example.nl")        // 3: used up
			for _, o := range []*order.Order{c, d} {
				if err := pay(o, "tr_1"+o.ID); err != nil {
					t.Fatal(err)
				}
				fail(o, "tr_1"+o.ID)
			}
			if uses() != 1 {
				t.Fatalf("uses %d before the race", uses())
			}
			e, err := place("e@example.nl") // 2 of 3: one left for c and d
			if err != nil {
				t.Fatal(err)
			}
			_ = e
			var wg sync.WaitGroup
			var won atomic.Int32
			for _, o := range []*order.Order{c, d} {
				wg.Go(func() {
					if err := pay(o, "tr_2"+o.ID); err == nil {
						won.Add(1)
					} else if !errors.Is(err, cart.ErrCodeUsedUp) {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if won.Load() != 1 || uses() != 3 {
				t.Fatalf("%d of two failed orders paid again, %d uses of 3", won.Load(), uses())
			}
		})
	}
}
