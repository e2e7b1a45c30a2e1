package subscribe

import (
	"errors"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/catalog"
)

var t0 = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func TestNormalizeEmail(t *testing.T) {
	tests := map[string]string{
		"Eva@Example.NL":        "eva@example.nl",
		" eva@example.nl ":      "eva@example.nl",
		"eva":                   "",
		"Eva <eva@example.nl>":  "",
		"eva@localhost":         "",
		"a@b.nl,c@d.nl":         "",
		"eva@example.nl\r\nBcc": "",
	}
	for in, want := range tests {
		got, err := NormalizeEmail(in)
		if got != want || (want == "") != errors.Is(err, ErrEmail) {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestTopic(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{{"category:koffie", true}, {"maker:guji-cooperatie", true}, {"tag:x", false}, {"category:", false}, {"category:../x", false}}
	for _, tt := range tests {
		tp, err := ParseTopic(tt.in)
		if (err == nil) != tt.ok || (tt.ok && tp.String() != tt.in) {
			t.Errorf("ParseTopic(%q) = %v, %v", tt.in, tp, err)
		}
	}
}

// TestConsent walks the double opt-in: a request sends one confirmation,
// a repeat within the hour none, only the token confirms, unsubscribe ends
// it and the old link does not revive it.
func TestConsent(t *testing.T) {
	koffie := Topic{Category, "koffie"}
	s := New("eva@example.nl", "nl", t0)
	send, tok := s.Request(koffie, "Koffie", "/categories/koffie/", "nl", t0)
	if !send || tok == "" {
		t.Fatal("first request sends no confirmation")
	}
	if len(s.Following()) != 0 {
		t.Fatal("a pending topic counts as followed")
	}
	if send, _ := s.Request(koffie, "Koffie", "/categories/koffie/", "nl", t0.Add(10*time.Minute)); send {
		t.Error("a repeat within the hour sends a second confirmation")
	}
	send, tok2 := s.Request(koffie, "Koffie", "/categories/koffie/", "nl", t0.Add(2*time.Hour))
	if !send || tok2 != tok {
		t.Errorf("a repeat after an hour: send %v, same token %v", send, tok2 == tok)
	}
	if _, _, err := s.Confirm("wrong", t0); !errors.Is(err, ErrBadToken) {
		t.Errorf("wrong token: %v", err)
	}
	c, changed, err := s.Confirm(tok, t0.Add(3*time.Hour))
	if err != nil || !changed || c.State != Confirmed || c.Source != "/categories/koffie/" || !c.ConfirmedAt.Equal(t0.Add(3*time.Hour)) {
		t.Fatalf("confirm: %+v %v %v", c, changed, err)
	}
	if _, changed, err := s.Confirm(tok, t0.Add(4*time.Hour)); err != nil || changed {
		t.Errorf("second click: changed %v err %v", changed, err)
	}
	if send, _ := s.Request(koffie, "Koffie", "/", "nl", t0.Add(5*time.Hour)); send {
		t.Error("a confirmed topic gets another confirmation")
	}
	if f := s.Following(); len(f) != 1 || f[0].Topic != koffie {
		t.Errorf("following %v", f)
	}
	if ended := s.Unsubscribe("", t0.Add(6*time.Hour)); len(ended) != 1 {
		t.Errorf("unsubscribe all ended %v", ended)
	}
	if len(s.Following()) != 0 {
		t.Error("still following after unsubscribe")
	}
	if _, _, err := s.Confirm(tok, t0.Add(7*time.Hour)); !errors.Is(err, ErrBadToken) {
		t.Errorf("an old confirmation link revived the consent: %v", err)
	}
	if ended := s.Unsubscribe("", t0.Add(8*time.Hour)); len(ended) != 0 {
		t.Errorf("unsubscribing again ended %v", ended)
	}
}

func TestConfirmExpires(t *testing.T) {
	s := New("eva@example.nl", "nl", t0)
	_, tok := s.Request(Topic{Maker, "guji"}, "Guji", "/makers/guji/", "nl", t0)
	if _, _, err := s.Confirm(tok, t0.Add(ConfirmExpiry+time.Minute)); !errors.Is(err, ErrBadToken) {
		t.Errorf("expired link confirmed: %v", err)
	}
}

func TestDigest(t *testing.T) {
	cat := &catalog.Catalog{Items: []catalog.Item{
		{SKU: "A-1", Product: "a", Title: "A", Category: "koffie", Maker: "guji", Price: 1500},
		{SKU: "A-2", Product: "a", Title: "A", Category: "koffie", Maker: "guji", Price: 900},
		{SKU: "B-1", Product: "b", Title: "B", Category: "servies", Maker: "studio"},
		{SKU: "C-1", Product: "c", Title: "C", Category: "koffie"},
		{SKU: "D-1", Product: "d", Title: "D", Category: "koffie"},
	}}
	ps := Products(cat)
	if len(ps) != 4 || ps[0].Slug != "a" || ps[0].Price != 900 {
		t.Fatalf("products %+v", ps)
	}
	arr := NewArrivals([]string{"d"}, ps)
	if got := Slugs(arr); len(got) != 3 || got[0] != "a" || got[2] != "c" {
		t.Fatalf("arrivals %v", got)
	}
	s := New("eva@example.nl", "nl", t0)
	for _, tp := range []Topic{{Category, "koffie"}, {Maker, "guji"}, {Maker, "studio"}} {
		_, tok := s.Request(tp, tp.Key, "/", "nl", t0)
		if tp.Key != "studio" { // studio stays pending
			if _, _, err := s.Confirm(tok, t0); err != nil {
				t.Fatal(err)
			}
		}
	}
	d := Digest(s, arr)
	if len(d) != 2 {
		t.Fatalf("digest sections %+v", d)
	}
	if d[0].Topic.String() != "category:koffie" || len(d[0].Products) != 2 || d[1].Topic.String() != "maker:guji" || len(d[1].Products) != 1 {
		t.Errorf("digest %+v", d)
	}
	if len(Digest(s, nil)) != 0 {
		t.Error("digest without arrivals")
	}
}
