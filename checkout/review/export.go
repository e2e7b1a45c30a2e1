package review

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"
)

// Entry is one review in data/reviews/<slug>.toml, the fields the theme's
// reviews partial and JSON-LD read (docs/content-model.md). ID marks a review
// that came from the sidecar; entries without it were written by hand and
// are kept as they are by every export.
type Entry struct {
	ID       string `toml:"id,omitempty"`
	Author   string `toml:"author"`
	Rating   int    `toml:"rating"`
	Date     string `toml:"date"` // YYYY-MM-DD
	Lang     string `toml:"lang"`
	Text     string `toml:"text"`
	Verified bool   `toml:"verified"`
}

// File is one data/reviews/<slug>.toml.
type File struct {
	Reviews []Entry `toml:"reviews"`
}

// ParseFile reads a data/reviews file.
func ParseFile(b []byte) (File, error) {
	var f File
	if err := toml.Unmarshal(b, &f); err != nil {
		return f, fmt.Errorf("parse reviews file: %w", err)
	}
	return f, nil
}

// EntryOf is how an approved review is published: signed with the author's
// chosen name, dated the day it was written, marked verified (it came
// through an order's review link).
func EntryOf(r Review) Entry {
	return Entry{ID: r.ID, Author: r.Author, Rating: r.Rating, Date: r.CreatedAt.UTC().Format("2006-01-02"),
		Lang: r.Lang, Text: r.Text, Verified: true}
}

// Merge gives the new content of a product's file: the hand-written entries
// of old (those without an id) as they were, then the approved reviews,
// oldest first. Sidecar entries no longer approved disappear. changed
// reports whether the result differs from old.
func Merge(old File, approved []Review) (File, bool) {
	var out File
	for _, e := range old.Reviews {
		if e.ID == "" {
			out.Reviews = append(out.Reviews, e)
		}
	}
	rs := slices.Clone(approved)
	slices.SortStableFunc(rs, func(a, b Review) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	for _, r := range rs {
		if r.State == Approved {
			out.Reviews = append(out.Reviews, EntryOf(r))
		}
	}
	return out, !slices.Equal(old.Reviews, out.Reviews)
}

// Render writes f as TOML in the layout of the hand-written demo files, with
// a header that says where it came from.
func Render(slug string, f File) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Reviews of the product whose bundle directory is content/products/%s/.\n", slug)
	b.WriteString("# Entries with an id come from the shop's review form (`shop reviews export`);\n")
	b.WriteString("# the next export rewrites them. Entries without an id are yours and are kept.\n")
	for _, e := range f.Reviews {
		b.WriteString("\n[[reviews]]\n")
		if e.ID != "" {
			fmt.Fprintf(&b, "id = %s\n", tomlString(e.ID))
		}
		fmt.Fprintf(&b, "author = %s\nrating = %d\ndate = %s\nlang = %s\ntext = %s\nverified = %t\n",
			tomlString(e.Author), e.Rating, tomlString(e.Date), tomlString(e.Lang), tomlString(e.Text), e.Verified)
	}
	return []byte(b.String())
}

// tomlString quotes s as a TOML basic string. TOML knows \b \t \n \f \r \"
// \\ and \uXXXX; other control characters must be escaped as \u.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f || r == utf8.RuneError {
				b.WriteString(`\u` + fmt.Sprintf("%04X", r))
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
