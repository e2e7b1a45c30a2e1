// Package catalog holds the catalog.json types that every site build writes,
// their validation, and a Source that keeps the newest valid catalog loaded.
package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/storefront/storefront/checkout/giftcard"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/storefront/storefront/checkout/money"
)

// MaxPrice is the most an item or a shipping method may cost, in minor
// units (10^9: 10 million euros). Larger prices are typos or a broken
// generator, and prices times quantities must stay far from int64's limit.
const MaxPrice money.Amount = 1_000_000_000

// Catalog is one build's catalog.json (see docs/architecture.md).
type Catalog struct {
	Version     string    `json:"version"`
	GeneratedAt time.Time `json:"generated_at"`
	Currency    string    `json:"currency"`
	Shop        Shop      `json:"shop"`
	Shipping    Shipping  `json:"shipping"`
	Delivery    Delivery  `json:"delivery"`
	Returns     Returns   `json:"returns"`
	Items       []Item    `json:"items"`
	Polls       []Poll    `json:"polls,omitempty"`   // the poll shortcodes on the site's pages
	Loyalty     *Loyalty  `json:"loyalty,omitempty"` // loyalty points rule; nil: no programme (loyalty.go)
	VAT         VAT       `json:"vat"`               // VAT on orders to other countries (vat.go)
	// Categories and Makers name what a visitor can follow (topics.go).
	Categories []TopicName `json:"categories,omitempty"`
	Makers     []TopicName `json:"makers,omitempty"`
	// GiftCards is how long the gift cards the shop sells stay valid
	// (data/shop.toml [giftcards]; docs/giftcards.md).
	GiftCards giftcard.Rule `json:"giftcards"`

	bySKU map[string]int // index into Items, built by Parse
}

// Shop is the shop's identity. Fields after Country are optional.
type Shop struct {
	Name    string `json:"name"`
	Email   string `json:"email"`
	BaseURL string `json:"base_url"`
	Country string `json:"country"` // ISO 3166-1 alpha-2

	Phone        string  `json:"phone,omitempty"`
	KvK          string  `json:"kvk,omitempty"`    // Chamber of Commerce number
	VATID        string  `json:"vat_id,omitempty"` // VAT identification number
	Address      Address `json:"address"`
	ThankYouNL   string  `json:"thank_you_nl,omitempty"`
	ThankYouEN   string  `json:"thank_you_en,omitempty"`
	OnTimeTarget float64 `json:"on_time_target,omitempty"` // share of orders to arrive as promised
	// ReviewAfterDays is the wait after delivery before the one review
	// request (0: the default; negative: no requests). See checkout/review.
	ReviewAfterDays int `json:"review_after_days,omitempty"`
}

// Address is a postal address.
type Address struct {
	Street   string `json:"street"`
	Postcode string `json:"postcode"`
	City     string `json:"city"`
	Country  string `json:"country"`
}

// ThankYou is the shop's thank-you line in lang (nl or en).
func (s Shop) ThankYou(lang string) string {
	if lang == "en" && s.ThankYouEN != "" {
		return s.ThankYouEN
	}
	return s.ThankYouNL
}

// Shipping holds the shipping methods and the free-shipping threshold.
type Shipping struct {
	// FreeFrom is the subtotal (incl. VAT) from which shipping costs nothing;
	// 0 means shipping is never free.
	FreeFrom money.Amount     `json:"free_from"`
	Methods  []ShippingMethod `json:"methods"`
}

// ShippingMethod is one way to ship an order.
type ShippingMethod struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Price       money.Amount `json:"price"`    // incl. VAT
	VATRate     int          `json:"vat_rate"` // percent
	TransitDays int          `json:"transit_days"`
	Countries   []string     `json:"countries"`
	TrackingURL string       `json:"tracking_url"` // "{code}" is replaced by the tracking code
	NameEN      string       `json:"name_en,omitempty"`
	Pickup      bool         `json:"pickup,omitempty"` // collected at the shop, not shipped
	// CarrierOption is the carrier's shipping option for labels, e.g.
	// Sendcloud's "postnl:standard" (docs/carriers.md); empty: the
	// carrier's default.
	CarrierOption string `json:"carrier_option,omitempty"`
	// PickupPoints: the customer chooses a carrier's pick-up point near a
	// postcode (e.g. "PostNL pick-up point").
	PickupPoints bool `json:"pickup_points,omitempty"`
}

// Label is the method's name in lang (nl or en).
func (m ShippingMethod) Label(lang string) string {
	if lang == "en" && m.NameEN != "" {
		return m.NameEN
	}
	return m.Name
}

