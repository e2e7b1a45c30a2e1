package server

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

// stuckSender is a mail server that fails, or hangs until released.
type stuckSender struct {
	fail    atomic.Bool
	release chan struct{}
	sent    atomic.Int32
}

func (s *stuckSender) Send(ctx context.Context, m mail.Message) error {
	if s.fail.Load() {
		return errors.New("connection refused")
	}
	select {
	case <-s.release:
		s.sent.Add(1)
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TestMailNeverBlocksWebhook: with the mail server hanging, the paid
// webhook still answers at once; failed sends are retried with backoff.
func TestMailNeverBlocksWebhook(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	stuck := &stuckSender{release: make(chan struct{})}
	sh := newShop(t, withMollie(f), func(o *Options) {
		o.tune = func(s *Sidecar) { s.reconcileAfter, s.payments.PageCheckEvery, s.sender = 0, 0, stuck }
	})
	sh.addToCart("MOK-001", 1)
	_, a := sh.checkout("mail")
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	f.SetStatusQuiet(o.PaymentID, "paid")
	done := make(chan int, 1)
	go func() { done <- sh.req("POST", "/api/webhooks/mollie", "id="+o.PaymentID, "Origin", "-").StatusCode }()
	select {
	case code := <-done:
		if code != 200 {
			t.Fatalf("webhook: %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the webhook waited for the mail server")
	}
	close(stuck.release)
	deadline := time.Now().Add(10 * time.Second)
	for stuck.sent.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if stuck.sent.Load() != 1 {
		t.Fatalf("%d e-mails sent once the server answered, want 1", stuck.sent.Load())
	}
}

func TestMailRetriedWithBackoff(t *testing.T) {
	stuck := &stuckSender{release: make(chan struct{})}
	stuck.fail.Store(true)
	close(stuck.release)
	sh := newShop(t, func(o *Options) {
		o.tune = func(s *Sidecar) { s.reconcileAfter, s.payments.PageCheckEvery, s.sender = 0, 0, stuck }
	})
	sh.addToCart("MOK-001", 1)
	_, a := sh.checkout("retry")
	sh.choose(a.CheckoutURL, "paid")
	sh.req("GET", a.Order.URL[strings.LastIndex(a.Order.URL, "/order/"):], "")
	sh.flushMail()
	due, _ := sh.sc.store.MailQueue.Due(time.Now(), 0)
	if len(due) != 0 {
		t.Errorf("a failed e-mail is due again at once: %+v", due)
	}
	later, _ := sh.sc.store.MailQueue.Due(time.Now().Add(time.Hour), 0)
	if len(later) != 1 || later[0].Attempts < 1 || later[0].LastError == "" {
		t.Fatalf("failed e-mail not kept for a retry: %+v", later)
	}
	stuck.fail.Store(false)
	if n := sh.sc.sendDue(context.Background()); n != 0 {
		t.Errorf("sent %d before the retry time", n)
	}
}
