package usecase

import (
	"testing"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
)

// TestSameCheckout: a checkout of the cart stands for its earlier order only
// when nothing the customer chose differs. (A payment still pending keeps
// the earlier order whatever changed: TestChangedCartAuthorized and
// TestChangedCartKeepsUncancelablePayment walk that.)
func TestSameCheckout(t *testing.T) {
	base := func() *order.Order {
		return &order.Order{
			Customer:       order.Customer{Name: "Ada", Email: "ada@example.nl", Street: "Kade 1", PostalCode: "1234 AB", City: "Delft", Country: "NL"},
			ShippingMethod: "postnl", Currency: "EUR",
			Lines:  []order.Line{{SKU: "MOK-001", Quantity: 1, UnitPrice: 1500}},
			Totals: cart.Totals{GrandTotal: 1995},
		}
	}
	tests := []struct {
		name   string
		change func(prev, next *order.Order)
		want   bool
	}{
		{"identical", func(_, _ *order.Order) {}, true},
		{"other quantity", func(_, n *order.Order) { n.Lines[0].Quantity = 2 }, false},
		{"other price", func(_, n *order.Order) { n.Lines[0].UnitPrice = 1600 }, false},
		{"extra line", func(_, n *order.Order) { n.Lines = append(n.Lines, order.Line{SKU: "X", Quantity: 1}) }, false},
		{"other address", func(_, n *order.Order) { n.Customer.Street = "Kade 2" }, false},
		{"other shipping", func(_, n *order.Order) { n.ShippingMethod = "pickup" }, false},
		{"gift note", func(_, n *order.Order) { n.GiftNote = "Happy birthday" }, false},
		{"points", func(_, n *order.Order) { n.PointsRedeemed = 100 }, false},
		{"other total", func(_, n *order.Order) { n.Totals.GrandTotal = 2000 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prev, next := base(), base()
			tt.change(prev, next)
			if got := SameCheckout(prev, next); got != tt.want {
				t.Errorf("SameCheckout = %v, want %v", got, tt.want)
			}
		})
	}
}
