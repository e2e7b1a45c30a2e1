package usecase

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/store"
)

// TestOrderActionsProperty: an owner's action (pack, ship, deliver,
// cancel) or the customer's cancel on an order in any state, paid or not,
// does what the order's transition table says and nothing else: on success
// the stored state is the table's next state, on refusal a domain error
// (order.ErrTransition, ErrTooLate, ErrPaymentBusy, ErrBadTrackingLink) and
// the stored order is unchanged; a cancel refunds (RefundAll) exactly when
// the canceled order was paid and has money left to refund, and a refund
// that fails is ErrCancelRefund with the order canceled all the same.
func TestOrderActionsProperty(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "shop.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	var refunds int
	var refundErr error
	u := Orders{
		Deps:    Deps{Store: st, Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))},
		Effects: func(*order.Order, []order.Effect) {},
		TrackingLink: func(_, link, code string) (string, bool) {
			if link == "bad" {
				return "", false
			}
			if link == "" && code != "" {
				return "https://track.example/" + code, true
			}
			return link, true
		},
		RefundAll: func(_ context.Context, id, _ string) (*order.Order, error) {
			refunds++
			return nil, refundErr
		},
	}
	rapid.Check(t, func(rt *rapid.T) {
		state := rapid.SampledFrom(order.States).Draw(rt, "state")
		paid := rapid.Bool().Draw(rt, "paid")
		o := &order.Order{State: state, Currency: "EUR", CreatedAt: now, Customer: order.Customer{Email: "eva@example.nl"}, Lang: "nl",
			Lines:  []order.Line{{SKU: "A", Title: "Alpha", UnitPrice: 1000, Quantity: 1, LineTotal: 1000}},
			Totals: cart.Totals{Subtotal: 1000, Shipping: 495, GrandTotal: 1495, Currency: "EUR"}}
		if paid {
			o.PaymentID, o.PaidAt = "tr_x", now
		}
		o, _, err := st.Orders.CreateOrder(store.NewOrder{Order: o})
		if err != nil {
			rt.Fatal(err)
		}
		before := o.State
		action := rapid.SampledFrom([]string{"pack", "ship", "ship-bad-link", "deliver", "cancel", "customer-cancel"}).Draw(rt, "action")
		refundErr = nil
		if rapid.Bool().Draw(rt, "refund fails") {
			refundErr = errors.New("provider down")
		}
		refunds = 0
		var ev order.Event
		var got *order.Order
		ctx := context.Background()
		switch action {
		case "pack":
			ev = order.EventPack
			got, err = u.Pack(o.ID, "admin")
		case "ship":
			ev = order.EventShip
			got, err = u.Ship(o.ID, "admin", "", "3SABC")
		case "ship-bad-link":
			ev = order.EventShip
			got, err = u.Ship(o.ID, "admin", "bad", "")
		case "deliver":
			ev = order.EventDeliver
			got, err = u.Deliver(o.ID, "admin")
		case "cancel":
			ev = order.EventCancel
			got, err = u.Cancel(ctx, o.ID, "admin")
		case "customer-cancel":
			ev = order.EventCancel
			got, err = u.CustomerCancel(ctx, o.ID)
		}
		stored, gerr := u.Get(o.ID)
		if gerr != nil {
			rt.Fatal(gerr)
		}
		next, terr := order.Transition(before, ev)
		switch {
		case action == "ship-bad-link":
			if !errors.Is(err, ErrBadTrackingLink) || stored.State != before {
				rt.Fatalf("bad link: %v, state %s", err, stored.State)
			}
			return
		case action == "customer-cancel" && before != order.Canceled && !CustomerMayCancel(o):
			if !errors.Is(err, ErrTooLate) && !errors.Is(err, ErrPaymentBusy) || stored.State != before {
				rt.Fatalf("customer cancel of a %s order: %v, state %s", before, err, stored.State)
			}
			return
		case before == order.Canceled && ev == order.EventCancel:
			// Canceling again retries the refund of a paid order; otherwise
			// the owner is told it does not apply.
			if stored.State != order.Canceled {
				rt.Fatalf("cancel of a canceled order moved it to %s", stored.State)
			}
			if action == "cancel" && !paid && !errors.Is(err, order.ErrTransition) {
				rt.Fatalf("owner's cancel of an unpaid canceled order: %v", err)
			}
		case terr != nil:
			if !errors.Is(err, order.ErrTransition) || stored.State != before {
				rt.Fatalf("%s on %s: %v, state %s; the table refuses it", action, before, err, stored.State)
			}
			return
		default:
			if stored.State != next || (got != nil && got.State != next) {
				rt.Fatalf("%s on %s: stored %s, want %s (err %v)", action, before, stored.State, next, err)
			}
		}
		if ev == order.EventCancel {
			wantRefund := paid && stored.Refundable() > 0
			if (refunds > 0) != wantRefund {
				rt.Fatalf("cancel of a %s order (paid %v): %d refunds", before, paid, refunds)
			}
			if wantRefund && refundErr != nil && !errors.Is(err, ErrCancelRefund) {
				rt.Fatalf("a failed refund after cancel: %v, want ErrCancelRefund", err)
			}
			if wantRefund && refundErr == nil && err != nil {
				rt.Fatalf("cancel with a refund that went through: %v", err)
			}
		} else if err != nil {
			rt.Fatalf("%s on %s: %v", action, before, err)
		}
		if action == "ship" && stored.TrackingURL != "https://track.example/3SABC" {
			rt.Fatalf("shipped with tracking %q", stored.TrackingURL)
		}
	})
}
