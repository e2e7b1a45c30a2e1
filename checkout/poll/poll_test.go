package poll

import (
	"slices"
	"testing"
)

func TestVote(t *testing.T) {
	tests := []struct {
		name         string
		counts       []int
		prev, choice int
		want         []int
		changed      bool
	}{
		{"first vote", []int{0, 0, 0}, -1, 1, []int{0, 1, 0}, true},
		{"same again", []int{0, 1, 0}, 1, 1, []int{0, 1, 0}, false},
		{"changed mind", []int{0, 1, 0}, 1, 2, []int{0, 0, 1}, true},
		{"prev out of range", []int{2, 0}, 7, 0, []int{3, 0}, true},
	}
	for _, tt := range tests {
		c := slices.Clone(tt.counts)
		if got := Vote(c, tt.prev, tt.choice); got != tt.changed || !slices.Equal(c, tt.want) {
			t.Errorf("%s: Vote = %v %v, want %v %v", tt.name, got, c, tt.changed, tt.want)
		}
	}
}

func TestTally(t *testing.T) {
	tests := []struct {
		counts []int
		want   []int
	}{
		{[]int{0, 0, 0}, []int{0, 0, 0}},
		{[]int{1, 1, 1}, []int{34, 33, 33}},
		{[]int{2, 1, 0}, []int{67, 33, 0}},
		{[]int{1, 0}, []int{100, 0}},
		{[]int{7, 3, 1, 1}, []int{59, 25, 8, 8}}, // ties go to the first option
	}
	for _, tt := range tests {
		labels := make([]string, len(tt.counts))
		r := Tally("x", "q", labels, tt.counts)
		var got []int
		sum, total := 0, 0
		for _, o := range r.Options {
			got = append(got, o.Percent)
			sum += o.Percent
			total += o.Votes
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Tally(%v) percents %v, want %v", tt.counts, got, tt.want)
		}
		if total != r.Total || (total > 0 && sum != 100) {
			t.Errorf("Tally(%v): total %d/%d, percents add to %d", tt.counts, r.Total, total, sum)
		}
	}
}

func TestParseOption(t *testing.T) {
	for s, ok := range map[string]bool{"0": true, "2": true, "3": false, "-1": false, "a": false, "": false} {
		if _, err := ParseOption(s, 3); (err == nil) != ok {
			t.Errorf("ParseOption(%q, 3): err %v", s, err)
		}
	}
}

func TestIDs(t *testing.T) {
	if v := NewVoter(); !ValidVoter(v) || v == NewVoter() {
		t.Errorf("voter id %q", v)
	}
	for id, ok := range map[string]bool{"next-glaze": true, "": false, "Next": false, "a/b": false} {
		if ValidID(id) != ok {
			t.Errorf("ValidID(%q) != %v", id, ok)
		}
	}
}
