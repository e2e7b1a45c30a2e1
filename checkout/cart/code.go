package cart

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
)

// Discount codes (docs/codes.md): the owner makes them (data/codes.toml,
// the admin API, `shop codes`), the customer types one in at checkout. This
// file is the pure part: whether a code applies to a priced cart and what it
// takes off. Uses are counted by the store, with the order.

// KindCode is the Adjustment kind of a discount code.
const KindCode = "code"

// Code kinds.
const (
	CodePercent = "percent" // Value percent off the goods it is for
	CodeFixed   = "fixed"   // Value (minor units, incl. VAT) off the goods it is for
)

// MaxCodeLen is the longest code a customer can type.
const MaxCodeLen = 32

// Code is one discount code. The zero From/To are open ends; empty
// Categories, Products and SKUs mean every product.
type Code struct {
	Code       string       `json:"code" toml:"code"`
	Kind       string       `json:"kind" toml:"kind"`   // percent, fixed
	Value      int64        `json:"value" toml:"value"` // percent (1..100) or minor units
	MinOrder   money.Amount `json:"min_order,omitempty" toml:"-"`
	From       time.Time    `json:"from,omitzero" toml:"from"`
	To         time.Time    `json:"to,omitzero" toml:"to"` // last moment it is valid
	Categories []string     `json:"categories,omitempty" toml:"categories"`
	Products   []string     `json:"products,omitempty" toml:"products"`
	SKUs       []string     `json:"skus,omitempty" toml:"skus"`
	MaxUses    int          `json:"max_uses,omitempty" toml:"max_uses"`                 // in total; 0 unlimited
	MaxPerUser int          `json:"max_per_customer,omitempty" toml:"max_per_customer"` // per e-mail address; 0 unlimited
	Disabled   bool         `json:"disabled,omitempty" toml:"disabled"`
	Source     string       `json:"source,omitempty" toml:"-"` // "file" (data/codes.toml) or "admin"
	At         string       `json:"-" toml:"-"`                // where in its file: code[1] (WELKOM10)
}

// Why a code does not apply; the server says each in the customer's words.
var (
	ErrCodeUnknown    = errors.New("code unknown")
	ErrCodeExpired    = errors.New("code expired")
	ErrCodeNotYet     = errors.New("code not yet valid")
	ErrCodeBelowMin   = errors.New("order below the code's minimum")
	ErrCodeNotForCart = errors.New("code not for these products")
	ErrCodeUsedUp     = errors.New("code used up")
)

