// Package subscribe holds the rules of e-mail subscriptions to a category or
// a maker ("follow what you love"): consent with double opt-in, one-click
// unsubscribe, and the digest of new arrivals. It is pure; the store keeps
// subscribers, the server and `shop notify` drive them.
//
// Consent rules:
//   - A request makes a topic pending and sends one confirmation e-mail;
//     nothing else is ever sent for a pending topic.
//   - Only the link in that e-mail confirms (double opt-in); the consent
//     record keeps when it was asked and confirmed and on which page
//     (never the IP address).
//   - A repeated request within ResendAfter sends no second confirmation,
//     and an address gets at most MaxAsksPerDay confirmations a day over
//     all topics (nobody can flood an address through the form).
//   - Unsubscribing ends the consent at once; an old confirmation link does
//     not bring it back.
package subscribe

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is what can be followed.
type Kind string

const (
	Category Kind = "category"
	Maker    Kind = "maker"
	// Stock is a back-in-stock alert for one sold-out SKU: the same double
	// opt-in, one e-mail when the SKU can be bought again, then it ends
	// (docs/subscriptions.md). Digests leave it out.
	Stock Kind = "stock"
)

// Topic is one category or maker, by its slug (catalog.json's category, or
// the maker page's slug).
type Topic struct {
	Kind Kind   `json:"kind"`
	Key  string `json:"key"`
}

func (t Topic) String() string { return string(t.Kind) + ":" + t.Key }

