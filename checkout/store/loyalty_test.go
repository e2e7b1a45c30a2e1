package store

import (
	"errors"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/order"
)

// TestPointsLinks: a link e-mail is queued once per throttle period, its
// token (never stored in clear in the links bucket) finds the address
// until it expires.
func TestPointsLinks(t *testing.T) {
	f := open(t, -1)
	queued, err := f.s.Loyalty.RequestPointsLink("  Anna@Example.NL ", "nl", time.Hour, 2*time.Minute)
	if err != nil || !queued {
		t.Fatalf("first request: %v %v", queued, err)
	}
	if again, _ := f.s.Loyalty.RequestPointsLink("anna@example.nl", "nl", time.Hour, 2*time.Minute); again {
		t.Fatal("a second link e-mail within the throttle period")
	}
	due, _ := f.s.MailQueue.Due(f.clock.Now(), 10)
	if len(due) != 1 || due[0].Kind != MailPointsLink || due[0].To != "anna@example.nl" {
		t.Fatalf("queued mail %+v", due)
	}
	var body PointsLinkMail
	if err := jsonUnmarshal(due[0].Body, &body); err != nil || len(body.Token) < 32 {
		t.Fatalf("mail body %s: %v", due[0].Body, err)
	}
	if email, err := f.s.Loyalty.PointsLinkEmail(body.Token); err != nil || email != "anna@example.nl" {
		t.Fatalf("token → %q, %v", email, err)
	}
	if _, err := f.s.Loyalty.PointsLinkEmail(body.Token + "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a wrong token: %v", err)
	}
	f.clock.Add(3 * time.Minute)
	if again, _ := f.s.Loyalty.RequestPointsLink("anna@example.nl", "nl", time.Hour, 2*time.Minute); !again {
		t.Fatal("no new link after the throttle period")
	}
	f.clock.Add(time.Hour)
	if _, err := f.s.Loyalty.PointsLinkEmail(body.Token); !errors.Is(err, ErrLinkExpired) {
		t.Fatalf("an expired token: %v", err)
	}
}

// TestDeleteCustomerData: refused while an order is open; then the
// personal fields go, the bookkeeping stays, other customers are untouched.
func TestDeleteCustomerData(t *testing.T) {
	f := open(t, -1)
	mine := f.create(t, "k1", f.newOrder(t, "c1", "KOF-GUJI-250-BO", 2))
	otherO := f.newOrder(t, "c2", "KOF-GUJI-250-BO", 1)
	otherO.Customer.Email = "bob@example.nl"
	other := f.create(t, "k2", otherO)
	if _, err := f.s.Loyalty.RequestPointsLink("anna@example.nl", "nl", time.Hour, time.Minute); err != nil {
		t.Fatal(err)
	}
	// An unpaid order is no proof the address's owner placed it (anyone can
	// type any address): it neither blocks the erasure nor is touched while
	// it may still be paid (issue 12, item 3).
	d, err := f.s.Loyalty.DeleteCustomerData("anna@example.nl")
	if err != nil || d.Orders != 0 || d.Links != 1 || d.Mails != 1 {
		t.Fatalf("delete with an unpaid order awaiting payment: %+v %v", d, err)
	}
	if got, _ := f.s.Orders.GetOrder(mine.ID); got.Customer.Email != "anna@example.nl" {
		t.Fatalf("an order that may still be paid lost its address: %+v", got.Customer)
	}
	if _, _, err := f.s.Orders.Do(mine.ID, order.EventCancel, "test", ""); err != nil {
		t.Fatal(err)
	}
	d, err = f.s.Loyalty.DeleteCustomerData("ANNA@example.nl")
	if err != nil || d.Orders != 1 {
		t.Fatalf("delete: %+v %v", d, err)
	}
	got, _ := f.s.Orders.GetOrder(mine.ID)
	if got.Customer.Email != "" || got.Customer.Name != AnonymousName || got.Customer.Country != "NL" || got.Total() != mine.Total() || got.Meta["anonymised_at"] == "" {
		t.Fatalf("after deletion: %+v total %d", got.Customer, got.Total())
	}
	if o, _ := f.s.Orders.GetOrder(other.ID); o.Customer.Email != "bob@example.nl" {
		t.Fatalf("another customer's order changed: %+v", o.Customer)
	}
	if os, _ := f.s.Loyalty.CustomerOrders("anna@example.nl"); len(os) != 0 {
		t.Fatalf("orders still found by the address: %d", len(os))
	}
	due, _ := f.s.MailQueue.Due(f.clock.Now(), 10)
	for _, m := range due {
		if m.To == "anna@example.nl" {
			t.Fatalf("an e-mail to the deleted address is still due: %+v", m)
		}
	}
}

func TestOrderOfAddress(t *testing.T) {
	for _, c := range []struct {
		json, email string
		want        bool
	}{
		{`{"customer":{"email":"anna@example.nl"}}`, "anna@example.nl", true},
		{`{"customer":{"email":"Anna@Example.NL"}}`, "anna@example.nl", true},
		{`{"customer":{"email":"hanna@example.nl"}}`, "anna@example.nl", false},     // not a prefix match
		{`{"customer":{"email":"anna@example.nl.evil"}}`, "anna@example.nl", false}, // nor a suffix
		{`{"customer":{"email":"a\u0026b@example.nl"}}`, "a&b@example.nl", true},    // JSON escapes
		{`{"customer":{"name":"anna@example.nl","email":"x@y.nl"}}`, "anna@example.nl", false},
	} {
		o, err := orderOf([]byte(c.json), c.email)
		if err != nil || (o != nil) != c.want {
			t.Errorf("orderOf(%s, %s) = %v, %v; want found %v", c.json, c.email, o != nil, err, c.want)
		}
	}
}

// TestPointsLinksPerDay: however the requests are spread, one address gets
// at most PointsLinksPerDay link e-mails in any 24 hours; a day later it
// gets one again (issue 12, item 2).
func TestPointsLinksPerDay(t *testing.T) {
	f := open(t, -1)
	sent := 0
	for range 3 * PointsLinksPerDay {
		if q, err := f.s.Loyalty.RequestPointsLink("anna@example.nl", "nl", time.Hour, 2*time.Minute); err != nil {
			t.Fatal(err)
		} else if q {
			sent++
		}
		f.clock.Add(3 * time.Minute)
	}
	if sent != PointsLinksPerDay {
		t.Errorf("%d link e-mails within %s, want %d", sent, 3*PointsLinksPerDay*3*time.Minute, PointsLinksPerDay)
	}
	f.clock.Add(24 * time.Hour)
	if q, _ := f.s.Loyalty.RequestPointsLink("anna@example.nl", "nl", time.Hour, 2*time.Minute); !q {
		t.Error("no link e-mail a day later")
	}
}
