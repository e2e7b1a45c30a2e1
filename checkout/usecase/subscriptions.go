package usecase

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/storefront/storefront/checkout/store"
	"github.com/storefront/storefront/checkout/subscribe"
	"github.com/storefront/storefront/checkout/wire"
)

// Subscriptions: follow what you love (docs/retention.md), with double
// opt-in, digests of new products, and unsubscribing by link or one click.
type Subscriptions struct{ Deps }

// Errors of the subscription use cases; each is a word key of the form's answer.
var (
	ErrBadTopic = errors.New("sub.err.topic")
	ErrBadEmail = errors.New("sub.err.email")
	ErrBadLink  = errors.New("the link is not (or no longer) valid")
)

// ValidToken reports whether t has the shape of a subscription token.
func ValidToken(t string) bool {
	if len(t) != 32 {
		return false
	}
	for _, r := range t {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Subscribe asks address email to confirm following topic (a raw form
// value), unless honeypot is filled; it answers the catalog's name of the
// topic. The answer is the same whether the address was new, pending or
// confirmed: ErrBadTopic, ErrBadEmail. validEmail is the checkout's own
// address check.
func (u Subscriptions) Subscribe(email, rawTopic, source, lang string, honeypot bool, validEmail func(string) bool) (label string, err error) {
	topic, err := subscribe.ParseTopic(rawTopic)
	if err != nil {
		return "", ErrBadTopic
	}
	// The label goes into the confirmation e-mail's subject: it is the
	// catalog's name of the topic, never the form's words, and a topic the
	// catalog does not know is refused.
	label, known := u.Catalog().FollowName(string(topic.Kind), topic.Key, lang)
	if !known {
		return "", ErrBadTopic
	}
	email, err = subscribe.NormalizeEmail(email)
	if err != nil || !validEmail(email) {
		return "", ErrBadEmail
	}
	if honeypot {
		return label, nil
	}
	queued, err := u.Store.RequestSubscription(email, topic, label, source, lang)
	if err != nil {
		return "", fmt.Errorf("subscribe: %w", err)
	}
	if queued {
		u.kick()
	}
	u.Log.Info("subscription requested", "topic", topic.String(), "confirmation_queued", queued)
	return label, nil
}

// PendingConsent finds the consent a confirmation token belongs to (nil, nil when none).
func (u Subscriptions) PendingConsent(token string) (*subscribe.Subscriber, *subscribe.Consent) {
	if !ValidToken(token) {
		return nil, nil
	}
	sub, c, err := u.Store.Subscriptions.ConsentByConfirmToken(token)
	if err != nil {
		return nil, nil
	}
	return &sub, c
}

// Confirm confirms the consent of token: ErrBadLink.
func (u Subscriptions) Confirm(token string) (subscribe.Subscriber, subscribe.Consent, error) {
	if !ValidToken(token) {
		return subscribe.Subscriber{}, subscribe.Consent{}, ErrBadLink
	}
	sub, cons, changed, err := u.Store.Subscriptions.Confirm(token)
	if errors.Is(err, subscribe.ErrBadToken) || errors.Is(err, store.ErrNotFound) {
		return sub, cons, ErrBadLink
	}
	if err != nil {
		return sub, cons, fmt.Errorf("confirm subscription: %w", err)
	}
	if changed {
		u.Log.Info("subscription confirmed", "topic", cons.Topic.String())
	}
	return sub, cons, nil
}

// Subscriber is the subscriber of an unsubscribe token: ErrBadLink.
func (u Subscriptions) Subscriber(token string) (subscribe.Subscriber, error) {
	if !ValidToken(token) {
		return subscribe.Subscriber{}, ErrBadLink
	}
	sub, err := u.Store.Subscriptions.ByToken(token)
	if err != nil {
		return sub, ErrBadLink
	}
	return sub, nil
}

// Unsubscribe ends consent: the whole address, or one topic: ErrBadLink.
func (u Subscriptions) Unsubscribe(token, topic string, oneClick bool) error {
	if !ValidToken(token) {
		return ErrBadLink
	}
	ended, err := u.Store.Subscriptions.Unsubscribe(token, topic)
	if errors.Is(err, subscribe.ErrBadToken) || errors.Is(err, store.ErrNotFound) {
		return ErrBadLink
	}
	if err != nil {
		return fmt.Errorf("unsubscribe: %w", err)
	}
	u.Log.Info("unsubscribed", "topics", len(ended), "one_click", oneClick)
	return nil
}

// Mail reads a queued subscription e-mail and its subscriber.
func (u Subscriptions) Mail(m store.Mail) (store.SubscribeMail, subscribe.Subscriber, error) {
	var p store.SubscribeMail
	if err := json.Unmarshal(m.Body, &p); err != nil {
		return p, subscribe.Subscriber{}, fmt.Errorf("mail %s: %w", m.ID, err)
	}
	sub, err := u.Store.Subscriptions.Get(m.To)
	if err != nil {
		return p, sub, fmt.Errorf("subscriber of mail %s: %w", m.ID, err)
	}
	return p, sub, nil
}

// List lists the subscribers without their links: those are the
// subscriber's, not the owner's.
func (u Subscriptions) List() ([]subscribe.Subscriber, error) {
	subs, err := u.Store.Subscriptions.List()
	if err != nil {
		return nil, fmt.Errorf("list subscribers: %w", err)
	}
	for i := range subs {
		subs[i].Token = ""
		for _, cons := range subs[i].Topics {
			cons.ConfirmToken = ""
		}
	}
	if subs == nil {
		subs = []subscribe.Subscriber{}
	}
	return subs, nil
}

// TopicCount is one followed topic on the owner's page.
type TopicCount struct {
	Topic, Label       string
	Confirmed, Pending int
}

// TopicCounts counts consents per topic, and the addresses with any.
func (u Subscriptions) TopicCounts() ([]TopicCount, int) {
	subs, err := u.Store.Subscriptions.List()
	if err != nil {
		u.Log.Error("list subscribers", "err", err)
		return nil, 0
	}
	by := map[string]*TopicCount{}
	addresses := 0
	for _, sub := range subs {
		active := false
		for k, c := range sub.Topics {
			if c.State == subscribe.Unsubscribed {
				continue
			}
			active = true
			tc := by[k]
			if tc == nil {
				tc = &TopicCount{Topic: k, Label: c.Label}
				by[k] = tc
			}
			if c.State == subscribe.Confirmed {
				tc.Confirmed++
			} else {
				tc.Pending++
			}
		}
		if active {
			addresses++
		}
	}
	out := make([]TopicCount, 0, len(by))
	for _, k := range slices.Sorted(maps.Keys(by)) {
		out = append(out, *by[k])
	}
	return out, addresses
}

// Notify compares the catalog in force with the last one announced and
// queues the digests (see store.Notify); dry only says what it would do.
func (u Subscriptions) Notify(dry bool, by string) (wire.NotifyResult, error) {
	cat := u.Catalog()
	res, err := u.Store.Notify(cat.Version, subscribe.Products(cat), dry)
	if err != nil {
		return res, fmt.Errorf("notify: %w", err)
	}
	if res.Queued > 0 {
		u.kick()
	}
	u.Log.Info("notify", "version", res.Version, "arrivals", len(res.Arrivals), "queued", res.Queued, "dry_run", dry, "by", by)
	return res, nil
}

// Preview is what Notify would do now, for the owner's page.
func (u Subscriptions) Preview() (wire.NotifyResult, error) {
	cat := u.Catalog()
	return u.Store.Notify(cat.Version, subscribe.Products(cat), true)
}
