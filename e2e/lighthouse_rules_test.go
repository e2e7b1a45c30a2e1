package e2e

import (
	"strings"
	"testing"
)

// TestAccessibilityAsLighthouseSees: on a 375 px phone, the pages Lighthouse
// measures (docs/theme.md, "Lighthouse") keep the checks that cost them a
// point in this round, whatever axe's impact: headings go down one level at a
// time (the filters' h2 is inside the closed disclosure on a phone), targets
// are at least 24 px or far enough apart, and no link says only "read more".
// checkAxe fails on serious and critical findings only; these are moderate.
func TestAccessibilityAsLighthouseSees(t *testing.T) {
	h := need(t, true)
	tb := newCustomer(t, h, tabOptions{Width: mobileWidth, Height: 812, Mobile: true})
	cat := firstCategory(t, tb, h.base)
	tb.open(cat)
	facet := eval[string](tb, `(document.querySelector("[data-facet-links] a[href*='/f/']") || {}).getAttribute?.("href") || ""`)
	product := eval[string](tb, `(document.querySelector("[data-grid] .card a") || {}).getAttribute?.("href") || ""`)
	if facet == "" || product == "" {
		t.Fatalf("%s links no facet page (%q) or no product (%q)", cat, facet, product)
	}
	tb.open(product)
	english := eval[string](tb, `(document.querySelector("link[rel=alternate][hreflang=en]") || {}).getAttribute?.("href") || ""`)
	if english == "" {
		t.Fatalf("%s has no English alternate", product)
	}
	for _, p := range []string{"/", cat, facet, product, localPath(english), "/search/", "/search/?lang=en", "/en/"} {
		tb.open(p)
		for _, v := range runAxeRules(t, tb, "heading-order", "target-size") {
			t.Errorf("%s at %d px: %s", p, mobileWidth, v)
		}
		vague := eval[[]string](tb, `Array.from(document.querySelectorAll("a[href]")).map(a => a.textContent.trim().toLowerCase()).filter(s => `+
			`["read more", "lees meer", "more", "meer", "click here", "klik hier", "here", "hier", "learn more", "more info"].includes(s))`)
		if len(vague) > 0 {
			t.Errorf("%s: links that say only %q (Lighthouse link-text: say where the link goes)", p, strings.Join(vague, ", "))
		}
	}
	tb.report()
}

// localPath is an absolute URL's path and query (the alternate links carry
// the base URL).
func localPath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.Index(u[i+3:], "/"); j >= 0 {
			return u[i+3+j:]
		}
		return "/"
	}
	return u
}

// runAxeRules runs only the named axe-core rules on the tab's page and
// returns every violation, whatever its impact.
func runAxeRules(t *testing.T, tb *tab, rules ...string) []axeViolation {
	t.Helper()
	needAxe(t, tb.h)
	if !eval[bool](tb, `typeof window.axe === "object"`) {
		eval[bool](tb, tb.h.axeJS+"\n;true")
	}
	list := `["` + strings.Join(rules, `","`) + `"]`
	res := jsonOf[struct {
		Checked    []string       `json:"checked"`
		Violations []axeViolation `json:"violations"`
	}](tb, `axe.run(document, {runOnly: {type: "rule", values: `+list+`}}).then(r => ({
		checked: [...new Set([].concat(r.passes, r.violations, r.inapplicable, r.incomplete).map(x => x.id))],
		violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))}))}))`)
	if len(res.Checked) != len(rules) {
		t.Fatalf("axe-core ran %v of the rules %v on %s", res.Checked, rules, tb.location())
	}
	return res.Violations
}
