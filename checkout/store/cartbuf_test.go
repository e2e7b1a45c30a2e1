package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
)

// Buffered carts behave like carts written at once: whatever mix of adds,
// quantity changes, removals, deletes, flushes and restarts, a read shows
// the last change, and a cleanly closed store keeps every change.
func TestCartBufferMatchesModel(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		f := open(t, 0)
		f.opts.CartFlush = time.Duration(rapid.SampledFrom([]int{1, 5, 3600_000}).Draw(rt, "flush ms")) * time.Millisecond
		f.s.Close()
		reopen := func() {
			s, err := Open(f.path, f.opts)
			if err != nil {
				rt.Fatal(err)
			}
			f.s = s
		}
		reopen()
		defer func() { f.s.Close() }()
		skus := []string{"BOEK-001", "MOLEN-1"}
		model := map[string]map[string]int{} // cart -> sku -> quantity
		for i, n := 0, rapid.IntRange(1, 40).Draw(rt, "steps"); i < n; i++ {
			id := rapid.SampledFrom([]string{"c1", "c2", "c3"}).Draw(rt, "cart")
			sku := rapid.SampledFrom(skus).Draw(rt, "sku")
			switch rapid.IntRange(0, 5).Draw(rt, "op") {
			case 0, 1:
				_, err := f.s.Carts.UpdateCart(id, func(c *cart.Cart) error { return cart.Add(c, f.cat, sku, 1, t0) })
				if err != nil {
					rt.Fatal(err)
				}
				if model[id] == nil {
					model[id] = map[string]int{}
				}
				model[id][sku]++
			case 2:
				_, err := f.s.Carts.UpdateCart(id, func(c *cart.Cart) error { return cart.Remove(c, sku, t0) })
				if err == nil {
					delete(model[id], sku)
					if model[id] == nil {
						model[id] = map[string]int{} // an update stores the (empty) cart
					}
				}
			case 3:
				if err := f.s.Carts.DeleteCart(id); err != nil {
					rt.Fatal(err)
				}
				delete(model, id)
			case 4:
				if err := f.s.Carts.FlushCarts(); err != nil {
					rt.Fatal(err)
				}
			case 5:
				if err := f.s.Close(); err != nil {
					rt.Fatal(err)
				}
				reopen()
			}
			for _, id := range []string{"c1", "c2", "c3"} {
				c, err := f.s.Carts.GetCart(id)
				want, ok := model[id]
				if !ok {
					if !errors.Is(err, ErrNotFound) {
						rt.Fatalf("step %d: cart %s: %v, %v; want none", i, id, c, err)
					}
					continue
				}
				if err != nil {
					rt.Fatalf("step %d: cart %s: %v", i, id, err)
				}
				got := map[string]int{}
				for _, l := range c.Lines {
					got[l.SKU] = l.Quantity
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					rt.Fatalf("step %d: cart %s has %v, want %v", i, id, got, want)
				}
			}
		}
	})
}

// A paid order empties its cart, also while a change of that cart still
// waits in the buffer: no later flush, read or restart brings it back.
func TestPaidOrderClearsBufferedCart(t *testing.T) {
	f := open(t, 0)
	f.opts.CartFlush = time.Hour // nothing is written but by Close, Flush or a paid order
	f.s.Close()
	s, err := Open(f.path, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	f.s = s
	if _, err := f.s.Carts.UpdateCart("c1", func(c *cart.Cart) error { return cart.Add(c, f.cat, "BOEK-001", 1, t0) }); err != nil {
		t.Fatal(err)
	}
	o, _, err := f.s.Orders.CreateOrder(NewOrder{IdempotencyKey: "k1", RequestHash: "h", Order: f.newOrder(t, "c1", "BOEK-001", 1), Catalog: f.cat})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, "tr_1", payment.StatusOpen), "local"); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := f.s.Orders.ApplyPayment(paymentFor(o, "tr_1", payment.StatusPaid), "webhook"); err != nil {
		t.Fatal(err)
	}
	if c, err := f.s.Carts.GetCart("c1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("cart after the paid order: %+v, %v", c, err)
	}
	if err := f.s.Carts.FlushCarts(); err != nil {
		t.Fatal(err)
	}
	f.s.Close()
	if f.s, err = Open(f.path, f.opts); err != nil {
		t.Fatal(err)
	}
	if c, err := f.s.Carts.GetCart("c1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("cart after restart: %+v, %v", c, err)
	}
	f.s.Close()
}

// Concurrent changes of one cart are serialized: none is lost.
func TestBufferedCartConcurrentAdds(t *testing.T) {
	f := open(t, 0)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				if _, err := f.s.Carts.UpdateCart("c1", func(c *cart.Cart) error { return cart.Add(c, f.cat, "BOEK-001", 1, t0) }); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	c, err := f.s.Carts.GetCart("c1")
	if err != nil || len(c.Lines) != 1 || c.Lines[0].Quantity != 40 {
		t.Fatalf("cart %+v, %v; want 40 of BOEK-001", c, err)
	}
}