var (
	keyRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,99}$`)
	skuRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
)

// ParseTopic reads "category:koffie" (or kind and key apart, see NewTopic).
func ParseTopic(s string) (Topic, error) {
	k, key, _ := strings.Cut(s, ":")
	return NewTopic(k, key)
}

// NewTopic checks a kind and a slug.
func NewTopic(kind, key string) (Topic, error) {
	t := Topic{Kind: Kind(kind), Key: key}
	if t.Kind == Stock {
		if !skuRE.MatchString(key) {
			return t, fmt.Errorf("topic %q: not a SKU", key)
		}
		return t, nil
	}
	if t.Kind != Category && t.Kind != Maker {
		return t, fmt.Errorf("topic kind %q: must be category, maker or stock", kind)
	}
	if !keyRE.MatchString(key) {
		return t, fmt.Errorf("topic %q: not a slug (a-z, 0-9, -)", key)
	}
	return t, nil
}

// State of one consent.
type State string

const (
	Pending      State = "pending"      // asked, confirmation e-mail sent, not confirmed
	Confirmed    State = "confirmed"    // double opt-in done: digests may be sent
	Unsubscribed State = "unsubscribed" // ended by the subscriber
)

// Timings.
const (
	ResendAfter   = time.Hour          // no second confirmation e-mail sooner
	MaxAsksPerDay = 3                  // confirmation e-mails to one address in 24 hours, all topics together
	ConfirmExpiry = 7 * 24 * time.Hour // a confirmation link older than this is dead
)

// Consent is the record of one topic's consent.
type Consent struct {
	Topic        Topic     `json:"topic"`
	Label        string    `json:"label"` // what the page called it ("Koffie", "Guji-coöperatie")
	State        State     `json:"state"`
	Source       string    `json:"source"` // the page (path) the form was on
	RequestedAt  time.Time `json:"requested_at"`
	ConfirmedAt  time.Time `json:"confirmed_at,omitzero"`
	EndedAt      time.Time `json:"ended_at,omitzero"`
	ConfirmToken string    `json:"confirm_token,omitempty"` // only while pending
	Requests     int       `json:"requests"`                // confirmation e-mails sent
}

// Subscriber is one e-mail address and what it follows.
type Subscriber struct {
	Email     string              `json:"email"` // normalised (NormalizeEmail)
	Lang      string              `json:"lang"`
	Token     string              `json:"token"` // unsubscribe and manage link; never changes
	Topics    map[string]*Consent `json:"topics"`
	CreatedAt time.Time           `json:"created_at"`
	Asked     []time.Time         `json:"asked,omitempty"` // confirmation e-mails of the last 24 hours
}

// Errors of the consent rules.
var (
	ErrBadToken = errors.New("unknown or expired link")
	ErrEmail    = errors.New("not an e-mail address")
)

// NormalizeEmail checks an address and lower-cases it; the address is the
// subscriber's key.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 254 || !utf8.ValidString(s) {
		return "", ErrEmail
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndex(s, "@"):], ".") {
		return "", ErrEmail
	}
	return strings.ToLower(s), nil
}

// NewToken is 192 random bits, base64url (32 characters).
func NewToken() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("subscribe token: crypto/rand: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// New starts a subscriber record for an address.
func New(email, lang string, now time.Time) *Subscriber {
	return &Subscriber{Email: email, Lang: lang, Token: NewToken(), Topics: map[string]*Consent{}, CreatedAt: now}
}

// Request records a subscription request for t from the page source. It
// reports whether a confirmation e-mail must go out, and with which token.
func (s *Subscriber) Request(t Topic, label, source, lang string, now time.Time) (send bool, token string) {
	if lang == "en" || lang == "nl" {
		s.Lang = lang
	}
	c := s.Topics[t.String()]
	switch {
	case c != nil && c.State == Confirmed:
		return false, ""
	case c != nil && c.State == Pending && now.Sub(c.RequestedAt) < ResendAfter:
		return false, ""
	}
	// Anyone can type any address into the form: an address gets at most
	// MaxAsksPerDay confirmation e-mails a day, over all topics.
	recent := s.Asked[:0]
	for _, at := range s.Asked {
		if now.Sub(at) < 24*time.Hour && at.Sub(now) < time.Hour {
			recent = append(recent, at)
		}
	}
	s.Asked = recent
	if len(s.Asked) >= MaxAsksPerDay {
		return false, ""
	}
	s.Asked = append(s.Asked, now)
	switch {
	case c != nil && c.State == Pending && now.Sub(c.RequestedAt) < ConfirmExpiry:
		c.RequestedAt, c.Source = now, source
		c.Requests++
		return true, c.ConfirmToken
	}
	c = &Consent{Topic: t, Label: label, State: Pending, Source: source, RequestedAt: now,
		ConfirmToken: NewToken(), Requests: 1}
	s.Topics[t.String()] = c
	return true, c.ConfirmToken
}

// Confirm gives consent for the topic whose confirmation token is token.
// changed is false when it was confirmed already (a second click).
func (s *Subscriber) Confirm(token string, now time.Time) (c *Consent, changed bool, err error) {
	for _, c := range s.Topics {
		if c.ConfirmToken == "" || c.ConfirmToken != token {
			continue
		}
		switch c.State {
		case Confirmed:
			return c, false, nil
		case Pending:
			if now.Sub(c.RequestedAt) > ConfirmExpiry {
				return c, false, ErrBadToken
			}
			c.State, c.ConfirmedAt, c.EndedAt = Confirmed, now, time.Time{}
			return c, true, nil
		}
	}
	return nil, false, ErrBadToken
}

// Unsubscribe ends the consent for one topic ("" for all of them) and
// reports the topics it ended. Ending what has ended changes nothing.
func (s *Subscriber) Unsubscribe(topic string, now time.Time) []Topic {
	var ended []Topic
	for _, k := range slices.Sorted(maps.Keys(s.Topics)) {
		c := s.Topics[k]
		if topic != "" && k != topic {
			continue
		}
		if c.State == Unsubscribed {
			continue
		}
		c.State, c.EndedAt, c.ConfirmToken = Unsubscribed, now, ""
		ended = append(ended, c.Topic)
	}
	return ended
}

// Following lists the confirmed consents, by topic.
func (s *Subscriber) Following() []*Consent {
	var out []*Consent
	for _, k := range slices.Sorted(maps.Keys(s.Topics)) {
		if c := s.Topics[k]; c.State == Confirmed {
			out = append(out, c)
		}
	}
	return out
}
