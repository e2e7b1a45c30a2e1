package e2e

import (
	"strings"
	"testing"
)

// TestSpecsFollowTheVariant: on a product with 250 g and 1 kg variants, the
// specs say the weight and SKU of the chosen variant (with JavaScript), or
// list each variant's own (without it); never one weight for all.
func TestSpecsFollowTheVariant(t *testing.T) {
	variants(t, func(t *testing.T, opts tabOptions) {
		h := need(t, false)
		tb := newCustomer(t, h, opts)
		tb.open("/producten/ethiopie-guji/")
		// The rows a customer can see: [th, td] of the visible spec rows.
		rows := func() map[string]string {
			got := jsonOf[[][]string](tb, `[...document.querySelectorAll("table.specs tr")]
				.filter(tr => !tr.closest("[hidden]") && !tr.hidden && tr.querySelector("td"))
				.map(tr => [tr.querySelector("th").innerText.trim(), tr.querySelector("td").innerText.trim()])`)
			m := map[string]string{}
			for _, r := range got {
				if old, ok := m[r[0]]; ok {
					m[r[0]] = old + " | " + r[1]
				} else {
					m[r[0]] = r[1]
				}
			}
			return m
		}
		if opts.NoJS {
			r := rows()
			if !strings.Contains(r["Gewicht"], "250 g") || !strings.Contains(r["Gewicht"], "1 kg") {
				t.Errorf("without JavaScript the weights of all variants should be listed: %q", r["Gewicht"])
			}
			if strings.Count(r["Artikelnummer"], "KOF-GUJI-") != 6 {
				t.Errorf("without JavaScript each variant's SKU should be listed: %q", r["Artikelnummer"])
			}
			for _, v := range []string{"1 kg · bonen", "250 g · gemalen voor filter"} {
				if !strings.Contains(tb.mainText(), v) {
					t.Errorf("the specs do not name variant %q", v)
				}
			}
			tb.report()
			return
		}
		r := rows()
		if r["Gewicht"] != "250 g" || r["Artikelnummer"] != "KOF-GUJI-250-BO" {
			t.Errorf("first variant: Gewicht %q, Artikelnummer %q; want 250 g, KOF-GUJI-250-BO", r["Gewicht"], r["Artikelnummer"])
		}
		tb.click(`label[for="v-kof-guji-1000-fi"]`)
		tb.waitFor(`!document.querySelector('[data-variant-specs="KOF-GUJI-1000-FI"]').hidden`, step)
		r = rows()
		if r["Gewicht"] != "1 kg" || r["Artikelnummer"] != "KOF-GUJI-1000-FI" {
			t.Errorf("after choosing 1 kg filter: Gewicht %q, Artikelnummer %q; want 1 kg, KOF-GUJI-1000-FI", r["Gewicht"], r["Artikelnummer"])
		}
		if r["Herkomst"] != "Ethiopië" {
			t.Errorf("the shared rows went missing: Herkomst %q", r["Herkomst"])
		}
		tb.report()
	})
}
