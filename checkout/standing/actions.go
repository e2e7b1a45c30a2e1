package standing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/storefront/storefront/checkout/wire"

	"github.com/storefront/storefront/checkout/recurring"
	"github.com/storefront/storefront/checkout/store"
)

// Actions a customer (from the standing order's page or a mail link) or the
// owner can take. Each exists once, here.
const (
	ActSkip     = "skip"
	ActPause    = "pause"
	ActResume   = "resume"
	ActStop     = "stop"
	ActInterval = "interval"
	ActVariant  = "variant"
	ActAddress  = "address"
	ActPay      = "pay" // pay the current delivery by hand
)

// Actions lists them, for validation.
var Actions = []string{ActSkip, ActPause, ActResume, ActStop, ActInterval, ActVariant, ActAddress, ActPay}

// ErrAction: an unknown action.
var ErrAction = errors.New("unknown action")

// Change carries an action's input.
type Change struct {
	Weeks   int               // interval
	SKU     string            // variant: another variant of the same product
	Address recurring.Address // address
}

// Act applies action to the standing order with token (by: customer or
// owner). It returns the standing order after it and, for pay, where to pay.
func (s *Service) Act(ctx context.Context, token, action string, ch Change, by string) (recurring.Standing, string, error) {
	if !slices.Contains(Actions, action) {
		return recurring.Standing{}, "", fmt.Errorf("%q: %w", action, ErrAction)
	}
	if action == ActPay {
		url, err := s.PayByHand(ctx, token)
		st, _ := s.Store.Standing.StandingByToken(token)
		return st, url, err
	}
	cur, err := s.Store.Standing.StandingByToken(token)
	if err != nil {
		return cur, "", err
	}
	now := s.now()
	cat := s.Catalog()
	st, err := s.Store.Standing.UpdateStanding(cur.ID, func(st recurring.Standing) (recurring.Standing, []store.StandingMail, error) {
		switch action {
		case ActSkip:
			n, err := recurring.Skip(st, now)
			return n, nil, err
		case ActPause:
			n, err := recurring.Pause(st, by, now)
			return n, nil, err
		case ActResume:
			n, err := recurring.Resume(st, now, s.Policy)
			return n, nil, err
		case ActStop:
			n, err := recurring.Stop(st, now)
			return n, nil, err
		case ActInterval:
			it, ok := cat.Lookup(st.SKU)
			if !ok || it.Subscription == nil {
				return st, nil, fmt.Errorf("%s: %w", st.SKU, ErrNotOffered)
			}
			n, err := recurring.ChangeInterval(st, ch.Weeks, recurring.Offer{Intervals: it.Subscription.Intervals}, now, s.Policy)
			return n, nil, err
		case ActVariant:
			it, ok := cat.Lookup(ch.SKU)
			old, oldOK := cat.Lookup(st.SKU)
			if !ok || it.Subscription == nil || (oldOK && old.Product != it.Product) || it.Currency != st.Currency {
				return st, nil, fmt.Errorf("%s: %w", ch.SKU, ErrNotOffered)
			}
			t, err := Price(cat, it.SKU, st.Quantity, st.ShippingMethod, st.Address.Country)
			if err != nil {
				return st, nil, fmt.Errorf("change variant: %w", err)
			}
			t.Localize(cat, st.Lang)
			n, err := recurring.ChangeVariant(st, it.SKU, it.VariantName(st.Lang), it.Name(st.Lang), pricing(t), now, s.Policy)
			if err == nil {
				n.DeliveryClass, n.URL = it.DeliveryClass, it.Link(st.Lang)
			}
			return n, nil, err
		case ActAddress:
			// Priced at the new address like a one-off checkout there: its
			// VAT (OSS) and shipping, by the same method if it goes there,
			// else the first that does.
			a := ch.Address
			a.Country = strings.ToUpper(a.Country)
			method := st.ShippingMethod
			if m, ok := cat.Method(method); !ok || !m.Ships(a.Country) {
				method = ""
			}
			t, err := Price(cat, st.SKU, st.Quantity, method, a.Country)
			if err != nil {
				return st, nil, fmt.Errorf("change address to %s: %w", a.Country, err)
			}
			if t.Currency != st.Currency {
				return st, nil, fmt.Errorf("change address: %w", ErrNotOffered)
			}
			t.Localize(cat, st.Lang)
			n, err := recurring.ChangeAddress(st, a, pricing(t), now, s.Policy)
			return n, nil, err
		}
		return st, nil, ErrAction
	})
	return st, "", err
}

