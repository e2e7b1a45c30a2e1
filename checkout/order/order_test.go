package order

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/payment"
)

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func TestTransition(t *testing.T) {
	allowed := map[State]map[Event]State{
		AwaitingPayment: {EventPaid: Paid, EventPaymentFailed: PaymentFailed, EventRetry: AwaitingPayment, EventCancel: Canceled},
		PaymentFailed:   {EventPaid: Paid, EventRetry: AwaitingPayment, EventCancel: Canceled},
		Paid:            {EventPack: Packed, EventShip: Shipped, EventCancel: Canceled},
		Packed:          {EventShip: Shipped, EventCancel: Canceled},
		Shipped:         {EventDeliver: Delivered},
		Delivered:       {},
		Canceled:        {},
	}
	events := []Event{EventPaid, EventPaymentFailed, EventRetry, EventPack, EventShip, EventDeliver, EventCancel}
	for _, from := range States {
		for _, ev := range events {
			want, ok := allowed[from][ev]
			got, err := Transition(from, ev)
			if ok {
				if err != nil || got != want {
					t.Errorf("Transition(%s, %s) = %s, %v; want %s", from, ev, got, err, want)
				}
				continue
			}
			if err == nil || !errors.Is(err, ErrTransition) || got != from {
				t.Errorf("Transition(%s, %s) = %s, %v; want refusal", from, ev, got, err)
			}
		}
	}
	// The promises the machine keeps, stated apart from the table above.
	for _, from := range States {
		for _, ev := range events {
			to, err := Transition(from, ev)
			if err != nil {
				continue
			}
			if from.Final() {
				t.Errorf("final state %s left by %s", from, ev)
			}
			if (from == Paid || from == Packed || from == Shipped) && (to == AwaitingPayment || to == PaymentFailed) {
				t.Errorf("%s went back to %s", from, to)
			}
		}
	}
}

func TestStateValid(t *testing.T) {
	if !Paid.Valid() || State("refunded").Valid() {
		t.Error("Valid")
	}
	if !Delivered.Final() || !Canceled.Final() || Paid.Final() {
		t.Error("Final")
	}
}

func totals() cart.Totals {
	return cart.Totals{
		Currency: "EUR", ShippingMethod: "postnl", Subtotal: 2495, Shipping: 495, GrandTotal: 2990,
		Lines: []cart.TotalLine{{SKU: "BOEK-001", Title: "Het koffieboek", UnitPrice: 2495, Quantity: 1, LineTotal: 2495, VATRate: 9, DeliveryClass: "standard"}},
	}
}

func newOrder(t *testing.T) *Order {
	t.Helper()
	o, err := New(Customer{Name: "Anna", Email: "anna@example.nl", Country: "NL"}, totals(), "nl", "cart1", "key1", t0)
	if err != nil {
		t.Fatal(err)
	}
	o.ID = "SF-2026-000001"
	return o
}

func pay(id string, s payment.Status) payment.Payment {
	return payment.Payment{ID: id, Status: s, Amount: 2990, Currency: "EUR", CheckoutURL: "https://pay.example/" + id}
}

func kinds(eff []Effect) string {
	var s []string
	for _, e := range eff {
		s = append(s, string(e.Kind))
	}
	return strings.Join(s, ",")
}

func TestNew(t *testing.T) {
	o := newOrder(t)
	if o.State != AwaitingPayment || len(o.Lines) != 1 || o.Lines[0].LineTotal != 2495 || o.Total() != 2990 ||
		o.Currency != "EUR" || o.ShippingMethod != "postnl" || len(o.History) != 1 {
		t.Errorf("order = %+v", o)
	}
	if got := o.Classes(); !slices.Equal(got, []string{"standard"}) {
		t.Errorf("Classes = %v", got)
	}
	empty := cart.Totals{Currency: "EUR"}
	if _, err := New(Customer{}, empty, "nl", "", "", t0); err == nil {
		t.Error("empty order accepted")
	}
	un := totals()
	un.Unavailable = true
	if _, err := New(Customer{}, un, "nl", "", "", t0); err == nil {
		t.Error("order with unavailable lines accepted")
	}
}

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok := NewToken()
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(b)*8 < 128 {
			t.Fatalf("token %q: %d bits, %v", tok, len(b)*8, err)
		}
		if seen[tok] {
			t.Fatalf("token %q repeated", tok)
		}
		seen[tok] = true
	}
}

