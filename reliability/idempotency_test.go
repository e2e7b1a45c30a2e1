package reliability

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/server"
)

// TestConcurrentDoubleSubmit: twenty simultaneous submits of one checkout
// (same cart, same key) make one order with one payment, and every answer
// that succeeds names it.
func TestConcurrentDoubleSubmit(t *testing.T) {
	fake := molliefake.New()
	defer fake.Close()
	s := startShop(t, shopConfig{fake: fake})
	c := s.customer()
	if a := c.add("KOF-001", 2); a.status != http.StatusOK {
		t.Fatalf("add: %s", a)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ids := map[string]int{}
	statuses := map[int]int{}
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, ca := c.checkout("same-click", form("Dubbel"))
			mu.Lock()
			defer mu.Unlock()
			statuses[a.status]++
			if a.status == http.StatusOK || a.status == http.StatusCreated {
				ids[ca.Order.ID+" "+paymentID(ca.CheckoutURL)]++
			}
		}()
	}
	wg.Wait()
	if len(ids) != 1 {
		t.Errorf("20 simultaneous submits gave %d different order/payment pairs: %v (statuses %v)", len(ids), ids, statuses)
	}
	for st, n := range statuses {
		if st >= 500 || st == 0 {
			t.Errorf("%d submits answered %d", n, st)
		}
	}
	orders := adminOrders(t, s.URL)
	if len(orders) != 1 {
		t.Fatalf("%d orders for one checkout clicked 20 times", len(orders))
	}
	if n := paymentsPerOrder(t, fake)[orders[0].ID]; n != 1 {
		t.Errorf("order %s has %d payments at the provider, want 1", orders[0].ID, n)
	}
}

// TestConcurrentPayAgain: after a failed payment, ten simultaneous "pay
// again" clicks start one new payment, not ten.
func TestConcurrentPayAgain(t *testing.T) {
	fake := molliefake.New()
	defer fake.Close()
	s := startShop(t, shopConfig{fake: fake})
	c := s.customer()
	c.add("MOK-001", 1)
	a, ca := c.checkout("pay-again-1", form("Opnieuw"))
	if a.status != http.StatusCreated {
		t.Fatalf("checkout: %s", a)
	}
	if err := fake.SetStatus(paymentID(ca.CheckoutURL), "failed"); err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(ca.OrderURL, s.URL) + "/pay"
	var wg sync.WaitGroup
	var mu sync.Mutex
	targets := map[string]int{}
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := c.do(http.MethodPost, path, "", "Content-Type", "application/x-www-form-urlencoded")
			mu.Lock()
			defer mu.Unlock()
			if a.status >= 500 || a.status == 0 {
				t.Errorf("pay again: %s", a)
				return
			}
			targets[a.header.Get("Location")]++
		}()
	}
	wg.Wait()
	n := paymentsPerOrder(t, fake)[ca.Order.ID]
	if n != 2 {
		t.Errorf("order %s has %d payments after one failure and 10 simultaneous pay-again clicks, want 2 (redirects: %v)", ca.Order.ID, n, targets)
	}
	var o server.OrderView
	adminGet(t, s.URL, "/api/admin/orders/"+ca.Order.ID, &o)
	if o.State != "awaiting_payment" {
		t.Errorf("order is %s after pay again, want awaiting_payment", o.State)
	}
}

// TestNoOversell: thirty customers check out the last five books at once:
// at most five orders, the others get a 409 that says how many are left,
// and a failed payment gives its book back.
func TestNoOversell(t *testing.T) {
	fake := molliefake.New()
	defer fake.Close()
	s := startShop(t, shopConfig{fake: fake})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var won []server.CheckoutAnswer
	statuses := map[int]int{}
	for i := 0; i < 30; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := s.customer()
			if a := c.add("BOEK-001", 1); a.status != http.StatusOK {
				mu.Lock()
				statuses[-a.status]++ // refused at the cart already
				mu.Unlock()
				return
			}
			a, ca := c.checkout(fmt.Sprint("book-", i), form("Lezer"))
			mu.Lock()
			defer mu.Unlock()
			statuses[a.status]++
			switch a.status {
			case http.StatusCreated:
				won = append(won, ca)
			case http.StatusConflict:
				if a.errorText() == "" {
					t.Errorf("409 without a message")
				}
			default:
				t.Errorf("checkout of the last books: %s", a)
			}
		}(i)
	}
	wg.Wait()
	if len(won) > 5 || len(won) == 0 {
		t.Fatalf("%d orders for 5 books (statuses %v)", len(won), statuses)
	}
	remaining := func() string {
		a := s.customer().do(http.MethodGet, "/api/availability?sku=BOEK-001", nil)
		return string(a.body)
	}
	if want := fmt.Sprintf(`"remaining":%d`, 5-len(won)); !strings.Contains(remaining(), want) {
		t.Errorf("availability after %d orders: %s, want %s", len(won), remaining(), want)
	}
	if err := fake.SetStatus(paymentID(won[0].CheckoutURL), "expired"); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf(`"remaining":%d`, 5-len(won)+1); !strings.Contains(remaining(), want) {
		t.Errorf("availability after an expired payment: %s, want %s (the book back)", remaining(), want)
	}
}
