package server

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestStandingCountriesHaveShipping: a subscription's form offers the
// countries of the checkout (each with a shipping method) as a list, not
// a free two-letter field in which a customer could type a country no
// method goes to; each offered country prices the subscription.
func TestStandingCountriesHaveShipping(t *testing.T) {
	clock := &standingClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	sh := newShop(t, withSubscription(clock))
	cat := sh.sc.Catalog.Current()
	want := cat.Countries()
	if len(want) < 2 {
		t.Fatalf("the test shop offers %v; want at least two countries", want)
	}
	options := regexp.MustCompile(`<option value="([A-Z]{2})"`)
	for _, co := range want {
		page := sh.req(http.MethodGet, "/standing/new/?sku=KOF-GUJI-250-BO&weeks=4&lang=nl&country="+co, "")
		i := strings.Index(page.body, `<select id="sf-n-country"`)
		if page.StatusCode != http.StatusOK || i < 0 {
			t.Fatalf("%s: %d, no country list:\n%s", co, page.StatusCode, page.body)
		}
		sel := page.body[i : i+strings.Index(page.body[i:], "</select>")]
		var got []string
		for _, m := range options.FindAllStringSubmatch(sel, -1) {
			got = append(got, m[1])
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: the list offers %v, the checkout %v", co, got, want)
		}
		if !strings.Contains(sel, `value="`+co+`" selected`) {
			t.Errorf("%s is not the chosen country:\n%s", co, sel)
		}
		if strings.Contains(page.body, "sf-error") {
			t.Errorf("%s: offered, yet the page says it cannot deliver there", co)
		}
	}
}
