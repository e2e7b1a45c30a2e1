// Package poll holds the rules of the polls a page can carry (the poll
// shortcode): one vote per browser, counted by option index, with a result
// whose shares add up. It is pure; the store counts, the server sets the
// browser's voter cookie and limits the rate per client.
package poll

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
)

// MaxOptions is the most options a poll may have.
const MaxOptions = 12

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// ValidID reports whether id can name a poll.
func ValidID(id string) bool { return idRE.MatchString(id) }

var voterRE = regexp.MustCompile(`^[A-Za-z0-9_-]{32}$`)

// ValidVoter reports whether v looks like a voter id NewVoter made.
func ValidVoter(v string) bool { return voterRE.MatchString(v) }

// NewVoter is a browser's voter id: 192 random bits, base64url.
func NewVoter() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("voter id: crypto/rand: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseOption reads an option index for a poll with n options.
func ParseOption(s string, n int) (int, error) {
	i, err := strconv.Atoi(s)
	if err != nil || i < 0 || i >= n {
		return 0, fmt.Errorf("option %q: choose one of 0..%d", s, n-1)
	}
	return i, nil
}

// Vote applies one browser's vote to counts: a first vote adds one; a new
// choice moves the browser's one vote; the same choice again changes
// nothing. prev is the browser's earlier choice (-1 for none). It reports
// whether counts changed. counts must have an entry per option.
func Vote(counts []int, prev, choice int) (changed bool) {
	if prev == choice {
		return false
	}
	if prev >= 0 && prev < len(counts) && counts[prev] > 0 {
		counts[prev]--
	}
	counts[choice]++
	return true
}

// Option is one line of a result.
type Option struct {
	Index   int    `json:"index"`
	Label   string `json:"label"`
	Votes   int    `json:"votes"`
	Percent int    `json:"percent"` // whole percents; all options add up to 100 (or all 0)
}

// Result is a poll's live result.
type Result struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Total    int      `json:"total"`
	Options  []Option `json:"options"`
	Mine     *int     `json:"mine,omitempty"` // this browser's choice, if it voted
	Counting string   `json:"counting"`       // how votes are counted, in the visitor's language
}

// Tally makes the result of counts for the labelled options. Percentages
// use the largest-remainder method so they add up to exactly 100.
func Tally(id, question string, labels []string, counts []int) Result {
	r := Result{ID: id, Question: question, Options: []Option{}}
	for i, l := range labels {
		n := 0
		if i < len(counts) {
			n = counts[i]
		}
		r.Total += n
		r.Options = append(r.Options, Option{Index: i, Label: l, Votes: n})
	}
	if r.Total == 0 {
		return r
	}
	given := 0
	rems := make([]int, len(r.Options))
	for i := range r.Options {
		p := r.Options[i].Votes * 100
		r.Options[i].Percent = p / r.Total
		rems[i] = p % r.Total
		given += r.Options[i].Percent
	}
	for ; given < 100; given++ {
		best := 0
		for i := range rems {
			if rems[i] > rems[best] {
				best = i
			}
		}
		r.Options[best].Percent++
		rems[best] = -1
	}
	return r
}
