package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/server/view"
)

func TestValidEmail(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"eva@example.nl", true},
		{"eva.de.vries+koffie@mail.example.nl", true},
		{"", false},
		{"eva", false},
		{"eva@localhost", false},                           // no dot in the domain
		{"Eva <eva@example.nl>", false},                    // a name around it
		{"eva@example.nl, piet@example.nl", false},         // two
		{"eva\u202e@example.nl", false},                    // a bidi override
		{"ev\u200ba@example.nl", false},                    // zero width space
		{"eva@" + strings.Repeat("a", 250) + ".nl", false}, // longer than 254
	} {
		if got := view.ValidEmail(tt.in); got != tt.want {
			t.Errorf("view.ValidEmail(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestSubscribeRefusesHiddenCharacters: the subscription form checks an
// address as checkout does; it let a bidi override through before.
func TestSubscribeRefusesHiddenCharacters(t *testing.T) {
	sh := newShop(t)
	r := sh.form("/api/subscriptions", url.Values{"email": {"eva\u202e@example.nl"}, "topic": {"category:koffie"}, "label": {"Koffie"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("subscription with a bidi override in the address: %d, want 422", r.StatusCode)
	}
}
