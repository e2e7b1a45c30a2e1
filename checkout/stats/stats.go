// Package stats computes the shop's retention figures (pure): repeat-customer
// rate, time between orders, review rate and return rate over a period.
//
// Definitions (docs/loyalty-and-promises.md):
//
//   - Orders: paid orders placed in [From, To).
//   - Customers: distinct e-mail addresses among them. A repeat customer
//     placed at least one other paid order before To (before the period
//     too). Repeat rate = repeat customers / customers.
//   - Time between orders: for each paid order in the period that has an
//     earlier paid order of the same customer, the days since that one; the
//     median and the mean are reported.
//   - Review rate: delivered orders (delivered in the period) with at least
//     one review / delivered orders.
//   - Return rate: orders in the period with a return or a refund of goods /
//     orders.
package stats

import (
	"slices"
	"sort"
	"time"
)

// Order is what the figures need of one order.
type Order struct {
	ID          string
	Customer    string // normalised e-mail address
	CreatedAt   time.Time
	Paid        bool
	DeliveredAt time.Time // zero if not delivered
	Reviewed    bool      // at least one review of the order
	Returned    bool      // a return, or a refund of goods
}

// Report is the retention figures over [From, To).
type Report struct {
	From            time.Time `json:"from"`
	To              time.Time `json:"to"`
	Orders          int       `json:"orders"`
	Customers       int       `json:"customers"`
	RepeatCustomers int       `json:"repeat_customers"`
	RepeatRate      float64   `json:"repeat_rate"`
	// Days between a customer's consecutive orders (the later one in the period).
	Intervals  int     `json:"intervals"`
	MedianDays float64 `json:"median_days_between_orders"`
	MeanDays   float64 `json:"mean_days_between_orders"`
	Delivered  int     `json:"delivered"`
	Reviewed   int     `json:"reviewed"`
	ReviewRate float64 `json:"review_rate"`
	Returned   int     `json:"returned"`
	ReturnRate float64 `json:"return_rate"`
}

func in(t, from, to time.Time) bool {
	return !t.Before(from) && t.Before(to)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Compute makes the report for [from, to).
func Compute(orders []Order, from, to time.Time) Report {
	r := Report{From: from, To: to}
	paid := slices.Clone(orders)
	paid = slices.DeleteFunc(paid, func(o Order) bool { return !o.Paid || o.Customer == "" })
	slices.SortStableFunc(paid, func(a, b Order) int { return a.CreatedAt.Compare(b.CreatedAt) })

	byCustomer := map[string][]Order{}
	for _, o := range paid {
		if o.CreatedAt.Before(to) {
			byCustomer[o.Customer] = append(byCustomer[o.Customer], o)
		}
	}
	var gaps []float64
	for _, list := range byCustomer {
		inPeriod := 0
		for i, o := range list {
			if !in(o.CreatedAt, from, to) {
				continue
			}
			inPeriod++
			r.Orders++
			if o.Returned {
				r.Returned++
			}
			if i > 0 {
				gaps = append(gaps, o.CreatedAt.Sub(list[i-1].CreatedAt).Hours()/24)
			}
		}
		if inPeriod > 0 {
			r.Customers++
			if len(list) >= 2 {
				r.RepeatCustomers++
			}
		}
	}
	for _, o := range paid {
		if !o.DeliveredAt.IsZero() && in(o.DeliveredAt, from, to) {
			r.Delivered++
			if o.Reviewed {
				r.Reviewed++
			}
		}
	}
	r.RepeatRate = ratio(r.RepeatCustomers, r.Customers)
	r.ReviewRate = ratio(r.Reviewed, r.Delivered)
	r.ReturnRate = ratio(r.Returned, r.Orders)
	r.Intervals = len(gaps)
	if len(gaps) > 0 {
		sort.Float64s(gaps)
		sum := 0.0
		for _, g := range gaps {
			sum += g
		}
		r.MeanDays = sum / float64(len(gaps))
		if n := len(gaps); n%2 == 1 {
			r.MedianDays = gaps[n/2]
		} else {
			r.MedianDays = (gaps[n/2-1] + gaps[n/2]) / 2
		}
	}
	return r
}
