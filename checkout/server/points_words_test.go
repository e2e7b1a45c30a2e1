package server

import (
	"bytes"
	"fmt"
	"html"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/loyalty"
	"github.com/storefront/storefront/checkout/server/web"
)

// TestPointsMinimumHasItsSingular: the points page's rule and the checkout's
// "not enough points yet" say the minimum with its own plural form: "vanaf 1
// punt" / "from 1 point", "vanaf 100 punten" / "from 100 points".
func TestPointsMinimumHasItsSingular(t *testing.T) {
	sh := newShop(t)
	want := map[string][2]string{"nl": {"vanaf %d punt", "vanaf %d punten"}, "en": {"from %d point", "from %d points"}}
	rapid.Check(t, func(rt *rapid.T) {
		lang := rapid.SampledFrom(web.Langs).Draw(rt, "lang")
		least := rapid.OneOf(rapid.Just(1), rapid.IntRange(0, 100_000)).Draw(rt, "least")
		balance := rapid.IntRange(0, 1000).Draw(rt, "balance")
		phrase, not := fmt.Sprintf(want[lang][1], least), "\x00"
		if least == 1 {
			phrase, not = fmt.Sprintf(want[lang][0], least), fmt.Sprintf(want[lang][1], least)
		}
		rule := loyalty.Rule{PointsPerEuro: 1, PointValue: 5, MinRedeem: least}
		for name, data := range map[string]any{
			"points-account": map[string]any{"Lang": lang, "Rule": rule, "MinRedeem": least, "Currency": "EUR", "Balance": balance, "Token": "tok"},
			"points-field":   map[string]any{"Lang": lang, "Points": map[string]any{"On": true, "Email": "a@b.nl", "Balance": balance, "Worth": "€ 1,00", "Min": least}},
		} {
			var b bytes.Buffer
			if err := sh.sc.Tmpl().ExecuteTemplate(&b, name, data); err != nil {
				rt.Fatalf("%s: %v", name, err)
			}
			text := html.UnescapeString(b.String())
			if !strings.Contains(text, phrase) || strings.Contains(text, not) {
				rt.Fatalf("%s (%s, minimum %d) does not say %q:\n%s", name, lang, least, phrase, text)
			}
		}
	})
}
