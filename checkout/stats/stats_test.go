package stats

import (
	"math"
	"testing"
	"time"
)

func d(day int) time.Time { return time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC).AddDate(0, 0, day) }

func TestCompute(t *testing.T) {
	from, to := d(0), d(30)
	orders := []Order{
		// ann: one order before the period, two in it (gaps 10 and 20 days)
		{ID: "1", Customer: "ann", CreatedAt: d(-10), Paid: true, DeliveredAt: d(-8), Reviewed: true},
		{ID: "2", Customer: "ann", CreatedAt: d(0), Paid: true, DeliveredAt: d(2), Reviewed: true},
		{ID: "3", Customer: "ann", CreatedAt: d(20), Paid: true, DeliveredAt: d(22)},
		// bob: one order, returned
		{ID: "4", Customer: "bob", CreatedAt: d(5), Paid: true, DeliveredAt: d(7), Returned: true},
		// cas: unpaid orders count for nothing
		{ID: "5", Customer: "cas", CreatedAt: d(6)},
		{ID: "6", Customer: "cas", CreatedAt: d(7), Paid: true},
		// dee: second order after the period: not a repeat customer yet
		{ID: "7", Customer: "dee", CreatedAt: d(29), Paid: true, DeliveredAt: d(31), Reviewed: true},
		{ID: "8", Customer: "dee", CreatedAt: d(40), Paid: true},
	}
	r := Compute(orders, from, to)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"orders", float64(r.Orders), 5},
		{"customers", float64(r.Customers), 4},
		{"repeat customers", float64(r.RepeatCustomers), 1},
		{"repeat rate", r.RepeatRate, 0.25},
		{"intervals", float64(r.Intervals), 2},
		{"median days", r.MedianDays, 15},
		{"mean days", r.MeanDays, 15},
		{"delivered", float64(r.Delivered), 3}, // orders 2, 3, 4 (7 delivered after the period)
		{"reviewed", float64(r.Reviewed), 1},
		{"review rate", r.ReviewRate, 1.0 / 3},
		{"returned", float64(r.Returned), 1},
		{"return rate", r.ReturnRate, 0.2},
	} {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestComputeEmpty(t *testing.T) {
	r := Compute(nil, d(0), d(30))
	if r.Orders != 0 || r.RepeatRate != 0 || r.MedianDays != 0 || r.ReviewRate != 0 || r.ReturnRate != 0 {
		t.Fatalf("empty report %+v", r)
	}
}

func TestMedianOdd(t *testing.T) {
	var os []Order
	for i, day := range []int{0, 1, 4, 13} { // gaps 1, 3, 9
		os = append(os, Order{ID: string(rune('a' + i)), Customer: "x", CreatedAt: d(day), Paid: true})
	}
	if r := Compute(os, d(0), d(30)); r.MedianDays != 3 || r.Intervals != 3 {
		t.Fatalf("median %v over %d intervals, want 3 over 3", r.MedianDays, r.Intervals)
	}
}
