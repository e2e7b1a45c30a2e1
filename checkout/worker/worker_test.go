package worker

import (
	"io"
	"log/slog"
	"testing"
)

// TestGuardSurvivesPanic: a pass that panics is reported (OnPanic, Done
// with panicked) and does not end the caller; a good pass is Done too.
func TestGuardSurvivesPanic(t *testing.T) {
	var panics []string
	done := map[string]bool{}
	g := Guard{Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		OnPanic: func(w string, p any) { panics = append(panics, w) },
		Done:    func(w string, panicked bool) { done[w] = panicked }}
	g.Run("bad", func() { panic("boom") })
	ran := false
	g.Run("good", func() { ran = true })
	if len(panics) != 1 || panics[0] != "bad" || !done["bad"] {
		t.Errorf("panicking pass: panics %v, done %v", panics, done)
	}
	if p, ok := done["good"]; !ran || !ok || p {
		t.Errorf("good pass: ran %v, done %v", ran, done)
	}
}