// Ships reports whether the method delivers to country (ISO alpha-2,
// case-insensitive).
func (m ShippingMethod) Ships(country string) bool {
	for _, c := range m.Countries {
		if strings.EqualFold(c, country) {
			return true
		}
	}
	return false
}

// Delivery holds the rules behind delivery promises; package delivery
// turns them into dates.
type Delivery struct {
	Timezone       string                   `json:"timezone"` // IANA name, e.g. Europe/Amsterdam
	Cutoff         string                   `json:"cutoff"`   // "15:00" in Timezone
	ClosedWeekdays []int                    `json:"closed_weekdays"`
	Holidays       []string                 `json:"holidays"` // "2026-12-25"
	Classes        map[string]DeliveryClass `json:"classes"`
}

// DeliveryClass is how long items of one kind take before they ship.
type DeliveryClass struct {
	HandlingDays int    `json:"handling_days"`
	Label        string `json:"label"`
	LabelEN      string `json:"label_en,omitempty"`
}

// LabelFor is the class's label in lang (nl or en).
func (c DeliveryClass) LabelFor(lang string) string {
	if lang == "en" && c.LabelEN != "" {
		return c.LabelEN
	}
	return c.Label
}

// Returns is the shop's return policy.
type Returns struct {
	WindowDays int    `json:"window_days"`
	Free       bool   `json:"free"`
	Address    string `json:"address"`
	RefundDays int    `json:"refund_days"`
	// Optional (after-sale): when the shipping cost is refunded on a return
	// ("full_return": only when everything went back, the default;
	// "always"; "never"), and what cannot be returned, in plain words.
	RefundShipping string `json:"refund_shipping,omitempty"`
	ExceptionsNL   string `json:"exceptions_nl,omitempty"`
	ExceptionsEN   string `json:"exceptions_en,omitempty"`
}

// Item is one sellable SKU.
type Item struct {
	SKU           string       `json:"sku"`
	Product       string       `json:"product"`
	Title         string       `json:"title"`
	Variant       string       `json:"variant"`
	URL           string       `json:"url"`
	Price         money.Amount `json:"price"` // incl. VAT
	Currency      string       `json:"currency"`
	VATRate       int          `json:"vat_rate"`            // the shop country's rate
	VATClass      string       `json:"vat_class,omitempty"` // data/shop.toml [vat]: the rate elsewhere (OSS)
	Image         string       `json:"image"`
	Category      string       `json:"category"`
	DeliveryClass string       `json:"delivery_class"`
	Stock         Stock        `json:"stock"`
	Maker         string       `json:"maker,omitempty"` // slug of the maker page, if any
	// Subscription: offered on subscription (a standing order), from the
	// front matter's `subscription: {intervals: [2, 4], price: 13.50}`.
	Subscription *Subscription `json:"subscription,omitempty"`
	// The English page's words (sites with an English translation; empty:
	// the default language's), so an English customer's cart, order and
	// e-mails say them (Name, VariantName, Link).
	TitleEN   string `json:"title_en,omitempty"`
	VariantEN string `json:"variant_en,omitempty"`
	URLEN     string `json:"url_en,omitempty"`
	// GiftCard: the item is a gift card worth its price (front matter
	// `giftcard: true`): no VAT when sold, no shipping, delivered by e-mail.
	GiftCard bool `json:"giftcard,omitempty"`
	// Thumb is a small photo (160 px WebP) for cart and checkout lines.
	Thumb string `json:"thumb,omitempty"`
}

// Name is the product's title in lang (nl or en).
func (it Item) Name(lang string) string {
	if lang == "en" && it.TitleEN != "" {
		return it.TitleEN
	}
	return it.Title
}

// VariantName is the variant's name in lang (nl or en). A gift card's
// variant is its value, written as money is in lang ("€ 50,00", "€50.00"),
// whatever the page calls it.
func (it Item) VariantName(lang string) string {
	if it.GiftCard {
		return money.Display(it.Price, it.Currency, lang)
	}
	if lang == "en" && it.VariantEN != "" {
		return it.VariantEN
	}
	return it.Variant
}

// Link is the product page in lang (nl or en).
func (it Item) Link(lang string) string {
	if lang == "en" && it.URLEN != "" {
		return it.URLEN
	}
	return it.URL
}

// Subscription is how an item is offered on subscription: every one of
// Intervals weeks, at Price per unit per delivery (0: the item's price).
type Subscription struct {
	Intervals []int        `json:"intervals"`
	Price     money.Amount `json:"price,omitempty"`
}

// UnitPrice is the price per unit of a delivery on subscription: never
// more than the item's own price (a price lowered below the subscription
// price takes the subscriber along).
func (s *Subscription) UnitPrice(it Item) money.Amount {
	if s == nil || s.Price <= 0 || s.Price > it.Price {
		return it.Price
	}
	return s.Price
}

