package cli

import (
	"bytes"
	"testing"
)

func TestHelpOr(t *testing.T) {
	for _, tc := range []struct {
		args        []string
		done, err   bool
		printsUsage bool
	}{
		{nil, true, true, true},
		{[]string{"help"}, true, false, true},
		{[]string{"-h"}, true, false, true},
		{[]string{"-help"}, true, false, true},
		{[]string{"--help", "list"}, true, false, true},
		{[]string{"list"}, false, false, false},
		{[]string{"list", "-h"}, false, false, false}, // the subcommand's own flags answer that
	} {
		var out bytes.Buffer
		done, err := helpOr(tc.args, &out, "USAGE", "say which")
		if done != tc.done || (err != nil) != tc.err || (out.String() == "USAGE") != tc.printsUsage {
			t.Errorf("%q: done %v err %v out %q", tc.args, done, err, out.String())
		}
	}
}
