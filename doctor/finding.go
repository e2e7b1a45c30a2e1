// Package doctor is the content check behind `shop doctor`: it reads the
// shop's content/ and data/ (Load) and reports, in words an editor
// understands, what a page is missing before it is published (Check).
package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
)

// Severity says whether a finding blocks publishing (Error) or is advice (Warning).
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Finding is one problem in one file and one field.
type Finding struct {
	Severity Severity `json:"severity"`
	File     string   `json:"file"`  // relative to the site, e.g. content/products/x/index.md
	Field    string   `json:"field"` // front matter path (images[1].alt) or "body (line 12)"
	Message  string   `json:"message"`
}

// String is the form an editor reads: "file: field: message".
func (f Finding) String() string {
	if f.Field == "" {
		return fmt.Sprintf("%s: %s", f.File, f.Message)
	}
	return fmt.Sprintf("%s: %s: %s", f.File, f.Field, f.Message)
}

// Report is the outcome of one check of a site.
type Report struct {
	Pages    int       `json:"pages"`
	Products int       `json:"products"`
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
	Findings []Finding `json:"findings"`
}

// NewReport sorts findings (errors first, then by file and field) and counts them.
func NewReport(s *Site, findings []Finding) Report {
	sort.SliceStable(findings, func(i, j int) bool {
		a, b := findings[i], findings[j]
		if a.Severity != b.Severity {
			return a.Severity == Error
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Field < b.Field
	})
	r := Report{Pages: len(s.Pages), Findings: findings}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	for _, p := range s.Pages {
		if p.IsProduct() && p.Lang == s.DefaultLang {
			r.Products++
		}
	}
	for _, f := range findings {
		if f.Severity == Error {
			r.Errors++
		} else {
			r.Warnings++
		}
	}
	return r
}

// WriteText writes one line per finding and a closing summary.
func (r Report) WriteText(w io.Writer) error {
	for _, f := range r.Findings {
		label := "ERROR  "
		if f.Severity == Warning {
			label = "WARNING"
		}
		if _, err := fmt.Fprintf(w, "%s %s\n", label, f); err != nil {
			return err
		}
	}
	verdict := "ready to publish"
	if r.Errors > 0 {
		verdict = "fix the errors above before publishing"
	}
	_, err := fmt.Fprintf(w, "checked %d pages (%d products): %d %s, %d %s; %s\n",
		r.Pages, r.Products, r.Errors, plural(r.Errors, "error", "errors"),
		r.Warnings, plural(r.Warnings, "warning", "warnings"), verdict)
	return err
}

// WriteJSON writes the report as indented JSON.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