func TestAttachPayment(t *testing.T) {
	o := newOrder(t)
	eff, err := o.AttachPayment(pay("tr_1", payment.StatusOpen), "local", "customer", t0)
	if err != nil {
		t.Fatal(err)
	}
	if kinds(eff) != "stock_reserve" || o.PaymentID != "tr_1" || o.CheckoutURL == "" || len(o.Attempts) != 1 {
		t.Fatalf("first attach: %s %+v", kinds(eff), o)
	}
	o.Stock = StockReserved // the store did it

	// Same payment again: nothing.
	if eff, err := o.AttachPayment(pay("tr_1", payment.StatusOpen), "local", "customer", t0); err != nil || eff != nil || len(o.Attempts) != 1 {
		t.Fatalf("re-attach: %v %v %d", eff, err, len(o.Attempts))
	}
	// A replacement while tr_1 is open: cancel tr_1, no second reservation.
	eff, err = o.AttachPayment(pay("tr_2", payment.StatusOpen), "local", "customer", t0)
	if err != nil || kinds(eff) != "payment_cancel" || eff[0].PaymentID != "tr_1" || o.PaymentID != "tr_2" {
		t.Fatalf("replacement: %s %v %s", kinds(eff), err, o.PaymentID)
	}
	// A wrong amount is refused.
	wrong := pay("tr_3", payment.StatusOpen)
	wrong.Amount = 100
	if _, err := o.AttachPayment(wrong, "local", "customer", t0); err == nil {
		t.Fatal("wrong amount attached")
	}
	// After failure, a new attempt reopens the order and reserves again.
	o.ApplyPayment(pay("tr_2", payment.StatusExpired), "webhook", t0)
	o.Stock = StockNone // the store released it
	if o.State != PaymentFailed {
		t.Fatalf("state %s", o.State)
	}
	eff, err = o.AttachPayment(pay("tr_4", payment.StatusOpen), "local", "customer", t0)
	if err != nil || o.State != AwaitingPayment || kinds(eff) != "stock_reserve" {
		t.Fatalf("retry: %s %v %s", kinds(eff), err, o.State)
	}
	// A paid order takes no new payment.
	o.ApplyPayment(pay("tr_4", payment.StatusPaid), "webhook", t0)
	if _, err := o.AttachPayment(pay("tr_5", payment.StatusOpen), "local", "customer", t0); !errors.Is(err, ErrTransition) {
		t.Fatalf("attach to paid order: %v", err)
	}
}