// A reader that sees an order paid never sees its cart's lines: the cart
// leaves the buffer before the paid order's commit becomes visible (bbolt
// shows a commit to readers before its OnCommit hooks run, so clearing
// there left a window; a customer back from paying could see a full cart).
func TestPaidOrderNeverShowsItsCart(t *testing.T) {
	f := open(t, 0)
	const orders = 60
	for i := range orders {
		cartID, key := fmt.Sprintf("c%d", i), fmt.Sprintf("k%d", i)
		if _, err := f.s.Carts.UpdateCart(cartID, func(c *cart.Cart) error { return cart.Add(c, f.cat, "MOLEN-1", 1, t0) }); err != nil {
			t.Fatal(err)
		}
		o, _, err := f.s.Orders.CreateOrder(NewOrder{IdempotencyKey: key, RequestHash: "h", Order: f.newOrder(t, cartID, "MOLEN-1", 1), Catalog: f.cat})
		if err != nil {
			t.Fatal(err)
		}
		pid := fmt.Sprintf("tr_%d", i)
		if _, _, err := f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, pid, payment.StatusOpen), "local"); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			_, _, _, err := f.s.Orders.ApplyPayment(paymentFor(o, pid, payment.StatusPaid), "webhook")
			done <- err
		}()
		// Read as a customer's browser would: the order's state, then the cart.
		for paid := false; !paid; {
			cur, err := f.s.Orders.GetOrder(o.ID)
			if err != nil {
				t.Fatal(err)
			}
			paid = cur.State == order.Paid
			if c, err := f.s.Carts.GetCart(cartID); paid && err == nil && len(c.Lines) > 0 {
				t.Fatalf("order %s is paid but its cart still has %d lines", o.ID, len(c.Lines))
			}
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// Paying an order takes what it ordered out of its cart and nothing else:
// a customer whose payment failed may change the cart (add a line, raise or
// lower a quantity, take a line out) before pressing "Pay again" on the
// order; what was added after the order and not in it stays in the cart
// (it was emptied whole before, so an item never ordered vanished as if it
// had been bought). Buffered and unbuffered carts, read now and after a
// restart.
func TestPaidOrderKeepsWhatItDidNotOrderProperty(t *testing.T) {
	skus := []string{"KOF-GUJI-250-BO", "BOEK-001", "MOLEN-1"}
	rapid.Check(t, func(rt *rapid.T) {
		f := open(t, 0)
		buffered := rapid.Bool().Draw(rt, "buffered")
		if !buffered {
			f.opts.CartFlush = -1
			f.s.Close()
			s, err := Open(f.path, f.opts)
			if err != nil {
				rt.Fatal(err)
			}
			f.s = s
		}
		var want map[string]int
		ordered := map[string]int{}
		var args []any
		for _, sku := range skus {
			if n := rapid.IntRange(0, 3).Draw(rt, "ordered "+sku); n > 0 {
				ordered[sku] = n
				args = append(args, sku, n)
			}
		}
		if len(args) == 0 {
			args, ordered["BOEK-001"] = []any{"BOEK-001", 1}, 1
		}
		if _, err := f.s.Carts.UpdateCart("c1", func(c *cart.Cart) error {
			c.Lines, c.Code = nil, "WELKOM10"
			for i := 0; i < len(args); i += 2 {
				if err := cart.Add(c, f.cat, args[i].(string), args[i+1].(int), t0); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			rt.Fatal(err)
		}
		proto := f.newOrder(t, "c1", args...)
		proto.DiscountCode = "WELKOM10"
		o := f.create(t, "k1", proto)
		if _, _, err := f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, "tr_1", payment.StatusOpen), "local"); err != nil {
			rt.Fatal(err)
		}
		if _, _, _, err := f.s.Orders.ApplyPayment(paymentFor(o, "tr_1", payment.StatusFailed), "webhook"); err != nil {
			rt.Fatal(err)
		}
		// The customer changes the cart while the payment has failed.
		c, err := f.s.Carts.UpdateCart("c1", func(c *cart.Cart) error {
			for _, sku := range skus {
				switch rapid.IntRange(0, 3).Draw(rt, "change "+sku) {
				case 1:
					if err := cart.Add(c, f.cat, sku, rapid.IntRange(1, 3).Draw(rt, "add "+sku), t0); err != nil {
						return err
					}
				case 2:
					if c.Find(sku) >= 0 {
						if err := cart.SetQuantity(c, sku, rapid.IntRange(1, 5).Draw(rt, "set "+sku), t0); err != nil {
							return err
						}
					}
				case 3:
					if c.Find(sku) >= 0 {
						if err := cart.Remove(c, sku, t0); err != nil {
							return err
						}
					}
				}
			}
			return nil
		})
		if err != nil {
			rt.Fatal(err)
		}
		want = map[string]int{}
		for _, l := range c.Lines {
			if n := l.Quantity - ordered[l.SKU]; n > 0 {
				want[l.SKU] = n
			}
		}
		// "Pay again": a new attempt, paid.
		if _, _, err := f.s.Orders.AttachPayment(o.ID, "tr_1", paymentFor(o, "tr_2", payment.StatusOpen), "local"); err != nil {
			rt.Fatal(err)
		}
		if _, _, _, err := f.s.Orders.ApplyPayment(paymentFor(o, "tr_2", payment.StatusPaid), "webhook"); err != nil {
			rt.Fatal(err)
		}
		check := func(when string) {
			got, err := f.s.Carts.GetCart("c1")
			if len(want) == 0 {
				if !errors.Is(err, ErrNotFound) {
					rt.Fatalf("%s: nothing left to keep, but the cart is %+v (%v)", when, got, err)
				}
				return
			}
			if err != nil {
				rt.Fatalf("%s: the cart with %v not ordered is gone: %v", when, want, err)
			}
			have := map[string]int{}
			for _, l := range got.Lines {
				have[l.SKU] = l.Quantity
			}
			if fmt.Sprint(have) != fmt.Sprint(want) {
				rt.Fatalf("%s: cart %v after paying an order of %v; want %v", when, have, ordered, want)
			}
			if got.Code != "" {
				rt.Fatalf("%s: the cart keeps the code %q the paid order used", when, got.Code)
			}
		}
		check("after paying")
		if err := f.s.Carts.FlushCarts(); err != nil {
			rt.Fatal(err)
		}
		f.s.Close()
		if f.s, err = Open(f.path, f.opts); err != nil {
			rt.Fatal(err)
		}
		check("after a restart")
	})
}