// NormalizeCode is how a code is compared: trimmed, upper case, inner
// spaces and dashes as typed. Codes are case-insensitive.
func NormalizeCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// ValidCodeName reports whether s (normalised) can be a code: 3 to
// MaxCodeLen letters, digits, '-' or '_'.
func ValidCodeName(s string) bool {
	if len(s) < 3 || len(s) > MaxCodeLen {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// CodeRule is a rule of codes one code breaks, as the owner wrote it: the
// field, the problem's key (its words are "owner.codes.err.<Key>" in the
// theme's i18n, with Args) and the English sentence the JSON API, the CLI
// and data/codes.toml's messages give ("field: text").
type CodeRule struct {
	Field, Key, Text string
	Args             []any
}

func (p CodeRule) String() string { return p.Field + ": " + p.Text }

// Problems says what is wrong with a code as the owner wrote it (empty:
// fine).
func (c Code) Problems() []CodeRule {
	var out []CodeRule
	add := func(field, key string, args []any, format string) {
		out = append(out, CodeRule{Field: field, Key: key, Args: args, Text: fmt.Sprintf(format, args...)})
	}
	if !ValidCodeName(NormalizeCode(c.Code)) {
		add("code", "name", []any{c.Code, MaxCodeLen}, "%q must be 3 to %d letters, digits, - or _")
	}
	switch c.Kind {
	case CodePercent:
		if c.Value < 1 || c.Value > 100 {
			add("percent", "percent", []any{c.Value}, "%d must be 1 to 100")
		}
	case CodeFixed:
		if c.Value <= 0 {
			add("amount", "amount_zero", nil, "must be more than 0")
		}
	default:
		add("kind", "kind", nil, "say percent or amount (one of the two)")
	}
	if c.MinOrder < 0 {
		add("min_order", "min_order", nil, "must not be negative")
	}
	if !c.From.IsZero() && !c.To.IsZero() && c.To.Before(c.From) {
		add("to", "to_before_from", nil, "is before from")
	}
	if c.MaxUses < 0 || c.MaxPerUser < 0 {
		add("max_uses, max_per_customer", "uses", nil, "must not be negative")
	}
	return out
}

// Check is Problems as sentences naming the field ("field: text").
func (c Code) Check() []string {
	var out []string
	for _, p := range c.Problems() {
		out = append(out, p.String())
	}
	return out
}

// Limited reports whether the store must count the code's uses.
func (c Code) Limited() bool { return c.MaxUses > 0 || c.MaxPerUser > 0 }

// ForItem reports whether the code is for a catalog item.
func (c Code) ForItem(it catalog.Item) bool {
	if len(c.Categories) == 0 && len(c.Products) == 0 && len(c.SKUs) == 0 {
		return true
	}
	return slices.Contains(c.Categories, it.Category) || slices.Contains(c.Products, it.Product) || slices.Contains(c.SKUs, it.SKU)
}

// CodeDiscount is what a code takes off a priced cart: the amount (incl.
// VAT, positive) and the goods it is for per VAT rate. It checks the dates,
// the minimum (on the goods before any discount, gift cards aside: a card
// is money, not goods) and the products, not the
// uses (the store counts those). Fixed amounts and 100 % leave one minor
// unit of the goods to pay (a payment of nothing cannot be made).
func CodeDiscount(t Totals, c Code, cat *catalog.Catalog, now time.Time) (money.Amount, map[int]money.Amount, []string, error) {
	switch {
	case c.Disabled:
		return 0, nil, nil, ErrCodeUnknown
	case !c.From.IsZero() && now.Before(c.From):
		return 0, nil, nil, ErrCodeNotYet
	case !c.To.IsZero() && now.After(c.To):
		return 0, nil, nil, ErrCodeExpired
	case t.Goods() < c.MinOrder:
		return 0, nil, nil, ErrCodeBelowMin
	}
	base := map[int]money.Amount{}
	var skus []string
	var eligible money.Amount
	for _, l := range t.Lines {
		if l.Unavailable || l.LineTotal <= 0 || l.GiftCard { // a code never discounts money (a gift card)
			continue
		}
		it, ok := cat.Lookup(l.SKU)
		if !ok || !c.ForItem(it) {
			continue
		}
		base[l.VATRate] += l.LineTotal
		eligible += l.LineTotal
		skus = append(skus, l.SKU)
	}
	if eligible <= 0 {
		return 0, nil, nil, ErrCodeNotForCart
	}
	var amount money.Amount
	if c.Kind == CodePercent {
		amount = money.Amount((int64(eligible)*c.Value*2 + 100) / 200) // half away from zero
	} else {
		amount = money.Amount(c.Value)
	}
	amount = min(amount, eligible)
	goods := t.Subtotal
	for _, a := range t.Adjustments {
		goods += a.Amount
	}
	if amount >= goods {
		amount = goods - 1
	}
	if amount <= 0 {
		return 0, nil, nil, ErrCodeNotForCart
	}
	return amount, base, skus, nil
}

// ApplyCode takes the code's discount off t as one adjustment per VAT rate
// of the goods it is for (split as ApplyDiscount splits points), labelled
// with the code. See CodeDiscount for the errors.
func ApplyCode(t *Totals, c Code, cat *catalog.Catalog, label string, now time.Time) error {
	amount, base, skus, err := CodeDiscount(*t, c, cat, now)
	if err != nil {
		return err
	}
	return applyDiscountOn(t, KindCode, label, amount, base, skus)
}
