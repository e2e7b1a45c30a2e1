package mail

import (
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestPointsLinkDays: the points e-mail says how long its link works with
// the count's plural form: "1 dag" / "1 day", "n dagen" / "n days".
func TestPointsLinkDays(t *testing.T) {
	want := map[string][2]string{"nl": {"De link werkt %d dag.", "De link werkt %d dagen."}, "en": {"The link works for %d day.", "The link works for %d days."}}
	rapid.Check(t, func(rt *rapid.T) {
		lang := rapid.SampledFrom([]string{"nl", "en"}).Draw(rt, "lang")
		days := rapid.OneOf(rapid.Just(1), rapid.IntRange(0, 365)).Draw(rt, "days")
		phrase := fmt.Sprintf(want[lang][1], days)
		if days == 1 {
			phrase = fmt.Sprintf(want[lang][0], days)
		}
		_, text, html, err := PointsLink{Lang: lang, ShopName: "Shop", URL: "https://side.test/points/TOK", Days: days}.Render()
		if err != nil {
			rt.Fatal(err)
		}
		if !strings.Contains(text, phrase) || !strings.Contains(html, phrase) {
			rt.Fatalf("the %s points e-mail with a link of %d days does not say %q:\n%s", lang, days, phrase, text)
		}
	})
}
