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
	// GiftCard: the line is a gift card (no VAT, no shipping, by e-mail).
	GiftCard bool `json:"giftcard,omitempty"`
	// PriceChanged is set when the catalog price differs from the price the
	// customer saw when adding (OldPrice), now NewPrice (= UnitPrice).
	PriceChanged bool         `json:"price_changed"`
	OldPrice     money.Amount `json:"old_price,omitempty"`
	NewPrice     money.Amount `json:"new_price,omitempty"`
	// Unavailable is set when the SKU is no longer in the catalog; the line
	// then counts for nothing and blocks checkout until removed.
	Unavailable bool `json:"unavailable"`
	// Thumb is a small photo of the product for the line (catalog.Item).
	Thumb string `json:"thumb,omitempty"`
}

// VATLine is the VAT contained in the amounts at one rate.
type VATLine struct {
	Rate int          `json:"rate"`
	Base money.Amount `json:"base"` // amount incl. VAT taxed at Rate
	VAT  money.Amount `json:"vat"`
}

// Adjustment is a discount line (loyalty points, a discount code), one per
// VAT rate. Amount is negative for a discount and includes VAT at VATRate.
// SKUs, when set, are the lines the discount was for (a code for some
// products): a refund takes it back from those lines only (PaidFor).
type Adjustment struct {
	Kind    string       `json:"kind"`
	Label   string       `json:"label"`
	Amount  money.Amount `json:"amount"`
	VATRate int          `json:"vat_rate"`
	SKUs    []string     `json:"skus,omitempty"`
}

// Totals is what the customer pays, computed from the catalog only.
type Totals struct {
	Currency string       `json:"currency"`
	Lines    []TotalLine  `json:"lines"`
	Subtotal money.Amount `json:"subtotal"` // sum of available line totals

	Country        string       `json:"country"` // where it goes: the VAT rates follow it (OSS)
	ShippingMethod string       `json:"shipping_method"`
	ShippingName   string       `json:"shipping_name"`
	Shipping       money.Amount `json:"shipping"`
	// ShippingVATRate is the rate of the shipping cost when the goods have
	// one rate; 0 when it is split over several (ShippingVAT has the split).
	ShippingVATRate int `json:"shipping_vat_rate"`
	// ShippingVAT is the shipping cost per VAT rate: it follows the goods
	// (SplitCharge), Base the part of Shipping at Rate, VAT what it holds.
	ShippingVAT  []VATLine `json:"shipping_vat"`
	FreeShipping bool      `json:"free_shipping"` // free_from reached
	// FreeShippingRemaining is how much more makes shipping free (0 when it
	// already is, costs nothing anyway, or the shop has no threshold).
	FreeShippingRemaining money.Amount `json:"free_shipping_remaining"`

	Adjustments []Adjustment `json:"adjustments"`
	VAT         []VATLine    `json:"vat"` // per rate, ascending
	VATTotal    money.Amount `json:"vat_total"`
	GrandTotal  money.Amount `json:"grand_total"` // what is charged

	// ReverseCharge: an intra-Community supply to a business in another
	// EU country; the amounts exclude VAT and there is none (reverse.go).
	ReverseCharge bool `json:"reverse_charge,omitempty"`

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
		// The price and rate of the country it goes to (catalog/vat.go):
		// the catalog's own for the shop's country or under the threshold.
		unit := cat.PriceFor(it, country)
		if unit > MaxTotal || l.Quantity > 0 && unit > (MaxTotal-t.Subtotal)/money.Amount(l.Quantity) {
			return Totals{}, fmt.Errorf("price %s x %d: %w: more than %d", l.SKU, l.Quantity, ErrTooLarge, MaxTotal)
		}
		tl := TotalLine{
			SKU: it.SKU, Title: it.Title, Variant: it.Variant, URL: it.URL, Image: it.Image, Thumb: it.Thumb,
			UnitPrice: unit, Quantity: l.Quantity, LineTotal: unit * money.Amount(l.Quantity),
			VATRate: cat.RateFor(it, country), DeliveryClass: it.DeliveryClass, GiftCard: it.GiftCard,
		}
		if it.GiftCard {
			tl.VATRate = 0 // a multi-purpose voucher: VAT on what it buys (docs/money.md)
		}
		if l.PriceSeen != 0 && l.PriceSeen != it.Price {
			tl.PriceChanged, tl.OldPrice, tl.NewPrice = true, l.PriceSeen, it.Price
			t.PriceChanged = true
		}
		t.Subtotal += tl.LineTotal
		t.Lines = append(t.Lines, tl)
	}

	m, err := Method(cat, methodID, country)
	if err != nil {
		return Totals{}, err
	}
	t.ShippingMethod, t.ShippingName, t.ShippingVATRate = m.ID, m.Name, m.VATRate
	free := cat.Shipping.FreeFrom
	goods := t.Goods() // gift cards go by e-mail: no shipping, no free-shipping credit
	switch {
	case goods == 0:
		t.Shipping = 0
	case free > 0 && goods >= free:
		t.Shipping, t.FreeShipping = 0, true
	default:
		t.Shipping = m.Price
		if free > 0 && m.Price > 0 {
			t.FreeShippingRemaining = free - goods
		}
	}
	t.recompute()
	return t, nil
}