func TestApplyPayment(t *testing.T) {
	type step struct {
		p         payment.Payment
		changed   bool
		state     State
		effects   string
		payStatus payment.Status
	}
	wrongAmount := pay("tr_1", payment.StatusPaid)
	wrongAmount.Amount = 1
	wrongCurrency := pay("tr_1", payment.StatusPaid)
	wrongCurrency.Currency = "USD"
	tests := []struct {
		name     string
		attempts []string // payment ids attached in order
		steps    []step
	}{
		{"paid once, then duplicates ignored", []string{"tr_1"}, []step{
			{pay("tr_1", payment.StatusPaid), true, Paid, "stock_commit,mail_confirmation,cart_clear", payment.StatusPaid},
			{pay("tr_1", payment.StatusPaid), false, Paid, "", payment.StatusPaid},
			{pay("tr_1", payment.StatusPending), false, Paid, "", payment.StatusPaid},
		}},
		{"open, pending, paid", []string{"tr_1"}, []step{
			{pay("tr_1", payment.StatusOpen), false, AwaitingPayment, "", payment.StatusOpen},
			{pay("tr_1", payment.StatusPending), true, AwaitingPayment, "", payment.StatusPending},
			{pay("tr_1", payment.StatusOpen), false, AwaitingPayment, "", payment.StatusPending},
			{pay("tr_1", payment.StatusPaid), true, Paid, "stock_commit,mail_confirmation,cart_clear", payment.StatusPaid},
		}},
		{"failed releases stock, final after that", []string{"tr_1"}, []step{
			{pay("tr_1", payment.StatusFailed), true, PaymentFailed, "stock_release", payment.StatusFailed},
			{pay("tr_1", payment.StatusFailed), false, PaymentFailed, "", payment.StatusFailed},
			{pay("tr_1", payment.StatusPaid), false, PaymentFailed, "", payment.StatusFailed},
		}},
		{"canceled", []string{"tr_1"}, []step{
			{pay("tr_1", payment.StatusCanceled), true, PaymentFailed, "stock_release", payment.StatusCanceled},
		}},
		{"expired", []string{"tr_1"}, []step{
			{pay("tr_1", payment.StatusExpired), true, PaymentFailed, "stock_release", payment.StatusExpired},
		}},
		{"authorized is progress, not payment", []string{"tr_1"}, []step{
			{pay("tr_1", payment.StatusAuthorized), true, AwaitingPayment, "", payment.StatusAuthorized},
			{pay("tr_1", payment.StatusPending), false, AwaitingPayment, "", payment.StatusAuthorized},
		}},
		{"wrong amount refused once", []string{"tr_1"}, []step{
			{wrongAmount, true, AwaitingPayment, "anomaly,refund_due", payment.StatusOpen},
			{wrongAmount, false, AwaitingPayment, "", payment.StatusOpen},
			{pay("tr_1", payment.StatusPaid), false, AwaitingPayment, "", payment.StatusOpen},
		}},
		{"wrong currency refused", []string{"tr_1"}, []step{
			{wrongCurrency, true, AwaitingPayment, "anomaly,refund_due", payment.StatusOpen},
		}},
		{"failure of a replaced attempt changes nothing", []string{"tr_1", "tr_2"}, []step{
			{pay("tr_1", payment.StatusCanceled), true, AwaitingPayment, "", payment.StatusOpen},
			{pay("tr_2", payment.StatusPaid), true, Paid, "stock_commit,mail_confirmation,cart_clear", payment.StatusPaid},
		}},
		{"an earlier attempt paid: order paid, current canceled", []string{"tr_1", "tr_2"}, []step{
			{pay("tr_1", payment.StatusPaid), true, Paid, "payment_cancel,stock_commit,mail_confirmation,cart_clear", payment.StatusPaid},
			{pay("tr_2", payment.StatusCanceled), true, Paid, "", payment.StatusPaid},
		}},
		{"paid twice: second is a refund", []string{"tr_1", "tr_2"}, []step{
			{pay("tr_2", payment.StatusPaid), true, Paid, "stock_commit,mail_confirmation,cart_clear", payment.StatusPaid},
			{pay("tr_1", payment.StatusPaid), true, Paid, "anomaly,refund_due", payment.StatusPaid},
			{pay("tr_1", payment.StatusPaid), false, Paid, "", payment.StatusPaid},
		}},
		{"late paid after failure", []string{"tr_1", "tr_2"}, []step{
			{pay("tr_2", payment.StatusExpired), true, PaymentFailed, "stock_release", payment.StatusExpired},
			{pay("tr_1", payment.StatusPaid), true, Paid, "stock_commit,mail_confirmation,cart_clear", payment.StatusPaid},
		}},
		{"unknown payment", []string{"tr_1"}, []step{
			{pay("tr_9", payment.StatusPaid), false, AwaitingPayment, "anomaly", payment.StatusOpen},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOrder(t)
			for _, id := range tt.attempts {
				if _, err := o.AttachPayment(pay(id, payment.StatusOpen), "local", "customer", t0); err != nil {
					t.Fatal(err)
				}
			}
			for i, s := range tt.steps {
				at := t0.Add(time.Duration(i+1) * time.Minute)
				changed, eff := o.ApplyPayment(s.p, "webhook", at)
				if changed != s.changed || o.State != s.state || kinds(eff) != s.effects || o.PaymentStatus != s.payStatus {
					t.Fatalf("step %d (%s %s): changed %v state %s effects %q status %s; want %v %s %q %s",
						i, s.p.ID, s.p.Status, changed, o.State, kinds(eff), o.PaymentStatus,
						s.changed, s.state, s.effects, s.payStatus)
				}
			}
		})
	}
}

func TestApplyPaymentAfterCancel(t *testing.T) {
	o := newOrder(t)
	o.AttachPayment(pay("tr_1", payment.StatusOpen), "local", "customer", t0)
	o.Stock = StockReserved
	eff, err := o.Do(EventCancel, "admin", "customer asked", t0)
	if err != nil || kinds(eff) != "stock_release,payment_cancel" {
		t.Fatalf("cancel: %s %v", kinds(eff), err)
	}
	changed, eff := o.ApplyPayment(pay("tr_1", payment.StatusPaid), "webhook", t0)
	if !changed || o.State != Canceled || kinds(eff) != "anomaly,refund_due" {
		t.Fatalf("paid after cancel: %v %s %s", changed, o.State, kinds(eff))
	}
	if a := o.Attempt("tr_1"); a.Anomaly == "" {
		t.Error("anomaly not recorded on the attempt")
	}
}

func TestPaidAtFromProvider(t *testing.T) {
	o := newOrder(t)
	o.AttachPayment(pay("tr_1", payment.StatusOpen), "local", "customer", t0)
	p := pay("tr_1", payment.StatusPaid)
	p.PaidAt = t0.Add(30 * time.Second)
	o.ApplyPayment(p, "webhook", t0.Add(time.Hour))
	if !o.PaidAt.Equal(p.PaidAt) {
		t.Errorf("PaidAt = %v, want the provider's %v", o.PaidAt, p.PaidAt)
	}
	last := o.History[len(o.History)-1]
	if last.From != AwaitingPayment || last.To != Paid || last.By != "webhook" {
		t.Errorf("history = %+v", last)
	}
}

