package side

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/store/kv"

	"github.com/storefront/storefront/checkout/poll"
)

// Polls live in buckets of their own, created on the first vote:
//
//	polls       poll id -> []int: votes per option
//	poll_votes  poll id NUL voter id -> option index: one vote per browser
//	poll_nets   poll id NUL network -> number of browsers that voted from it
var (
	bucketPolls     = []byte("polls")
	bucketPollVotes = []byte("poll_votes")
	bucketPollNets  = []byte("poll_nets")
)

// Polls are the shop's polls: votes per option, one vote per browser, a
// bound per network.
type Polls struct{ b kv.Base }

// NewPolls is the polls of the file b.
func NewPolls(b kv.Base) *Polls { return &Polls{b: b} }

// ErrVoteLimit: the network has cast as many votes in the poll as it may.
var ErrVoteLimit = errors.New("enough votes from this network")

// Vote records voter's choice in poll id with n options and returns the
// counts after it. A browser that voted before moves its one vote (or,
// choosing the same again, changes nothing: changed false).
func (s *Polls) Vote(id, voter string, choice, n int) (counts []int, changed bool, err error) {
	return s.VoteFrom(id, voter, "", 0, choice, n)
}

// VoteFrom is Vote for a browser on network net (an IPv4 address or an
// IPv6 /64): a browser's first vote in the poll counts only while fewer
// than maxPerNet browsers of net have voted in it (ErrVoteLimit after);
// moving a vote is always allowed. maxPerNet 0 means no limit.
func (s *Polls) VoteFrom(id, voter, net string, maxPerNet, choice, n int) (counts []int, changed bool, err error) {
	if choice < 0 || choice >= n {
		return nil, false, fmt.Errorf("vote in poll %s: option %d of %d", id, choice, n)
	}
	err = s.b.Write(func(tx *bolt.Tx) error {
		counts, changed = nil, false
		polls, err := kv.Bucket(tx, bucketPolls)
		if err != nil {
			return err
		}
		votes, err := kv.Bucket(tx, bucketPollVotes)
		if err != nil {
			return err
		}
		counts = readCounts(polls, id, n)
		key := []byte(id + "\x00" + voter)
		prev := -1
		if v := votes.Get(key); v != nil {
			prev, _ = strconv.Atoi(string(v))
		}
		if prev < 0 && maxPerNet > 0 {
			nets, err := kv.Bucket(tx, bucketPollNets)
			if err != nil {
				return err
			}
			nk := []byte(id + "\x00" + net)
			from, _ := strconv.Atoi(string(nets.Get(nk)))
			if from >= maxPerNet {
				return ErrVoteLimit
			}
			if err := nets.Put(nk, []byte(strconv.Itoa(from+1))); err != nil {
				return err
			}
		}
		if changed = poll.Vote(counts, prev, choice); !changed {
			return nil
		}
		if err := votes.Put(key, []byte(strconv.Itoa(choice))); err != nil {
			return err
		}
		return kv.PutJSON(polls, id, counts)
	})
	if err != nil {
		return nil, false, fmt.Errorf("vote in poll %s: %w", id, err)
	}
	return counts, changed, nil
}

// Counts returns the votes per option of poll id (n options) and the
// voter's own choice (-1 when none).
func (s *Polls) Counts(id, voter string, n int) (counts []int, mine int, err error) {
	mine = -1
	err = s.b.DB.View(func(tx *bolt.Tx) error {
		counts = readCounts(tx.Bucket(bucketPolls), id, n)
		if b := tx.Bucket(bucketPollVotes); b != nil && voter != "" {
			if v := b.Get([]byte(id + "\x00" + voter)); v != nil {
				if i, err := strconv.Atoi(string(v)); err == nil && i < n {
					mine = i
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, -1, fmt.Errorf("poll %s: %w", id, err)
	}
	return counts, mine, nil
}

// readCounts reads a poll's counts sized to n options (a build may have
// added options since; removed ones are dropped from view).
func readCounts(b *bolt.Bucket, id string, n int) []int {
	counts := make([]int, n)
	if b == nil {
		return counts
	}
	var stored []int
	if v := b.Get([]byte(id)); v != nil && json.Unmarshal(v, &stored) == nil {
		copy(counts, stored)
	}
	return counts
}
