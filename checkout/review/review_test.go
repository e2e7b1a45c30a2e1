package review

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/order"
)

func TestDue(t *testing.T) {
	delivered := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	o := func(st order.State, at time.Time, email string) *order.Order {
		return &order.Order{State: st, DeliveredAt: at, Customer: order.Customer{Email: email}}
	}
	tests := []struct {
		name string
		o    *order.Order
		now  time.Time
		want bool
	}{
		{"too early", o(order.Delivered, delivered, "a@b.nl"), delivered.Add(9 * 24 * time.Hour), false},
		{"on the day", o(order.Delivered, delivered, "a@b.nl"), delivered.Add(10 * 24 * time.Hour), true},
		{"within the window", o(order.Delivered, delivered, "a@b.nl"), delivered.Add(39 * 24 * time.Hour), true},
		{"window passed", o(order.Delivered, delivered, "a@b.nl"), delivered.Add(40 * 24 * time.Hour), false},
		{"shipped, not delivered", o(order.Shipped, time.Time{}, "a@b.nl"), delivered.Add(20 * 24 * time.Hour), false},
		{"canceled", o(order.Canceled, delivered, "a@b.nl"), delivered.Add(20 * 24 * time.Hour), false},
		{"no address", o(order.Delivered, delivered, ""), delivered.Add(20 * 24 * time.Hour), false},
	}
	for _, tt := range tests {
		if got := Due(tt.o, 10, tt.now); got != tt.want {
			t.Errorf("%s: Due = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestAfterDays(t *testing.T) {
	tests := []struct {
		setting, days int
		ok            bool
	}{{0, DefaultAfterDays, true}, {3, 3, true}, {-1, 0, false}}
	for _, tt := range tests {
		d, ok := AfterDays(tt.setting)
		if d != tt.days || ok != tt.ok {
			t.Errorf("AfterDays(%d) = %d, %v; want %d, %v", tt.setting, d, ok, tt.days, tt.ok)
		}
	}
}

func TestModerate(t *testing.T) {
	tests := []struct {
		from    State
		a       Action
		to      State
		changed bool
		err     bool
	}{
		{Pending, Approve, Approved, true, false},
		{Pending, Reject, Rejected, true, false},
		{Approved, Reject, Rejected, true, false},
		{Rejected, Approve, Approved, true, false},
		{Approved, Approve, Approved, false, false},
		{Rejected, Reject, Rejected, false, false},
		{Pending, "publish", Pending, false, true},
		{"", Approve, "", false, true},
	}
	for _, tt := range tests {
		to, changed, err := Moderate(tt.from, tt.a)
		if to != tt.to || changed != tt.changed || (err != nil) != tt.err {
			t.Errorf("Moderate(%s, %s) = %s, %v, %v", tt.from, tt.a, to, changed, err)
		}
		if err != nil && !errors.Is(err, ErrModeration) {
			t.Errorf("error %v does not wrap ErrModeration", err)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		errs []string
	}{
		{"good", Input{Rating: 4, Text: "  Lekker  ", Author: " Eva "}, nil},
		{"no rating", Input{Rating: 0, Text: "Lekker", Author: "Eva"}, []string{"rating"}},
		{"six stars", Input{Rating: 6, Text: "Lekker", Author: "Eva"}, []string{"rating"}},
		{"short text", Input{Rating: 5, Text: "ok", Author: "Eva"}, []string{"text"}},
		{"long text", Input{Rating: 5, Text: strings.Repeat("a", MaxText+1), Author: "Eva"}, []string{"text"}},
		{"control chars", Input{Rating: 5, Text: "bad\x00text", Author: "Eva"}, []string{"text"}},
		{"newlines are fine", Input{Rating: 5, Text: "line one\r\nline two", Author: "Eva"}, nil},
		{"no author", Input{Rating: 5, Text: "Lekker", Author: "  "}, []string{"author"}},
		{"long author", Input{Rating: 5, Text: "Lekker", Author: strings.Repeat("x", MaxAuthor+1)}, []string{"author"}},
	}
	for _, tt := range tests {
		in := tt.in
		errs := in.Clean()
		if len(errs) != len(tt.errs) {
			t.Errorf("%s: errors %v, want fields %v", tt.name, errs, tt.errs)
			continue
		}
		for _, f := range tt.errs {
			if errs[f] == "" {
				t.Errorf("%s: no error for %s (%v)", tt.name, f, errs)
			}
		}
	}
	in := Input{Rating: 4, Text: "  a\r\nb  ", Author: " Eva  de  Vries "}
	in.Clean()
	if in.Text != "a\nb" || in.Author != "Eva de Vries" || in.Lang != "nl" {
		t.Errorf("cleaned to %+v", in)
	}
}

func TestFirstName(t *testing.T) {
	for in, want := range map[string]string{"Eva de Vries": "Eva", "  ": "", "Jan": "Jan"} {
		if got := FirstName(in); got != want {
			t.Errorf("FirstName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidSlug(t *testing.T) {
	for s, want := range map[string]bool{"ethiopie-guji": true, "../etc": false, "": false, "A": false, "a/b": false} {
		if ValidSlug(s) != want {
			t.Errorf("ValidSlug(%q) = %v", s, !want)
		}
	}
}

func TestMergeAndRender(t *testing.T) {
	old, err := ParseFile([]byte(`[[reviews]]
author = "Marieke"
rating = 5
date = "2026-10-14"
lang = "nl"
text = "Handgeschreven."
verified = true

[[reviews]]
id = "SF-2026-000001/guji"
author = "Old"
rating = 1
date = "2026-10-01"
lang = "nl"
text = "Withdrawn since."
verified = true
`))
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	approved := []Review{
		{ID: "SF-2026-000009/guji", Author: `Eva "koffie" \ de V`, Rating: 4, Lang: "en", Text: "Two\nlines\tand a \x01 control", State: Approved, CreatedAt: day.Add(time.Hour)},
		{ID: "SF-2026-000007/guji", Author: "Jan", Rating: 5, Lang: "nl", Text: "Eerste", State: Approved, CreatedAt: day},
		{ID: "SF-2026-000008/guji", Author: "Pending", Rating: 2, Lang: "nl", Text: "Not yet", State: Pending, CreatedAt: day},
	}
	merged, changed := Merge(old, approved)
	if !changed {
		t.Error("Merge reports no change")
	}
	var ids []string
	for _, e := range merged.Reviews {
		ids = append(ids, e.ID)
	}
	if got := strings.Join(ids, ","); got != ",SF-2026-000007/guji,SF-2026-000009/guji" {
		t.Errorf("merged ids %q: want the hand-written one, then approved oldest first", got)
	}
	out := Render("guji", merged)
	back, err := ParseFile(out)
	if err != nil {
		t.Fatalf("rendered file does not parse: %v\n%s", err, out)
	}
	if len(back.Reviews) != 3 || back.Reviews[2] != merged.Reviews[2] || back.Reviews[0] != old.Reviews[0] {
		t.Errorf("round trip changed the entries:\n%+v\n%+v", back.Reviews, merged.Reviews)
	}
	if back.Reviews[1].Date != "2026-11-20" || !back.Reviews[1].Verified {
		t.Errorf("entry %+v: want date 2026-11-20, verified", back.Reviews[1])
	}
	again, changed := Merge(back, approved)
	if changed || string(Render("guji", again)) != string(out) {
		t.Error("a second export with the same reviews changes the file")
	}
}
