package promise

import (
	"fmt"
	"testing"
	"time"
)

var ams = func() *time.Location {
	l, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return l
}()

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, ams)

// history makes deliveries of method "postnl", newest last: late[i] is how
// many days after the base promise delivery i arrived, extra[i] the extra
// days its promise carried (nil: none).
func history(late []int, extra []int) []Delivery {
	var ds []Delivery
	n := len(late)
	for i, l := range late {
		e := 0
		if extra != nil {
			e = extra[i]
		}
		base := time.Date(2026, 11, 20-4*(n-i), 0, 0, 0, 0, ams) // 4 days apart: never overtaking
		ds = append(ds, Delivery{
			Method: "postnl", Extra: e,
			Promised:  base.AddDate(0, 0, e),
			Delivered: base.AddDate(0, 0, l).Add(14 * time.Hour),
		})
	}
	return ds
}

func repeat(v, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func TestAdjust(t *testing.T) {
	p := Policy{Target: 0.9, Recent: 10, MinSample: 5, MaxExtra: 4}
	for _, tc := range []struct {
		name  string
		late  []int
		extra []int
		want  int
	}{
		{"all on time", repeat(0, 10), nil, 0},
		{"one late in ten meets 90%", append(repeat(0, 9), 1), nil, 0},
		{"two late by a day in ten: one extra day", append(repeat(0, 8), 1, 1), nil, 1},
		{"carrier two days slow throughout", repeat(2, 10), nil, 2},
		{"slower than the cap: the cap", repeat(9, 10), nil, 4},
		{"too few deliveries change nothing", []int{3, 3, 3, 3}, nil, 0},
		{"only the last ten count: old slowness forgotten", append(repeat(3, 10), repeat(0, 10)...), nil, 0},
		{"only the last ten count: new slowness seen", append(repeat(0, 10), repeat(1, 10)...), nil, 1},
		// Deliveries promised with the extra day arrived on time against the
		// promise made, but a day after the base promise: keep the extra day.
		{"lengthened promise kept: the extra stays", repeat(1, 10), repeat(1, 10), 1},
		// The carrier recovered: recent parcels arrive within the base promise.
		{"carrier recovered: back to no extra", repeat(0, 10), repeat(1, 10), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := p.Adjust(history(tc.late, tc.extra), now)["postnl"]
			if got.ExtraDays != tc.want {
				t.Fatalf("extra days %d, want %d (%+v)", got.ExtraDays, tc.want, got)
			}
			// What the rule promises must have held for at least Target of the sample.
			if got.Sample >= p.MinSample {
				ds := history(tc.late, tc.extra)
				if len(ds) > p.Recent {
					ds = ds[len(ds)-p.Recent:]
				}
				within := 0
				for _, d := range ds {
					if d.lateVsBase() <= got.ExtraDays {
						within++
					}
				}
				if float64(within)/float64(len(ds)) < p.Target && got.ExtraDays < p.MaxExtra {
					t.Fatalf("extra %d keeps only %d of %d promises", got.ExtraDays, within, len(ds))
				}
			}
		})
	}
}

func TestAdjustOffAndWindow(t *testing.T) {
	ds := history(repeat(2, 10), nil)
	if a := (Policy{}).Adjust(ds, now)["postnl"]; a.ExtraDays != 0 || a.Sample != 10 {
		t.Fatalf("target 0 (off): %+v", a)
	}
	later := now.AddDate(0, 0, 200)
	if a, ok := (Policy{Target: 0.9}).Adjust(ds, later)["postnl"]; ok {
		t.Fatalf("deliveries older than the window still count: %+v", a)
	}
}

func TestSummarize(t *testing.T) {
	ds := append(history([]int{0, 0, 1, 3}, nil), Delivery{Method: "dhl",
		Promised: time.Date(2026, 11, 10, 0, 0, 0, 0, ams), Delivered: time.Date(2026, 11, 10, 23, 59, 0, 0, ams)})
	got := Summarize(ds, time.Time{}, time.Time{})
	want := "[{dhl 1 1 1 0 0} {postnl 4 2 0.5 2 3}]"
	if s := fmt.Sprint(got); s != want {
		t.Fatalf("Summarize = %s, want %s", s, want)
	}
	// A delivery just after midnight of the next day is late.
	d := Delivery{Promised: time.Date(2026, 11, 10, 0, 0, 0, 0, ams), Delivered: time.Date(2026, 11, 11, 0, 1, 0, 0, ams)}
	if d.OnTime() {
		t.Fatal("a delivery the day after the promise counted as on time")
	}
	// Bounds: only deliveries in [from, to).
	if got := Summarize(ds, time.Date(2026, 11, 11, 0, 0, 0, 0, ams), time.Time{}); len(got) != 1 || got[0].Delivered != 2 || got[0].OnTime != 0 {
		t.Fatalf("Summarize from the 11th = %+v", got)
	}
}
