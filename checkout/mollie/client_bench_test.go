package mollie_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/storefront/storefront/checkout/mollie"
	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

// BenchmarkGetPayment measures one GET through the client to molliefake
// over loopback HTTP (keep-alive), JSON both ways.
func BenchmarkGetPayment(b *testing.B) {
	f := molliefake.New()
	defer f.Close()
	c, err := mollie.NewClient(nil, f.APIKey, mollie.WithBaseURL(f.BaseURL()), mollie.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	p, err := c.Payments.Create(ctx, createReq("10.00"), "")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Payments.Get(ctx, p.ID); err != nil {
			b.Fatal(err)
		}
	}
}
