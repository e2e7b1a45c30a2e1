package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

// TestPointsWordingOnPages: the order page, in Dutch and English, and the
// confirmation e-mail say "1 spaarpunt" / "1 point" for an order that earns
// one point and the plural for more (a €1.50 coffee: 1 point; three: 4).
func TestPointsWordingOnPages(t *testing.T) {
	for _, c := range []struct {
		qty, points int
		nl, en      string
	}{
		{1, 1, "levert je 1 spaarpunt op; je kunt het gebruiken", "earns you 1 point; you can spend it"},
		{3, 4, "levert je 4 spaarpunten op; je kunt ze gebruiken", "earns you 4 points; you can spend them"},
	} {
		t.Run(fmt.Sprint(c.points), func(t *testing.T) {
			f := molliefake.New()
			defer f.Close()
			sh := newShop(t, withMollie(f), withLoyalty(t), withCatalog(t, func(cat map[string]any) {
				for _, it := range cat["items"].([]any) {
					if m := it.(map[string]any); m["sku"] == "KOF-GUJI-250-BO" {
						m["price"] = 150
					}
				}
			}))
			o := sh.buy(f, "pw-1", map[string]int{"KOF-GUJI-250-BO": c.qty}, "")
			if o.PointsToEarn != c.points {
				t.Fatalf("%d × €1.50 earns %d points, want %d", c.qty, o.PointsToEarn, c.points)
			}
			for lang, want := range map[string]string{"nl": c.nl, "en": c.en} {
				if page := sh.req(http.MethodGet, "/order/"+o.Token+"?lang="+lang, ""); !strings.Contains(page.body, want) {
					t.Errorf("the %s order page does not say %q:\n%s", lang, want, page.body)
				}
			}
			sh.flushMail()
			conf := sh.mails("confirmation")
			if len(conf) != 1 {
				t.Fatalf("%d confirmations", len(conf))
			}
			want := c.nl
			if o.Lang == "en" {
				want = c.en
			}
			if text, _ := bodies(conf[0]); !strings.Contains(text, want) {
				t.Errorf("the %s confirmation does not say %q:\n%s", o.Lang, want, text)
			}
		})
	}
}
