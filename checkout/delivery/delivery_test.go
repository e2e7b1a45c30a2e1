package delivery

import (
	"errors"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/catalog"
)

var ams, _ = time.LoadLocation("Europe/Amsterdam")

func rules(t *testing.T) *Rules {
	t.Helper()
	r, err := New(catalog.Delivery{
		Timezone: "Europe/Amsterdam", Cutoff: "15:00",
		ClosedWeekdays: []int{0, 6}, Holidays: []string{"2026-12-25", "2026-12-26"},
		Classes: map[string]catalog.DeliveryClass{
			"standard": {HandlingDays: 1}, "roasted-to-order": {HandlingDays: 2}, "same-day": {HandlingDays: 0},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var (
	postnl = catalog.ShippingMethod{ID: "postnl", TransitDays: 1}
	dhl    = catalog.ShippingMethod{ID: "dhl", TransitDays: 3}
	bike   = catalog.ShippingMethod{ID: "bike", TransitDays: 0}
	pickup = catalog.ShippingMethod{ID: "pickup", Pickup: true}
)

// local is a time in Amsterdam: "2026-11-26 10:00".
func local(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ams)
	if err != nil {
		panic(err)
	}
	return t
}

func day(s string) time.Time { return local(s + " 00:00") }

func TestDates(t *testing.T) {
	r := rules(t)
	tests := []struct {
		name              string
		at                time.Time
		class             string
		method            catalog.ShippingMethod
		ship, early, late string
	}{
		{"before cut-off on a Thursday", local("2026-11-26 10:00"), "standard", postnl, "2026-11-27", "2026-11-28", "2026-11-30"},
		{"one minute before cut-off", local("2026-11-26 14:59"), "standard", postnl, "2026-11-27", "2026-11-28", "2026-11-30"},
		{"at cut-off counts as after", local("2026-11-26 15:00"), "standard", postnl, "2026-11-30", "2026-12-01", "2026-12-02"},
		{"cut-off in the shop's zone, not UTC", time.Date(2026, 11, 26, 14, 30, 0, 0, time.UTC), "standard", postnl, "2026-11-30", "2026-12-01", "2026-12-02"},
		{"UTC morning is before cut-off", time.Date(2026, 11, 26, 13, 59, 0, 0, time.UTC), "same-day", postnl, "2026-11-26", "2026-11-27", "2026-11-28"},
		{"Saturday order waits for Monday", local("2026-11-28 10:00"), "standard", postnl, "2026-12-01", "2026-12-02", "2026-12-03"},
		{"handling 0 ships the same day", local("2026-11-27 10:00"), "same-day", postnl, "2026-11-27", "2026-11-28", "2026-11-30"},
		{"Christmas skipped in handling", local("2026-12-24 10:00"), "roasted-to-order", postnl, "2026-12-29", "2026-12-30", "2026-12-31"},
		{"Christmas skipped in transit", local("2026-12-24 10:00"), "same-day", postnl, "2026-12-24", "2026-12-28", "2026-12-29"},
		{"three transit days skip Sunday", local("2026-11-27 10:00"), "same-day", dhl, "2026-11-27", "2026-12-01", "2026-12-02"},
		{"zero transit on a carrier day", local("2026-11-26 10:00"), "same-day", bike, "2026-11-26", "2026-11-26", "2026-11-27"},
		{"pickup is ready on the ship day", local("2026-11-27 10:00"), "standard", pickup, "2026-11-30", "2026-11-30", "2026-11-30"},
		{"across the spring DST change", local("2026-03-27 16:00"), "standard", postnl, "2026-03-31", "2026-04-01", "2026-04-02"},
		{"across the autumn DST change", local("2026-10-23 16:00"), "same-day", postnl, "2026-10-26", "2026-10-27", "2026-10-28"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ship, err := r.ShipDate(tt.at, tt.class)
			if err != nil {
				t.Fatal(err)
			}
			w, err := r.DeliveryWindow(tt.at, tt.class, tt.method)
			if err != nil {
				t.Fatal(err)
			}
			if !ship.Equal(day(tt.ship)) || !w.Earliest.Equal(day(tt.early)) || !w.Latest.Equal(day(tt.late)) {
				t.Errorf("ship %s, window %s..%s; want %s, %s..%s",
					ship.Format(time.DateOnly), w.Earliest.Format(time.DateOnly), w.Latest.Format(time.DateOnly),
					tt.ship, tt.early, tt.late)
			}
			if ship.Hour() != 0 || ship.Location().String() != "Europe/Amsterdam" {
				t.Errorf("ship date %v is not midnight in the shop's zone", ship)
			}
		})
	}
}

func TestExpectedDatesSlowestClassDecides(t *testing.T) {
	r := rules(t)
	e, err := r.ExpectedDates(local("2026-11-26 10:00"), []string{"standard", "roasted-to-order"}, postnl)
	if err != nil {
		t.Fatal(err)
	}
	if !e.ShippedBy.Equal(day("2026-11-30")) || !e.PackedBy.Equal(e.ShippedBy) ||
		!e.Delivery.Earliest.Equal(day("2026-12-01")) || !e.Delivery.Latest.Equal(day("2026-12-02")) {
		t.Errorf("expected = %+v", e)
	}
	if _, err := r.ExpectedDates(local("2026-11-26 10:00"), []string{"standard", "express"}, postnl); !errors.Is(err, ErrUnknownClass) {
		t.Errorf("unknown class: %v", err)
	}
	if _, err := r.ShipDate(local("2026-11-26 10:00"), "express"); !errors.Is(err, ErrUnknownClass) {
		t.Errorf("unknown class: %v", err)
	}
}

func TestSlackDays(t *testing.T) {
	r := rules(t)
	r.SlackDays = 0
	w, _ := r.DeliveryWindow(local("2026-11-26 10:00"), "standard", postnl)
	if !w.Earliest.Equal(w.Latest) {
		t.Errorf("no slack: %+v", w)
	}
}

func TestNewRefuses(t *testing.T) {
	good := catalog.Delivery{Timezone: "Europe/Amsterdam", Cutoff: "15:00"}
	tests := []struct {
		name string
		fn   func(d *catalog.Delivery)
	}{
		{"unknown zone", func(d *catalog.Delivery) { d.Timezone = "Europe/Atlantis" }},
		{"empty zone", func(d *catalog.Delivery) { d.Timezone = "" }},
		{"bad cut-off", func(d *catalog.Delivery) { d.Cutoff = "25:00" }},
		{"all closed", func(d *catalog.Delivery) { d.ClosedWeekdays = []int{0, 1, 2, 3, 4, 5, 6} }},
		{"weekday 7", func(d *catalog.Delivery) { d.ClosedWeekdays = []int{7} }},
		{"bad holiday", func(d *catalog.Delivery) { d.Holidays = []string{"Christmas"} }},
		{"negative handling", func(d *catalog.Delivery) {
			d.Classes = map[string]catalog.DeliveryClass{"x": {HandlingDays: -1}}
		}},
	}
	if _, err := New(good); err != nil {
		t.Fatalf("good rules refused: %v", err)
	}
	for _, tt := range tests {
		d := good
		tt.fn(&d)
		if _, err := New(d); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
}

// Every promised date lands on a day the shop works (ship) or the carrier
// delivers (window), and the window never ends before it starts.
func TestDatesAreWorkingDays(t *testing.T) {
	r := rules(t)
	start := local("2026-12-01 00:00")
	for h := 0; h < 24*60; h += 7 {
		at := start.Add(time.Duration(h) * time.Hour)
		for _, class := range []string{"same-day", "standard", "roasted-to-order"} {
			ship, _ := r.ShipDate(at, class)
			w, _ := r.DeliveryWindow(at, class, dhl)
			if !r.Working(ship) || !r.CarrierDay(w.Earliest) || !r.CarrierDay(w.Latest) ||
				w.Latest.Before(w.Earliest) || w.Earliest.Before(ship) || ship.Before(midnight(at.In(ams))) {
				t.Fatalf("at %v %s: ship %v window %+v", at, class, ship, w)
			}
		}
	}
}

func TestShippedWindow(t *testing.T) {
	r := rules(t)
	tests := []struct {
		at          time.Time
		m           catalog.ShippingMethod
		early, late string
	}{
		{local("2026-11-26 17:30"), postnl, "2026-11-27", "2026-11-28"}, // after cut-off still left that day
		{local("2026-11-27 09:00"), postnl, "2026-11-28", "2026-11-30"},
		{local("2026-11-28 11:00"), postnl, "2026-11-30", "2026-12-01"}, // shipped on a closed Saturday
		{local("2026-12-24 16:00"), dhl, "2026-12-30", "2026-12-31"},
		{time.Date(2026, 11, 26, 23, 30, 0, 0, time.UTC), postnl, "2026-11-28", "2026-11-30"}, // already Friday in Amsterdam
	}
	for _, tt := range tests {
		w := r.ShippedWindow(tt.at, tt.m)
		if !w.Earliest.Equal(day(tt.early)) || !w.Latest.Equal(day(tt.late)) {
			t.Errorf("ShippedWindow(%v, %s) = %s..%s, want %s..%s", tt.at, tt.m.ID,
				w.Earliest.Format(time.DateOnly), w.Latest.Format(time.DateOnly), tt.early, tt.late)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	d := catalog.Delivery{Timezone: "Europe/Amsterdam", Cutoff: "15:00", ClosedWeekdays: []int{0, 6},
		Holidays: []string{"2026-12-25", "2026-12-26"}, Classes: map[string]catalog.DeliveryClass{"standard": {HandlingDays: 1}}}
	for i := 0; i < b.N; i++ {
		if _, err := New(d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExpectedDates(b *testing.B) {
	r, err := New(catalog.Delivery{Timezone: "Europe/Amsterdam", Cutoff: "15:00", ClosedWeekdays: []int{0, 6},
		Holidays: []string{"2026-12-25", "2026-12-26"}, Classes: map[string]catalog.DeliveryClass{"standard": {HandlingDays: 1}}})
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 12, 24, 16, 0, 0, 0, time.UTC)
	for i := 0; i < b.N; i++ {
		if _, err := r.ExpectedDates(at, []string{"standard"}, postnl); err != nil {
			b.Fatal(err)
		}
	}
}
