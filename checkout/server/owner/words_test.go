package owner

import (
	"errors"
	"fmt"
	"strings"
	"testing"

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
