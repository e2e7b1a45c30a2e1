package words

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

var verb = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z%]`)

// fill is args for format with n as its count (the first %d): a word for
// each %s, 7 for each later %d.
func fill(format string, n int) []any {
	var out []any
	counted := false
	for _, v := range verb.FindAllString(format, -1) {
		switch {
		case v == "%%":
		case strings.HasSuffix(v, "d") && !counted:
			out, counted = append(out, n), true
		case strings.HasSuffix(v, "d"):
			out = append(out, 7)
		default:
			out = append(out, "x")
		}
	}
	return out
}

// pluralKeys are the sidecar's keys the theme writes with plural forms.
func pluralKeys(t interface{ Fatal(...any) }) []string {
	var keys []string
	for k := range Embedded()[Fallback] {
		base, ok := strings.CutSuffix(k, One)
		if !ok {
			continue
		}
		if strings.Contains(Embedded()[Fallback][k], "{{") {
			continue // the site's words (Hugo puts the count in as {{ .Count }})
		}
		keys = append(keys, base)
	}
	if len(keys) == 0 {
		t.Fatal("the theme has no words with plural forms")
	}
	sort.Strings(keys)
	return keys
}

// TestPluralForms: a count (the first integer argument) of 1 gets a key's
// one form, every other count (0, 2, any) its other form, in Dutch and
// English; each key with plural forms has both in both languages, and the
// count is put in.
func TestPluralForms(t *testing.T) {
	Override(nil)
	keys := pluralKeys(t)
	for _, k := range keys {
		for _, lang := range []string{"nl", "en"} {
			if _, ok := Embedded()[lang][k]; !ok {
				t.Errorf("%s: no other form in %s", k, lang)
			}
			if _, ok := Embedded()[lang][k+One]; !ok {
				t.Errorf("%s: no one form in %s", k, lang)
			}
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		key := rapid.SampledFrom(keys).Draw(t, "key")
		lang := rapid.SampledFrom([]string{"nl", "en"}).Draw(t, "lang")
		n := rapid.OneOf(rapid.SampledFrom([]int{0, 1, 2}), rapid.IntRange(3, 1_000_000)).Draw(t, "count")
		form := Embedded()[lang][key]
		if n == 1 {
			form = Embedded()[lang][key+One]
		}
		args := fill(form, n)
		got := F(lang, key, args...)
		if want := fmt.Sprintf(form, args...); got != want {
			t.Fatalf("F(%s, %s, %d) = %q, want %q", lang, key, n, got, want)
		}
		if strings.Contains(got, "%!") || !strings.Contains(got, fmt.Sprint(n)) {
			t.Fatalf("F(%s, %s, %d) = %q", lang, key, n, got)
		}
	})
}

// TestPointsWording: "1 punt" / "1 point", "n punten" / "n points", never
// "punt(en)".
func TestPointsWording(t *testing.T) {
	Override(nil)
	for _, c := range []struct {
		lang, key string
		n         int
		want      string
	}{
		{"nl", "checkout.points.earned", 1, "Deze bestelling leverde je 1 spaarpunt op."},
		{"nl", "checkout.points.earned", 2, "Deze bestelling leverde je 2 spaarpunten op."},
		{"nl", "checkout.points.earned", 0, "Deze bestelling leverde je 0 spaarpunten op."},
		{"en", "checkout.points.earned", 1, "This order earned you 1 point."},
		{"en", "checkout.points.earned", 0, "This order earned you 0 points."},
		{"en", "checkout.points.earned", 2, "This order earned you 2 points."},
		{"nl", "checkout.review.stars", 1, "1 ster"},
		{"en", "checkout.review.stars", 1, "1 star"},
		{"en", "checkout.review.stars", 5, "5 stars"},
		{"nl", "checkout.points.from", 1, "vanaf 1 punt"},
		{"nl", "checkout.points.from", 100, "vanaf 100 punten"},
		{"en", "checkout.points.from", 1, "from 1 point"},
		{"en", "checkout.points.from", 0, "from 0 points"},
	} {
		if got := F(c.lang, c.key, c.n); got != c.want {
			t.Errorf("F(%s, %s, %d) = %q, want %q", c.lang, c.key, c.n, got, c.want)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 1_000_000).Draw(t, "points")
		if got := F("nl", "checkout.pp.rule", n, "€ 0,05", F("nl", "checkout.points.from", 100)); !strings.Contains(got, fmt.Sprintf("is %d punten waard", n)) {
			t.Fatalf("nl rule for %d: %q", n, got)
		}
		if got := F("en", "checkout.pp.rule", n, "€0.05", F("en", "checkout.points.from", 100)); !strings.Contains(got, fmt.Sprintf("worth %d points;", n)) {
			t.Fatalf("en rule for %d: %q", n, got)
		}
	})
	if got := F("nl", "checkout.pp.rule", 1, "€ 0,05", F("nl", "checkout.points.from", 100)); !strings.Contains(got, "is 1 punt waard") {
		t.Errorf("nl rule for 1: %q", got)
	}
	if got := F("en", "checkout.pp.rule", 1, "€0.05", F("en", "checkout.points.from", 100)); !strings.Contains(got, "worth 1 point;") {
		t.Errorf("en rule for 1: %q", got)
	}
}

// TestNoPluralHacks: no word of the theme says "punt(en)", "point(s)" or
// the like: a count's words use plural forms instead.
func TestNoPluralHacks(t *testing.T) {
	hack := regexp.MustCompile(`[a-z]\((en|e|s|es|sen|ies)\)`)
	for lang, m := range Embedded() {
		for k, v := range m {
			if s := strings.ReplaceAll(v, "http(s)", ""); hack.MatchString(s) {
				t.Errorf("%s %s: %q: use plural forms (one, other) instead", lang, k, v)
			}
		}
	}
}

// TestPluralOverride: a shop's own words with plural forms (its bundle's
// key and key#one) win over the theme's; one never comes from another
// language than the key's.
func TestPluralOverride(t *testing.T) {
	defer Override(nil)
	Override(Table{"en": {"checkout.points.earned": "You earned %d stars.", "checkout.points.earned" + One: "You earned %d star."}})
	if got := F("en", "checkout.points.earned", 1); got != "You earned 1 star." {
		t.Errorf("override one: %q", got)
	}
	if got := F("en", "checkout.points.earned", 3); got != "You earned 3 stars." {
		t.Errorf("override other: %q", got)
	}
	Override(Table{"de": {"checkout.points.earned": "Du hast %d Punkte."}})
	if got := F("de", "checkout.points.earned", 1); got != "Du hast 1 Punkte." {
		t.Errorf("a language without a one form took another language's: %q", got)
	}
}

// TestSitePluralForms: the site's own words with plural forms (Hugo's i18n,
// e.g. the footer's points per euro) put the count in both forms.
func TestSitePluralForms(t *testing.T) {
	for _, lang := range []string{"nl", "en"} {
		one, other := Embedded()[lang]["footer_points"+One], Embedded()[lang]["footer_points"]
		if !strings.Contains(one, "{{ .Count }}") || !strings.Contains(other, "{{ .Count }}") || one == other {
			t.Errorf("%s footer_points: one %q, other %q", lang, one, other)
		}
	}
}