// check says what is wrong with an item's subscription offer.
func (s *Subscription) check(it Item) []string {
	if s == nil {
		return nil
	}
	var out []string
	if len(s.Intervals) == 0 {
		out = append(out, "subscription.intervals is empty: give the weeks between deliveries, e.g. [2, 4]")
	}
	seen := map[int]bool{}
	for _, w := range s.Intervals {
		if w < 1 || w > 26 {
			out = append(out, fmt.Sprintf("subscription.intervals: %d weeks is not between 1 and 26", w))
		}
		if seen[w] {
			out = append(out, fmt.Sprintf("subscription.intervals: %d weeks is listed twice", w))
		}
		seen[w] = true
	}
	if s.Price < 0 || s.Price > MaxPrice {
		out = append(out, fmt.Sprintf("subscription.price %d must be between 0 and %d", s.Price, MaxPrice))
	}
	return out
}

// Poll is one poll shortcode of the site: the sidecar counts votes only for
// polls the build published, by option index (0-based; the options' words
// may differ per language).
type Poll struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Options  []string `json:"options"`
	Page     string   `json:"page"` // path of the page that holds it
}

// Poll finds a published poll by id.
func (c *Catalog) Poll(id string) (Poll, bool) {
	for _, p := range c.Polls {
		if p.ID == id {
			return p, true
		}
	}
	return Poll{}, false
}

// Stock says whether an item's quantity is limited.
type Stock struct {
	Tracked  bool `json:"tracked"`
	Quantity int  `json:"quantity"` // units free to sell when Tracked
}

// ErrInvalid is wrapped by every validation error of Parse.
var ErrInvalid = errors.New("invalid catalog")

// Parse decodes and validates a catalog.json. Errors name the item (by SKU)
// and the field at fault, so a shop owner knows what to fix.
func Parse(data []byte) (*Catalog, error) {
	var c Catalog
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: decode JSON: %v", ErrInvalid, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data after the JSON object", ErrInvalid)
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *Catalog) validate() error {
	var errs []error
	add := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, a...)...))
	}
	if !validCurrency(c.Currency) {
		add("currency %q is not a three-letter ISO 4217 code", c.Currency)
	}
	if len(c.Shipping.Methods) == 0 {
		add("shipping.methods is empty: add at least one shipping method")
	}
	if c.Shipping.FreeFrom < 0 {
		add("shipping.free_from is negative (%d)", c.Shipping.FreeFrom)
	}
	methods := map[string]bool{}
	for i, m := range c.Shipping.Methods {
		where := fmt.Sprintf("shipping.methods[%d] (id %q)", i, m.ID)
		switch {
		case m.ID == "":
			add("shipping.methods[%d]: id is empty", i)
		case methods[m.ID]:
			add("%s: duplicate id", where)
		}
		methods[m.ID] = true
		if m.Price < 0 {
			add("%s: price is negative (%d)", where, m.Price)
		} else if m.Price > MaxPrice {
			add("%s: price %d is more than %d (a typo?)", where, m.Price, MaxPrice)
		}
		if !validVAT(m.VATRate) {
			add("%s: vat_rate %d is not a percentage between 0 and 100", where, m.VATRate)
		}
		if m.TransitDays < 0 || m.TransitDays > 60 {
			add("%s: transit_days %d is not between 0 and 60", where, m.TransitDays)
		}
		if len(m.Countries) == 0 {
			add("%s: countries is empty", where)
		}
		for _, co := range m.Countries {
			if !countryCode.MatchString(co) {
				add("%s: countries: %q is not a two-letter country code such as DE", where, co)
			}
		}
		if m.Pickup && m.PickupPoints {
			add("%s: pickup (collected at the shop) and pickup_points (a carrier's pick-up point) cannot both be true", where)
		}
		if o := m.CarrierOption; o != "" && (len(o) > 100 || strings.ContainsAny(o, " \t\r\n/?#&")) {
			add("%s: carrier_option %q is not a carrier's shipping option code like \"postnl:standard\"", where, o)
		}
	}
	d := c.Delivery
	if _, err := time.LoadLocation(d.Timezone); err != nil || d.Timezone == "" {
		add("delivery.timezone %q is not a known time zone (e.g. Europe/Amsterdam)", d.Timezone)
	}
	if _, _, err := ParseCutoff(d.Cutoff); err != nil {
		add("delivery.cutoff: %v", err)
	}
	for _, w := range d.ClosedWeekdays {
		if w < 0 || w > 6 {
			add("delivery.closed_weekdays: %d is not 0 (Sunday) … 6 (Saturday)", w)
		}
	}
	if len(d.ClosedWeekdays) >= 7 {
		add("delivery.closed_weekdays closes every day of the week")
	}
	for _, h := range d.Holidays {
		if _, err := time.Parse(time.DateOnly, h); err != nil {
			add("delivery.holidays: %q is not a date like 2026-12-25", h)
		}
	}
	for name, cl := range d.Classes {
		if cl.HandlingDays < 0 || cl.HandlingDays > 60 {
			add("delivery.classes.%s: handling_days %d is not between 0 and 60", name, cl.HandlingDays)
		}
	}

	errs = append(errs, c.validateVAT()...)

	c.bySKU = make(map[string]int, len(c.Items))
	for i, it := range c.Items {
		if it.SKU == "" {
			add("items[%d] (%q): sku is empty", i, it.Title)
			continue
		}
		where := fmt.Sprintf("item %s", it.SKU)
		if j, dup := c.bySKU[it.SKU]; dup {
			add("%s: duplicate sku (items[%d] and items[%d])", where, j, i)
			continue
		}
		c.bySKU[it.SKU] = i
		if it.Price <= 0 {
			add("%s: price must be more than 0 (is %d)", where, it.Price)
		} else if it.Price > MaxPrice {
			add("%s: price %d is more than %d, the most one item may cost (a typo?)", where, it.Price, MaxPrice)
		}
		if it.Currency != c.Currency {
			add("%s: currency %q differs from the catalog's %q", where, it.Currency, c.Currency)
		}
		if !validVAT(it.VATRate) {
			add("%s: vat_rate %d is not a percentage between 0 and 100", where, it.VATRate)
		}
		if _, ok := d.Classes[it.DeliveryClass]; !ok {
			add("%s: delivery_class %q is not one of delivery.classes", where, it.DeliveryClass)
		}
		if it.Title == "" {
			add("%s: title is empty", where)
		}
		if it.Stock.Quantity < 0 {
			add("%s: stock.quantity is negative (%d)", where, it.Stock.Quantity)
		}
		for _, msg := range it.Subscription.check(it) {
			add("%s: %s", where, msg)
		}
	}
	return errors.Join(errs...)
}

