package cart

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
)

// Errors of Totals about the shipping choice (the server maps them to 422).
var (
	ErrShippingMethod = errors.New("unknown shipping method")
	ErrNoShipping     = errors.New("no shipping method delivers to this country")
)

// TotalLine is one cart line priced from the catalog.
type TotalLine struct {
	SKU       string       `json:"sku"`
	Title     string       `json:"title"`
	Variant   string       `json:"variant"`
	URL       string       `json:"url"`
	Image     string       `json:"image"`
	UnitPrice money.Amount `json:"unit_price"` // current catalog price incl. VAT
	Quantity  int          `json:"quantity"`
	LineTotal money.Amount `json:"line_total"`
	VATRate   int          `json:"vat_rate"`
	// DeliveryClass is the catalog's delivery class (for delivery dates).
	DeliveryClass string `json:"delivery_class"`
	// PriceChanged is set when the catalog price differs from the price the
	// customer saw when adding (OldPrice), now NewPrice (= UnitPrice).
	PriceChanged bool         `json:"price_changed"`
	OldPrice     money.Amount `json:"old_price,omitempty"`
	NewPrice     money.Amount `json:"new_price,omitempty"`
	// Unavailable is set when the SKU is no longer in the catalog; the line
	// then counts for nothing and blocks checkout until removed.
	Unavailable bool `json:"unavailable"`
}

// VATLine is the VAT contained in the amounts at one rate.
type VATLine struct {
	Rate int          `json:"rate"`
	Base money.Amount `json:"base"` // amount incl. VAT taxed at Rate
	VAT  money.Amount `json:"vat"`
}

// Adjustment is a future discount or credit line (loyalty points, vouchers).
// None exist yet; Totals returns none. Amount is negative for a discount and
// includes VAT at VATRate.
type Adjustment struct {
	Kind    string       `json:"kind"`
	Label   string       `json:"label"`
	Amount  money.Amount `json:"amount"`
	VATRate int          `json:"vat_rate"`
}

// Totals is what the customer pays, computed from the catalog only.
type Totals struct {
	Currency string       `json:"currency"`
	Lines    []TotalLine  `json:"lines"`
	Subtotal money.Amount `json:"subtotal"` // sum of available line totals

	Country         string       `json:"country"` // where it goes: the VAT rates follow it (OSS)
	ShippingMethod  string       `json:"shipping_method"`
	ShippingName    string       `json:"shipping_name"`
	Shipping        money.Amount `json:"shipping"`
	ShippingVATRate int          `json:"shipping_vat_rate"`
	FreeShipping    bool         `json:"free_shipping"` // free_from reached
	// FreeShippingRemaining is how much more makes shipping free (0 when it
	// already is, costs nothing anyway, or the shop has no threshold).
	FreeShippingRemaining money.Amount `json:"free_shipping_remaining"`

	Adjustments []Adjustment `json:"adjustments"`
	VAT         []VATLine    `json:"vat"` // per rate, ascending
	VATTotal    money.Amount `json:"vat_total"`
	GrandTotal  money.Amount `json:"grand_total"` // what is charged

	PriceChanged bool `json:"price_changed"` // some line's price changed
	Unavailable  bool `json:"unavailable"`   // some line is unavailable
}

// Empty reports whether nothing payable is in the cart.
func (t Totals) Empty() bool { return t.Subtotal == 0 }

