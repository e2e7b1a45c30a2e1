// Package promise checks delivery promises against what really happened
// (pure): on-time figures per shipping method, and how many extra transit
// days the shop must add to a method's promise so that it keeps what it
// promises.
//
// The lengthening rule. For each shipping method, take its most recent
// deliveries (at most Policy.Recent, delivered within Policy.WindowDays).
// Measure each delivery's lateness against the promise the shop would make
// without any lengthening (the base promise: the recorded promise minus the
// extra days it carried). The extra days are the fewest e in 0..MaxExtra
// for which at least Target of those deliveries arrived within base + e
// days. With fewer than MinSample deliveries nothing is changed. So the
// promise grows when the carrier has been slow and shrinks back by itself
// once recent deliveries arrive within the base promise again.
//
// Lateness is counted in calendar days; the extra days are added as carrier
// transit days, which are never shorter, so the rule errs on the safe side.
package promise

import (
	"slices"
	"time"
)

// Delivery is one delivered order as the rule needs it.
type Delivery struct {
	Method    string    `json:"method"`
	Promised  time.Time `json:"promised"`   // latest promised day (midnight, shop's time zone)
	Extra     int       `json:"extra_days"` // extra days included in Promised
	Delivered time.Time `json:"delivered"`  // when it was delivered
}

// dayNumber counts calendar days in t's own location.
func dayNumber(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// Late is how many days after the promised day it arrived (0 when on time).
func (d Delivery) Late() int {
	return max(0, dayNumber(d.Delivered.In(d.Promised.Location()))-dayNumber(d.Promised))
}

// OnTime reports whether it arrived by the end of the promised day.
func (d Delivery) OnTime() bool { return d.Late() == 0 }

// lateVsBase is the lateness against the promise without the extra days.
func (d Delivery) lateVsBase() int {
	return max(0, dayNumber(d.Delivered.In(d.Promised.Location()))-dayNumber(d.Promised)+d.Extra)
}

// Policy holds the knobs of the lengthening rule.
type Policy struct {
	Target     float64 // share of deliveries that must arrive as promised, 0..1; 0 turns the rule off
	Recent     int     // deliveries looked at per method (default 20)
	WindowDays int     // only deliveries this recent count (default 90)
	MinSample  int     // fewer deliveries change nothing (default 5)
	MaxExtra   int     // never more extra days than this (default 5)
}

func (p Policy) withDefaults() Policy {
	if p.Recent <= 0 {
		p.Recent = 20
	}
	if p.WindowDays <= 0 {
		p.WindowDays = 90
	}
	if p.MinSample <= 0 {
		p.MinSample = 5
	}
	if p.MaxExtra <= 0 {
		p.MaxExtra = 5
	}
	return p
}

// Adjustment is the current lengthening of one method's promise.
type Adjustment struct {
	Method    string  `json:"method"`
	ExtraDays int     `json:"extra_days"`
	Sample    int     `json:"sample"`       // deliveries the rule looked at
	OnTime    float64 `json:"on_time"`      // share on time against the promises really made
	BaseRate  float64 `json:"base_on_time"` // share within the base promise (no extra days)
	Target    float64 `json:"target"`
}

// Adjust computes each method's adjustment at now from all deliveries.
// Methods with deliveries but no need for extra days are listed with 0.
func (p Policy) Adjust(ds []Delivery, now time.Time) map[string]Adjustment {
	p = p.withDefaults()
	byMethod := map[string][]Delivery{}
	since := now.AddDate(0, 0, -p.WindowDays)
	for _, d := range ds {
		if d.Delivered.IsZero() || d.Promised.IsZero() || d.Delivered.Before(since) || d.Delivered.After(now) {
			continue
		}
		byMethod[d.Method] = append(byMethod[d.Method], d)
	}
	out := map[string]Adjustment{}
	for m, list := range byMethod {
		slices.SortStableFunc(list, func(a, b Delivery) int { return b.Delivered.Compare(a.Delivered) })
		if len(list) > p.Recent {
			list = list[:p.Recent]
		}
		a := Adjustment{Method: m, Sample: len(list), Target: p.Target}
		onTime, base := 0, 0
		for _, d := range list {
			if d.OnTime() {
				onTime++
			}
			if d.lateVsBase() == 0 {
				base++
			}
		}
		a.OnTime = float64(onTime) / float64(len(list))
		a.BaseRate = float64(base) / float64(len(list))
		if p.Target > 0 && len(list) >= p.MinSample {
			a.ExtraDays = p.MaxExtra
			for e := 0; e <= p.MaxExtra; e++ {
				within := 0
				for _, d := range list {
					if d.lateVsBase() <= e {
						within++
					}
				}
				if float64(within) >= p.Target*float64(len(list))-1e-9 {
					a.ExtraDays = e
					break
				}
			}
		}
		out[m] = a
	}
	return out
}

// MethodStats is how one method kept its promises over a period.
type MethodStats struct {
	Method    string  `json:"method"`
	Delivered int     `json:"delivered"`
	OnTime    int     `json:"on_time"`
	Rate      float64 `json:"rate"`     // OnTime / Delivered (0 when none)
	AvgLate   float64 `json:"avg_late"` // days late on average over the late ones
	MaxLate   int     `json:"max_late"` // the latest, in days
}

// Summarize counts deliveries per method delivered in [from, to) (zero
// bounds are open), sorted by method.
func Summarize(ds []Delivery, from, to time.Time) []MethodStats {
	by := map[string]*MethodStats{}
	lateSum := map[string]int{}
	for _, d := range ds {
		if d.Delivered.IsZero() || d.Promised.IsZero() {
			continue
		}
		if !from.IsZero() && d.Delivered.Before(from) || !to.IsZero() && !d.Delivered.Before(to) {
			continue
		}
		s := by[d.Method]
		if s == nil {
			s = &MethodStats{Method: d.Method}
			by[d.Method] = s
		}
		s.Delivered++
		if l := d.Late(); l == 0 {
			s.OnTime++
		} else {
			lateSum[d.Method] += l
			s.MaxLate = max(s.MaxLate, l)
		}
	}
	out := make([]MethodStats, 0, len(by))
	for m, s := range by {
		s.Rate = float64(s.OnTime) / float64(s.Delivered)
		if late := s.Delivered - s.OnTime; late > 0 {
			s.AvgLate = float64(lateSum[m]) / float64(late)
		}
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b MethodStats) int {
		switch {
		case a.Method < b.Method:
			return -1
		case a.Method > b.Method:
			return 1
		}
		return 0
	})
	return out
}
