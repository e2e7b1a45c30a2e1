package store

import (
	"fmt"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/promise"
)

// SetExtraDays sets the lengthening of each shipping method's promise (from
// promise.Policy.Adjust); orders paid from now on get it in PromisedBy.
func (s *Store) SetExtraDays(m map[string]int) {
	c := make(map[string]int, len(m))
	for k, v := range m {
		if v > 0 {
			c[k] = v
		}
	}
	s.extraDays.Store(&c)
}

// ExtraDays is the current lengthening of method's promise, in days.
func (s *Store) ExtraDays(method string) int {
	if m := s.extraDays.Load(); m != nil {
		return (*m)[method]
	}
	return 0
}

// Deliveries lists every delivered order that was promised a date, for
// checking promises against reality (checkout/promise).
func (s *Store) Deliveries() ([]promise.Delivery, error) {
	os, err := s.Orders.ListOrders(Filter{States: []order.State{order.Delivered}})
	if err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	out := make([]promise.Delivery, 0, len(os))
	for _, o := range os {
		if o.PromisedBy.IsZero() || o.DeliveredAt.IsZero() {
			continue
		}
		out = append(out, promise.Delivery{Method: o.ShippingMethod, Promised: o.PromisedBy,
			Extra: o.PromiseExtraDays, Delivered: o.DeliveredAt})
	}
	return out, nil
}