func TestDo(t *testing.T) {
	tests := []struct {
		name    string
		setup   []Event
		ev      Event
		effects string
		wantErr bool
	}{
		{"pack", []Event{EventPaid}, EventPack, "", false},
		{"ship", []Event{EventPaid, EventPack}, EventShip, "mail_shipped", false},
		{"ship unpacked", []Event{EventPaid}, EventShip, "mail_shipped", false},
		{"deliver", []Event{EventPaid, EventShip}, EventDeliver, "", false},
		{"cancel paid", []Event{EventPaid}, EventCancel, "stock_release,refund_due", false},
		{"cancel shipped", []Event{EventPaid, EventShip}, EventCancel, "", true},
		{"ship unpaid", nil, EventShip, "", true},
		{"deliver twice", []Event{EventPaid, EventShip, EventDeliver}, EventDeliver, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOrder(t)
			o.AttachPayment(pay("tr_1", payment.StatusOpen), "local", "customer", t0)
			o.Stock = StockReserved
			for _, ev := range tt.setup {
				if ev == EventPaid {
					o.ApplyPayment(pay("tr_1", payment.StatusPaid), "webhook", t0)
					o.Stock = StockSold
					continue
				}
				if _, err := o.Do(ev, "admin", "", t0); err != nil {
					t.Fatal(err)
				}
			}
			before := o.State
			eff, err := o.Do(tt.ev, "admin", "note", t0.Add(time.Hour))
			if (err != nil) != tt.wantErr || kinds(eff) != tt.effects {
				t.Fatalf("Do(%s) = %s, %v", tt.ev, kinds(eff), err)
			}
			if err != nil && o.State != before {
				t.Errorf("refused event moved the order to %s", o.State)
			}
		})
	}
}

func ExampleTransition() {
	to, _ := Transition(AwaitingPayment, EventPaid)
	_, err := Transition(Paid, EventRetry)
	fmt.Println(to, err != nil)
	// Output: paid true
}

func TestAdopt(t *testing.T) {
	o := newOrder(t)
	o.AttachPayment(pay("tr_1", payment.StatusOpen), "local", "customer", t0)
	if err := o.Adopt(pay("tr_0", payment.StatusPaid), "", "webhook", t0); err != nil {
		t.Fatal(err)
	}
	if o.PaymentID != "tr_1" || len(o.Attempts) != 2 || o.Attempt("tr_0").Status != payment.StatusOpen {
		t.Fatalf("adopted beside a current attempt: %+v", o.Attempts)
	}
	changed, eff := o.ApplyPayment(pay("tr_0", payment.StatusPaid), "webhook", t0)
	if !changed || o.State != Paid || kinds(eff) != "payment_cancel,stock_commit,mail_confirmation,cart_clear" {
		t.Fatalf("paid adopted payment: %v %s %s", changed, o.State, kinds(eff))
	}
	wrong := pay("tr_9", payment.StatusPaid)
	wrong.Currency = "USD"
	if err := o.Adopt(wrong, "", "webhook", t0); err == nil {
		t.Fatal("wrong currency adopted")
	}
	fresh := newOrder(t)
	if err := fresh.Adopt(pay("tr_5", payment.StatusOpen), "", "webhook", t0); err != nil || fresh.PaymentID != "tr_5" {
		t.Fatalf("adopt into an order without payment: %v %s", err, fresh.PaymentID)
	}
}

func TestPromiseKept(t *testing.T) {
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	promised := time.Date(2026, 11, 30, 0, 0, 0, 0, ams)
	tests := []struct {
		promised, delivered time.Time
		kept, known         bool
	}{
		{promised, time.Date(2026, 11, 28, 12, 0, 0, 0, ams), true, true},
		{promised, time.Date(2026, 11, 30, 23, 59, 0, 0, ams), true, true},
		{promised, time.Date(2026, 12, 1, 0, 0, 0, 0, ams), false, true},
		{promised, time.Date(2026, 11, 30, 22, 30, 0, 0, time.UTC), true, true},  // 23:30 in Amsterdam
		{promised, time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC), false, true}, // 00:30 next day
		{promised, time.Time{}, false, false},
		{time.Time{}, time.Date(2026, 11, 28, 12, 0, 0, 0, ams), false, false},
	}
	for _, tt := range tests {
		o := &Order{PromisedBy: tt.promised, DeliveredAt: tt.delivered}
		if kept, known := o.PromiseKept(); kept != tt.kept || known != tt.known {
			t.Errorf("promised %v delivered %v: kept %v known %v", tt.promised, tt.delivered, kept, known)
		}
	}
}
