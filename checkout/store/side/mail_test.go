package side

import (
	"errors"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/store/kv"
)

func TestMailQueue(t *testing.T) {
	f := open(t)
	id, err := f.mail.Enqueue(Mail{Kind: "review_request", OrderID: "BK-1", To: "a@example.nl"})
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := f.mail.Enqueue(Mail{ID: id, Kind: "other"}); again != id {
		t.Fatal("enqueue with an existing id")
	}
	if m, _ := f.mail.Get(id); m.Kind != "review_request" {
		t.Fatalf("existing message replaced: %+v", m)
	}
	now := f.clock.Now()
	due, _ := f.mail.Due(now, 0)
	if len(due) != 1 {
		t.Fatalf("due = %+v", due)
	}
	m, err := f.mail.MarkFailed(id, errors.New("smtp: 421"), now)
	if err != nil || m.Attempts != 1 || !m.NextAt.Equal(now.Add(30*time.Second)) || m.LastError != "smtp: 421" {
		t.Fatalf("MarkFailed: %+v %v", m, err)
	}
	if due, _ := f.mail.Due(now.Add(29*time.Second), 0); len(due) != 0 {
		t.Fatal("due before its backoff")
	}
	if due, _ := f.mail.Due(now.Add(30*time.Second), 0); len(due) != 1 {
		t.Fatal("not due after its backoff")
	}
	m, _ = f.mail.MarkFailed(id, errors.New("again"), now)
	if !m.NextAt.Equal(now.Add(time.Minute)) {
		t.Fatalf("second backoff %v", m.NextAt.Sub(now))
	}
	if err := f.mail.MarkSent(id, now); err != nil {
		t.Fatal(err)
	}
	if due, _ := f.mail.Due(now.Add(time.Hour), 0); len(due) != 0 {
		t.Fatal("sent message still due")
	}
	if err := f.mail.MarkSent("nope", now); !errors.Is(err, kv.ErrNotFound) {
		t.Fatalf("MarkSent(nope) = %v", err)
	}

	dead, _ := f.mail.Enqueue(Mail{Kind: "x", To: "b@example.nl"})
	for range MailMaxAttempts {
		m, _ = f.mail.MarkFailed(dead, errors.New("no"), now)
	}
	if !m.Dead {
		t.Fatalf("not dead after %d attempts: %+v", MailMaxAttempts, m)
	}
	if due, _ := f.mail.Due(now.Add(365*24*time.Hour), 0); len(due) != 0 {
		t.Fatal("dead message due")
	}
	pending, _ := f.mail.Enqueue(Mail{Kind: "y", To: "c@example.nl"})
	if n, err := f.mail.Prune(now.Add(time.Second)); err != nil || n != 2 {
		t.Fatalf("PruneMail = %d, %v; want the sent and the dead one", n, err)
	}
	if _, err := f.mail.Get(pending); err != nil {
		t.Fatalf("unsent mail pruned: %v", err)
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempts int
		want     time.Duration
	}{{1, 30 * time.Second}, {2, time.Minute}, {3, 2 * time.Minute}, {10, 256 * time.Minute}, {11, 6 * time.Hour}, {100, 6 * time.Hour}}
	for _, tt := range tests {
		if got := Backoff(tt.attempts); got != tt.want {
			t.Errorf("Backoff(%d) = %v, want %v", tt.attempts, got, tt.want)
		}
	}
}
