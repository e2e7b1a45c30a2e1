package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/subscribe"
)

// mailsOfKind lists queued (unsent) messages of a kind.
func (f *fixture) mailsOfKind(t testing.TB, kind string) []Mail {
	t.Helper()
	due, err := f.s.MailQueue.Due(f.clock.Now().Add(time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []Mail
	for _, m := range due {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

func TestReviewRequestOncePerOrder(t *testing.T) {
	f := open(t, 0)
	o := f.create(t, "k1", f.newOrder(t, "c1", "KOF-GUJI-250-BO", 1))
	for i := 0; i < 3; i++ {
		queued, err := f.s.RequestReview(o)
		if err != nil {
			t.Fatal(err)
		}
		if queued != (i == 0) {
			t.Errorf("request %d: queued %v", i, queued)
		}
	}
	if n := len(f.mailsOfKind(t, MailReviewRequest)); n != 1 {
		t.Errorf("%d review request e-mails queued, want 1", n)
	}
	if r, ok := f.s.ReviewRequested(o.ID); !ok || r.MailID == "" {
		t.Errorf("request record %+v %v", r, ok)
	}
}

func TestReviewOptOut(t *testing.T) {
	f := open(t, 0)
	if err := f.s.Reviews.OptOut("Anna@Example.nl"); err != nil {
		t.Fatal(err)
	}
	if !f.s.Reviews.OptedOut("anna@example.nl") {
		t.Fatal("opt-out not recorded (case-insensitive)")
	}
	o := f.create(t, "k1", f.newOrder(t, "c1", "KOF-GUJI-250-BO", 1))
	queued, err := f.s.RequestReview(o)
	if err != nil || queued {
		t.Fatalf("opted-out customer asked: queued %v err %v", queued, err)
	}
	if r, _ := f.s.ReviewRequested(o.ID); r.Skipped == "" {
		t.Errorf("skip not recorded: %+v", r)
	}
	if n := len(f.mailsOfKind(t, MailReviewRequest)); n != 0 {
		t.Errorf("%d e-mails to an opted-out customer", n)
	}
}

func TestSubscriptionConsent(t *testing.T) {
	f := open(t, 0)
	koffie := subscribe.Topic{Kind: subscribe.Category, Key: "koffie"}
	queued, err := f.s.RequestSubscription("eva@example.nl", koffie, "Koffie", "/categories/koffie/", "nl")
	if err != nil || !queued {
		t.Fatalf("request: %v %v", queued, err)
	}
	if again, _ := f.s.RequestSubscription("eva@example.nl", koffie, "Koffie", "/categories/koffie/", "nl"); again {
		t.Error("a second request at once queues a second confirmation")
	}
	confirms := f.mailsOfKind(t, MailSubscribeCheck)
	if len(confirms) != 1 {
		t.Fatalf("%d confirmation e-mails", len(confirms))
	}
	var body SubscribeMail
	if err := json.Unmarshal(confirms[0].Body, &body); err != nil || body.Token == "" {
		t.Fatalf("confirmation payload %s: %v", confirms[0].Body, err)
	}
	if strings.Contains(confirms[0].ID, body.Token) {
		t.Errorf("confirmation mail id %q holds the token (mail ids are logged)", confirms[0].ID)
	}

	products := []subscribe.Product{{Slug: "a", Category: "koffie"}}
	if res, err := f.s.Notify("v1", products, false); err != nil || !res.Baseline {
		t.Fatalf("first notify should record a baseline: %+v %v", res, err)
	}
	products = append(products, subscribe.Product{Slug: "b", Category: "koffie"})
	res, err := f.s.Notify("v2", products, false)
	if err != nil || res.Queued != 0 || len(res.Arrivals) != 1 {
		t.Fatalf("notify before confirmation: %+v %v", res, err)
	}
	if n := len(f.mailsOfKind(t, MailDigest)); n != 0 {
		t.Fatalf("%d digests before confirmation", n)
	}

	sub, c, changed, err := f.s.Subscriptions.Confirm(body.Token)
	if err != nil || !changed || c.State != subscribe.Confirmed || sub.Email != "eva@example.nl" {
		t.Fatalf("confirm: %+v %v %v", c, changed, err)
	}
	products = append(products, subscribe.Product{Slug: "c", Category: "koffie"}, subscribe.Product{Slug: "d", Category: "servies"})
	res, err = f.s.Notify("v3", products, false)
	if err != nil || res.Queued != 1 || len(res.Arrivals) != 2 {
		t.Fatalf("notify after confirmation: %+v %v", res, err)
	}
	digests := f.mailsOfKind(t, MailDigest)
	if len(digests) != 1 {
		t.Fatalf("%d digests", len(digests))
	}
	if strings.Contains(digests[0].ID, "eva@") {
		t.Errorf("digest mail id %q holds the address (mail ids are logged)", digests[0].ID)
	}
	var d SubscribeMail
	_ = json.Unmarshal(digests[0].Body, &d)
	if len(d.Sections) != 1 || len(d.Sections[0].Products) != 1 || d.Sections[0].Products[0].Slug != "c" {
		t.Errorf("digest holds %+v; want only the new coffee c", d.Sections)
	}

	if _, err := f.s.Subscriptions.Unsubscribe(sub.Token, ""); err != nil {
		t.Fatal(err)
	}
	products = append(products, subscribe.Product{Slug: "e", Category: "koffie"})
	if res, err := f.s.Notify("v4", products, false); err != nil || res.Queued != 0 {
		t.Fatalf("notify after unsubscribe: %+v %v", res, err)
	}
	if _, _, _, err := f.s.Subscriptions.Confirm(body.Token); !errors.Is(err, subscribe.ErrBadToken) {
		t.Errorf("the old confirmation link still works after unsubscribing: %v", err)
	}
}

// TestNotifyTwiceSendsOnce: the same catalog again, a dry run, and a rerun
// after the announced state was lost send no second digest.
func TestNotifyTwiceSendsOnce(t *testing.T) {
	f := open(t, 0)
	for _, email := range []string{"a@example.nl", "b@example.nl"} {
		if _, err := f.s.RequestSubscription(email, subscribe.Topic{Kind: subscribe.Maker, Key: "guji"}, "Guji", "/makers/guji/", "en"); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range f.mailsOfKind(t, MailSubscribeCheck) {
		var b SubscribeMail
		_ = json.Unmarshal(m.Body, &b)
		if _, _, _, err := f.s.Subscriptions.Confirm(b.Token); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.s.Notify("v1", nil, false); err != nil {
		t.Fatal(err)
	}
	products := []subscribe.Product{{Slug: "x", Category: "koffie", Maker: "guji"}}
	dry, err := f.s.Notify("v2", products, true)
	if err != nil || len(dry.Recipients) != 2 || dry.Queued != 0 {
		t.Fatalf("dry run: %+v %v", dry, err)
	}
	for i := 0; i < 3; i++ {
		res, err := f.s.Notify("v2", products, false)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		if i == 0 {
			want = 2
		}
		if res.Queued != want {
			t.Errorf("run %d queued %d, want %d (%+v)", i, res.Queued, want, res)
		}
	}
	// Lose the announced list (as if the run crashed after queueing): the
	// per-address record still holds.
	if err := f.s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketNotifyState).Delete([]byte(keyAnnounced)) }); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Notify("v1", nil, false); err != nil { // baseline again
		t.Fatal(err)
	}
	if res, _ := f.s.Notify("v2", products, false); res.Queued != 0 || res.Already != 2 {
		t.Errorf("after losing the announced list: %+v", res)
	}
	if n := len(f.mailsOfKind(t, MailDigest)); n != 2 {
		t.Errorf("%d digests queued in all, want 2", n)
	}
}

// BenchmarkNotify10k: one notify run over 10,000 confirmed subscribers
// (half follow the category with a new product) queues 5,000 digests in one
// transaction.
func BenchmarkNotify10k(b *testing.B) {
	f := open(b, 0)
	products := make([]subscribe.Product, 0, 501)
	for i := 0; i < 500; i++ {
		products = append(products, subscribe.Product{Slug: fmt.Sprintf("p%03d", i), Category: "koffie"})
	}
	err := f.s.db.Update(func(tx *bolt.Tx) error {
		subs, _, _, err := subBuckets(tx)
		if err != nil {
			return err
		}
		for i := 0; i < 10000; i++ {
			email := fmt.Sprintf("s%05d@example.nl", i)
			sub := subscribe.New(email, "nl", t0)
			key := "koffie"
			if i%2 == 1 {
				key = "servies"
			}
			_, tok := sub.Request(subscribe.Topic{Kind: subscribe.Category, Key: key}, key, "/", "nl", t0)
			if _, _, err := sub.Confirm(tok, t0); err != nil {
				return err
			}
			if err := putJSON(subs, email, sub); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		v := fmt.Sprintf("v%d", i)
		if _, err := f.s.Notify(v+"-base", products, false); err != nil {
			b.Fatal(err)
		}
		next := append(products, subscribe.Product{Slug: "new-" + v, Category: "koffie"})
		b.StartTimer()
		res, err := f.s.Notify(v, next, false)
		if err != nil || res.Queued != 5000 {
			b.Fatalf("%+v %v", res, err)
		}
	}
}
