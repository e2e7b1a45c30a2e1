package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/store/kv"
	"github.com/storefront/storefront/checkout/subscribe"
)

// Subscriptions ("follow what you love") live in buckets of their own,
// created on first write. Package side keeps confirming, unsubscribing and
// reading them (side.Subscriptions); the request and the digests stay
// here, as they queue their e-mails in the same transaction:
//
//	subscribers    e-mail (lower case) -> subscribe.Subscriber with its consents
//	sub_tokens     subscriber token -> e-mail (unsubscribe and manage links)
//	sub_confirm    confirmation token -> e-mail (double opt-in links)
//	notify_state   "announced" -> Announced: what `shop notify` has announced
//	notify_sent    catalog version NUL e-mail -> time: one digest per address per catalog
var (
	bucketSubscribers  = kv.Subscribers // with sub_tokens and sub_confirm: kv.SubBuckets
	bucketNotifyState  = []byte("notify_state")
	bucketNotifySent   = []byte("notify_sent")
	keyAnnounced       = "announced"
	MailSubscribeCheck = "subscribe_confirm" // the double opt-in e-mail
	MailDigest         = "digest"            // new arrivals in what one follows
)

// SubscribeMail is the payload of a subscription e-mail in the queue (in
// Mail.Body): what the sender needs besides the address.
type SubscribeMail struct {
	Topic    string              `json:"topic,omitempty"`
	Label    string              `json:"label,omitempty"`
	Token    string              `json:"token,omitempty"` // confirmation token
	Version  string              `json:"version,omitempty"`
	Sections []subscribe.Section `json:"sections,omitempty"`
}

// RequestSubscription records a request to follow t and, when the consent
// rules say so, queues the confirmation e-mail in the same transaction. It
// reports whether an e-mail was queued.
func (s *Store) RequestSubscription(email string, t subscribe.Topic, label, source, lang string) (queued bool, err error) {
	now := s.opts.Now()
	err = s.write(func(tx *bolt.Tx) error {
		queued = false
		subs, tokens, confirm, err := subBuckets(tx)
		if err != nil {
			return err
		}
		var sub subscribe.Subscriber
		switch err := getJSON(subs, email, &sub); {
		case errors.Is(err, ErrNotFound):
			sub = *subscribe.New(email, lang, now)
			if err := tokens.Put([]byte(sub.Token), []byte(email)); err != nil {
				return err
			}
		case err != nil:
			return err
		}
		send, tok := sub.Request(t, label, source, lang, now)
		if send {
			if err := confirm.Put([]byte(tok), []byte(email)); err != nil {
				return err
			}
			c := sub.Topics[t.String()]
			body, _ := json.Marshal(SubscribeMail{Topic: t.String(), Label: c.Label, Token: tok})
			// The id goes into logs and the Message-ID: no token in it.
			id := MailSubscribeCheck + ":" + tokenHash(tok)[:16] + ":" + strconv.Itoa(c.Requests)
			if _, err := s.enqueue(tx, Mail{ID: id, Kind: MailSubscribeCheck, To: email, Lang: sub.Lang, Body: body}); err != nil {
				return err
			}
			queued = true
		}
		return putJSON(subs, email, sub)
	})
	if err != nil {
		return false, fmt.Errorf("subscribe: %w", err)
	}
	return queued, nil
}

var subBuckets = kv.SubBuckets

// Announced is what `shop notify` has announced so far.
type Announced struct {
	Version string    `json:"version"` // catalog version of the last run
	Slugs   []string  `json:"slugs"`   // every product slug ever announced (or in the baseline)
	At      time.Time `json:"at"`
}

// Notify compares the catalog (version, products) with what was announced
// and queues one digest per confirmed subscriber who follows something with
// new arrivals. Digests, their once-per-address-per-version records and the
// new announced list are written in one transaction: running it twice, or
// again after a crash, sends nothing twice. dryRun writes nothing.
func (s *Store) Notify(version string, products []subscribe.Product, dryRun bool) (NotifyResult, error) {
	now := s.opts.Now()
	var res NotifyResult
	fn := func(tx *bolt.Tx) error {
		res = NotifyResult{Version: version, DryRun: dryRun, Arrivals: []string{}, Recipients: []string{}}
		state, err := bucket(tx, bucketNotifyState)
		if err != nil {
			return err
		}
		sent, err := bucket(tx, bucketNotifySent)
		if err != nil {
			return err
		}
		var ann Announced
		switch err := getJSON(state, keyAnnounced, &ann); {
		case errors.Is(err, ErrNotFound):
			res.Baseline = true
			res.Arrivals = nil
			if dryRun {
				return nil
			}
			return putJSON(state, keyAnnounced, Announced{Version: version, Slugs: subscribe.Slugs(products), At: now})
		case err != nil:
			return err
		}
		arrivals := subscribe.NewArrivals(ann.Slugs, products)
		res.Arrivals = subscribe.Slugs(arrivals)
		if ann.Version == version && len(arrivals) == 0 {
			res.Unchanged = true
			return nil
		}
		if subs := tx.Bucket(bucketSubscribers); subs != nil && len(arrivals) > 0 {
			err := subs.ForEach(func(k, v []byte) error {
				var sub subscribe.Subscriber
				if err := json.Unmarshal(v, &sub); err != nil {
					return fmt.Errorf("decode subscriber: %w", err)
				}
				sections := subscribe.Digest(&sub, arrivals)
				if len(sections) == 0 {
					return nil
				}
				key := []byte(version + "\x00" + sub.Email)
				if sent.Get(key) != nil {
					res.Already++
					return nil
				}
				res.Recipients = append(res.Recipients, sub.Email)
				if dryRun {
					return nil
				}
				body, _ := json.Marshal(SubscribeMail{Version: version, Sections: sections})
				// The id goes into logs and the Message-ID: no address in it.
				id := MailDigest + ":" + short(version) + ":" + tokenHash(sub.Email)[:16]
				if _, err := s.enqueue(tx, Mail{ID: id, Kind: MailDigest, To: sub.Email, Lang: sub.Lang, Body: body}); err != nil {
					return err
				}
				res.Queued++
				return putJSON(sent, string(key), now)
			})
			if err != nil {
				return err
			}
		}
		if dryRun {
			return nil
		}
		all := append(slices.Clone(ann.Slugs), res.Arrivals...)
		slices.Sort(all)
		return putJSON(state, keyAnnounced, Announced{Version: version, Slugs: slices.Compact(all), At: now})
	}
	var err error
	if dryRun {
		err = s.db.Update(func(tx *bolt.Tx) error {
			if err := fn(tx); err != nil {
				return err
			}
			return errDryRun // roll back whatever was created
		})
		if errors.Is(err, errDryRun) {
			err = nil
		}
	} else {
		err = s.write(fn)
	}
	if err != nil {
		return res, fmt.Errorf("notify: %w", err)
	}
	return res, nil
}

var errDryRun = errors.New("dry run: roll back")

func short(v string) string {
	if len(v) > 16 {
		return v[:16]
	}
	return v
}
