package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
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
