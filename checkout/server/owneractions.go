package server

import (
	"context"

	"github.com/storefront/storefront/checkout/order"
)

// The owner's order actions are usecase.Orders (pack, ship, deliver,
// cancel; s.uc.orders), called alike by the admin API (and so `shop
// orders`) and the owner's page. Receiving a return and refunding are
// still the payment use cases of this package (refunds.go); they are named
// here so the surfaces call one function per action.

// ReceiveReturn marks a return received (the customer is told once) and
// refunds it by the policy when refund is set.
func (s *Sidecar) ReceiveReturn(ctx context.Context, id, code string, refund bool, by string) (*order.Order, error) {
	return s.returnReceived(ctx, id, code, refund, by)
}

// RefundOrder refunds what req says (a return, lines, an amount, all).
func (s *Sidecar) RefundOrder(ctx context.Context, id string, req RefundRequest, by string) (*order.Order, *order.Refund, error) {
	return s.ownerRefund(ctx, id, req, by)
}
