package order

import (
	"errors"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/money"
)

func paidOrder(now time.Time) *Order {
	return &Order{ID: "SF-9", State: Delivered, Currency: "EUR", PaymentID: "tr_a", PaidAt: now,
		Lines:  []Line{{SKU: "A", Title: "Alpha", UnitPrice: 1000, Quantity: 3, LineTotal: 3000}},
		Totals: cart.Totals{Subtotal: 3000, Shipping: 495, GrandTotal: 3495, Currency: "EUR"}}
}

func TestPartialRefundsAddUpAndNeverExceed(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	o := paidOrder(now)
	for i, amt := range []int64{1000, 1000, 1000} {
		r, err := o.AddRefund(Refund{Amount: money.Amount(amt), Reason: "owner"}, "admin", now)
		if err != nil {
			t.Fatalf("refund %d: %v", i, err)
		}
		if r.Status != RefundRecorded || r.ID == "" || r.PaymentID != "tr_a" {
			t.Errorf("refund %d recorded as %+v", i, r)
		}
	}
	if got := o.RefundedAmount(); got != 3000 {
		t.Errorf("three refunds of 10.00 add up to %d", got)
	}
	if _, err := o.AddRefund(Refund{Amount: 496, Reason: "owner"}, "admin", now); !errors.Is(err, ErrOverRefund) {
		t.Errorf("4.96 with 4.95 left: %v, want ErrOverRefund", err)
	}
	if _, err := o.AddRefund(Refund{Amount: 495, Reason: "owner"}, "admin", now); err != nil {
		t.Errorf("exactly what is left: %v", err)
	}
	if o.Refundable() != 0 {
		t.Errorf("refundable after everything: %d", o.Refundable())
	}
	if _, err := o.AddRefund(Refund{Amount: 1, Reason: "owner"}, "admin", now); !errors.Is(err, ErrOverRefund) {
		t.Errorf("one cent more: %v", err)
	}
	// A failed refund gives its amount back to what may be refunded.
	o.UpdateRefund(o.Refunds[0].ID, "re_1", RefundFailed, "", "webhook", now)
	if o.Refundable() != 1000 {
		t.Errorf("after a failed refund of 10.00: refundable %d", o.Refundable())
	}
}

func TestRefundRefusals(t *testing.T) {
	now := time.Now()
	o := paidOrder(now)
	o.PaidAt = time.Time{}
	if _, err := o.AddRefund(Refund{Amount: 100}, "admin", now); !errors.Is(err, ErrTransition) {
		t.Errorf("unpaid order: %v", err)
	}
	o = paidOrder(now)
	if _, err := o.AddRefund(Refund{Amount: 0}, "admin", now); err == nil {
		t.Error("a zero refund must be refused")
	}
	if _, err := o.AddRefund(Refund{Amount: 100, ReturnCode: "nope"}, "admin", now); !errors.Is(err, ErrNoReturn) {
		t.Errorf("unknown return: %v", err)
	}
}

func TestLegacyMetaRefundCounts(t *testing.T) {
	o := paidOrder(time.Now())
	o.Meta = map[string]string{"refund_id": "re_old", "refunded": "34.95"}
	if o.Refundable() != 0 {
		t.Errorf("a refund recorded the old way must count: refundable %d", o.Refundable())
	}
	o.Refunds = []Refund{{ID: "X", ProviderID: "re_old", Amount: 3495, Status: RefundRefunded}}
	if o.RefundedAmount() != 3495 {
		t.Errorf("the same refund on both records counts once: %d", o.RefundedAmount())
	}
}

