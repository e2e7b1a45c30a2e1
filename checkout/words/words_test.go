package words

import (
	"testing"
	"testing/fstest"
)

// TestDutchAndEnglishHoldTheSameKeys: a key the sidecar has in one
// language and not the other falls back to Dutch on an English page.
func TestDutchAndEnglishHoldTheSameKeys(t *testing.T) {
	nl, en := Embedded()["nl"], Embedded()["en"]
	if len(nl) < 300 {
		t.Fatalf("nl has %d keys", len(nl))
	}
	for k := range nl {
		if _, ok := en[k]; !ok {
			t.Errorf("%q is in nl.toml, not in en.toml", k)
		}
	}
	for k := range en {
		if _, ok := nl[k]; !ok {
			t.Errorf("%q is in en.toml, not in nl.toml", k)
		}
	}
}

// TestOverrideWinsAndFallsBack: a shop's own words win per key; keys it
// does not say keep the theme's words; Override(nil) goes back.
func TestOverrideWinsAndFallsBack(t *testing.T) {
	t.Cleanup(func() { Override(nil) })
	fsys := fstest.MapFS{
		"i18n/nl.toml": {Data: []byte("\"checkout.cart.title\" = \"Mandje\"\n[\"checkout.cart.empty\"]\nother = \"Niks\"\n")},
		"i18n/de.toml": {Data: []byte("\"checkout.cart.title\" = \"Warenkorb\"\n")},
	}
	over, err := Parse(fsys, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	before := T("nl", "checkout.cart.continue")
	Override(over)
	for _, c := range []struct{ lang, key, want string }{
		{"nl", "checkout.cart.title", "Mandje"},
		{"nl", "checkout.cart.empty", "Niks"},
		{"nl", "checkout.cart.continue", before},
		{"de", "checkout.cart.title", "Warenkorb"},
		{"de", "checkout.cart.empty", "Niks"}, // a third language falls back to Dutch
		{"en", "checkout.cart.title", Embedded()["en"]["checkout.cart.title"]},
		{"nl", "no.such.key", "no.such.key"},
	} {
		if got := T(c.lang, c.key); got != c.want {
			t.Errorf("T(%s, %s) = %q, want %q", c.lang, c.key, got, c.want)
		}
	}
	Override(nil)
	if got := T("nl", "checkout.cart.title"); got != Embedded()["nl"]["checkout.cart.title"] {
		t.Errorf("after Override(nil): %q", got)
	}
}
