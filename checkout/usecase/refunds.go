package usecase

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/returns"
	"github.com/storefront/storefront/checkout/store"
	"github.com/storefront/storefront/checkout/wire"
)

// Refunds that never go twice (docs/after-sale.md):
//
//  1. A refund is recorded in BoltDB (status "recorded") before anything is
//     sent, in the same transaction as the check that paid minus refunded
//     (recorded ones included) covers it.
//  2. Before each send the attempt is counted in BoltDB. A refund with an
//     attempt behind it is never sent again before the provider's list of
//     refunds of the payment has been read: if it is there (found by our
//     refund id in its metadata), it is adopted, not sent.
//  3. Every send carries the refund's own id as idempotency key.
//  4. After a timeout (payment.ErrUncertain) nothing is retried at once; the
//     reconciler (or the next webhook) lists first, as in 2.
//  5. One sender per order at a time in this process (Lock), and only the
//     sidecar opens the database, so list-then-send cannot interleave.

// ErrRefundUncertain says a refund may or may not have reached the provider.
var ErrRefundUncertain = errors.New("the payment provider did not answer in time; the refund is recorded and will be checked against the provider's list before anything is sent again")

// Refunds are the refund use cases: the owner's refunds (a return, lines,
// an amount, everything), receiving a return, the refund of a canceled
// paid order and of a stray payment, and the webhook's and reconciler's
// checks with the provider.
type Refunds struct {
	Deps
	// Provider is the payment provider in force (it is wrapped for metrics
	// and the call budget after the use cases are made).
	Provider func() payment.Provider
	// Lock holds the refund work of one order at a time.
	Lock func(orderID string) (unlock func())
	// Checks is when each order's refunds were last asked about (checkDue).
	Checks *sync.Map
}

// Policy is the return policy in force.
func (u Refunds) Policy() returns.Policy { return returns.PolicyFrom(u.Catalog().Returns) }

func orOld(o, old *order.Order) *order.Order {
	if o != nil {
		return o
	}
	return old
}

// Refund records the refund plan decides on and sends it (see the top of
// this file). It returns the order as stored and the refund.
func (u Refunds) Refund(ctx context.Context, orderID, by string, plan store.RefundPlan) (*order.Order, *order.Refund, error) {
	unlock := u.Lock(orderID)
	defer unlock()
	o, r, err := u.Store.Orders.RecordRefund(orderID, by, plan)
	if err != nil {
		return nil, nil, err
	}
	if r == nil {
		return o, nil, nil
	}
	o, err = u.sendLocked(ctx, orderID, r.ID, by)
	if o != nil {
		r = o.RefundByID(r.ID)
	}
	return o, r, err
}

