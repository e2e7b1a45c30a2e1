package side

import (
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/review"
	"github.com/storefront/storefront/checkout/store/kv"
)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is the side resources on a bbolt file in a temporary directory,
// built as store.Open builds them (but writing with plain db.Update).
type fixture struct {
	clock    *clock
	reviews  *Reviews
	polls    *Polls
	sessions *Sessions
	subs     *Subscriptions
	mail     *MailQueue
	codes    *Codes
}

func open(t testing.TB) *fixture {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "shop.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Update(func(tx *bolt.Tx) error { // store.Open creates it with the order buckets
		_, err := tx.CreateBucketIfNotExists(kv.MailQueue)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	b := kv.Base{DB: db, Write: db.Update, Now: c.Now, BadRecord: func(bucket, key []byte, err error) {
		t.Errorf("bad record %s/%s: %v", bucket, key, err)
	}}
	return &fixture{clock: c, reviews: NewReviews(b), polls: NewPolls(b), sessions: NewSessions(b), subs: NewSubscriptions(b), mail: NewMailQueue(b), codes: NewCodes(b)}
}

func TestReviewModeration(t *testing.T) {
	f := open(t)
	r := review.Review{OrderID: "BK-1", Product: "guji", Rating: 4, Text: "Goed", Author: "Anna", Lang: "nl"}
	got, created, err := f.reviews.Save(r)
	if err != nil || !created || got.State != review.Pending || got.ID != "BK-1/guji" {
		t.Fatalf("save: %+v %v %v", got, created, err)
	}
	f.clock.Add(time.Hour)
	r.Text = "Beter dan gedacht"
	got2, created, err := f.reviews.Save(r)
	if err != nil || created || got2.Text != r.Text || !got2.CreatedAt.Equal(got.CreatedAt) {
		t.Fatalf("edit while pending: %+v %v %v", got2, created, err)
	}
	if l, _ := f.reviews.List(review.Approved); len(l) != 0 {
		t.Fatalf("unmoderated review listed as approved: %v", l)
	}
	m, err := f.reviews.Moderate(got.ID, review.Approve, "cli")
	if err != nil || m.State != review.Approved || m.ModeratedBy != "cli" {
		t.Fatalf("approve: %+v %v", m, err)
	}
	if _, _, err := f.reviews.Save(r); !errors.Is(err, ErrReviewLocked) {
		t.Errorf("edit after moderation: %v", err)
	}
	if l, _ := f.reviews.List(review.Approved); len(l) != 1 {
		t.Errorf("approved list %v", l)
	}
	if _, err := f.reviews.Moderate(got.ID, "publish", "cli"); !errors.Is(err, review.ErrModeration) {
		t.Errorf("unknown action: %v", err)
	}
	if _, err := f.reviews.Moderate("nope", review.Approve, "cli"); !errors.Is(err, kv.ErrNotFound) {
		t.Errorf("unknown review: %v", err)
	}
	if l, _ := f.reviews.OfOrder("BK-1"); len(l) != 1 {
		t.Errorf("reviews of order %v", l)
	}
}

// TestSubscriptionConsent: nothing but the confirmation before confirming;
// no digest after unsubscribing.
func TestPollOneVotePerBrowser(t *testing.T) {
	f := open(t)
	counts, changed, err := f.polls.Vote("glaze", "voter-a", 1, 3)
	if err != nil || !changed || counts[1] != 1 {
		t.Fatalf("first vote: %v %v %v", counts, changed, err)
	}
	if counts, changed, _ = f.polls.Vote("glaze", "voter-a", 1, 3); changed || counts[1] != 1 {
		t.Errorf("same browser, same choice: %v %v", counts, changed)
	}
	if counts, _, _ = f.polls.Vote("glaze", "voter-a", 2, 3); counts[1] != 0 || counts[2] != 1 {
		t.Errorf("changed mind: %v", counts)
	}
	if counts, _, _ = f.polls.Vote("glaze", "voter-b", 2, 3); counts[2] != 2 {
		t.Errorf("second browser: %v", counts)
	}
	got, mine, err := f.polls.Counts("glaze", "voter-a", 3)
	if err != nil || got[2] != 2 || got[0]+got[1]+got[2] != 2 || mine != 2 {
		t.Errorf("counts %v mine %d err %v", got, mine, err)
	}
	if _, _, err := f.polls.Vote("glaze", "voter-c", 3, 3); err == nil {
		t.Error("vote for an option that does not exist")
	}
	if got, mine, _ := f.polls.Counts("other", "voter-a", 2); got[0] != 0 || mine != -1 {
		t.Errorf("unknown poll: %v %d", got, mine)
	}
}

func TestSessionLifetime(t *testing.T) {
	f := open(t)
	now := f.clock.Now()
	idle, maxAge := time.Hour, 8*time.Hour
	if err := f.sessions.Start("s1", now, idle, maxAge); err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		at   time.Duration
		live bool
	}{{30 * time.Minute, true}, {80 * time.Minute, true}, {3 * time.Hour, false}} {
		if live, err := f.sessions.Touch("s1", now.Add(c.at), idle, maxAge); err != nil || live != c.live {
			t.Errorf("%d: touch at +%v: live %v err %v, want %v", i, c.at, live, err, c.live)
		}
	}
	if err := f.sessions.Start("s2", now, idle, maxAge); err != nil {
		t.Fatal(err)
	}
	if err := f.sessions.End("s2"); err != nil {
		t.Fatal(err)
	}
	if live, _ := f.sessions.Touch("s2", now, idle, maxAge); live {
		t.Error("ended session still live")
	}
	if live, _ := f.sessions.Touch("never", now, idle, maxAge); live {
		t.Error("unknown session live")
	}
}
