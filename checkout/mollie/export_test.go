package mollie

import (
	"context"
	"time"

	"github.com/storefront/storefront/checkout/money"
)

// SetSleep replaces the backoff sleep so tests see the waits without waiting.
func SetSleep(c *Client, f func(ctx context.Context, d time.Duration) error) { c.sleep = f }

func FormatAmount(a money.Amount, currency string) Amount { return formatAmount(a, currency) }

func ParseAmount(a *Amount) (money.Amount, string, error) { return parseAmount(a) }

func RetryAfter(v string, now time.Time) (time.Duration, bool) { return retryAfter(v, now) }