// countryCode is an ISO 3166 alpha-2 code (any case: methods compare
// case-insensitively).
var countryCode = regexp.MustCompile(`^[A-Za-z]{2}$`)

func validVAT(r int) bool { return r >= 0 && r < 100 }

func validCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, c := range s {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// ParseCutoff reads an "HH:MM" cut-off time.
func ParseCutoff(s string) (hour, minute int, err error) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, 0, fmt.Errorf("%q is not a time like 15:00", s)
	}
	return t.Hour(), t.Minute(), nil
}

// Lookup finds an item by SKU.
func (c *Catalog) Lookup(sku string) (Item, bool) {
	if c == nil {
		return Item{}, false
	}
	if c.bySKU == nil { // built by hand (tests), not by Parse
		for _, it := range c.Items {
			if it.SKU == sku {
				return it, true
			}
		}
		return Item{}, false
	}
	i, ok := c.bySKU[sku]
	if !ok {
		return Item{}, false
	}
	return c.Items[i], true
}

// Method finds a shipping method by id.
func (c *Catalog) Method(id string) (ShippingMethod, bool) {
	if c == nil {
		return ShippingMethod{}, false
	}
	for _, m := range c.Shipping.Methods {
		if m.ID == id {
			return m, true
		}
	}
	return ShippingMethod{}, false
}

// InsteadOf is the method to offer in country when methodID does not
// deliver there: the same carrier's (its id's first word: dhl for dhl-be,
// postnl for postnl-be) when the shop has one there, else "" (the first
// method that delivers, as cart.Method picks).
func (c *Catalog) InsteadOf(methodID, country string) string {
	carrier, _, _ := strings.Cut(methodID, "-")
	if carrier == "" {
		return ""
	}
	for _, m := range c.MethodsFor(country) {
		if first, _, _ := strings.Cut(m.ID, "-"); first == carrier && !m.Pickup {
			return m.ID
		}
	}
	return ""
}

// Countries are the countries the checkout offers: every country a
// shipping method delivers to (upper case, sorted, once each). Offering
// only these is what keeps a customer from choosing a country no method
// goes to.
func (c *Catalog) Countries() []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range c.Shipping.Methods {
		for _, co := range m.Countries {
			co = strings.ToUpper(co)
			if !seen[co] {
				seen[co] = true
				out = append(out, co)
			}
		}
	}
	sort.Strings(out)
	return out
}

// MethodsFor lists the shipping methods that deliver to country, in catalog
// order.
func (c *Catalog) MethodsFor(country string) []ShippingMethod {
	var out []ShippingMethod
	for _, m := range c.Shipping.Methods {
		if m.Ships(country) {
			out = append(out, m)
		}
	}
	return out
}
