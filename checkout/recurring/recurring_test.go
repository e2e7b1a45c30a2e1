package recurring_test

import (
	"errors"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/recurring"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func started(t *testing.T) recurring.Standing {
	t.Helper()
	s, err := recurring.Start(recurring.Standing{ID: "SO-1", Email: "a@example.nl", SKU: "KOF-1", Quantity: 1, Weeks: 4,
		Price: 1350, Shipping: 450, Currency: "EUR"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestScheduleNoticeThenCharge(t *testing.T) {
	p := recurring.DefaultPolicy
	s := started(t)
	due := time.Date(2026, 12, 29, 0, 0, 0, 0, time.UTC)
	if !s.NextCharge.Equal(due) || s.Period != 2 {
		t.Fatalf("next charge %v period %d", s.NextCharge, s.Period)
	}
	cases := []struct {
		at   time.Time
		want recurring.ActionKind
	}{
		{due.AddDate(0, 0, -4), recurring.None},
		{due.AddDate(0, 0, -3), recurring.Notice},
		{due.Add(-time.Hour), recurring.Notice},
	}
	for _, c := range cases {
		if got := recurring.Next(s, c.at, p); got.Kind != c.want {
			t.Errorf("at %v: %q, want %q", c.at, got.Kind, c.want)
		}
	}
	s = recurring.Noticed(s, 2, 1800, due.AddDate(0, 0, -3))
	if a := recurring.Next(s, due.Add(-time.Minute), p); a.Kind != recurring.None {
		t.Fatalf("charged before the day: %+v", a)
	}
	a := recurring.Next(s, due, p)
	if a.Kind != recurring.Charge || a.Amount != 1800 || a.Key != "standing:SO-1:p2:a0" {
		t.Fatalf("charge %+v", a)
	}
	s = recurring.Charging(s, 2, "tr_x", due)
	if a := recurring.Next(s, due, p); a.Kind != recurring.None {
		t.Fatalf("second charge while one is under way: %+v", a)
	}
	s, ok := recurring.Paid(s, 2, "BK-1", due)
	if !ok || s.Period != 3 || !s.NextCharge.Equal(due.AddDate(0, 0, 28)) {
		t.Fatalf("after paid: %+v", s)
	}
	if _, again := recurring.Paid(s, 2, "BK-2", due); again {
		t.Fatal("period 2 recorded twice")
	}
}

func TestFailedChargePolicy(t *testing.T) {
	p := recurring.Policy{MaxRetries: 2, RetryDays: 3}
	s := started(t)
	s = recurring.Noticed(s, 2, 1800, t0)
	now := s.NextCharge
	var out recurring.FailOutcome
	for i, want := range []recurring.FailOutcome{recurring.Retry, recurring.Retry, recurring.PausedAfter} {
		a := recurring.Next(s, now, p)
		if a.Kind != recurring.Charge || a.Key != "standing:SO-1:p2:a"+string(rune('0'+i)) {
			t.Fatalf("attempt %d: %+v", i, a)
		}
		s = recurring.Charging(s, 2, "tr_"+string(rune('a'+i)), now)
		s, out = recurring.Failed(s, 2, "tr_"+string(rune('a'+i)), now, p)
		if out != want {
			t.Fatalf("attempt %d: %s, want %s", i, out, want)
		}
		now = now.AddDate(0, 0, 3)
	}
	if s.State != recurring.Paused || s.PauseReason != "payment_failed" {
		t.Fatalf("not paused: %+v", s)
	}
	if a := recurring.Next(s, now.AddDate(1, 0, 0), p); a.Kind != recurring.None {
		t.Fatalf("a paused order charges: %+v", a)
	}
	// The customer pays this delivery by hand: renewed and active again.
	s, ok := recurring.Paid(s, 2, "BK-9", now)
	if !ok || s.State != recurring.Active || s.Period != 3 || s.Failures != 0 {
		t.Fatalf("after manual pay: %+v", s)
	}
}

func TestActions(t *testing.T) {
	p := recurring.DefaultPolicy
	offer := recurring.Offer{Intervals: []int{2, 4, 6}}
	s := started(t)
	if _, err := recurring.ChangeInterval(s, 3, offer, t0, p); !errors.Is(err, recurring.ErrInterval) {
		t.Fatalf("interval not offered: %v", err)
	}
	s2, err := recurring.ChangeInterval(s, 2, offer, t0, p)
	if err != nil || s2.Weeks != 2 || !s2.NextCharge.Equal(s.NextCharge.AddDate(0, 0, -14)) {
		t.Fatalf("interval 2: %+v %v", s2, err)
	}
	// Never sooner than a notice away.
	s3, _ := recurring.ChangeInterval(s, 2, offer, s.NextCharge.AddDate(0, 0, -1), p)
	if s3.NextCharge.Before(s.NextCharge.AddDate(0, 0, -1).Truncate(24*time.Hour).AddDate(0, 0, 3)) {
		t.Fatalf("moved inside the notice period: %v", s3.NextCharge)
	}
	sk, err := recurring.Skip(s, t0)
	if err != nil || sk.Period != 3 || sk.Skipped[0] != 2 || !sk.NextCharge.Equal(s.NextCharge.AddDate(0, 0, 28)) {
		t.Fatalf("skip: %+v %v", sk, err)
	}
	ps, _ := recurring.Pause(s, "customer", t0)
	if _, err := recurring.Skip(ps, t0); !errors.Is(err, recurring.ErrState) {
		t.Fatal("skip while paused")
	}
	late := s.NextCharge.AddDate(0, 1, 0)
	rs, err := recurring.Resume(ps, late, p)
	if err != nil || rs.NextCharge.Before(late.AddDate(0, 0, 2)) {
		t.Fatalf("resume charges without notice: %+v", rs)
	}
	st, _ := recurring.Stop(s, t0)
	if a := recurring.Next(st, late, p); a.Kind != recurring.None || st.State != recurring.Canceled {
		t.Fatalf("stopped order: %+v", a)
	}
	if _, err := recurring.ChangeAddress(s, recurring.Address{Name: "A"}, recurring.Pricing{Price: 1000}, t0, p); err == nil {
		t.Fatal("incomplete address accepted")
	}
	if err := (recurring.Offer{Intervals: []int{0}}).Check(); err == nil {
		t.Fatal("interval 0 passes the check")
	}
}

// TestAddressChangeAfterNotice: moving to another country the day before
// an announced charge changes its amount (that country's VAT and
// shipping): a new notice with the new amount goes out first and the
// charge waits a notice period; the same amount keeps notice and day.
func TestAddressChangeAfterNotice(t *testing.T) {
	p := recurring.DefaultPolicy
	s := started(t)
	due := s.NextCharge
	s = recurring.Noticed(s, 2, 1800, due.AddDate(0, 0, -3))
	be := recurring.Address{Name: "Anaïs", Street: "Rue 1", PostalCode: "1000", City: "Bruxelles", Country: "BE"}
	at := due.Add(-20 * time.Hour)
	moved, err := recurring.ChangeAddress(s, be, recurring.Pricing{Price: 1313, Shipping: 695, VATRate: 6, ShippingMethod: "dhl-eu"}, at, p)
	if err != nil {
		t.Fatal(err)
	}
	a := recurring.Next(moved, at, p)
	if a.Kind != recurring.Notice || a.Amount != 1313+695 {
		t.Fatalf("after the move: %+v, want a notice of 20,08", a)
	}
	moved = recurring.Noticed(moved, a.Period, a.Amount, at)
	if a := recurring.Next(moved, due, p); a.Kind != recurring.None {
		t.Fatalf("charged on the old day after a new amount: %+v", a)
	}
	later := moved.NextCharge
	if later.Before(at.AddDate(0, 0, 2)) {
		t.Fatalf("charge %v less than a notice period after the new notice %v", later, at)
	}
	if a := recurring.Next(moved, later, p); a.Kind != recurring.Charge || a.Amount != 2008 {
		t.Fatalf("charge %+v, want 20,08", a)
	}
	same, _ := recurring.ChangeAddress(s, be, recurring.Pricing{Price: 1350, Shipping: 450}, at, p)
	if same.NoticeSent != 2 || !same.NextCharge.Equal(due) {
		t.Fatalf("same amount re-noticed or moved: %+v", same)
	}
	s.Charging = "tr_1"
	if _, err := recurring.ChangeAddress(s, be, recurring.Pricing{Price: 1313}, at, p); !errors.Is(err, recurring.ErrState) {
		t.Fatalf("address changed while its charge is under way: %v", err)
	}
}

func TestPriceChangeAnnouncedFirst(t *testing.T) {
	p := recurring.DefaultPolicy
	s := started(t) // next charge 2026-12-29, then 2027-01-26
	s, changed := recurring.AnnouncePrice(s, 1500, time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC))
	if !changed {
		t.Fatal("not changed")
	}
	if a := recurring.Next(s, t0, p); a.Kind != recurring.PriceNotice || a.Amount != 1500 {
		t.Fatalf("price notice not first: %+v", a)
	}
	if s.ChargeFor(3) != 1800 {
		t.Fatal("new price charged before its notice")
	}
	s = recurring.PriceNoticedAt(s, time.Date(2026, 12, 20, 8, 0, 0, 0, time.UTC), p)
	if s.ChargeFor(2) != 1800 || s.ChargeFor(3) != 1950 {
		t.Fatalf("charges %d, %d; want 1800 (too close to the notice), 1950", s.ChargeFor(2), s.ChargeFor(3))
	}
}

// TestScheduleProperty drives a standing order with random customer
// actions, time steps and charge outcomes, through the scheduler's loop,
// and checks: every charge was announced with the same amount; no period
// is charged after it was paid or skipped; a new price is charged only
// after its notice and at least PriceNoticeDays later; paused and stopped
// orders are never charged.
func TestScheduleProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		p := recurring.DefaultPolicy
		offer := recurring.Offer{Intervals: []int{1, 2, 4, 6}}
		s, _ := recurring.Start(recurring.Standing{ID: "SO-7", Email: "a@b.c", SKU: "K", Quantity: 1,
			Weeks: rapid.SampledFrom(offer.Intervals).Draw(rt, "weeks"), Price: 1000, Shipping: 300}, t0)
		now := t0
		noticed := map[int]money.Amount{}
		done := map[int]bool{1: true}
		priceNoticedAt := map[money.Amount]time.Time{}
		keys := map[string]bool{}
		// Prices an address change sets (odd: another country's VAT and
		// shipping) apply without a price notice, but after a pre-charge
		// notice; announced prices are even.
		base := map[money.Amount]bool{1000: true}
		// A new amount after the notice: a new notice, and the charge not
		// sooner than a notice period after the change and after the latest
		// notice.
		changedAt := map[int]time.Time{}
		noticedAt := map[int]time.Time{}
		schedule := func() {
			for range 10 { // the scheduler loop at now
				a := recurring.Next(s, now, p)
				switch a.Kind {
				case recurring.None:
				case recurring.PriceNotice:
					s = recurring.PriceNoticedAt(s, now, p)
					if _, ok := priceNoticedAt[a.Amount]; !ok {
						priceNoticedAt[a.Amount] = now
					}
					continue
				case recurring.Notice:
					noticed[a.Period] = a.Amount
					noticedAt[a.Period] = now
					s = recurring.Noticed(s, a.Period, a.Amount, now)
					continue
				case recurring.Charge:
					if s.State != recurring.Active {
						rt.Fatalf("charge of a %s order", s.State)
					}
					if done[a.Period] {
						rt.Fatalf("period %d charged after it was paid or skipped", a.Period)
					}
					if keys[a.Key] {
						rt.Fatalf("idempotency key %s used twice", a.Key)
					}
					keys[a.Key] = true
					if got, ok := noticed[a.Period]; !ok || got != a.Amount {
						rt.Fatalf("period %d charged %d, announced %d (%v)", a.Period, a.Amount, got, ok)
					}
					if at, ok := changedAt[a.Period]; ok {
						if gap := min(now.Sub(at), now.Sub(noticedAt[a.Period])); gap < time.Duration(p.NoticeDays-1)*24*time.Hour {
							rt.Fatalf("period %d charged %v after its amount changed or its notice", a.Period, gap)
						}
					}
					if item := a.Amount - s.Shipping; !base[item] {
						at, ok := priceNoticedAt[item]
						if !ok || now.Sub(at) < time.Duration(p.PriceNoticeDays-1)*24*time.Hour {
							rt.Fatalf("price %d charged %v after its notice (%v)", item, now.Sub(at), ok)
						}
					}
					id := "tr_" + a.Key
					s = recurring.Charging(s, a.Period, id, now)
					if rapid.Bool().Draw(rt, "paid") {
						var ok bool
						s, ok = recurring.Paid(s, a.Period, "BK", now)
						if !ok {
							rt.Fatalf("paid period %d not recorded", a.Period)
						}
						done[a.Period] = true
					} else {
						s, _ = recurring.Failed(s, a.Period, id, now, p)
					}
					continue
				}
				break
			}
		}
		var advance time.Duration
		steps := rapid.IntRange(1, 60).Draw(rt, "steps")
		for range steps {
			switch rapid.IntRange(0, 8).Draw(rt, "op") {
			case 8:
				pr := recurring.Pricing{Price: rapid.SampledFrom([]money.Amount{1000, 973, 1011}).Draw(rt, "address price"),
					Shipping: rapid.SampledFrom([]money.Amount{300, 695}).Draw(rt, "address shipping")}
				if n, err := recurring.ChangeAddress(s, recurring.Address{Name: "A", Street: "S 1", PostalCode: "1000", City: "B", Country: "BE"}, pr, now, p); err == nil {
					base[pr.Price] = true
					if n.NoticeSent < s.NoticeSent {
						changedAt[n.Period] = now
					}
					s = n
				}
			case 0:
				if n, err := recurring.Skip(s, now); err == nil {
					done[s.Period] = true
					s = n
				}
			case 1:
				s, _ = recurring.Pause(s, "customer", now)
			case 2:
				s, _ = recurring.Resume(s, now, p)
			case 3:
				s, _ = recurring.ChangeInterval(s, rapid.SampledFrom(offer.Intervals).Draw(rt, "w"), offer, now, p)
			case 4:
				s, _ = recurring.AnnouncePrice(s, money.Amount(2*rapid.IntRange(400, 700).Draw(rt, "price")), now)
			case 5:
				if rapid.IntRange(0, 9).Draw(rt, "stop") == 0 {
					s, _ = recurring.Stop(s, now)
				}
			default:
				advance = time.Duration(rapid.IntRange(1, 24*20).Draw(rt, "hours")) * time.Hour
			}
			// The scheduler runs through the time step in ticks of at most
			// four hours (the real one every minute), so a notice goes out
			// close to the day it is due.
			for first := true; first || advance > 0; first = false {
				tick := min(advance, 4*time.Hour)
				now, advance = now.Add(tick), advance-tick
				schedule()
			}
		}
	})
}
