package server

import (
	"context"
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/server/web"
)

// The payment provider is asked by the webhook, the order page's own check
// and the reconciler; each has its own throttle per payment, but nothing
// capped them together: 30 open order pages polled for 10 s made 120 Mollie
// calls. budgetProvider wraps the provider with one token bucket for every
// call (ProviderCallsPerSecond, a burst of twice that):
//
//   - reads (GetPayment, ListRefunds) from an order page that find the
//     bucket empty are refused at once with web.ErrProviderBusy: the page shows
//     what the store knows ("we are confirming your payment") and the
//     reconciler, the webhook or the next look brings the news;
//   - the reconciler's reads wait for a token, a webhook's for at most
//     web.WebhookBudgetWait (then 503, and Mollie retries): contexts from
//     withBudgetWait;
//   - writes (creating a payment or a refund, canceling a payment) are never
//     refused, so a customer's checkout does not fail because others poll;
//     they take a token too, the bucket going at most one burst below zero.

// defaultProviderCallsPerSecond is the budget when Options.ProviderCallsPerSecond is 0.
const defaultProviderCallsPerSecond = 5

type budgetProvider struct {
	payment.Provider
	now func() time.Time

	mu          sync.Mutex
	rate, burst float64
	tokens      float64
	last        time.Time

	calls, refused atomic.Int64 // for tests and the owner's figures
}

func newBudgetProvider(p payment.Provider, perSecond float64, now func() time.Time) *budgetProvider {
	return &budgetProvider{Provider: p, now: now, rate: perSecond, burst: math.Max(1, 2*perSecond),
		tokens: math.Max(1, 2*perSecond), last: now()}
}

// take takes a token; read says whether the call may be refused.
func (b *budgetProvider) take(ctx context.Context, read bool) error {
	maxWait, waits := web.BudgetWait(ctx)
	var waited time.Duration
	for {
		b.mu.Lock()
		now := b.now()
		if now.After(b.last) {
			b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
			b.last = now
		}
		if b.tokens >= 1 || !read {
			b.tokens = math.Max(-b.burst, b.tokens-1)
			b.mu.Unlock()
			b.calls.Add(1)
			return nil
		}
		wait := time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
		b.mu.Unlock()
		if !waits || (maxWait > 0 && waited+wait > maxWait) {
			b.refused.Add(1)
			return web.ErrProviderBusy
		}
		waited += wait
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			b.refused.Add(1)
			return errors.Join(web.ErrProviderBusy, ctx.Err())
		case <-t.C:
		}
	}
}

func (b *budgetProvider) GetPayment(ctx context.Context, id string) (*payment.Payment, error) {
	if err := b.take(ctx, true); err != nil {
		return nil, err
	}
	return b.Provider.GetPayment(ctx, id)
}

func (b *budgetProvider) ListRefunds(ctx context.Context, paymentID string) ([]payment.Refund, error) {
	if err := b.take(ctx, true); err != nil {
		return nil, err
	}
	return b.Provider.ListRefunds(ctx, paymentID)
}

func (b *budgetProvider) CreatePayment(ctx context.Context, req payment.CreateRequest) (*payment.Payment, error) {
	_ = b.take(ctx, false)
	return b.Provider.CreatePayment(ctx, req)
}

func (b *budgetProvider) CancelPayment(ctx context.Context, id string) (*payment.Payment, error) {
	_ = b.take(ctx, false)
	return b.Provider.CancelPayment(ctx, id)
}

func (b *budgetProvider) CreateRefund(ctx context.Context, paymentID string, req payment.RefundRequest) (*payment.Refund, error) {
	_ = b.take(ctx, false)
	return b.Provider.CreateRefund(ctx, paymentID, req)
}
