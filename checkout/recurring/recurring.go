// Package recurring holds standing orders: coffee (or tea, or socks) on
// subscription, delivered every few weeks and paid by a recurring payment
// against a mandate. It is pure: the store keeps standing orders, the
// server's scheduler asks Next what to do and reports what happened.
//
// Not to be confused with checkout/subscribe, the newsletter-style topic
// subscriptions (consent to mails): a standing order is a promise to buy.
//
// The sidecar schedules the charges itself (Mollie sequenceType=recurring
// against the mandate of a first payment) rather than using Mollie's
// Subscriptions API: skipping one delivery, pausing, changing the interval
// or the variant, the pre-charge notice a few days ahead (SEPA requires a
// pre-notification) and announcing a price change before it applies are
// then plain state changes here, with one source of truth for "what is
// charged when".
//
// A standing order moves through periods: period 1 is paid at checkout
// (the first payment, which creates the mandate); period n+1 is charged on
// NextCharge. For each period, in order: a pre-charge notice, then the
// charge; the idempotency key of a charge names the standing order, the
// period and the attempt, and the store makes at most one order per
// (standing order, period), so no delivery is charged twice.
package recurring

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/storefront/storefront/checkout/money"
)

// State of a standing order.
type State string

const (
	Active   State = "active"
	Paused   State = "paused"
	Canceled State = "canceled" // stopped by the customer or the owner; final
)

// Offer is how a product (or variant) is offered on subscription, from its
// front matter: `subscription: {intervals: [2, 4, 6], price: 13.50}`.
type Offer struct {
	Intervals []int        `json:"intervals"`       // weeks between deliveries
	Price     money.Amount `json:"price,omitempty"` // per delivery; 0 = the product's own price
}

// Check says what is wrong with an offer, for `shop doctor`.
func (o Offer) Check() error {
	if len(o.Intervals) == 0 {
		return errors.New("subscription: give at least one interval in weeks, e.g. intervals: [2, 4]")
	}
	seen := map[int]bool{}
	for _, w := range o.Intervals {
		if w < 1 || w > 26 {
			return fmt.Errorf("subscription: interval %d weeks: use 1 to 26 weeks", w)
		}
		if seen[w] {
			return fmt.Errorf("subscription: interval %d weeks is listed twice", w)
		}
		seen[w] = true
	}
	if o.Price < 0 {
		return errors.New("subscription: price must not be negative")
	}
	return nil
}

// Offers reports whether weeks is one of the offered intervals.
func (o Offer) Offers(weeks int) bool { return slices.Contains(o.Intervals, weeks) }

// Policy is the shop's settings for standing orders.
type Policy struct {
	NoticeDays      int // pre-charge notice this many days before a charge (default 3)
	PriceNoticeDays int // a new price applies only to charges at least this many days after its notice (default 14)
	MaxRetries      int // failed charges retried this often before pausing (default 2)
	RetryDays       int // days between a failed charge and its retry (default 3)
}

// DefaultPolicy: notice 3 days ahead, price changes 14 days ahead, two
// retries three days apart.
var DefaultPolicy = Policy{NoticeDays: 3, PriceNoticeDays: 14, MaxRetries: 2, RetryDays: 3}

func (p Policy) norm() Policy {
	d := DefaultPolicy
	if p.NoticeDays > 0 {
		d.NoticeDays = p.NoticeDays
	}
	if p.PriceNoticeDays > 0 {
		d.PriceNoticeDays = p.PriceNoticeDays
	}
	if p.MaxRetries > 0 {
		d.MaxRetries = p.MaxRetries
	}
	if p.RetryDays > 0 {
		d.RetryDays = p.RetryDays
	}
	return d
}

// Address is where deliveries go.
type Address struct {
	Name       string `json:"name"`
	Street     string `json:"street"`
	PostalCode string `json:"postal_code"`
	City       string `json:"city"`
	Country    string `json:"country"`
}

