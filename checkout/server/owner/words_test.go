package owner

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/words"
)

// TestOwnerWordsInBothLanguages: every domain error the owner's pages can
// meet is said in Dutch and in English from the theme's words, also when
// wrapped, and never as the domain's English text on a Dutch page.
func TestOwnerWordsInBothLanguages(t *testing.T) {
	for _, w := range errorWords {
		wrapped := fmt.Errorf("order SF-1: %w", w.err)
		phrases := map[string]string{}
		for _, lang := range []string{"nl", "en"} {
			if _, ok := words.Lookup(lang, "owner."+w.key); !ok {
				t.Errorf("%v: no %s words for owner.%s", w.err, lang, w.key)
				continue
			}
			got := ownerWords(lang, wrapped)
			if got == "" || strings.Contains(got, "%!") {
				t.Errorf("%v in %s: %q", w.err, lang, got)
			}
			phrases[lang] = got
		}
		if phrases["nl"] == phrases["en"] {
			t.Errorf("%v: Dutch and English say the same: %q", w.err, phrases["nl"])
		}
		if !w.detail && strings.Contains(phrases["nl"], w.err.Error()) {
			t.Errorf("%v: the Dutch page shows the English domain text: %q", w.err, phrases["nl"])
		}
	}
	// A provider that failed without a known error is said as such.
	if got := ownerWords("nl", errors.New("dial tcp: connection refused")); !strings.HasPrefix(got, "De betaalprovider") {
		t.Errorf("a provider failure in Dutch: %q", got)
	}
}

// TestCodeRulesInOwnerWords: whatever rules a code the owner asks for
// breaks, the owner's page says each in the owner's language from the
// theme's words (no English sentence of cart.Code.Check on a Dutch page,
// no missing argument), and the API keeps the English sentences.
func TestCodeRulesInOwnerWords(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		c := cart.Code{
			Code:       rapid.SampledFrom([]string{"", "z", "WINTER", "VEEL-TE-LANG-" + strings.Repeat("X", 40), "é!"}).Draw(rt, "code"),
			Kind:       rapid.SampledFrom([]string{cart.CodePercent, cart.CodeFixed, "", "korting"}).Draw(rt, "kind"),
			Value:      rapid.Int64Range(-5, 150).Draw(rt, "value"),
			MinOrder:   money.Amount(rapid.Int64Range(-500, 500).Draw(rt, "min")),
			MaxUses:    rapid.IntRange(-2, 2).Draw(rt, "uses"),
			MaxPerUser: rapid.IntRange(-2, 2).Draw(rt, "per user"),
		}
		if rapid.Bool().Draw(rt, "dates") {
			c.From = day.AddDate(0, 0, rapid.IntRange(-10, 10).Draw(rt, "from"))
			c.To = day.AddDate(0, 0, rapid.IntRange(-10, 10).Draw(rt, "to"))
		}
		rules := codeRules(c.Problems())
		if len(rules) == 0 {
			return
		}
		var err error = fmt.Errorf("make code: %w", rules)
		if err.Error() != "make code: "+strings.Join(c.Check(), "; ") {
			rt.Fatalf("the API's English changed: %q, Check says %q", err.Error(), c.Check())
		}
		for _, lang := range []string{"nl", "en"} {
			for _, p := range rules {
				if _, ok := words.Lookup(lang, "owner.codes.err."+p.Key); !ok {
					rt.Fatalf("no %s words for owner.codes.err.%s", lang, p.Key)
				}
			}
			got := ownerWords(lang, err)
			if strings.Contains(got, "%!") || strings.Count(got, "; ") != len(rules)-1 {
				rt.Fatalf("%s: %q for %d rules", lang, got, len(rules))
			}
			if lang == "nl" {
				for _, p := range rules {
					if strings.Contains(got, p.Text) {
						rt.Fatalf("the Dutch page shows the English %q: %q", p.Text, got)
					}
				}
			}
		}
	})
}