// Compute prices c from cat. methodID picks the shipping method; empty picks
// the first method (catalog order) that ships to country. Empty country means
// the shop's own country. The method must deliver to country. Shipping is 0
// when the cart is empty or the subtotal reaches shipping.free_from.
func Compute(c *Cart, cat *catalog.Catalog, methodID, country string) (Totals, error) {
	if country == "" {
		country = cat.Shop.Country
	}
	country = strings.ToUpper(country)
	t := Totals{Currency: cat.Currency, Country: country, Lines: make([]TotalLine, 0, len(c.Lines)), Adjustments: []Adjustment{}}

	for _, l := range c.Lines {
		it, ok := cat.Lookup(l.SKU)
		if !ok {
			t.Lines = append(t.Lines, TotalLine{SKU: l.SKU, Quantity: l.Quantity, Unavailable: true, OldPrice: l.PriceSeen})
			t.Unavailable = true
			continue
		}
		if l.Quantity < 0 || l.Quantity > 0 && it.Price > (MaxTotal-t.Subtotal)/money.Amount(l.Quantity) {
			return Totals{}, fmt.Errorf("price %s x %d: %w: more than %d", l.SKU, l.Quantity, ErrTooLarge, MaxTotal)
		}
		tl := TotalLine{
			SKU: it.SKU, Title: it.Title, Variant: it.Variant, URL: it.URL, Image: it.Image,
			UnitPrice: it.Price, Quantity: l.Quantity, LineTotal: it.Price * money.Amount(l.Quantity),
			VATRate: it.VATRate, DeliveryClass: it.DeliveryClass,
		}
		if l.PriceSeen != 0 && l.PriceSeen != it.Price {
			tl.PriceChanged, tl.OldPrice, tl.NewPrice = true, l.PriceSeen, it.Price
			t.PriceChanged = true
		}
		t.Subtotal += tl.LineTotal
		t.Lines = append(t.Lines, tl)
	}

	var m catalog.ShippingMethod
	if methodID == "" {
		ms := cat.MethodsFor(country)
		if len(ms) == 0 {
			return Totals{}, fmt.Errorf("shipping to %s: %w", country, ErrNoShipping)
		}
		m = ms[0]
	} else {
		var ok bool
		m, ok = cat.Method(methodID)
		if !ok {
			return Totals{}, fmt.Errorf("shipping method %q: %w", methodID, ErrShippingMethod)
		}
		if !m.Ships(country) {
			return Totals{}, fmt.Errorf("shipping method %q to %s: %w", methodID, country, ErrNoShipping)
		}
	}
	t.ShippingMethod, t.ShippingName, t.ShippingVATRate = m.ID, m.Name, m.VATRate
	free := cat.Shipping.FreeFrom
	switch {
	case t.Subtotal == 0:
		t.Shipping = 0
	case free > 0 && t.Subtotal >= free:
		t.Shipping, t.FreeShipping = 0, true
	default:
		t.Shipping = m.Price
		if free > 0 && m.Price > 0 {
			t.FreeShippingRemaining = free - t.Subtotal
		}
	}
	t.recompute()
	return t, nil
}

// recompute sets VAT and GrandTotal from the available lines, shipping and
// adjustments: Compute ends with it, and ApplyDiscount calls it again.
func (t *Totals) recompute() {
	byRate := t.GoodsVAT()
	if t.Shipping != 0 {
		byRate[t.ShippingVATRate] += t.Shipping
	}
	t.GrandTotal = t.Subtotal + t.Shipping
	for _, a := range t.Adjustments {
		byRate[a.VATRate] += a.Amount
		t.GrandTotal += a.Amount
	}
	rates := make([]int, 0, len(byRate))
	for r, base := range byRate {
		if base != 0 {
			rates = append(rates, r)
		}
	}
	sort.Ints(rates)
	t.VAT = make([]VATLine, 0, len(rates))
	t.VATTotal = 0
	for _, r := range rates {
		v := IncludedVAT(byRate[r], r)
		t.VAT = append(t.VAT, VATLine{Rate: r, Base: byRate[r], VAT: v})
		t.VATTotal += v
	}
}

// IncludedVAT is the VAT contained in an amount that includes VAT at rate
// percent: amount*rate/(100+rate), rounded half away from zero to a minor unit.
func IncludedVAT(amount money.Amount, rate int) money.Amount {
	if rate <= 0 {
		return 0
	}
	num := int64(amount) * int64(rate)
	den := int64(100 + rate)
	neg := num < 0
	if neg {
		num = -num
	}
	v := (2*num + den) / (2 * den)
	if neg {
		v = -v
	}
	return money.Amount(v)
}
