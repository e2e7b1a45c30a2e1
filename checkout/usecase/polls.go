package usecase

import (
	"errors"
	"fmt"

	"github.com/storefront/storefront/checkout/poll"
	"github.com/storefront/storefront/checkout/store"
)

// Polls (docs/retention.md): the sidecar counts only polls the build
// published in catalog.json, one vote per browser, at most MaxVotersPerNet
// browsers per network and poll.
type Polls struct{ Deps }

// MaxVotersPerNet is how many browsers of one network (an IPv4 address or
// an IPv6 /64) may vote in one poll: a household or an office votes, a
// script that throws its cookie away or walks through a /64 does not stuff.
const MaxVotersPerNet = 3

// Errors of the poll use cases.
var (
	ErrBadPollID = errors.New("no such poll")                  // not a poll id at all
	ErrNoPoll    = errors.New("no such poll on this site")     // the build lists no such poll
	ErrVoteLimit = store.ErrVoteLimit                          // the network has voted MaxVotersPerNet times
	ErrBadOption = errors.New("not one of the poll's options") // wrapped with poll.ParseOption's words
)

// Poll is one published poll.
type Poll struct {
	ID, Question, Page string
	Options            []string
}

// Find is the published poll id: ErrBadPollID, ErrNoPoll.
func (u Polls) Find(id string) (Poll, error) {
	if !poll.ValidID(id) {
		return Poll{ID: id}, ErrBadPollID
	}
	p, found := u.Catalog().Poll(id)
	if !found || len(p.Options) < 2 {
		return Poll{ID: id}, ErrNoPoll
	}
	return Poll{ID: id, Question: p.Question, Options: p.Options, Page: p.Page}, nil
}

// Result is the live result of p, with voter's own choice.
func (u Polls) Result(p Poll, voter string) (poll.Result, error) {
	counts, mine, err := u.Store.Polls.Counts(p.ID, voter, len(p.Options))
	if err != nil {
		return poll.Result{}, fmt.Errorf("poll %s: %w", p.ID, err)
	}
	r := poll.Tally(p.ID, p.Question, p.Options, counts)
	if mine >= 0 {
		r.Mine = &mine
	}
	return r, nil
}

// Vote counts voter's choice (raw, the option's index as sent) from
// network net: ErrBadOption (its text says why), ErrVoteLimit.
func (u Polls) Vote(p Poll, voter, net, raw string) error {
	choice, err := poll.ParseOption(raw, len(p.Options))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadOption, err)
	}
	if _, _, err := u.Store.Polls.VoteFrom(p.ID, voter, net, MaxVotersPerNet, choice, len(p.Options)); err != nil {
		if errors.Is(err, store.ErrVoteLimit) {
			return ErrVoteLimit
		}
		return fmt.Errorf("vote: %w", err)
	}
	return nil
}
