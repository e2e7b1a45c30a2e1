package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/order"
)

// TestOneCartOnePayableProperty walks random customer paths on one cart:
// add items, check out (again), start iDEAL at the bank (Mollie will not
// cancel it then), pay, fail, authorize, go pending, let payments expire,
// press "pay again" on any order. After every step at most one payment the
// shop handed out for the cart can still be paid, and no payment was ever
// paid beside another (a stray refund would be the sign).
func TestOneCartOnePayableProperty(t *testing.T) {
	clk := &testClock{t: time.Now()}
	f := molliefake.New()
	defer f.Close()
	f.SetClock(clk.Now)
	f.RefuseCancel("ideal")
	sh := newShop(t, withMollie(f), withClock(clk))
	skus := []string{"KOF-GUJI-250-BO", "BOEK-001", "MOK-001"}
	run := 0
	rapid.Check(t, func(rt *rapid.T) {
		run++
		jar, _ := newJar()
		c := *sh // a new customer: own cookie jar, so own cart
		c.jar = jar
		c.client = &http.Client{Jar: jar, Timeout: 20 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		var orders []string // orders the shop showed this customer
		seen := func(id string) {
			for _, o := range orders {
				if o == id {
					return
				}
			}
			orders = append(orders, id)
		}
		// payments the shop handed out for this cart, with their orders.
		payments := func() []string {
			var ids []string
			for _, oid := range orders {
				o, err := sh.sc.store.Orders.GetOrder(oid)
				if err != nil {
					rt.Fatalf("order %s: %v", oid, err)
				}
				for _, a := range o.Attempts {
					ids = append(ids, a.PaymentID)
				}
			}
			return ids
		}
		check := func(step string) {
			payable := 0
			for _, id := range payments() {
				p, _ := f.Payment(id)
				switch p.Status {
				case "open", "pending", "authorized":
					payable++
				}
			}
			if payable > 1 {
				var detail []string
				for _, oid := range orders {
					o, _ := sh.sc.store.Orders.GetOrder(oid)
					for _, a := range o.Attempts {
						p, _ := f.Payment(a.PaymentID)
						detail = append(detail, fmt.Sprintf("%s(%s) %s: shop %s, Mollie %s", oid, o.State, a.PaymentID, a.Status, p.Status))
					}
				}
				rt.Fatalf("after %s: %d payments of one cart can be paid: %v", step, payable, detail)
			}
			for _, oid := range orders {
				o, _ := sh.sc.store.Orders.GetOrder(oid)
				for _, r := range o.Refunds {
					if r.Reason == order.ReasonStray {
						rt.Fatalf("after %s: order %s was paid twice (stray refund %s)", step, oid, r.ID)
					}
				}
				if o.State == order.Canceled && o.PaymentStatus == "open" {
					if p, _ := f.Payment(o.PaymentID); p.Status != "open" {
						rt.Fatalf("after %s: canceled order %s shows payment open, Mollie says %s", step, oid, p.Status)
					}
				}
			}
		}
		pick := func(label string) string {
			ids := payments()
			if len(ids) == 0 {
				return ""
			}
			return rapid.SampledFrom(ids).Draw(rt, label)
		}
		add := func(sku string) {
			// 409: sold out (the shop is shared by every run); the cart stays.
			r := c.req(http.MethodPost, "/api/cart/items", `{"sku":"`+sku+`","quantity":1}`)
			if r.StatusCode != http.StatusOK && r.StatusCode != http.StatusConflict {
				rt.Fatalf("add %s: %d %s", sku, r.StatusCode, r.body)
			}
		}
		add(rapid.SampledFrom(skus).Draw(rt, "first"))
		keys := 0
		rt.Repeat(map[string]func(*rapid.T){
			"add": func(rt *rapid.T) {
				add(rapid.SampledFrom(skus).Draw(rt, "sku"))
				check("add")
			},
			"checkout": func(rt *rapid.T) {
				keys++
				r := c.req(http.MethodPost, "/api/checkout", validCheckout, "Idempotency-Key", fmt.Sprintf("p%d-%d", run, keys))
				var a struct {
					Order OrderView `json:"order"`
				}
				_ = json.Unmarshal([]byte(r.body), &a)
				switch {
				case r.StatusCode/100 == 2 || r.StatusCode == http.StatusConflict:
					if a.Order.ID != "" {
						seen(a.Order.ID)
					}
				case r.StatusCode == http.StatusUnprocessableEntity: // empty cart after paying
				default:
					rt.Fatalf("checkout: %d %s", r.StatusCode, r.body)
				}
				check("checkout")
			},
			"start iDEAL": func(rt *rapid.T) {
				if id := pick("payment"); id != "" {
					_ = f.ChooseMethod(id, "ideal")
				}
				check("start iDEAL")
			},
			"status": func(rt *rapid.T) {
				id := pick("payment")
				st := rapid.SampledFrom([]string{"paid", "failed", "canceled", "authorized", "pending"}).Draw(rt, "status")
				if id != "" {
					_ = f.SetStatus(id, st) // refused transitions change nothing
				}
				check("status " + st)
			},
			"expire": func(rt *rapid.T) {
				clk.Add(16 * time.Minute)
				f.Tick()
				check("expire")
			},
			"pay again": func(rt *rapid.T) {
				if len(orders) == 0 {
					return
				}
				o, _ := sh.sc.store.Orders.GetOrder(rapid.SampledFrom(orders).Draw(rt, "order"))
				c.form("/order/"+o.Token+"/pay", url.Values{})
				check("pay again")
			},
		})
	})
}
