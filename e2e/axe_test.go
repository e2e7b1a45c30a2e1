package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// axeViolation is one rule axe-core found broken on a page.
type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []any  `json:"target"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

func (v axeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s\n    %s", v.ID, v.Impact, v.Help, v.HelpURL)
	for i, n := range v.Nodes {
		if i == 8 {
			fmt.Fprintf(&b, "\n    … and %d more", len(v.Nodes)-i)
			break
		}
		fmt.Fprintf(&b, "\n    - %v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " "))
	}
	return b.String()
}

// checkAxe runs axe-core on the tab's current page and fails the test for
// every serious or critical violation, naming the rule and the elements.
func checkAxe(t *testing.T, tb *tab, name string) {
	t.Helper()
	vs := runAxe(t, tb)
	var minor []string
	for _, v := range vs {
		switch v.Impact {
		case "serious", "critical":
			t.Errorf("accessibility of %s (%s): %s", name, tb.location(), v)
		default:
			minor = append(minor, v.ID)
		}
	}
	if len(minor) > 0 {
		t.Logf("accessibility of %s: minor/moderate findings (not failing): %s", name, strings.Join(minor, ", "))
	}
}

// runAxe injects axe-core into the page (once) and returns its violations.
func runAxe(t *testing.T, tb *tab) []axeViolation {
	t.Helper()
	needAxe(t, tb.h)
	if !eval[bool](tb, `typeof window.axe === "object"`) {
		eval[bool](tb, tb.h.axeJS+"\n;true")
	}
	res := jsonOf[struct {
		Passes     int            `json:"passes"`
		Violations []axeViolation `json:"violations"`
	}](tb, `axe.run(document, {resultTypes: ["violations"]}).then(r => ({passes: r.passes.length, violations: r.violations.map(v => ({
		id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))}))}))`)
	if res.Passes == 0 {
		t.Fatalf("axe-core checked no rule on %s", tb.location())
	}
	t.Logf("axe-core on %s: %d rules passed, %d violated", tb.location(), res.Passes, len(res.Violations))
	return res.Violations
}

// needAxe ends the test when axe-core is not installed: a skip with the
// reason outside CI, a failure in CI.
func needAxe(t *testing.T, h *harness) {
	t.Helper()
	if h.axeErr != nil {
		if ci() {
			t.Fatalf("accessibility check (CI=true): %v", h.axeErr)
		}
		t.Skipf("SKIP accessibility check: %v", h.axeErr)
	}
}
