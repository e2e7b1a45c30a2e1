package store

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/loyalty"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/review"
)

// Loyalty points have no account: a customer's points are derived from the
// orders of their e-mail address (checkout/loyalty.Ledger). What this file
// keeps in buckets of its own, created on first write:
//
//	points_links   sha256(token) hex -> PointsLink: the e-mailed links that
//	               show a customer their points and data (and let them delete it)
//	points_sent    e-mail -> time of the last link e-mail (throttle)

var (
	bucketPointsLinks = []byte("points_links")
	bucketPointsSent  = []byte("points_sent")
)

// MailPointsLink is the e-mail with the link to the customer's points page.
const MailPointsLink = "points_link"

// Errors of the points links and data deletion.
var (
	ErrLinkExpired = errors.New("the link has expired")
	ErrOrderOpen   = errors.New("an order is still open")
)

// PointsLink is one e-mailed link to a customer's points and data.
type PointsLink struct {
	Email     string    `json:"email"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// PointsLinkMail is the body of a queued MailPointsLink: the token itself
// lives only here and in the customer's mailbox; the bucket keeps its hash.
type PointsLinkMail struct {
	Token string `json:"token"`
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// PointsLinksPerDay is the most points-link e-mails one address gets in 24
// hours, whoever asks.
const PointsLinksPerDay = 5

// RequestPointsLink queues an e-mail with a fresh link (valid for ttl) to
// the points page of email, unless one went to that address less than
// every ago, or PointsLinksPerDay did in the last 24 hours. It reports whether an e-mail was queued; callers should not
// tell the visitor either way.
func (s *Loyalty) RequestPointsLink(email, lang string, ttl, every time.Duration) (queued bool, err error) {
	email = loyalty.NormalizeEmail(email)
	now := s.opts.Now()
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return false, fmt.Errorf("points link: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	err = s.write(func(tx *bolt.Tx) error {
		queued = false
		sent, err := bucket(tx, bucketPointsSent)
		if err != nil {
			return err
		}
		// The links sent in the last 24 hours (older files hold one time as text).
		var recent []time.Time
		if v := sent.Get([]byte(email)); len(v) > 0 && v[0] == '[' {
			_ = json.Unmarshal(v, &recent)
		} else if v != nil {
			var last time.Time
			if last.UnmarshalText(v) == nil {
				recent = append(recent, last)
			}
		}
		recent = slices.DeleteFunc(recent, func(t time.Time) bool { return now.Sub(t) >= 24*time.Hour })
		if len(recent) >= PointsLinksPerDay {
			return nil
		}
		for _, t := range recent {
			if now.Sub(t) < every {
				return nil
			}
		}
		links, err := bucket(tx, bucketPointsLinks)
		if err != nil {
			return err
		}
		if err := putJSON(links, tokenHash(token), PointsLink{Email: email, CreatedAt: now, ExpiresAt: now.Add(ttl)}); err != nil {
			return err
		}
		stamp, _ := json.Marshal(append(recent, now))
		if err := sent.Put([]byte(email), stamp); err != nil {
			return err
		}
		body, _ := json.Marshal(PointsLinkMail{Token: token})
		if _, err := s.enqueue(tx, Mail{ID: MailPointsLink + ":" + tokenHash(token)[:16], Kind: MailPointsLink, To: email, Lang: lang, Body: body}); err != nil {
			return err
		}
		queued = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("points link: %w", err)
	}
	return queued, nil
}

// PointsLinkEmail is the e-mail address a valid link token belongs to.
func (s *Loyalty) PointsLinkEmail(token string) (string, error) {
	var l PointsLink
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPointsLinks)
		if b == nil {
			return ErrNotFound
		}
		return getJSON(b, tokenHash(token), &l)
	})
	if err != nil {
		return "", err
	}
	if !s.opts.Now().Before(l.ExpiresAt) {
		return "", ErrLinkExpired
	}
	return l.Email, nil
}

// CustomerOrders are the orders of an e-mail address (normalised), newest
// first. There is no index by address: it scans the orders, but decodes
// only those whose JSON holds the address (BenchmarkPointsAccount).
func (s *Loyalty) CustomerOrders(email string) ([]*order.Order, error) {
	email = loyalty.NormalizeEmail(email)
	if email == "" {
		return nil, nil
	}
	var out []*order.Order
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOrders).ForEach(func(k, v []byte) error {
			o, err := orderOf(v, email)
			if o != nil {
				out = append(out, o)
			}
			if err != nil {
				s.badRecord(bucketOrders, k, err)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("orders of a customer: %w", err)
	}
	slices.SortStableFunc(out, func(a, b *order.Order) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	return out, nil
}

// orderOf decodes an order's JSON when it is of the (normalised) address,
// else nil. The quick test first: the address as JSON encodes it, in any
// case (addresses are stored as typed at checkout, lower-cased there).
func orderOf(v []byte, email string) (*order.Order, error) {
	v, err := recordJSON(v)
	if err != nil {
		return nil, fmt.Errorf("decode order: %w", err)
	}
	enc, _ := json.Marshal(email)
	if !containsFold(v, enc) {
		return nil, nil
	}
	var o order.Order
	if err := json.Unmarshal(v, &o); err != nil {
		return nil, fmt.Errorf("decode order: %w", err)
	}
	if loyalty.NormalizeEmail(o.Customer.Email) != email {
		return nil, nil
	}
	return &o, nil
}

// containsFold reports whether sub occurs in b, ASCII letters in any case.
func containsFold(b, sub []byte) bool {
	n := len(sub)
	if n == 0 {
		return true
	}
	first := lowerASCII(sub[0])
	for i := 0; i+n <= len(b); i++ {
		if lowerASCII(b[i]) == first && bytes.EqualFold(b[i:i+n], sub) {
			return true
		}
	}
	return false
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// ConfirmedByOwner reports whether the owner of the order's e-mail address
// stands behind it: it was paid, or it spent the points of the address
// (which takes the link mailed to that address). Anyone can type any
// address into a checkout; an unpaid order with it is no proof of anything,
// so it neither shows on the address's data page nor blocks its erasure,
// and it earns the address no e-mail beyond its own confirmation.
func ConfirmedByOwner(o *order.Order) bool {
	switch o.State {
	case order.Paid, order.Packed, order.Shipped, order.Delivered:
		return true
	}
	return !o.PaidAt.IsZero() || o.PointsRedeemed > 0
}

// Deleted says what DeleteCustomerData did.
type Deleted struct {
	Orders  int `json:"orders"`  // orders anonymised
	Mails   int `json:"mails"`   // queued e-mails emptied
	Links   int `json:"links"`   // points links removed
	Reviews int `json:"reviews"` // reviews whose e-mail address was erased
}

// AnonymousName replaces a deleted customer's name on their orders.
const AnonymousName = "(deleted at the customer's request)"

// DeleteCustomerData removes what the shop holds about email: the personal
// fields of its orders (name, e-mail, street, postal code, city, gift note,
// tracking) are emptied, so its loyalty points are gone with them; the
// amounts, lines, VAT, payments, refunds, dates and country stay, as the
// bookkeeping must keep them. Sent e-mails to the address are emptied and
// its points links removed; its reviews stay, without the address. It refuses (ErrOrderOpen) while an order is
// not yet delivered or canceled, or has a return under way, since the shop
// needs the address for those.
func (s *Loyalty) DeleteCustomerData(email string) (Deleted, error) {
	email = loyalty.NormalizeEmail(email)
	var d Deleted
	if email == "" {
		return d, errors.New("delete customer data: no e-mail address")
	}
	now := s.opts.Now()
	err := s.write(func(tx *bolt.Tx) error {
		d = Deleted{}
		orders := tx.Bucket(bucketOrders)
		var mine []*order.Order
		err := orders.ForEach(func(k, v []byte) error {
			o, err := orderOf(v, email)
			if o != nil {
				mine = append(mine, o)
			}
			return err
		})
		if err != nil {
			return err
		}
		// Only orders the address's owner confirmed (by paying or by
		// spending the points of the address) block the erasure; a
		// stranger's unpaid order with this address neither blocks it nor
		// is touched while it may still be paid (it ends canceled and is
		// erased by the next request).
		mine = slices.DeleteFunc(mine, func(o *order.Order) bool {
			return !ConfirmedByOwner(o) && o.State != order.Canceled
		})
		for _, o := range mine {
			if !ConfirmedByOwner(o) {
				continue
			}
			if !o.State.Final() {
				return fmt.Errorf("%w: %s is %s", ErrOrderOpen, o.ID, o.State)
			}
			for _, r := range o.Returns {
				if r.State != order.ReturnRefunded {
					return fmt.Errorf("%w: return %s of %s is %s", ErrOrderOpen, r.Code, o.ID, r.State)
				}
			}
			if len(o.OpenRefunds()) > 0 {
				return fmt.Errorf("%w: %s has a refund in progress", ErrOrderOpen, o.ID)
			}
		}
		for _, o := range mine {
			o.Customer = order.Customer{Name: AnonymousName, Country: o.Customer.Country}
			o.GiftNote, o.TrackingCode, o.TrackingURL = "", "", ""
			if o.Meta == nil {
				o.Meta = map[string]string{}
			}
			o.Meta["anonymised_at"] = now.UTC().Format(time.RFC3339)
			o.History = append(o.History, order.EventRecord{At: now, From: o.State, To: o.State, By: "customer",
				Note: order.Note(order.NoteAnonymised)})
			o.UpdatedAt = now
			o.Version++
			if err := putOrderRecord(orders, o); err != nil {
				return err
			}
			d.Orders++
		}
		mails := tx.Bucket(bucketMail)
		var emptied []Mail
		err = mails.ForEach(func(k, v []byte) error {
			var m Mail
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("decode mail %s: %w", k, err)
			}
			if loyalty.NormalizeEmail(m.To) == email {
				m.To, m.Body, m.Dead = "", nil, m.Dead || m.SentAt.IsZero() // unsent ones are never sent now
				emptied = append(emptied, m)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, m := range emptied {
			if err := putJSON(mails, m.ID, m); err != nil {
				return err
			}
			d.Mails++
		}
		if links := tx.Bucket(bucketPointsLinks); links != nil {
			n, err := deleteWhere(links, func(_, v []byte) (bool, error) {
				var l PointsLink
				return json.Unmarshal(v, &l) == nil && l.Email == email, nil
			})
			if err != nil {
				return err
			}
			d.Links += n
		}
		if revs := tx.Bucket(bucketReviews); revs != nil {
			// Reviews stay (their author name is what the customer chose to
			// publish); the address kept for moderation goes.
			var mine []review.Review
			err := revs.ForEach(func(k, v []byte) error {
				var r review.Review
				if json.Unmarshal(v, &r) == nil && loyalty.NormalizeEmail(r.Email) == email {
					mine = append(mine, r)
				}
				return nil
			})
			if err != nil {
				return err
			}
			for _, r := range mine {
				r.Email = ""
				if err := putJSON(revs, r.ID, r); err != nil {
					return err
				}
				d.Reviews++
			}
		}
		if sent := tx.Bucket(bucketPointsSent); sent != nil {
			return sent.Delete([]byte(email))
		}
		return nil
	})
	if err != nil {
		return Deleted{}, fmt.Errorf("delete customer data: %w", err)
	}
	return d, nil
}

// ReturnWindow says when an order's return window closes; ok is false
// while it has none yet (not delivered). The server derives it from the
// shop's return policy (data/returns.toml window_days).
type ReturnWindow func(o *order.Order) (end time.Time, ok bool)

// LedgerOrder is what the points ledger needs of an order, as of now: its
// earned points are spendable once its return window has closed and no
// return of it is under way (loyalty.SpendableAt).
func LedgerOrder(o *order.Order, window ReturnWindow, now time.Time) loyalty.Order {
	lo := loyalty.Order{ID: o.ID, CreatedAt: o.CreatedAt, PaidAt: o.PaidAt,
		Canceled: o.State == order.Canceled, GoodsPaid: o.EarnBase(),
		ToEarn: o.PointsToEarn, Redeemed: o.PointsRedeemed}
	// A refund counts from when it is recorded (a voided one not at all),
	// so only a return not yet refunded keeps the points pending.
	var settled time.Time
	open := false
	for _, r := range o.Refunds {
		if order.RefundVoid(r.Status) {
			continue
		}
		lo.Refunds = append(lo.Refunds, loyalty.Refund{At: r.CreatedAt, Goods: o.RefundGoods(r)})
		if r.CreatedAt.After(settled) {
			settled = r.CreatedAt
		}
	}
	for _, r := range o.Returns {
		if r.State != order.ReturnRefunded {
			open = true
		}
		if r.RefundedAt.After(settled) {
			settled = r.RefundedAt
		}
	}
	if window != nil && !o.DeliveredAt.IsZero() && o.State != order.Canceled {
		if end, ok := window(o); ok {
			lo.SpendableAt = loyalty.SpendableAt(end, settled, open, now)
		}
	}
	return lo
}

// PointsAccount is the loyalty account of an e-mail address, derived from
// its orders as of now (window: see LedgerOrder).
func (s *Loyalty) PointsAccount(email string, window ReturnWindow) (loyalty.Account, []*order.Order, error) {
	os, err := s.CustomerOrders(email)
	if err != nil {
		return loyalty.Account{}, nil, err
	}
	now := s.opts.Now()
	lo := make([]loyalty.Order, 0, len(os))
	for _, o := range os {
		lo = append(lo, LedgerOrder(o, window, now))
	}
	return loyalty.Ledger(lo), os, nil
}
