package usecase

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestPeriodProperty: any from <= to (days, both included) reads as
// [from, to+1 day) in the shop's zone; from after to, or a text that is
// not a date, is refused with words that name the field.
func TestPeriodProperty(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Skip("no time zone data")
	}
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, loc)
	u := Stats{Deps: Deps{Now: func() time.Time { return now }}, Zone: func() *time.Location { return loc }}
	rapid.Check(t, func(t *rapid.T) {
		a := time.Date(2024, 1, 1, 0, 0, 0, 0, loc).AddDate(0, 0, rapid.IntRange(0, 1500).Draw(t, "a"))
		b := a.AddDate(0, 0, rapid.IntRange(-30, 400).Draw(t, "span"))
		from, to, err := u.Period(a.Format(time.DateOnly), b.Format(time.DateOnly))
		if b.Before(a) {
			if err == nil {
				t.Fatalf("from %s after to %s accepted", a, b)
			}
			return
		}
		if err != nil || !from.Equal(a) || !to.Equal(b.AddDate(0, 0, 1)) {
			t.Fatalf("Period(%s, %s) = %s, %s, %v", a.Format(time.DateOnly), b.Format(time.DateOnly), from, to, err)
		}
	})
	if _, _, err := u.Period("", "30-11-2026"); err == nil {
		t.Error("a date not like 2026-11-30 is accepted")
	}
	if from, to, err := u.Period("", ""); err != nil || to.Sub(from) < 89*24*time.Hour || !to.After(now) {
		t.Errorf("default period %s – %s, %v; want the last 90 days up to today", from, to, err)
	}
}
