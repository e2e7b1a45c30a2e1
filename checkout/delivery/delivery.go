// Package delivery turns the shop's delivery rules (cut-off time, handling
// days per delivery class, carrier transit days, closed weekdays, holidays)
// into honest dates. It is pure: no clock, no I/O.
//
// The rules, as the shop owner writes them in data/ and the build copies
// them into catalog.json:
//
//   - The processing day of an order is the day it is placed, if that is a
//     working day (not a closed weekday, not a holiday) and it is placed before
//     the cut-off time in the shop's time zone; otherwise the next working day.
//   - An item of a class with N handling days ships N working days after the
//     processing day (0: the processing day itself).
//   - The carrier delivers transit_days carrier days after shipping. Carrier
//     days are all days except Sunday and the holidays. The window's latest
//     day adds SlackDays carrier days (default 1): the promise allows for one
//     day of carrier delay and says so.
//   - A pickup method (collected at the shop) is ready on the ship day:
//     earliest and latest are that day.
//
// All dates are returned as midnight of that day in the shop's time zone.
package delivery

import (
	"errors"
	"fmt"
	"time"

	"github.com/storefront/storefront/checkout/catalog"
)

// DefaultSlackDays is the carrier delay the delivery window allows for.
const DefaultSlackDays = 1

// ErrUnknownClass is returned for a delivery class that the rules lack.
var ErrUnknownClass = errors.New("unknown delivery class")

// Rules are compiled delivery rules.
type Rules struct {
	Location     *time.Location
	CutoffHour   int
	CutoffMinute int
	Closed       [7]bool         // by time.Weekday
	Holidays     map[string]bool // "2006-01-02"
	HandlingDays map[string]int  // by delivery class
	SlackDays    int             // extra carrier days in the window's latest date
}

// Window is a delivery window: earliest and latest day, both inclusive.
type Window struct {
	Earliest time.Time `json:"earliest"`
	Latest   time.Time `json:"latest"`
}

// Expected are the dates promised for a paid order.
type Expected struct {
	PackedBy  time.Time `json:"packed_by"`
	ShippedBy time.Time `json:"shipped_by"`
	Delivery  Window    `json:"delivery"`
}

// New compiles the catalog's delivery rules.
func New(d catalog.Delivery) (*Rules, error) {
	loc, err := time.LoadLocation(d.Timezone)
	if err != nil || d.Timezone == "" {
		return nil, fmt.Errorf("delivery rules: time zone %q: %w", d.Timezone, errors.Join(err, errors.New("unknown time zone")))
	}
	h, m, err := catalog.ParseCutoff(d.Cutoff)
	if err != nil {
		return nil, fmt.Errorf("delivery rules: cutoff: %w", err)
	}
	r := &Rules{
		Location: loc, CutoffHour: h, CutoffMinute: m,
		Holidays:     map[string]bool{},
		HandlingDays: map[string]int{},
		SlackDays:    DefaultSlackDays,
	}
	open := 7
	for _, w := range d.ClosedWeekdays {
		if w < 0 || w > 6 {
			return nil, fmt.Errorf("delivery rules: closed weekday %d is not 0..6", w)
		}
		if !r.Closed[w] {
			open--
		}
		r.Closed[w] = true
	}
	if open == 0 {
		return nil, errors.New("delivery rules: every weekday is closed")
	}
	for _, s := range d.Holidays {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return nil, fmt.Errorf("delivery rules: holiday %q: %w", s, err)
		}
		r.Holidays[t.Format(time.DateOnly)] = true
	}
	for name, c := range d.Classes {
		if c.HandlingDays < 0 {
			return nil, fmt.Errorf("delivery rules: class %s: negative handling days", name)
		}
		r.HandlingDays[name] = c.HandlingDays
	}
	return r, nil
}

// ShipDate is the day an item of class ships when ordered (and paid) at t.
func (r *Rules) ShipDate(t time.Time, class string) (time.Time, error) {
	n, ok := r.HandlingDays[class]
	if !ok {
		return time.Time{}, fmt.Errorf("ship date: %w %q", ErrUnknownClass, class)
	}
	return r.shipAfter(t, n), nil
}