// Standing is one standing order.
type Standing struct {
	ID       string  `json:"id"`    // SO-000001
	Token    string  `json:"token"` // unguessable, for the customer's page and mail links
	Email    string  `json:"email"`
	Lang     string  `json:"lang"`
	Address  Address `json:"address"`
	SKU      string  `json:"sku"`
	Variant  string  `json:"variant,omitempty"`
	Title    string  `json:"title"`
	Quantity int     `json:"quantity"`
	Weeks    int     `json:"weeks"` // interval
	// Frozen from the catalog at checkout, so a delivery is priced (and
	// its VAT split) the same even if the product leaves the catalog.
	URL             string `json:"url,omitempty"`
	VATRate         int    `json:"vat_rate"`
	DeliveryClass   string `json:"delivery_class"`
	ShippingName    string `json:"shipping_name,omitempty"`
	ShippingVATRate int    `json:"shipping_vat_rate"`
	// Price per delivery (items) and Shipping per delivery; their sum is
	// what each charge is, the amount the customer was shown.
	Price          money.Amount `json:"price"`
	Shipping       money.Amount `json:"shipping"`
	ShippingMethod string       `json:"shipping_method"`
	Currency       string       `json:"currency"`
	State          State        `json:"state"`
	// Period is the next period to charge; periods before it are paid or
	// skipped. Period 1 is the first payment at checkout.
	Period     int       `json:"period"`
	NextCharge time.Time `json:"next_charge"` // the day Period is charged
	Skipped    []int     `json:"skipped,omitempty"`
	NoticeSent int       `json:"notice_sent"` // the last period whose pre-charge notice went out
	// Attempts of the current period that failed; Charging is set while a
	// charge of Period is under way (its payment id).
	Failures int    `json:"failures,omitempty"`
	Charging string `json:"charging,omitempty"`
	// Attempt numbers the charges of Period (never reset within a period,
	// so every new attempt has a new idempotency key).
	Attempt int `json:"attempt,omitempty"`
	// NoticedAmount is what the notice of period NoticeSent announced; the
	// charge of that period is exactly this amount.
	NoticedAmount money.Amount `json:"noticed_amount"`
	// A price change: NewPrice applies to charges on or after PriceAt,
	// which is PriceNoticeDays after its notice went out (PriceNoticed).
	NewPrice     money.Amount `json:"new_price,omitempty"`
	PriceAt      time.Time    `json:"price_at,omitzero"`
	PriceNoticed bool         `json:"price_noticed,omitempty"`
	PauseReason  string       `json:"pause_reason,omitempty"` // customer, owner, payment_failed
	// Provider side.
	CustomerID string    `json:"customer_id,omitempty"`
	MandateID  string    `json:"mandate_id,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	CanceledAt time.Time `json:"canceled_at,omitzero"`
	// Paid periods and their orders.
	Orders map[int]string `json:"orders,omitempty"`
}

// Errors of the actions.
var (
	ErrState    = errors.New("not possible in the standing order's state")
	ErrInterval = errors.New("interval not offered")
)

// day is the start of t's day in UTC.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (s *Standing) every() time.Duration { return time.Duration(s.Weeks) * 7 * 24 * time.Hour }

// Start makes a standing order whose first period was paid at checkout on
// paidAt; the second delivery is charged one interval later.
func Start(s Standing, paidAt time.Time) (Standing, error) {
	if s.Weeks < 1 || s.Quantity < 1 || s.Price <= 0 || s.Email == "" || s.SKU == "" {
		return s, errors.New("standing order: weeks, quantity, price, e-mail and product are required")
	}
	s.State, s.Period, s.NoticeSent = Active, 2, 1
	s.NextCharge = day(paidAt).Add(s.every())
	s.Orders = nil
	s.CreatedAt, s.UpdatedAt = paidAt, paidAt
	return s, nil
}

// PriceFor is the item price of period n: the new price once announced
// and for charges on or after PriceAt.
func (s *Standing) PriceFor(n int) money.Amount {
	if s.NewPrice > 0 && s.PriceNoticed && !s.ChargeDate(n).Before(s.PriceAt) {
		return s.NewPrice
	}
	return s.Price
}

// ChargeFor is what period n is charged: items plus shipping.
func (s *Standing) ChargeFor(n int) money.Amount { return s.PriceFor(n) + s.Shipping }

// NoticeAt is the day the pre-charge notice of the next charge is due.
func (s *Standing) NoticeAt(p Policy) time.Time {
	return s.NextCharge.AddDate(0, 0, -p.norm().NoticeDays)
}

// ChargeKey is the idempotency key of a charge: the standing order, the
// period and the attempt. A retry after a failure is a new attempt; a call
// repeated after a crash is the same one.
func (s *Standing) ChargeKey() string {
	return fmt.Sprintf("standing:%s:p%d:a%d", s.ID, s.Period, s.Attempt)
}

// ActionKind is what the scheduler must do next.
type ActionKind string

const (
	None        ActionKind = ""
	PriceNotice ActionKind = "price_notice" // mail the price change
	Notice      ActionKind = "notice"       // mail the pre-charge notice of Period
	Charge      ActionKind = "charge"       // create the recurring payment of Period
)

// Action is Next's answer.
type Action struct {
	Kind   ActionKind
	Period int
	Amount money.Amount
	Key    string // idempotency key of a charge
}

// Next says what is due at now: a price notice first, then the pre-charge
// notice of the period, then (not before the notice and not while a charge
// is under way) the charge. Nothing for paused or canceled orders.
func Next(s Standing, now time.Time, p Policy) Action {
	if s.State != Active {
		return Action{}
	}
	if s.NewPrice > 0 && !s.PriceNoticed {
		return Action{Kind: PriceNotice, Amount: s.NewPrice}
	}
	if s.NoticeSent < s.Period {
		if !now.Before(s.NoticeAt(p)) {
			return Action{Kind: Notice, Period: s.Period, Amount: s.ChargeFor(s.Period)}
		}
		return Action{}
	}
	if s.Charging == "" && !now.Before(s.NextCharge) {
		return Action{Kind: Charge, Period: s.Period, Amount: s.NoticedAmount, Key: s.ChargeKey()}
	}
	return Action{}
}

// Noticed records the pre-charge notice of period n announcing amount
// (Next's Action.Amount): the charge will be exactly that.
func Noticed(s Standing, n int, amount money.Amount, now time.Time) Standing {
	if n == s.Period && n > s.NoticeSent {
		s.NoticeSent, s.NoticedAmount = n, amount
		s.UpdatedAt = now
	}
	return s
}

// PriceNoticedAt records that the price change was announced at now; it
// applies to charges PriceNoticeDays later and after.
func PriceNoticedAt(s Standing, now time.Time, p Policy) Standing {
	s.PriceNoticed = true
	s.PriceAt = day(now).AddDate(0, 0, p.norm().PriceNoticeDays)
	s.UpdatedAt = now
	return s
}

// Charging records the payment created for the current period.
func Charging(s Standing, n int, paymentID string, now time.Time) Standing {
	if n == s.Period {
		s.Charging = paymentID
		s.UpdatedAt = now
	}
	return s
}

// Paid records that period n is paid, by order orderID: the next period is
// due one interval after this one. A report for a period already recorded
// changes nothing (changed false).
func Paid(s Standing, n int, orderID string, now time.Time) (Standing, bool) {
	if _, done := s.Orders[n]; done || n > s.Period || n < 1 {
		return s, false
	}
	s.Orders = cloneOrders(s.Orders)
	s.Orders[n] = orderID
	if n == s.Period {
		if s.NewPrice > 0 && s.PriceNoticed && !s.NextCharge.Before(s.PriceAt) {
			s.Price, s.NewPrice, s.PriceAt, s.PriceNoticed = s.NewPrice, 0, time.Time{}, false
		}
		s.Period++
		s.NextCharge = s.NextCharge.Add(s.every())
		s.Failures, s.Attempt, s.Charging = 0, 0, ""
	}
	// A paid period ends a pause for failed payments (the manual payment).
	if s.State == Paused && s.PauseReason == "payment_failed" {
		s.State, s.PauseReason = Active, ""
	}
	s.UpdatedAt = now
	return s, true
}

func cloneOrders(m map[int]string) map[int]string {
	out := make(map[int]string, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// FailOutcome says what a failed charge led to.
type FailOutcome string

const (
	Retry       FailOutcome = "retry"  // retried on NextCharge
	PausedAfter FailOutcome = "paused" // out of retries: paused, and says so
	Stale       FailOutcome = "stale"  // not the charge under way; nothing changed
)

// Failed records that the charge paymentID of period n failed: retried
// RetryDays later while retries are left (the customer gets a mail with a
// link to pay by hand), then the standing order pauses itself.
func Failed(s Standing, n int, paymentID string, now time.Time, p Policy) (Standing, FailOutcome) {
	p = p.norm()
	if n != s.Period || (s.Charging != "" && s.Charging != paymentID) || s.State != Active {
		return s, Stale
	}
	s.Failures++
	s.Attempt++
	s.Charging = ""
	s.UpdatedAt = now
	if s.Failures > p.MaxRetries {
		s.State, s.PauseReason = Paused, "payment_failed"
		return s, PausedAfter
	}
	s.NextCharge = day(now).AddDate(0, 0, p.RetryDays)
	return s, Retry
}

// Skip skips the current period: it is never charged nor delivered; the
// next one follows one interval later and gets its own notice.
func Skip(s Standing, now time.Time) (Standing, error) {
	if s.State != Active || s.Charging != "" {
		return s, fmt.Errorf("skip: %w (%s)", ErrState, s.State)
	}
	s.Skipped = append(slices.Clone(s.Skipped), s.Period)
	s.Period++
	s.NextCharge = s.NextCharge.Add(s.every())
	s.Failures, s.Attempt = 0, 0
	s.UpdatedAt = now
	return s, nil
}

// Pause stops charges until Resume.
func Pause(s Standing, reason string, now time.Time) (Standing, error) {
	if s.State != Active {
		return s, fmt.Errorf("pause: %w (%s)", ErrState, s.State)
	}
	s.State, s.PauseReason, s.UpdatedAt = Paused, reason, now
	return s, nil
}

// Resume restarts a paused standing order; the next charge is never
// sooner than a notice period away, so the customer is told first.
func Resume(s Standing, now time.Time, p Policy) (Standing, error) {
	if s.State != Paused {
		return s, fmt.Errorf("resume: %w (%s)", ErrState, s.State)
	}
	p = p.norm()
	earliest := day(now).AddDate(0, 0, p.NoticeDays)
	if s.NextCharge.Before(earliest) {
		s.NextCharge = earliest
	}
	s.State, s.PauseReason, s.Failures, s.Charging, s.UpdatedAt = Active, "", 0, "", now
	if s.NoticeSent >= s.Period {
		s.NoticeSent = s.Period - 1 // the new date gets a new notice
	}
	return s, nil
}

// ChangeInterval sets another offered interval; the next charge moves by
// the difference but never sooner than a notice period away.
func ChangeInterval(s Standing, weeks int, offer Offer, now time.Time, p Policy) (Standing, error) {
	if s.State == Canceled {
		return s, fmt.Errorf("change interval: %w", ErrState)
	}
	if !offer.Offers(weeks) {
		return s, fmt.Errorf("change interval to %d weeks: %w", weeks, ErrInterval)
	}
	if weeks == s.Weeks {
		return s, nil
	}
	p = p.norm()
	next := s.NextCharge.Add(time.Duration(weeks-s.Weeks) * 7 * 24 * time.Hour)
	if earliest := day(now).AddDate(0, 0, p.NoticeDays); next.Before(earliest) {
		next = earliest
	}
	if !next.Equal(s.NextCharge) && s.NoticeSent >= s.Period {
		s.NoticeSent = s.Period - 1
	}
	s.Weeks, s.NextCharge, s.UpdatedAt = weeks, next, now
	return s, nil
}

// Pricing is what one delivery costs to the standing order's address,
// priced like a one-off checkout (checkout/standing.Price): the items
// incl. the VAT of the country they go to, shipping, the method.
type Pricing struct {
	Price           money.Amount
	Shipping        money.Amount
	VATRate         int
	ShippingMethod  string
	ShippingName    string
	ShippingVATRate int
}

// reprice makes pr the price of the next deliveries. A pending price
// change ends (pr is the catalog's price now). If the next charge's amount
// changes after its notice went out, a new notice with the new amount goes
// out first, and the charge is never sooner than a notice period after it:
// no charge of an amount the customer was not told.
func reprice(s Standing, pr Pricing, now time.Time, p Policy) Standing {
	before := s.ChargeFor(s.Period)
	if s.NoticeSent >= s.Period {
		before = s.NoticedAmount
	}
	s.Price, s.Shipping, s.VATRate = pr.Price, pr.Shipping, pr.VATRate
	s.ShippingMethod, s.ShippingName, s.ShippingVATRate = pr.ShippingMethod, pr.ShippingName, pr.ShippingVATRate
	s.NewPrice, s.PriceAt, s.PriceNoticed = 0, time.Time{}, false
	if s.ChargeFor(s.Period) != before && s.NoticeSent >= s.Period {
		s.NoticeSent = s.Period - 1
		if earliest := day(now).AddDate(0, 0, p.norm().NoticeDays); s.NextCharge.Before(earliest) {
			s.NextCharge = earliest
		}
	}
	return s
}

// ChangeVariant sets another variant at its price pr (to the standing
// order's address) from the next charge on. A different amount means a
// new notice for the period first.
func ChangeVariant(s Standing, sku, variant, title string, pr Pricing, now time.Time, p Policy) (Standing, error) {
	if s.State == Canceled || s.Charging != "" {
		return s, fmt.Errorf("change variant: %w", ErrState)
	}
	if pr.Price <= 0 {
		return s, errors.New("change variant: no price")
	}
	s = reprice(s, pr, now, p)
	s.SKU, s.Variant, s.Title = sku, variant, title
	s.UpdatedAt = now
	return s, nil
}

// ChangeAddress sets where the next deliveries go, priced pr there: to
// another country that is its VAT (OSS) and its shipping. A different
// amount means a new notice for the period first.
func ChangeAddress(s Standing, a Address, pr Pricing, now time.Time, p Policy) (Standing, error) {
	if s.State == Canceled || s.Charging != "" {
		return s, fmt.Errorf("change address: %w", ErrState)
	}
	if a.Name == "" || a.Street == "" || a.PostalCode == "" || a.City == "" || len(a.Country) != 2 {
		return s, errors.New("change address: name, street, postal code, city and country are required")
	}
	if pr.Price <= 0 {
		return s, errors.New("change address: no price")
	}
	s = reprice(s, pr, now, p)
	s.Address, s.UpdatedAt = a, now
	return s, nil
}

// Stop cancels the standing order: nothing is charged any more.
func Stop(s Standing, now time.Time) (Standing, error) {
	if s.State == Canceled {
		return s, nil
	}
	// A charge under way stays (it may already be paid and then becomes
	// an order); nothing after it is charged.
	s.State, s.CanceledAt, s.UpdatedAt = Canceled, now, now
	return s, nil
}

// AnnouncePrice records a new item price per delivery. Next then asks
// for a price notice mail first; the price applies to charges at least
// PriceNoticeDays after that notice (PriceNoticedAt), so the customer can
// stop before it does. Changes nothing (false) for the same price.
func AnnouncePrice(s Standing, price money.Amount, now time.Time) (Standing, bool) {
	if s.State == Canceled || price <= 0 || price == s.NewPrice || (price == s.Price && s.NewPrice == 0) {
		return s, false
	}
	if price == s.Price { // back to the current price: nothing to announce
		s.NewPrice, s.PriceAt, s.PriceNoticed, s.UpdatedAt = 0, time.Time{}, false, now
		return s, true
	}
	s.NewPrice, s.PriceAt, s.PriceNoticed, s.UpdatedAt = price, time.Time{}, false, now
	return s, true
}

// ChargeDate is the day period n (>= Period) is charged if nothing changes.
func (s *Standing) ChargeDate(n int) time.Time {
	return s.NextCharge.Add(time.Duration(n-s.Period) * s.every())
}

// Upcoming lists the charges of active standing orders between from and
// to (for roasting planning), one entry per delivery.
type Delivery struct {
	StandingID string
	SKU        string
	Variant    string
	Quantity   int
	Date       time.Time
}

// Upcoming returns the deliveries of s charged in [from, to).
func Upcoming(s Standing, from, to time.Time) []Delivery {
	if s.State != Active || s.Weeks < 1 {
		return nil
	}
	var out []Delivery
	for n := s.Period; ; n++ {
		d := s.ChargeDate(n)
		if !d.Before(to) {
			return out
		}
		if !d.Before(from) {
			out = append(out, Delivery{StandingID: s.ID, SKU: s.SKU, Variant: s.Variant, Quantity: s.Quantity, Date: d})
		}
	}
}

// MonthlyRevenue is the recurring revenue of an active standing order per
// month (items and shipping), in minor units: a charge every Weeks weeks
// is 52/12/Weeks charges a month.
func MonthlyRevenue(s Standing) money.Amount {
	if s.State != Active || s.Weeks < 1 {
		return 0
	}
	return money.Amount(int64(s.Price+s.Shipping) * 52 / int64(12*s.Weeks))
}
