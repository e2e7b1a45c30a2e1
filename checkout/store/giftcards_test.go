package store

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/giftcard"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
)

// withCard makes o paid partly (or wholly) by card, as the checkout does.
func withCard(o *order.Order, c *giftcard.Card) *order.Order {
	o.GiftCard = &order.GiftTender{CardID: c.ID, Last4: c.Last4, Amount: giftcard.Tender(c.Balance, o.Total())}
	return o
}

func card(t *testing.T, f *fixture, id string) *giftcard.Card {
	t.Helper()
	c, err := f.s.GiftCards.GiftCard(id)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Check(); err != nil {
		t.Fatal(err)
	}
	return c
}

// Fifty checkouts race for one card worth one order: exactly one holds it,
// the others are told the card cannot pay; the card never goes negative.
func TestConcurrentRedemptionSpendsOnce(t *testing.T) {
	for _, batch := range []time.Duration{-1, 2 * time.Millisecond} {
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			f := open(t, batch)
			probe := f.newOrder(t, "probe", "BOEK-001", 1)
			c, code, err := f.s.GiftCards.IssueGiftCard(probe.Total(), "EUR", giftcard.Rule{}, "", "nl")
			if err != nil {
				t.Fatal(err)
			}
			if got, err := f.s.GiftCards.GiftCardByCode(code); err != nil || got.ID != c.ID {
				t.Fatalf("by code: %v %v", got, err)
			}
			var ok, refused atomic.Int32
			var wg sync.WaitGroup
			for i := range 50 {
				o := withCard(f.newOrder(t, fmt.Sprintf("c%d", i), "BOEK-001", 1), c)
				wg.Go(func() {
					_, _, err := f.s.Orders.CreateOrder(NewOrder{IdempotencyKey: fmt.Sprintf("k%d", i), RequestHash: "h", Order: o, Catalog: f.cat})
					var ge *GiftCardError
					switch {
					case err == nil:
						ok.Add(1)
					case errors.As(err, &ge) && errors.Is(err, giftcard.ErrEmpty):
						refused.Add(1)
					default:
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if ok.Load() != 1 || refused.Load() != 49 {
				t.Fatalf("%d orders held the card, %d refused; want 1 and 49", ok.Load(), refused.Load())
			}
			if got := card(t, f, c.ID); got.Balance != 0 || got.Reserved != probe.Total() {
				t.Fatalf("card after the race: balance %d reserved %d", got.Balance, got.Reserved)
			}
		})
	}
}

// A failed payment gives the hold back; paying again holds it again; paid
// spends it; a refund goes to the card first, then to the provider.
func TestGiftCardHoldFollowsTheOrder(t *testing.T) {
	f := open(t, -1)
	c, _, err := f.s.GiftCards.IssueGiftCard(1000, "EUR", giftcard.Rule{}, "", "nl")
	if err != nil {
		t.Fatal(err)
	}
	o := f.create(t, "k1", withCard(f.newOrder(t, "c1", "BOEK-001", 1), c))
	due := o.Due()
	if o.GiftCard.Hold != order.GiftHeld || due != o.Total()-1000 || due <= 0 {
		t.Fatalf("order holds %+v, due %d of %d", o.GiftCard, due, o.Total())
	}
	pay := func(id string, st payment.Status) *order.Order {
		t.Helper()
		p := payment.Payment{ID: id, Status: st, Amount: due, Currency: "EUR"}
		if st == payment.StatusOpen {
			cur, _ := f.s.Orders.GetOrder(o.ID)
			o2, _, err := f.s.Orders.AttachPayment(o.ID, cur.PaymentID, p, "local")
			if err != nil {
				t.Fatal(err)
			}
			return o2
		}
		o2, _, _, err := f.s.Orders.ApplyPayment(p, "webhook")
		if err != nil {
			t.Fatal(err)
		}
		return o2
	}
	// The provider is asked for the rest only: the whole total is refused.
	if _, _, err := f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, "tr_x", payment.StatusOpen), "local"); err == nil {
		t.Fatal("a payment of the whole total was attached to an order a card pays partly")
	}
	pay("tr_1", payment.StatusOpen)
	if got := pay("tr_1", payment.StatusExpired); got.GiftCard.Hold != "" {
		t.Fatalf("expired payment keeps the hold: %+v", got.GiftCard)
	}
	if got := card(t, f, c.ID); got.Balance != 1000 || got.Reserved != 0 {
		t.Fatalf("card after expiry: %+v", got)
	}
	pay("tr_2", payment.StatusOpen)
	if got := card(t, f, c.ID); got.Balance != 0 || got.Reserved != 1000 {
		t.Fatalf("card after paying again: %+v", got)
	}
	paid := pay("tr_2", payment.StatusPaid)
	if paid.State != order.Paid || paid.GiftCard.Hold != order.GiftSpent {
		t.Fatalf("paid order: %s %+v", paid.State, paid.GiftCard)
	}
	if got := card(t, f, c.ID); got.Balance != 0 || got.Reserved != 0 || got.Spent() != 1000 {
		t.Fatalf("card after paid: %+v", got)
	}
	// A refund of 600: all to the card. Another of the rest: 400 to the
	// card, the remainder to the provider.
	refund := func(amt money.Amount) *order.Order {
		t.Helper()
		o2, _, err := f.s.Orders.RecordRefund(o.ID, "admin", func(o *order.Order) (order.Refund, string, error) {
			return order.Refund{Amount: amt, Reason: "owner"}, "", nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return o2
	}
	r1 := refund(600)
	if last := r1.Refunds[len(r1.Refunds)-1]; last.GiftCard != 600 || last.Status != order.RefundRefunded {
		t.Fatalf("first refund: %+v", last)
	}
	r2 := refund(paid.Total() - 600)
	n := len(r2.Refunds)
	if cardPart, prov := r2.Refunds[n-2], r2.Refunds[n-1]; cardPart.GiftCard != 400 || prov.Amount != due || prov.GiftCard != 0 || prov.Status != order.RefundRecorded {
		t.Fatalf("second refund: card %+v provider %+v", cardPart, prov)
	}
	if got := card(t, f, c.ID); got.Balance != 1000 {
		t.Fatalf("card after refunds: %+v", got)
	}
	if r2.Refundable() != 0 {
		t.Fatalf("refundable after everything: %d", r2.Refundable())
	}
}

// A paid order that buys gift cards makes one card per unit and queues its
// mail for the chosen day.
func TestSoldGiftCardsAreIssuedOnPaid(t *testing.T) {
	f := open(t, -1)
	o := f.newOrder(t, "c1", "BOEK-001", 2)
	o.Lines[0].GiftCard = true
	sendOn := t0.AddDate(0, 0, 3)
	o.GiftSend = &order.GiftSend{Recipient: "ben@example.nl", Message: "Voor jou", SendOn: sendOn}
	o = f.create(t, "k1", o)
	if _, _, err := f.s.Orders.AttachPayment(o.ID, "", paymentFor(o, "tr_1", payment.StatusOpen), "local"); err != nil {
		t.Fatal(err)
	}
	paid, _, _, err := f.s.Orders.ApplyPayment(paymentFor(o, "tr_1", payment.StatusPaid), "webhook")
	if err != nil {
		t.Fatal(err)
	}
	if len(paid.GiftSend.Cards) != 2 {
		t.Fatalf("cards made: %v", paid.GiftSend.Cards)
	}
	for _, id := range paid.GiftSend.Cards {
		c := card(t, f, id)
		if c.Balance != o.Lines[0].UnitPrice || c.Recipient != "ben@example.nl" || c.Message != "Voor jou" || c.OrderID != o.ID {
			t.Fatalf("card %+v", c)
		}
		if byTok, err := f.s.GiftCards.GiftCardByToken(c.Token); err != nil || byTok.ID != id {
			t.Fatalf("by token: %v", err)
		}
	}
	due, err := f.s.MailQueue.Due(t0.Add(time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range due {
		if m.Kind == MailGiftCard {
			t.Fatalf("gift card mail due before its day: %+v", m)
		}
	}
	due, _ = f.s.MailQueue.Due(sendOn.Add(time.Minute), 10)
	n := 0
	for _, m := range due {
		if m.Kind == MailGiftCard && m.To == "ben@example.nl" && m.CardID != "" {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d gift card mails due on the day, want 2: %+v", n, due)
	}
}