// DeliveryWindow is when an item of class ordered at t arrives with method.
func (r *Rules) DeliveryWindow(t time.Time, class string, method catalog.ShippingMethod) (Window, error) {
	ship, err := r.ShipDate(t, class)
	if err != nil {
		return Window{}, err
	}
	return r.window(ship, method), nil
}

// ExpectedDates are the dates promised for an order paid at paidAt holding
// items of the given classes: the order ships complete, so the slowest
// class decides. Packing is promised by the ship date.
func (r *Rules) ExpectedDates(paidAt time.Time, classes []string, method catalog.ShippingMethod) (Expected, error) {
	most := 0
	for _, c := range classes {
		n, ok := r.HandlingDays[c]
		if !ok {
			return Expected{}, fmt.Errorf("expected dates: %w %q", ErrUnknownClass, c)
		}
		most = max(most, n)
	}
	ship := r.shipAfter(paidAt, most)
	return Expected{PackedBy: ship, ShippedBy: ship, Delivery: r.window(ship, method)}, nil
}

// ShippedWindow is when a parcel handed to the carrier at shippedAt arrives
// with method: transit counts from the day it really left (in the shop's
// time zone), whatever the hour or the shop's cut-off.
func (r *Rules) ShippedWindow(shippedAt time.Time, method catalog.ShippingMethod) Window {
	return r.window(midnight(shippedAt.In(r.Location)), method)
}

// ProcessingDay is the working day on which an order placed at t is taken in.
func (r *Rules) ProcessingDay(t time.Time) time.Time {
	t = t.In(r.Location)
	day := midnight(t)
	cut := time.Date(t.Year(), t.Month(), t.Day(), r.CutoffHour, r.CutoffMinute, 0, 0, r.Location)
	if !r.Working(day) || !t.Before(cut) {
		day = r.nextWorking(day)
	}
	return day
}

// Working reports whether the shop works on day (in the shop's time zone).
func (r *Rules) Working(day time.Time) bool {
	day = day.In(r.Location)
	return !r.Closed[day.Weekday()] && !r.Holidays[day.Format(time.DateOnly)]
}

// CarrierDay reports whether carriers deliver on day: not Sunday, not a holiday.
func (r *Rules) CarrierDay(day time.Time) bool {
	day = day.In(r.Location)
	return day.Weekday() != time.Sunday && !r.Holidays[day.Format(time.DateOnly)]
}

func (r *Rules) shipAfter(t time.Time, handling int) time.Time {
	day := r.ProcessingDay(t)
	for range handling {
		day = r.nextWorking(day)
	}
	return day
}

func (r *Rules) window(ship time.Time, method catalog.ShippingMethod) Window {
	if method.Pickup {
		// Ready at the shop on the ship day; the shop, not a carrier, decides.
		return Window{Earliest: ship, Latest: ship}
	}
	transit := method.TransitDays
	early := ship
	for range transit {
		early = r.nextCarrier(early)
	}
	if transit == 0 && !r.CarrierDay(early) {
		early = r.nextCarrier(early)
	}
	late := early
	for range r.SlackDays {
		late = r.nextCarrier(late)
	}
	return Window{Earliest: early, Latest: late}
}

// nextWorking returns the first working day after day. New guarantees at least
// one open weekday; holidays are finite, so this ends.
func (r *Rules) nextWorking(day time.Time) time.Time {
	for {
		day = addDays(day, 1)
		if r.Working(day) {
			return day
		}
	}
}

func (r *Rules) nextCarrier(day time.Time) time.Time {
	for {
		day = addDays(day, 1)
		if r.CarrierDay(day) {
			return day
		}
	}
}

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// addDays moves by calendar days, staying at midnight across DST changes.
func addDays(day time.Time, n int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day()+n, 0, 0, 0, 0, day.Location())
}