// Owner actions by id (the CLI and the admin page).
func (s *Service) OwnerAct(ctx context.Context, id, action string) (recurring.Standing, error) {
	st, err := s.Store.Standing.GetStanding(id)
	if err != nil {
		return st, err
	}
	switch action {
	case ActPause, ActResume, ActStop:
	default:
		return st, fmt.Errorf("%q: %w (the owner can pause, resume or stop)", action, ErrAction)
	}
	st, _, err = s.Act(ctx, st.Token, action, Change{}, "owner")
	return st, err
}

// Figures are the owner's numbers about standing orders; Upcoming is one
// SKU of the coming week's deliveries. They are answers of the admin API,
// so they live with the other wire types (checkout/wire).
type (
	Figures  = wire.StandingFigures
	Upcoming = wire.StandingUpcoming
)

// Stats computes the owner's figures at now.
func (s *Service) Stats(now time.Time) (Figures, error) {
	all, err := s.Store.Standing.ListStanding("")
	if err != nil {
		return Figures{}, err
	}
	return Compute(all, now), nil
}

// Compute is Stats without the store (pure).
func Compute(all []recurring.Standing, now time.Time) Figures {
	f := Figures{ByState: map[recurring.State]int{}}
	monthAgo := now.AddDate(0, 0, -30)
	base, stopped := 0, 0
	by := map[string]*Upcoming{}
	var order []string
	for _, st := range all {
		if st.State == "" {
			continue // waiting for its first payment
		}
		f.ByState[st.State]++
		f.MRR += recurring.MonthlyRevenue(st)
		if f.Currency == "" {
			f.Currency = st.Currency
		}
		if st.CreatedAt.Before(monthAgo) && (st.State != recurring.Canceled || !st.CanceledAt.Before(monthAgo)) {
			base++
			if st.State == recurring.Canceled {
				stopped++
			}
		}
		for _, d := range recurring.Upcoming(st, now, now.AddDate(0, 0, 7)) {
			u := by[d.SKU]
			if u == nil {
				u = &Upcoming{SKU: d.SKU, Title: st.Title, Variant: st.Variant}
				by[d.SKU] = u
				order = append(order, d.SKU)
			}
			u.Units += d.Quantity
			u.Delivers++
			u.Grams += d.Quantity * grams(st.Variant)
		}
	}
	if base > 0 {
		f.Churn = float64(stopped) / float64(base)
	}
	slices.Sort(order)
	for _, k := range order {
		f.Upcoming = append(f.Upcoming, *by[k])
	}
	return f
}

// grams reads a weight such as "250 g" or "1 kg" from a variant name.
func grams(variant string) int {
	var n int
	var unit string
	for i := 0; i < len(variant); i++ {
		if variant[i] < '0' || variant[i] > '9' {
			continue
		}
		j := i
		for j < len(variant) && variant[j] >= '0' && variant[j] <= '9' {
			j++
		}
		fmt.Sscan(variant[i:j], &n)
		rest := variant[j:]
		for len(rest) > 0 && rest[0] == ' ' {
			rest = rest[1:]
		}
		switch {
		case len(rest) >= 2 && rest[:2] == "kg":
			unit = "kg"
		case len(rest) >= 1 && rest[0] == 'g':
			unit = "g"
		}
		break
	}
	switch unit {
	case "kg":
		return n * 1000
	case "g":
		return n
	}
	return 0
}
