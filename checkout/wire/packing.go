package wire

import (
	"time"
)

// PickLine is one SKU to take from the shelf, over all orders to pack.
type PickLine struct {
	SKU      string   `json:"sku"`
	Title    string   `json:"title"`
	Variant  string   `json:"variant,omitempty"`
	Quantity int      `json:"quantity"`
	Orders   []string `json:"orders"`
}

// PickOrder is one order to pack.
type PickOrder struct {
	ID       string    `json:"id"`
	PaidAt   time.Time `json:"paid_at"`
	Customer string    `json:"customer"`
	Units    int       `json:"units"`
	GiftNote bool      `json:"gift_note"`
	Lines    []string  `json:"lines"`
}

// PickList is every paid order not yet packed, oldest first, and the units
// per SKU to take.
type PickList struct {
	Orders []PickOrder `json:"orders"`
	Lines  []PickLine  `json:"lines"`
}
