package web

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"
)

func IsLocalHost(host string) bool {
	h := strings.ToLower(host)
	return h == "localhost" || strings.HasSuffix(h, ".localhost") || h == "::1" ||
		strings.HasPrefix(h, "127.") || h == "0.0.0.0"
}

func Loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

type budgetWaitKey struct{}

// WithBudgetWait marks ctx as one whose provider reads wait for a token, at
// most max in all (0: as long as ctx lives).
func WithBudgetWait(ctx context.Context, max time.Duration) context.Context {
	return context.WithValue(ctx, budgetWaitKey{}, max)
}

// BudgetWait is how long a call may wait for the provider's budget
// (WithBudgetWait); ok is false when ctx does not say.
func BudgetWait(ctx context.Context) (max time.Duration, ok bool) {
	max, ok = ctx.Value(budgetWaitKey{}).(time.Duration)
	return max, ok
}

// ErrProviderBusy: the provider call budget is used up for the moment.
var ErrProviderBusy = errors.New("payment provider call budget used up for the moment; the payment is checked again shortly")

// WebhookBudgetWait is how long a webhook waits for the call budget.
const WebhookBudgetWait = 5 * time.Second
