package store

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/giftcard"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
)

// TestGiftCardMoneyAddsUp: random carts paid with a card of random balance,
// payments that expire or are paid, random partial refunds. Always: the
// card is never negative; what it holds + spent = issued; for every paid
// order, card part + provider charge = total, and refunds to the card plus
// refunds to the provider = refunded, the card's share never above what it
// paid.
func TestGiftCardMoneyAddsUp(t *testing.T) {
	skus := []string{"KOF-GUJI-250-BO", "MOLEN-1", "BOEK-001"}
	rapid.Check(t, func(rt *rapid.T) {
		f := open(t, -1)
		for i := range f.cat.Items {
			f.cat.Items[i].Stock.Tracked = false
		}
		bal := money.Amount(rapid.Int64Range(100, 20000).Draw(rt, "balance"))
		c, _, err := f.s.GiftCards.IssueGiftCard(bal, "EUR", giftcard.Rule{}, "", "nl")
		if err != nil {
			rt.Fatal(err)
		}
		for n := range rapid.IntRange(1, 5).Draw(rt, "orders") {
			cur, _ := f.s.GiftCards.GiftCard(c.ID)
			o := f.newOrder(t, fmt.Sprintf("c%d", n), rapid.SampledFrom(skus).Draw(rt, "sku"), rapid.IntRange(1, 4).Draw(rt, "qty"))
			if cur.Balance > 0 {
				o = withCard(o, cur)
			}
			o, _, err := f.s.Orders.CreateOrder(NewOrder{IdempotencyKey: fmt.Sprintf("k%d", n), RequestHash: "h", Order: o, Catalog: f.cat})
			if err != nil {
				rt.Fatal(err)
			}
			if o.Due() == 0 {
				if o, _, err = f.s.Orders.UpdateOrder(o.ID, func(o *order.Order) (bool, []order.Effect, error) {
					eff, err := o.PayByGiftCard(t0)
					return true, eff, err
				}); err != nil {
					rt.Fatal(err)
				}
			} else {
				p := payment.Payment{ID: fmt.Sprintf("tr_%d", n), Status: payment.StatusOpen, Amount: o.Due(), Currency: "EUR"}
				if _, _, err := f.s.Orders.AttachPayment(o.ID, "", p, "local"); err != nil {
					rt.Fatal(err)
				}
				p.Status = rapid.SampledFrom([]payment.Status{payment.StatusPaid, payment.StatusExpired}).Draw(rt, "outcome")
				if o, _, _, err = f.s.Orders.ApplyPayment(p, "webhook"); err != nil {
					rt.Fatal(err)
				}
			}
			for r := range rapid.IntRange(0, 3).Draw(rt, "refunds") {
				if o.State != order.Paid || o.Refundable() == 0 {
					break
				}
				amt := money.Amount(rapid.Int64Range(1, int64(o.Refundable())).Draw(rt, fmt.Sprint("refund", r)))
				if o, _, err = f.s.Orders.RecordRefund(o.ID, "admin", func(o *order.Order) (order.Refund, string, error) {
					return order.Refund{Amount: amt, Reason: "owner"}, "", nil
				}); err != nil {
					rt.Fatal(err)
				}
			}
			if o.State == order.Paid {
				var toCard, toProvider money.Amount
				for _, r := range o.Refunds {
					toCard += r.GiftCard
					if r.GiftCard == 0 {
						toProvider += r.Amount
					}
				}
				if toCard+toProvider != o.RefundedAmount() || toCard > o.GiftCard.Paying() || toProvider > o.Due() {
					rt.Fatalf("order %s: refunds card %d + provider %d vs refunded %d; card paid %d, provider %d",
						o.ID, toCard, toProvider, o.RefundedAmount(), o.GiftCard.Paying(), o.Due())
				}
				if o.GiftCard.Paying()+o.Due() != o.Total() {
					rt.Fatalf("card %d + provider %d ≠ total %d", o.GiftCard.Paying(), o.Due(), o.Total())
				}
			}
			got, _ := f.s.GiftCards.GiftCard(c.ID)
			if err := got.Check(); err != nil {
				rt.Fatal(err)
			}
			if got.Reserved != 0 {
				rt.Fatalf("held %d with no order awaiting payment", got.Reserved)
			}
		}
	})
}
