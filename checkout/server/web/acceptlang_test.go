package web

import (
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestAcceptLanguage: the shop's language the browser ranks highest wins,
// by q-value then order, region subtags and case ignored; languages the
// shop lacks, q=0 and garbage are passed over.
func TestAcceptLanguage(t *testing.T) {
	for _, c := range []struct{ header, want string }{
		{"en-GB,en;q=0.9", "en"},
		{"nl-NL,nl;q=0.9,en;q=0.8", "nl"},
		{"de", ""},
		{"de-DE,de;q=0.9,en;q=0.5", "en"},
		{"fr;q=0.9, NL-be;q=0.4, en;q=0.3", "nl"},
		{"en;q=0.2,nl;q=0.8", "nl"},
		{"en;q=0,nl;q=0", ""},
		{"*", ""},
		{"", ""},
		{"en;q=abc,nl", "nl"},
		{strings.Repeat("x,", 1000) + "en", ""}, // beyond the bound: not read
	} {
		if got := AcceptLanguage(c.header, Langs); got != c.want {
			t.Errorf("AcceptLanguage(%.40q) = %q, want %q", c.header, got, c.want)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		// A header of tags with distinct q-values: the shop's language with
		// the highest q wins, whatever else is in it.
		others := []string{"de", "de-DE", "fr", "fr-BE", "es", "pl", "*"}
		n := rapid.IntRange(0, 6).Draw(t, "tags")
		qs := rapid.Permutation([]int{1, 2, 3, 4, 5, 6, 7, 8, 9}).Draw(t, "qs")
		var parts []string
		want, wantQ := "", 0
		for i := 0; i < n; i++ {
			tag := rapid.SampledFrom(append(others, "nl", "nl-NL", "nl-BE", "en", "en-GB", "EN-us")).Draw(t, "tag")
			q := qs[i]
			parts = append(parts, fmt.Sprintf("%s;q=0.%d", tag, q))
			if p, _, _ := strings.Cut(strings.ToLower(tag), "-"); (p == "nl" || p == "en") && q > wantQ {
				want, wantQ = p, q
			}
		}
		h := strings.Join(parts, rapid.SampledFrom([]string{",", ", ", " ,"}).Draw(t, "sep"))
		if got := AcceptLanguage(h, Langs); got != want {
			t.Fatalf("AcceptLanguage(%q) = %q, want %q", h, got, want)
		}
	})
}