func TestUpdateRefund(t *testing.T) {
	now := time.Now()
	o := paidOrder(now)
	if err := o.AddReturn(Return{Code: "SF-9-R1", Lines: []ReturnLine{{SKU: "A", Quantity: 1, UnitPrice: 1000}}}, "customer", now); err != nil {
		t.Fatal(err)
	}
	r, err := o.AddRefund(Refund{Amount: 1000, Reason: "return", ReturnCode: "SF-9-R1"}, "admin", now)
	if err != nil {
		t.Fatal(err)
	}
	id := r.ID
	steps := []struct {
		status          string
		changed, accept bool
		want            string
	}{
		{"pending", true, true, "pending"},
		{"pending", false, false, "pending"},     // the same news again
		{"queued", false, false, "pending"},      // older news
		{"refunded", true, false, "refunded"},    // forward
		{"failed", false, false, "refunded"},     // final never changes
		{"bogus", false, false, "refunded"},      // unknown
		{"processing", false, false, "refunded"}, // stale
	}
	for i, st := range steps {
		changed, accepted := o.UpdateRefund(id, "re_1", st.status, "", "webhook", now)
		if changed != st.changed || accepted != st.accept || o.RefundByID(id).Status != st.want {
			t.Errorf("step %d (%s): changed %v accepted %v status %s; want %v %v %s", i, st.status, changed, accepted,
				o.RefundByID(id).Status, st.changed, st.accept, st.want)
		}
	}
	ret := o.Return("SF-9-R1")
	if ret.State != ReturnRefunded || ret.RefundedAt.IsZero() || ret.ReceivedAt.IsZero() {
		t.Errorf("the return paid by the refund: %+v", ret)
	}
	if len(o.OpenRefunds()) != 0 {
		t.Errorf("open refunds after refunded: %v", o.OpenRefunds())
	}
}

func TestReceiveReturn(t *testing.T) {
	now := time.Now()
	o := paidOrder(now)
	if _, err := o.ReceiveReturn("X", "admin", now); !errors.Is(err, ErrNoReturn) {
		t.Errorf("unknown code: %v", err)
	}
	if err := o.AddReturn(Return{Code: "SF-9-R1", Lines: []ReturnLine{{SKU: "A", Quantity: 1}}}, "customer", now); err != nil {
		t.Fatal(err)
	}
	if err := o.AddReturn(Return{Code: "SF-9-R1", Lines: []ReturnLine{{SKU: "A", Quantity: 1}}}, "customer", now); err == nil {
		t.Error("a code twice must be refused")
	}
	if err := o.AddReturn(Return{Code: "SF-9-R2"}, "customer", now); err == nil {
		t.Error("an empty return must be refused")
	}
	for i, want := range []bool{true, false} {
		changed, err := o.ReceiveReturn("SF-9-R1", "admin", now)
		if err != nil || changed != want {
			t.Errorf("receive %d: changed %v err %v", i, changed, err)
		}
	}
	if o.NextReturnCode() != "SF-9-R2" || o.NextRefundID() != "SF-9-RF1" {
		t.Errorf("next codes %s %s", o.NextReturnCode(), o.NextRefundID())
	}
	h := o.History[len(o.History)-1]
	if h.By != "admin" || h.Note != "return SF-9-R1 received" {
		t.Errorf("history: %+v", h)
	}
}

func TestAddStrayRefund(t *testing.T) {
	now := time.Now()
	o := paidOrder(now)
	if _, err := o.AddStrayRefund("tr_a", "system", now); err == nil {
		t.Error("the order's own payment is not stray")
	}
	o.Attempts = []Attempt{{PaymentID: "tr_b", Status: "paid", Amount: 3495, Anomaly: "second paid attempt"},
		{PaymentID: "tr_c", Status: "open", Amount: 3495, Anomaly: "x"}}
	if _, err := o.AddStrayRefund("tr_c", "system", now); err == nil {
		t.Error("an open payment cannot be refunded")
	}
	r, err := o.AddStrayRefund("tr_b", "system", now)
	if err != nil || r == nil || r.Amount != 3495 || r.PaymentID != "tr_b" {
		t.Fatalf("stray refund: %+v %v", r, err)
	}
	if o.RefundedAmount() != 0 || o.Refundable() != 3495 {
		t.Errorf("a stray refund must not count against the order's payment: refunded %d", o.RefundedAmount())
	}
	if r, err := o.AddStrayRefund("tr_b", "system", now); r != nil || err != nil {
		t.Errorf("nothing left of the stray payment: %+v %v", r, err)
	}
}
