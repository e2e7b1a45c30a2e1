package store

import (
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// Whatever the order and spacing of alerts, an alert e-mail of one kind
// is queued at most once per hour, and always when the last one of its
// kind is an hour old or more; the count and the times add up.
func TestRaiseAlertOncePerKindPerHour(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		f := open(t, -1)
		defer f.s.Close()
		kinds := []string{"a", "b", "c"}
		lastMail := map[string]time.Time{}
		count := map[string]int{}
		steps := rapid.IntRange(1, 40).Draw(rt, "steps")
		for i := range steps {
			f.clock.Add(time.Duration(rapid.IntRange(0, 90).Draw(rt, "minutes")) * time.Minute)
			kind := rapid.SampledFrom(kinds).Draw(rt, "kind")
			now := f.clock.Now()
			a, mailed, err := f.s.RaiseAlert(kind, "detail", "owner@example.nl", time.Hour)
			if err != nil {
				rt.Fatal(err)
			}
			count[kind]++
			want := lastMail[kind].IsZero() || now.Sub(lastMail[kind]) >= time.Hour
			if mailed != want {
				rt.Fatalf("step %d kind %s: mailed %v, want %v (last mail %s, now %s)", i, kind, mailed, want, lastMail[kind], now)
			}
			if mailed {
				lastMail[kind] = now
			}
			if a.Count != count[kind] || !a.Last.Equal(now) {
				rt.Fatalf("alert %+v: want count %d, last %s", a, count[kind], now)
			}
		}
		perKind := map[string][]time.Time{}
		for _, m := range f.mailsOfKind(t, MailAlert) {
			kind := strings.Split(m.ID, ":")[1]
			perKind[kind] = append(perKind[kind], m.CreatedAt)
		}
		for kind, times := range perKind {
			for i := 1; i < len(times); i++ {
				if d := times[i].Sub(times[i-1]); d < time.Hour && d > -time.Hour {
					rt.Fatalf("kind %s: two alert mails %s apart", kind, d)
				}
			}
		}
		alerts, err := f.s.Alerts()
		if err != nil || len(alerts) != len(count) {
			rt.Fatalf("Alerts: %d kinds, %v; want %d", len(alerts), err, len(count))
		}
	})
}
