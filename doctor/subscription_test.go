package doctor

import (
	"fmt"
	"strings"
	"testing"
)

func TestCheckSubscription(t *testing.T) {
	uses := []skuUse{{"f.md", "variants[1]", "A-250", 1450}, {"f.md", "variants[2]", "A-1000", 4950}}
	cases := []struct {
		name  string
		sub   any
		field string // of the first finding; "" = no finding
		says  string
	}{
		{"fine", map[string]any{"intervals": []any{2, 4, 6}, "price": 13.50, "skus": []any{"A-250"}}, "", ""},
		{"no price is the variant's", map[string]any{"intervals": []any{4}}, "", ""},
		{"not a table", "monthly", "subscription", "table"},
		{"no intervals", map[string]any{"price": 13.5}, "subscription.intervals", "no intervals"},
		{"zero weeks", map[string]any{"intervals": []any{0}}, "subscription.intervals[1]", "between 1 and 26"},
		{"twice", map[string]any{"intervals": []any{4, 4}}, "subscription.intervals[2]", "twice"},
		{"unknown sku", map[string]any{"intervals": []any{4}, "skus": []any{"B-1"}}, "subscription.skus[1]", `"B-1"`},
		{"dearer", map[string]any{"intervals": []any{4}, "price": 15, "skus": []any{"A-250"}}, "subscription.price", "more than"},
		{"mixed prices", map[string]any{"intervals": []any{4}, "price": 13.5}, "subscription.price", "limit it with skus"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &Page{File: "f.md", Params: map[string]any{"subscription": c.sub}}
			var got []string
			checkSubscription(p, uses, func(_ Severity, _, field, format string, a ...any) {
				got = append(got, field+": "+fmtS(format, a...))
			})
			if c.field == "" {
				if len(got) != 0 {
					t.Fatalf("findings %v", got)
				}
				return
			}
			if len(got) == 0 || !strings.HasPrefix(got[0], c.field+":") || !strings.Contains(got[0], c.says) {
				t.Fatalf("findings %v, want %s saying %q", got, c.field, c.says)
			}
		})
	}
}

func fmtS(format string, a ...any) string { return fmt.Sprintf(format, a...) }
