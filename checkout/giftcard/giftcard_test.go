package giftcard

import (
	"errors"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/money"
)

var t0 = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

func TestCodeShapeAndNormalize(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c := NewCode()
		if len(c) != 19 || strings.Count(c, "-") != 3 {
			t.Fatalf("code %q: want XXXX-XXXX-XXXX-XXXX", c)
		}
		if seen[c] {
			t.Fatalf("code %q twice in 1000", c)
		}
		seen[c] = true
		if got := Normalize(strings.ToLower(strings.ReplaceAll(c, "-", " "))); got != c {
			t.Fatalf("Normalize(lower, spaces) of %q = %q", c, got)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"abcd-efgh-jkmn-pqrs", "ABCD-EFGH-JKMN-PQRS"},
		{"o0il-1111-2222-3333", "0011-1111-2222-3333"},
		{"ABCD-EFGH-JKMN-PQR", ""},     // too short
		{"ABCD-EFGH-JKMN-PQRSU", ""},   // U is not a symbol, and too long
		{"ABCD-EFGH-JKMN-PQRÜ", ""},    // not ASCII
		{strings.Repeat("A", 100), ""}, // absurd
		{"", ""},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTender(t *testing.T) {
	for _, tc := range []struct{ bal, due, want money.Amount }{
		{5000, 2000, 2000}, {2000, 5000, 2000}, {0, 100, 0}, {100, 0, 0}, {-5, 100, 0}, {100, 100, 100},
	} {
		if got := Tender(tc.bal, tc.due); got != tc.want {
			t.Errorf("Tender(%d, %d) = %d, want %d", tc.bal, tc.due, got, tc.want)
		}
	}
}

func TestRule(t *testing.T) {
	if !(Rule{}).ExpiresAt(t0).IsZero() {
		t.Error("the default rule must never expire")
	}
	if err := (Rule{ValidYears: 1}).Check(); err == nil {
		t.Error("one year must be refused")
	}
	if got := (Rule{ValidYears: 1}).ExpiresAt(t0); got.Before(t0.AddDate(2, 0, 0)) {
		t.Errorf("a term is never under two years, got %v", got)
	}
	c, _ := Issue(2500, "EUR", t0, Rule{ValidYears: 3})
	if c.Usable(t0.AddDate(3, 0, -1)) != nil || c.Usable(t0.AddDate(3, 0, 0)) == nil {
		t.Error("a three-year card is usable the day before and not on its third anniversary")
	}
}

// TestCardLedgerAddsUp: any sequence of reservations, releases, captures,
// credits and the owner's voids keeps the balance and reservations
// non-negative, and issued = balance + reserved + spent + voided; a void
// takes the whole unspent balance, never while an order holds part of the
// card, and leaves the card unusable until a refund credits it; the refund split never gives the card more
// than it paid, and card + provider = the refund.
func TestCardLedgerAddsUp(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		initial := money.Amount(rapid.Int64Range(1, 50000).Draw(t, "initial"))
		c, _ := Issue(initial, "EUR", t0, Rule{})
		paid := map[string]money.Amount{}     // what each paid order took from the card
		refunded := map[string]money.Amount{} // what went back to the card per order
		orders := []string{"A", "B", "C", "D"}
		for i := range rapid.IntRange(1, 40).Draw(t, "steps") {
			id := rapid.SampledFrom(orders).Draw(t, "order")
			now := t0.Add(time.Duration(i) * time.Minute)
			switch rapid.IntRange(0, 4).Draw(t, "op") {
			case 0:
				due := money.Amount(rapid.Int64Range(1, 60000).Draw(t, "due"))
				amt := Tender(c.Balance, due)
				if amt > 0 && c.held(id) == 0 && paid[id] == 0 {
					if err := c.Reserve(amt, id, now); err != nil {
						t.Fatalf("reserve %d of %d: %v", amt, c.Balance, err)
					}
				}
			case 1:
				c.Release(id, now)
			case 2:
				paid[id] += c.Capture(id, now)
			case 3:
				refund := money.Amount(rapid.Int64Range(1, 60000).Draw(t, "refund"))
				toCard, toProvider := RefundSplit(refund, paid[id], refunded[id])
				if toCard+toProvider != refund || toCard < 0 || toProvider < 0 {
					t.Fatalf("split %d into %d + %d", refund, toCard, toProvider)
				}
				if refunded[id]+toCard > paid[id] {
					t.Fatalf("card gets back %d more than the %d it paid", refunded[id]+toCard, paid[id])
				}
				c.Credit(toCard, id, "", now)
				refunded[id] += toCard
			case 4:
				before, voided := c.Balance, c.Voided()
				amt, err := c.Void(rapid.SampledFrom([]string{"", "  ", "verkocht bij vergissing", "fraude \"Ü\""}).Draw(t, "reason"), now)
				switch {
				case err == nil && (amt != before || c.Balance != 0 || c.Voided() != voided+before || c.Usable(now) != ErrVoided):
					t.Fatalf("voided %d of %d: balance %d, voided %d, usable %v", amt, before, c.Balance, c.Voided(), c.Usable(now))
				case err == nil && c.Reserved > 0:
					t.Fatalf("voided while %d is held", c.Reserved)
				case err != nil && (c.Balance != before || c.Voided() != voided):
					t.Fatalf("a refused void (%v) changed the card", err)
				case errors.Is(err, ErrHeld) && c.Reserved == 0, errors.Is(err, ErrEmpty) && before > 0 && c.Reserved == 0:
					t.Fatalf("void refused with %v: balance %d, held %d", err, before, c.Reserved)
				}
			}
			if c.Balance > 0 && c.Usable(now) != nil {
				t.Fatalf("a balance of %d cannot pay: %v", c.Balance, c.Usable(now))
			}
			if err := c.Check(); err != nil {
				t.Fatal(err)
			}
			if c.Reserve(c.Balance+1, "X", now) == nil {
				t.Fatal("reserved more than the balance")
			}
		}
	})
}