// sendLocked brings a recorded refund to the provider. The caller
// holds the order's lock.
func (u Refunds) sendLocked(ctx context.Context, orderID, rid, by string) (*order.Order, error) {
	o, err := u.Store.Orders.GetOrder(orderID)
	if err != nil {
		return nil, err
	}
	r := o.RefundByID(rid)
	if r == nil {
		return o, fmt.Errorf("order %s has no refund %s", orderID, rid)
	}
	if r.Status != order.RefundRecorded {
		return o, nil // the provider has it
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if r.Attempts > 0 {
		// Sent before with no answer we could trust: look before sending.
		list, err := u.Provider().ListRefunds(ctx, r.PaymentID)
		if err != nil {
			return o, fmt.Errorf("list refunds of %s before sending %s again: %w", r.PaymentID, rid, err)
		}
		if pr := findRefund(list, rid); pr != nil {
			u.Log.Info("refund found at the provider after an unanswered send", "order", orderID, "refund", rid, "provider_id", pr.ID)
			o, _, err := u.Store.Orders.ApplyRefund(orderID, rid, pr.ID, pr.Status, "", by)
			u.kick()
			return o, err
		}
	}
	if _, err := u.Store.Orders.StartRefundSend(orderID, rid); err != nil {
		return o, err
	}
	pr, err := u.Provider().CreateRefund(ctx, r.PaymentID, payment.RefundRequest{
		Amount: r.Amount, Currency: o.Currency,
		Description:    fmt.Sprintf("%s %s", u.Catalog().Shop.Name, rid),
		Metadata:       map[string]string{"order_id": orderID, "refund_id": rid},
		IdempotencyKey: rid,
	})
	switch {
	case err == nil:
		o, _, err := u.Store.Orders.ApplyRefund(orderID, rid, pr.ID, pr.Status, "", by)
		u.kick()
		u.Log.Info("refund sent", "order", orderID, "refund", rid, "amount", money.Format(r.Amount, o.Currency), "status", pr.Status)
		return o, err
	case errors.Is(err, payment.ErrUncertain):
		u.Log.Warn("refund outcome uncertain; will list before any retry", "order", orderID, "refund", rid, "err", err)
		o2, _, _ := u.Store.Orders.ApplyRefund(orderID, rid, "", "", "uncertain: "+err.Error(), by)
		return orOld(o2, o), fmt.Errorf("refund %s: %w", rid, ErrRefundUncertain)
	case errors.Is(err, payment.ErrInvalid), errors.Is(err, payment.ErrNotFound):
		// Refused: no money moved. It no longer counts as refunded.
		u.Log.Error("refund refused by the provider", "order", orderID, "refund", rid, "err", err)
		o2, _, _ := u.Store.Orders.ApplyRefund(orderID, rid, "", order.RefundFailed, err.Error(), by)
		return orOld(o2, o), fmt.Errorf("refund %s refused by the payment provider: %w", rid, err)
	default:
		u.Log.Warn("refund not sent; the reconciler retries after checking the provider", "order", orderID, "refund", rid, "err", err)
		o2, _, _ := u.Store.Orders.ApplyRefund(orderID, rid, "", "", err.Error(), by)
		return orOld(o2, o), fmt.Errorf("refund %s: %w", rid, err)
	}
}

// findRefund finds our refund in the provider's list by the id we gave it.
func findRefund(list []payment.Refund, rid string) *payment.Refund {
	for i := range list {
		if list[i].Metadata["refund_id"] == rid {
			return &list[i]
		}
	}
	return nil
}

// Sync reads the provider's refunds of an order's payment and brings
// their status to the order's open refunds; recorded refunds not found
// there are sent (after the list was read, with their own idempotency key).
// Called by the webhook (Mollie calls the payment webhook for refunds) and
// by the reconciler.
func (u Refunds) Sync(ctx context.Context, orderID, by string) error {
	unlock := u.Lock(orderID)
	defer unlock()
	o, err := u.Store.Orders.GetOrder(orderID)
	if err != nil {
		return err
	}
	open := o.OpenRefunds()
	if len(open) == 0 {
		return nil
	}
	lists := map[string][]payment.Refund{}
	var errs []error
	for _, r := range open {
		list, seen := lists[r.PaymentID]
		if !seen {
			lctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			list, err = u.Provider().ListRefunds(lctx, r.PaymentID)
			cancel()
			if err != nil {
				errs = append(errs, fmt.Errorf("list refunds of %s: %w", r.PaymentID, err))
				continue
			}
			lists[r.PaymentID] = list
		}
		if pr := findRefund(list, r.ID); pr != nil {
			if _, _, err := u.Store.Orders.ApplyRefund(orderID, r.ID, pr.ID, pr.Status, "", by); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		if r.Status == order.RefundRecorded {
			// Listed and not there: not performed. Send it (same key).
			if _, err := u.sendLocked(ctx, orderID, r.ID, by); err != nil {
				errs = append(errs, err)
			}
		}
	}
	u.kick()
	return errors.Join(errs...)
}

// SyncOfPayment is the webhook's part: refunds of the order the
// payment belongs to. Unknown payments are ignored.
func (u Refunds) SyncOfPayment(ctx context.Context, paymentID, by string) error {
	o, err := u.Store.Orders.OrderByPaymentID(paymentID)
	if err != nil {
		return nil
	}
	if len(o.OpenRefunds()) == 0 {
		return nil
	}
	return u.Sync(ctx, o.ID, by)
}

// Reconcile is the reconciler's part: every order with a refund
// whose status may still change.
func (u Refunds) Reconcile(ctx context.Context) int {
	ids, err := u.Store.Orders.OrdersWithOpenRefunds()
	if err != nil {
		u.Log.Error("reconciler: open refunds", "err", err)
		return 0
	}
	for _, id := range ids {
		if ctx.Err() != nil {
			break
		}
		if !u.checkDue(id) {
			continue
		}
		if err := u.Sync(ctx, id, "reconciler"); err != nil {
			u.Log.Warn("reconciler: refunds", "order", id, "err", err)
		}
	}
	return len(ids)
}

const refundCheckEvery = 10 * time.Minute

// checkDue throttles the reconciler per order: refunds the provider
// has taken (pending for days until settlement) are asked about every ten
// minutes; a recorded one (maybe never sent) every round. The times live
// in Checks (the Sidecar's refundChecks): a global map keyed by the Sidecar's
// address took a later Sidecar at a reused address for an earlier one and
// skipped its checks (TestRefundNewsByWebhook failed with -count=20).
func (u Refunds) checkDue(orderID string) bool {
	key := orderID
	if o, err := u.Store.Orders.GetOrder(orderID); err == nil {
		for _, r := range o.OpenRefunds() {
			if r.Status == order.RefundRecorded {
				u.Checks.Store(key, u.Now())
				return true
			}
		}
	}
	if v, ok := u.Checks.Load(key); ok && u.Now().Sub(v.(time.Time)) < refundCheckEvery {
		return false
	}
	u.Checks.Store(key, u.Now())
	return true
}

// Plans.

// PlanFull refunds everything still refundable; reason says why (cancel,
// owner). A refund with the same reason that did not fail is reused.
func PlanFull(reason string) store.RefundPlan {
	return func(o *order.Order) (order.Refund, string, error) {
		for _, r := range o.Refunds {
			if r.Reason == reason && r.ReturnCode == "" && len(r.Lines) == 0 && !order.RefundVoid(r.Status) {
				return order.Refund{}, r.ID, nil
			}
		}
		a := returns.Full(o)
		return order.Refund{Amount: a.Total(), Shipping: a.Shipping, Reason: reason}, "", nil
	}
}

// planReturn refunds one return by the policy: its items at the price
// paid, shipping when the policy gives it back now. Once per return.
func planReturn(p returns.Policy, code string) store.RefundPlan {
	return func(o *order.Order) (order.Refund, string, error) {
		ret := o.Return(code)
		if ret == nil {
			return order.Refund{}, "", fmt.Errorf("%w %q", order.ErrNoReturn, code)
		}
		if ret.RefundID != "" {
			if r := o.RefundByID(ret.RefundID); r != nil && !order.RefundVoid(r.Status) {
				return order.Refund{}, r.ID, nil
			}
		}
		a := p.ForLines(o, ret.Lines, returns.AllBack(o, nil, true))
		return order.Refund{Amount: a.Total(), Shipping: a.Shipping, Reason: "return", ReturnCode: code, Lines: ret.Lines}, "", nil
	}
}

// planLines refunds units by item (no return needed: e.g. arrived broken),
// with the shipping cost when asked and not refunded before. The same
// refund asked again within two minutes (a double click) is the same refund.
func planLines(want map[string]int, shipping bool, now time.Time) store.RefundPlan {
	return func(o *order.Order) (order.Refund, string, error) {
		if id := recentRefund(o, now, func(r order.Refund) bool { return sameLines(r.Lines, want) && (r.Shipping > 0) == shipping }); id != "" {
			return order.Refund{}, id, nil
		}
		left := map[string]int{}
		for _, l := range o.Lines {
			left[l.SKU] += l.Quantity
		}
		for sku, n := range o.RefundedQuantities() {
			left[sku] -= n
		}
		lines, err := returns.Lines(o, copyWant(want), left)
		if err != nil {
			return order.Refund{}, "", err
		}
		var a returns.Amount
		a.Items = returns.PaidFor(o, lines) // less when points or a code paid part
		if shipping {
			a.Shipping = max(0, o.Totals.Shipping-o.ShippingRefunded())
		}
		return order.Refund{Amount: a.Total(), Shipping: a.Shipping, Reason: "owner", Lines: lines}, "", nil
	}
}

// planAmount refunds a fixed amount (a goodwill gesture), never more than
// left; the same amount and note within two minutes is the same refund.
func planAmount(a money.Amount, note string, now time.Time) store.RefundPlan {
	return func(o *order.Order) (order.Refund, string, error) {
		reason := "owner: " + note
		if id := recentRefund(o, now, func(r order.Refund) bool { return r.Amount == a && r.Reason == reason && len(r.Lines) == 0 }); id != "" {
			return order.Refund{}, id, nil
		}
		return order.Refund{Amount: a, Reason: reason}, "", nil
	}
}

// recentRefund finds a live refund made in the last two minutes that match accepts.
func recentRefund(o *order.Order, now time.Time, match func(order.Refund) bool) string {
	for _, r := range o.Refunds {
		if !order.RefundVoid(r.Status) && now.Sub(r.CreatedAt) < 2*time.Minute && r.ReturnCode == "" && match(r) {
			return r.ID
		}
	}
	return ""
}

func sameLines(lines []order.ReturnLine, want map[string]int) bool {
	n := 0
	for _, q := range want {
		if q > 0 {
			n++
		}
	}
	if len(lines) != n {
		return false
	}
	for _, l := range lines {
		if want[l.SKU] != l.Quantity {
			return false
		}
	}
	return true
}

func copyWant(w map[string]int) map[string]int {
	c := make(map[string]int, len(w))
	for k, v := range w {
		c[k] = v
	}
	return c
}

// Owner runs a refund request for the admin API, the admin page and the CLI.
func (u Refunds) Owner(ctx context.Context, orderID string, req wire.RefundRequest, by string) (*order.Order, *order.Refund, error) {
	var plan store.RefundPlan
	switch {
	case req.ReturnCode != "":
		plan = planReturn(u.Policy(), req.ReturnCode)
	case len(req.Lines) > 0:
		want := map[string]int{}
		for _, l := range req.Lines {
			want[l.SKU] += l.Quantity
		}
		plan = planLines(want, req.Shipping, u.Now())
	case req.Amount > 0:
		plan = planAmount(money.Amount(req.Amount), req.Note, u.Now())
	case req.Full:
		plan = PlanFull("owner")
	default:
		return nil, nil, fmt.Errorf("%w: say what to refund: return_code, lines, amount or full", returns.ErrNothing)
	}
	return u.Refund(ctx, orderID, by, plan)
}

// ReceiveReturn marks a return received (e-mail once) and refunds it when asked.
func (u Refunds) ReceiveReturn(ctx context.Context, orderID, code string, refund bool, by string) (*order.Order, error) {
	o, _, err := u.Store.Orders.UpdateAfterSale(orderID, func(o *order.Order) (bool, []order.Effect, []store.Mail, error) {
		if code == "" {
			for _, r := range o.Returns {
				if r.State == order.ReturnRequested {
					if code != "" {
						return false, nil, nil, fmt.Errorf("%w: order %s has more than one open return; give the code", order.ErrNoReturn, o.ID)
					}
					code = r.Code
				}
			}
			if code == "" {
				return false, nil, nil, fmt.Errorf("%w: order %s has no return waiting to be received", order.ErrNoReturn, o.ID)
			}
		}
		changed, err := o.ReceiveReturn(code, by, u.Now())
		if err != nil || !changed {
			return false, nil, nil, err
		}
		return true, nil, []store.Mail{{ID: store.AfterSaleMailID(store.MailReturnReceived, o.ID, code), Kind: store.MailReturnReceived}}, nil
	})
	if err != nil {
		return nil, err
	}
	u.kick()
	if refund {
		o2, _, err := u.Refund(ctx, orderID, by, planReturn(u.Policy(), code))
		return orOld(o2, o), err
	}
	return o, nil
}

// Stray records and sends the refund of a stray paid payment, once.
func (u Refunds) Stray(ctx context.Context, orderID, paymentID, by string) (*order.Order, error) {
	unlock := u.Lock(orderID)
	defer unlock()
	o, r, err := u.Store.Orders.RecordStrayRefund(orderID, paymentID, by)
	if err != nil || r == nil {
		return o, err
	}
	return u.sendLocked(ctx, orderID, r.ID, by)
}
