// Package cart holds the customer's cart and the honest totals computed from
// it: prices only from the published catalog, VAT per rate (prices include
// VAT), shipping, grand total. Everything here is pure.
package cart

import (
	"errors"
	"fmt"
	"time"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
)

// Limits on what one cart may hold.
const (
	MaxQuantity = 99 // per line
	MaxLines    = 50
)

// Errors of the cart operations; the server maps them to 4xx answers. They
// are returned wrapped with the SKU and values at fault (use errors.Is).
var (
	ErrUnknownSKU   = errors.New("unknown product")            // 404 or 422
	ErrQuantity     = errors.New("quantity out of range")      // 422: not 1..MaxQuantity
	ErrTooManyLines = errors.New("cart is full")               // 422: more than MaxLines lines
	ErrNotInCart    = errors.New("product is not in the cart") // 404
	ErrTooLarge     = errors.New("cart total too large")       // 422: more than MaxTotal
)

// MaxTotal caps a cart's subtotal in minor units, so totals stay far from
// int64's limit and never wrap around into a small charge.
const MaxTotal = catalog.MaxPrice

// Line is one product in the cart.
type Line struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
	// PriceSeen is the catalog price when the customer last added this SKU;
	// Totals flags the line when the catalog price differs now.
	PriceSeen money.Amount `json:"price_seen"`
	AddedAt   time.Time    `json:"added_at"`
}

// Cart is a server-side cart, keyed by an unguessable ID kept in a cookie.
type Cart struct {
	ID        string    `json:"id"`
	Lines     []Line    `json:"lines"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Lang is the language the customer filled the cart in (nl, en; empty:
	// not said), so its pages speak it without ?lang= (Localize).
	Lang string `json:"lang,omitempty"`
	// Code is the discount code the customer applied on the cart page or
	// typed at checkout (normalised; empty: none). Only the customer sets
	// it; the checkout page arrives with it filled in (docs/codes.md).
	Code string `json:"code,omitempty"`
}

// OnlyGiftCards reports whether every line of c is a gift card in cat:
// nothing to ship, so no delivery address is asked (Totals.OnlyGiftCards
// says the same of a priced cart). An SKU cat lacks is not a gift card.
func (c *Cart) OnlyGiftCards(cat *catalog.Catalog) bool {
	for _, l := range c.Lines {
		if it, ok := cat.Lookup(l.SKU); !ok || !it.GiftCard {
			return false
		}
	}
	return len(c.Lines) > 0
}

// Find returns the index of sku's line, or -1.
func (c *Cart) Find(sku string) int {
	for i, l := range c.Lines {
		if l.SKU == sku {
			return i
		}
	}
	return -1
}

// Count is the number of units in the cart.
func (c *Cart) Count() int {
	n := 0
	for _, l := range c.Lines {
		n += l.Quantity
	}
	return n
}

// Add puts qty units of sku in the cart, on top of what is there. The SKU must
// be in cat; PriceSeen becomes the catalog price (the customer just saw it).
// The resulting line quantity must stay within 1..MaxQuantity.
func Add(c *Cart, cat *catalog.Catalog, sku string, qty int, now time.Time) error {
	it, ok := cat.Lookup(sku)
	if !ok {
		return fmt.Errorf("add %q: %w", sku, ErrUnknownSKU)
	}
	if qty < 1 || qty > MaxQuantity {
		return fmt.Errorf("add %q: %w: %d is not between 1 and %d", sku, ErrQuantity, qty, MaxQuantity)
	}
	if err := fits(c, cat, sku, qty); err != nil {
		return fmt.Errorf("add %q: %w", sku, err)
	}
	if i := c.Find(sku); i >= 0 {
		total := c.Lines[i].Quantity + qty
		if total > MaxQuantity {
			return fmt.Errorf("add %q: %w: %d in total is more than %d", sku, ErrQuantity, total, MaxQuantity)
		}
		c.Lines[i].Quantity = total
		c.Lines[i].PriceSeen = it.Price
	} else {
		if len(c.Lines) >= MaxLines {
			return fmt.Errorf("add %q: %w: at most %d different products", sku, ErrTooManyLines, MaxLines)
		}
		c.Lines = append(c.Lines, Line{SKU: sku, Quantity: qty, PriceSeen: it.Price, AddedAt: now})
	}
	touch(c, now)
	return nil
}

// fits reports ErrTooLarge when qty more of sku would take the cart's
// subtotal past MaxTotal (without overflowing on the way).
func fits(c *Cart, cat *catalog.Catalog, sku string, qty int) error {
	var sum money.Amount
	add := func(s string, q int) bool {
		it, ok := cat.Lookup(s)
		if !ok {
			return true
		}
		if q > 0 && it.Price > (MaxTotal-sum)/money.Amount(q) {
			return false
		}
		sum += it.Price * money.Amount(q)
		return true
	}
	for _, l := range c.Lines {
		if !add(l.SKU, l.Quantity) {
			return ErrTooLarge
		}
	}
	if !add(sku, qty) {
		return fmt.Errorf("%w: more than %d", ErrTooLarge, MaxTotal)
	}
	return nil
}

// SetQuantity sets sku's line to qty (1..MaxQuantity). To take a line out,
// use Remove. It works for a SKU no longer in the catalog too, so a customer
// can always fix their cart.
func SetQuantity(c *Cart, sku string, qty int, now time.Time) error {
	i := c.Find(sku)
	if i < 0 {
		return fmt.Errorf("set quantity of %q: %w", sku, ErrNotInCart)
	}
	if qty < 1 || qty > MaxQuantity {
		return fmt.Errorf("set quantity of %q: %w: %d is not between 1 and %d", sku, ErrQuantity, qty, MaxQuantity)
	}
	c.Lines[i].Quantity = qty
	touch(c, now)
	return nil
}

// Remove takes sku's line out of the cart.
func Remove(c *Cart, sku string, now time.Time) error {
	i := c.Find(sku)
	if i < 0 {
		return fmt.Errorf("remove %q: %w", sku, ErrNotInCart)
	}
	c.Lines = append(c.Lines[:i], c.Lines[i+1:]...)
	touch(c, now)
	return nil
}

// AcceptPrices sets every line's PriceSeen to the current catalog price, once
// the customer has been shown the changes. It reports whether anything changed.
func AcceptPrices(c *Cart, cat *catalog.Catalog, now time.Time) bool {
	changed := false
	for i, l := range c.Lines {
		if it, ok := cat.Lookup(l.SKU); ok && it.Price != l.PriceSeen {
			c.Lines[i].PriceSeen = it.Price
			changed = true
		}
	}
	if changed {
		touch(c, now)
	}
	return changed
}

func touch(c *Cart, now time.Time) {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	c.UpdatedAt = now
}
