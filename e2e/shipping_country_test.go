package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
)

// shopMethod is a shipping method as catalog.json has it.
type shopMethod struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Price     int64    `json:"price"`
	Countries []string `json:"countries"`
}

func shopMethods(t *testing.T, h *harness) []shopMethod {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(h.public, "catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Shipping struct {
			Methods []shopMethod `json:"methods"`
		} `json:"shipping"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("catalog.json: %v", err)
	}
	return c.Shipping.Methods
}

// methodsTo are the ids of the methods that deliver to country, in the
// catalog's order.
func methodsTo(ms []shopMethod, country string) []string {
	var out []string
	for _, m := range ms {
		if slices.Contains(m.Countries, country) {
			out = append(out, m.ID)
		}
	}
	return out
}

// TestCheckoutCountryChangeJourney: a customer picks a carrier other than
// the first (DHL), then changes the country to Belgium. The list shows
// only the methods that deliver to Belgium (with JavaScript at once;
// without it after "update"), says DHL does not deliver there and which
// method was chosen instead; the customer then picks Belgium's second
// carrier and pays. The total on screen is the amount the payment page
// asks and the stored order's total, with that carrier's price.
func TestCheckoutCountryChangeJourney(t *testing.T) {
	variants(t, func(t *testing.T, opts tabOptions) {
		h := need(t, true)
		ms := shopMethods(t, h)
		nl, be := methodsTo(ms, "NL"), methodsTo(ms, "BE")
		if len(nl) < 2 || len(be) < 2 || slices.Contains(be, nl[1]) {
			t.Fatalf("the demo shop needs two carriers to NL and two others to BE; NL %v, BE %v", nl, be)
		}
		// Leaving the Netherlands with DHL, the page offers DHL's Belgian
		// method (same) in its place; the customer then takes the other.
		carrierOf := func(id string) string { c, _, _ := strings.Cut(id, "-"); return c }
		same, other := "", ""
		for _, id := range be {
			if carrierOf(id) == carrierOf(nl[1]) {
				same = id
			} else if other == "" {
				other = id
			}
		}
		if same == "" || other == "" {
			t.Fatalf("the demo shop needs %s's Belgian method and another; BE %v", nl[1], be)
		}
		var second shopMethod
		for _, m := range ms {
			if m.ID == other {
				second = m
			}
		}
		v := pickVariant(t, h)
		tb := newCustomer(t, h, opts)
		addToCart(t, tb, v, 1)
		tb.open("/checkout/")
		a := validAddress(t)
		a.PostalCode, a.City = "1000", "Brussel"
		fillCheckout(tb, a)
		shownFor := func() string { return eval[string](tb, `document.querySelector("[data-sf-shown-for]").value`) }
		listed := func() []string {
			return jsonOf[[]string](tb, `[...document.querySelectorAll('input[name="shipping_method"]')].filter(i => i.getClientRects().length).map(i => i.value)`)
		}
		update := func() {
			t.Helper()
			if st := tb.submit(`button[name="update"]`); st != 200 {
				t.Fatalf("update total: status %d", st)
			}
		}
		settled := func(forNow string) {
			t.Helper()
			if opts.NoJS {
				update()
			} else {
				tb.waitFor(`document.querySelector("[data-sf-shown-for]").value.startsWith(`+jsString(forNow+"|")+`) && !document.querySelector("[data-sf-pay]").disabled`, step)
			}
			if got := shownFor(); !strings.HasPrefix(got, forNow+"|") { // method|country|code|card
				t.Fatalf("the page is priced for %q, want %q", got, forNow)
			}
		}
		if !opts.NoJS {
			if got := listed(); !slices.Equal(got, nl) {
				t.Errorf("with JavaScript the Dutch checkout lists %v, want only the Dutch methods %v", got, nl)
			}
		}
		tb.click(`input[name="shipping_method"][value=` + jsString(nl[1]) + `]`)
		settled(nl[1] + "|NL")

		// Belgium: the Dutch carrier does not go there.
		eval[bool](tb, `(() => { const s = document.getElementById("f-country"); s.value = "BE";
			s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`)
		settled(same + "|BE")
		if got := jsonOf[[]string](tb, `[...document.querySelectorAll('[data-sf-methods] input[name="shipping_method"]')].map(i => i.value)`); !slices.Equal(got, be) {
			t.Errorf("after choosing Belgium the list holds %v, want the Belgian methods %v", got, be)
		}
		if !opts.NoJS {
			if got := listed(); !slices.Equal(got, be) {
				t.Errorf("with JavaScript, after choosing Belgium the page lists %v, want only %v", got, be)
			}
		}
		if got := eval[string](tb, `(document.querySelector('input[name="shipping_method"]:checked') || {}).value || ""`); got != same {
			t.Errorf("after choosing Belgium %q is checked, want the same carrier's %s", got, same)
		}
		note := eval[string](tb, `(document.querySelector("[data-sf-method-note]") || {}).innerText || ""`)
		if !strings.Contains(note, "België") || !strings.Contains(note, "DHL") {
			t.Errorf("the page does not say the Dutch carrier does not deliver to Belgium: note %q", note)
		}

		// The second Belgian carrier, then pay.
		before := shownTotal(t, tb)
		tb.click(`input[name="shipping_method"][value=` + jsString(second.ID) + `]`)
		settled(second.ID + "|BE")
		if eval[bool](tb, `!!document.querySelector("[data-sf-method-note]")`) {
			t.Errorf("the note about the replaced carrier stays after the customer chose one")
		}
		total := shownTotal(t, tb)
		if total == before {
			t.Errorf("the total stayed %s after choosing %s", euroText(total), second.ID)
		}
		if ship := eval[string](tb, `[...document.querySelectorAll(".sf-summary .sf-totals tr")].map(r => r.innerText).find(s => s.includes(`+jsString(second.Name)+`)) || ""`); !strings.Contains(ship, euroText(second.Price)) && !strings.Contains(strings.ToLower(ship), "gratis") {
			t.Errorf("the summary's shipping row says %q, want %s at %s", ship, second.Name, euroText(second.Price))
		}
		if btn := eval[string](tb, `document.querySelector("[data-sf-pay]").innerText`); !strings.Contains(btn, euroText(total)) {
			t.Errorf("the pay button says %q, the total is %s", btn, euroText(total))
		}
		payShown(t, tb, total)
		back := eval[string](tb, `(document.querySelector(".sf-pay a[href*='/order/']") || {}).getAttribute?.("href") || ""`)
		o := orderByToken(t, h, orderToken(strings.TrimPrefix(back, h.base)))
		if o.Total != total || o.ShippingName != second.Name {
			t.Errorf("stored order: total %d by %q; the page showed %d by %s", o.Total, o.ShippingName, total, second.Name)
		}
	})
}

// TestGermanyJourney: a customer sends a product at the standard rate and
// one at the reduced rate to Germany, with and without JavaScript. The
// checkout offers only the methods that deliver there, prices each line at
// the German rate of its class (OSS: 19 % and 7 %, never the Dutch 21 % or
// 9 %), and the total it shows is what the payment page asks, the order
// page shows and the e-mail confirms, with the same VAT lines.
func TestGermanyJourney(t *testing.T) {
	variants(t, func(t *testing.T, opts tabOptions) {
		h := need(t, true)
		raw, err := os.ReadFile(filepath.Join(h.public, "catalog.json"))
		if err != nil {
			t.Fatal(err)
		}
		var c catalog.Catalog
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatalf("catalog.json: %v", err)
		}
		de := methodsTo(shopMethods(t, h), "DE")
		if len(de) == 0 {
			t.Fatal("the demo shop ships nothing to Germany")
		}
		// The dearest always-available item of each class, so that the
		// order ships free and each VAT line is one product's.
		_, byProduct := readCatalog(t, h)
		picks := map[string]catalog.Item{}
		for _, it := range c.Items {
			if it.GiftCard || (it.Stock.Tracked && it.Stock.Quantity < 50) || (it.VATClass != "standard" && it.VATClass != "reduced") {
				continue
			}
			if p, ok := picks[it.VATClass]; !ok || it.Price > p.Price {
				picks[it.VATClass] = it
			}
		}
		if len(picks) != 2 {
			t.Fatalf("the demo shop needs an always-available product at the standard and at the reduced rate; found %v", picks)
		}
		tb := newCustomer(t, h, opts)
		var sum money.Amount
		for _, class := range []string{"standard", "reduced"} {
			it := picks[class]
			its := byProduct[it.Product]
			var chosen catalogItem
			for _, ci := range its {
				if ci.SKU == it.SKU {
					chosen = ci
				}
			}
			addToCart(t, tb, variantPick{Product: it.Product, URL: chosen.URL, Title: its[0].Title, Variants: its, Chosen: chosen}, 1)
			sum += c.PriceFor(it, "DE")
		}
		if sum < c.Shipping.FreeFrom {
			t.Fatalf("the two products cost %d in Germany, less than free shipping from %d", sum, c.Shipping.FreeFrom)
		}
		if st := tb.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
			t.Fatalf("checkout page: status %d", st)
		}
		a := validAddress(t)
		a.Street, a.PostalCode, a.City = "Unter den Linden 1", "10117", "Berlin"
		fillCheckout(tb, a)
		eval[bool](tb, `(() => { const s = document.getElementById("f-country"); s.value = "DE";
			s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`)
		if opts.NoJS {
			if st := tb.submit(`button[name="update"]`); st != 200 {
				t.Fatalf("update total: status %d", st)
			}
		} else {
			tb.waitFor(`document.querySelector("[data-sf-shown-for]").value.startsWith(`+jsString(de[0]+"|DE|")+`) && !document.querySelector("[data-sf-pay]").disabled`, step)
			listed := jsonOf[[]string](tb, `[...document.querySelectorAll('input[name="shipping_method"]')].filter(i => i.getClientRects().length).map(i => i.value)`)
			if !slices.Equal(listed, de) {
				t.Errorf("with JavaScript, for Germany the page lists %v, want %v", listed, de)
			}
		}
		if got := eval[string](tb, `document.querySelector("[data-sf-shown-for]").value`); !strings.HasPrefix(got, de[0]+"|DE|") {
			t.Fatalf("the page is priced for %q, want %s to Germany", got, de[0])
		}
		// Each line at its German price, and one VAT line per German rate.
		summary := eval[string](tb, `document.querySelector(".sf-summary").innerText`)
		for _, it := range picks {
			if !hasAmount(summary, int64(c.PriceFor(it, "DE"))) {
				t.Errorf("the summary does not show %s at its German price %s:\n%s", it.SKU, euroText(int64(c.PriceFor(it, "DE"))), summary)
			}
		}
		wantVAT := map[int]int64{}
		for _, it := range picks {
			r, p := c.RateFor(it, "DE"), int64(c.PriceFor(it, "DE"))
			wantVAT[r] += (p*int64(r)*2 + int64(100+r)) / (int64(100+r) * 2) // rounded half up
		}
		if _, ok := wantVAT[19]; !ok || len(wantVAT) != 2 {
			t.Fatalf("German rates of the two products: %v, want 19 and 7", wantVAT)
		}
		vatLines := func(where, text string) {
			t.Helper()
			for r, amt := range wantVAT {
				re := regexp.MustCompile(fmt.Sprintf(`(?m)btw %d%%:?\s+€\s?([0-9.,]+)`, r))
				m := re.FindStringSubmatch(text)
				if m == nil {
					t.Errorf("the %s has no line for %d %% VAT:\n%s", where, r, clip(text, 2000))
					continue
				}
				if got, err := ParseEuro("€ " + m[1]); err != nil || got != amt {
					t.Errorf("the %s says %d %% VAT is %s, want %s", where, r, m[1], euroText(amt))
				}
			}
			if m := regexp.MustCompile(`btw (21|9)%`).FindString(text); m != "" {
				t.Errorf("the %s for Germany has a Dutch VAT line %q", where, m)
			}
		}
		vatLines("checkout summary", summary)
		total := shownTotal(t, tb)
		if total != int64(sum) {
			t.Errorf("the checkout total is %s, the two German prices with free shipping make %s", euroText(total), euroText(int64(sum)))
		}
		payShown(t, tb, total)
		choose(t, tb, "paid")
		o := waitPaid(t, tb)
		page := tb.mainText()
		if !hasAmount(page, total) || !strings.Contains(page, "Duitsland") {
			t.Errorf("the order page does not show the total %s and Germany:\n%s", euroText(total), clip(page, 2000))
		}
		vatLines("order page", page)
		m := mailsTo(t, h, a.Email, 1)[0]
		checkMail(t, m, orderNumber(t, o), total)
		vatLines("e-mail", m.Text)
	})
}