// Method is the shipping method methodID, which must deliver to country;
// empty picks the first method (catalog order) that does.
func Method(cat *catalog.Catalog, methodID, country string) (catalog.ShippingMethod, error) {
	if methodID == "" {
		ms := cat.MethodsFor(country)
		if len(ms) == 0 {
			return catalog.ShippingMethod{}, fmt.Errorf("shipping to %s: %w", country, ErrNoShipping)
		}
		return ms[0], nil
	}
	m, ok := cat.Method(methodID)
	if !ok {
		return m, fmt.Errorf("shipping method %q: %w", methodID, ErrShippingMethod)
	}
	if !m.Ships(country) {
		return m, fmt.Errorf("shipping method %q to %s: %w", methodID, country, ErrNoShipping)
	}
	return m, nil
}

// recompute sets VAT and GrandTotal from the available lines, shipping and
// adjustments: Compute ends with it, and ApplyDiscount calls it again.
// Shipping takes the VAT rate of the goods: split over their rates in
// proportion to the goods' amounts excluding VAT (SplitCharge). The VAT of
// each rate is computed once, on everything at that rate (rounded per rate),
// so the VAT lines add up to VATTotal.
func (t *Totals) recompute() {
	byRate := t.GoodsVAT()
	for _, a := range t.Adjustments {
		byRate[a.VATRate] += a.Amount
	}
	goods := make(map[int]money.Amount, len(byRate))
	for r, v := range byRate {
		goods[r] = v
	}
	if g := t.giftCards(); g != 0 {
		goods[0] -= g // shipping follows the goods, never a gift card (outside VAT)
	}
	fallback := t.ShippingVATRate // the method's own rate, for shipping without goods
	t.ShippingVAT = []VATLine{}
	if t.Shipping != 0 {
		t.ShippingVATRate = 0
		split := SplitCharge(t.Shipping, goods, fallback)
		for _, r := range sortedRates(split) {
			byRate[r] += split[r]
			t.ShippingVAT = append(t.ShippingVAT, VATLine{Rate: r, Base: split[r], VAT: IncludedVAT(split[r], r)})
		}
		if len(t.ShippingVAT) == 1 {
			t.ShippingVATRate = t.ShippingVAT[0].Rate
		}
	}
	t.GrandTotal = t.Subtotal + t.Shipping
	for _, a := range t.Adjustments {
		t.GrandTotal += a.Amount
	}
	t.VAT = make([]VATLine, 0, len(byRate))
	t.VATTotal = 0
	for _, r := range sortedRates(byRate) {
		v := IncludedVAT(byRate[r], r)
		t.VAT = append(t.VAT, VATLine{Rate: r, Base: byRate[r], VAT: v})
		t.VATTotal += v
	}
}

// sortedRates are the rates of by with a non-zero amount, ascending.
func sortedRates(by map[int]money.Amount) []int {
	rates := make([]int, 0, len(by))
	for r, v := range by {
		if v != 0 {
			rates = append(rates, r)
		}
	}
	sort.Ints(rates)
	return rates
}

// SplitCharge splits a charge incl. VAT (shipping) over the VAT rates of
// the goods it goes with, as the Dutch tax office has it (bijkomende kosten
// volgen de hoofdprestatie): one rate → all of it at that rate; several →
// in proportion to the goods' amounts excluding VAT per rate. Each share is
// rounded half away from zero to a minor unit; the cents the rounding
// leaves over go to the rate with the largest goods amount, so the shares
// add up to the charge. goods maps a rate to the goods incl. VAT at it.
// Without goods the charge stays at fallback.
func SplitCharge(charge money.Amount, goods map[int]money.Amount, fallback int) map[int]money.Amount {
	net := map[int]int64{}
	var total int64
	for r, g := range goods {
		if g > 0 {
			n := int64(g - IncludedVAT(g, r))
			net[r] = n
			total += n
		}
	}
	if total <= 0 {
		return map[int]money.Amount{fallback: charge}
	}
	out := make(map[int]money.Amount, len(net))
	var given money.Amount
	big := -1
	for _, r := range sortedRates(goods) {
		n, ok := net[r]
		if !ok {
			continue
		}
		num := int64(charge) * n
		part := money.Amount((2*num + total) / (2 * total))
		out[r] = part
		given += part
		if big < 0 || n > net[big] || n == net[big] && r > big {
			big = r
		}
	}
	out[big] += charge - given
	return out
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

// giftCards is what the available gift-card lines cost (docs/giftcards.md).
func (t *Totals) giftCards() money.Amount {
	var g money.Amount
	for _, l := range t.Lines {
		if l.GiftCard && !l.Unavailable {
			g += l.LineTotal
		}
	}
	return g
}

// Goods is the subtotal of what is bought, gift cards aside: gift cards are
// money in another form, so a code's minimum and free shipping count
// without them.
func (t Totals) Goods() money.Amount { return t.Subtotal - t.giftCards() }

// OnlyGiftCards reports whether every line is a gift card: nothing to ship.
func (t Totals) OnlyGiftCards() bool {
	for _, l := range t.Lines {
		if !l.GiftCard {
			return false
		}
	}
	return len(t.Lines) > 0
}
