package usecase

import (
	"fmt"
	"time"

	"github.com/storefront/storefront/checkout/loyalty"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/promise"
	"github.com/storefront/storefront/checkout/stats"
	"github.com/storefront/storefront/checkout/store"
	"github.com/storefront/storefront/checkout/wire"
)

// Stats are the owner's figures: delivery promises against reality per
// shipping method, and the retention figures (what `shop stats` prints and
// /admin/stats/ draws).
type Stats struct {
	Deps
	// Promises recomputes the lengthening of the promises (loyalty's job).
	Promises func() map[string]promise.Adjustment
	// Zone is the shop's time zone.
	Zone func() *time.Location
}

// Period reads from and to (YYYY-MM-DD, both days included, in the shop's
// time zone; "" for the default: the last 90 days up to today) into
// [from, to). Its errors are ErrInvalid with words for the owner.
func (u Stats) Period(fromText, toText string) (from, to time.Time, err error) {
	loc := u.Zone()
	now := u.Now().In(loc)
	to = time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, loc)
	if toText != "" {
		d, err := time.ParseInLocation(time.DateOnly, toText, loc)
		if err != nil {
			return from, to, fmt.Errorf("to=%q is not a date like 2026-11-30", toText)
		}
		to = d.AddDate(0, 0, 1)
	}
	from = to.AddDate(0, 0, -90)
	if fromText != "" {
		d, err := time.ParseInLocation(time.DateOnly, fromText, loc)
		if err != nil {
			return from, to, fmt.Errorf("from=%q is not a date like 2026-09-01", fromText)
		}
		from = d
	}
	if !from.Before(to) {
		return from, to, fmt.Errorf("from (%s) must come before to", from.Format(time.DateOnly))
	}
	return from, to, nil
}

// Figures computes the answer for [from, to).
func (u Stats) Figures(from, to time.Time) (wire.StatsAnswer, error) {
	cat := u.Catalog()
	a := wire.StatsAnswer{From: from, To: to, Target: cat.Shop.OnTimeTarget}
	ds, err := u.Store.Deliveries()
	if err != nil {
		return a, err
	}
	adj := u.Promises()
	for _, m := range promise.Summarize(ds, from, to) {
		f := wire.MethodFigures{MethodStats: m, Name: m.Method}
		if cm, ok := cat.Method(m.Method); ok {
			f.Name = cm.Name
		}
		if ad, ok := adj[m.Method]; ok {
			f.ExtraDays, f.RecentOnTime, f.Sample = ad.ExtraDays, ad.OnTime, ad.Sample
		}
		a.Methods = append(a.Methods, f)
	}
	orders, err := u.Store.Orders.ListOrders(store.Filter{})
	if err != nil {
		return a, err
	}
	reviewsKnown := true
	so := make([]stats.Order, 0, len(orders))
	for _, o := range orders {
		cust := loyalty.NormalizeEmail(o.Customer.Email)
		if cust == "" {
			cust = "anonymous:" + o.ID // data deleted: counted as a one-time customer
		}
		x := stats.Order{ID: o.ID, Customer: cust, CreatedAt: o.CreatedAt, Paid: !o.PaidAt.IsZero(),
			DeliveredAt: o.DeliveredAt, Returned: len(o.Returns) > 0}
		if o.State == order.Delivered && reviewsKnown {
			rs, err := u.Store.Reviews.OfOrder(o.ID)
			if err != nil {
				reviewsKnown = false
			} else {
				x.Reviewed = len(rs) > 0
			}
		}
		so = append(so, x)
	}
	a.Retention = stats.Compute(so, from, to)
	if !reviewsKnown {
		a.Notes = append(a.Notes, "reviews could not be read; the review rate counts none")
	}
	if a.Target <= 0 {
		a.Notes = append(a.Notes, "no on_time_target in data/shop.toml: promises are never lengthened")
	}
	return a, nil
}
