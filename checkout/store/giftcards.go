package store

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/giftcard"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
)

// Gift cards (docs/giftcards.md): one record per card, found by the hash of
// its code (checkout) or by its page token. The balance moves only inside
// the transactions that store the orders it pays for, so two checkouts
// racing for one card can never both spend it.
var (
	bucketGiftCards     = []byte("giftcards")       // id -> giftcard.Card
	bucketGiftCodes     = []byte("giftcard_codes")  // code hash -> id
	bucketGiftTokens    = []byte("giftcard_tokens") // page token -> id
	giftCardBuckets     = [][]byte{bucketGiftCards, bucketGiftCodes, bucketGiftTokens}
	errGiftCardNotFound = fmt.Errorf("gift card: %w", ErrNotFound)
)

// MailGiftCard is the mail kind that brings a sold card's code to its
// recipient on the chosen day.
const MailGiftCard = "giftcard"

// GiftCardMailID is the queue id of a card's mail: queued once per card.
func GiftCardMailID(cardID string) string { return MailGiftCard + ":" + cardID }

// IssueGiftCard stores a new card worth amount (the owner's, or a test's)
// and returns it with its code.
func (s *GiftCards) IssueGiftCard(amount money.Amount, currency string, rule giftcard.Rule, recipient, lang string) (*giftcard.Card, string, error) {
	if amount <= 0 {
		return nil, "", errors.New("issue gift card: the amount must be positive")
	}
	var out giftcard.Card
	var code string
	err := s.write(func(tx *bolt.Tx) error {
		c, cd := giftcard.Issue(amount, currency, s.opts.Now(), rule)
		c.Recipient, c.Lang = recipient, lang
		if err := putNewCard(tx, &c, cd); err != nil {
			return err
		}
		out, code = c, cd
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("issue gift card: %w", err)
	}
	return &out, code, nil
}

// putNewCard numbers a fresh card (GC-2026-000001) and stores it with its
// indexes.
func putNewCard(tx *bolt.Tx, c *giftcard.Card, code string) error {
	for _, name := range giftCardBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	year := strconv.Itoa(c.CreatedAt.Year())
	seq, err := tx.Bucket(bucketSequence).CreateBucketIfNotExists([]byte("giftcard-" + year))
	if err != nil {
		return err
	}
	n, err := seq.NextSequence()
	if err != nil {
		return err
	}
	c.ID = fmt.Sprintf("GC-%s-%06d", year, n)
	c.Code = code
	codes, tokens := tx.Bucket(bucketGiftCodes), tx.Bucket(bucketGiftTokens)
	if codes.Get([]byte(c.CodeHash)) != nil || tokens.Get([]byte(c.Token)) != nil {
		return errors.New("gift card code or token collision")
	}
	if err := codes.Put([]byte(c.CodeHash), []byte(c.ID)); err != nil {
		return err
	}
	if err := tokens.Put([]byte(c.Token), []byte(c.ID)); err != nil {
		return err
	}
	return putJSON(tx.Bucket(bucketGiftCards), c.ID, c)
}

func getCard(tx *bolt.Tx, id string) (*giftcard.Card, error) {
	b := tx.Bucket(bucketGiftCards)
	if b == nil {
		return nil, errGiftCardNotFound
	}
	var c giftcard.Card
	if err := getJSON(b, id, &c); err != nil {
		return nil, fmt.Errorf("gift card %s: %w", id, err)
	}
	return &c, nil
}

func (s *core) cardBy(index []byte, key string) (*giftcard.Card, error) {
	var out *giftcard.Card
	err := s.db.View(func(tx *bolt.Tx) error {
		idx := tx.Bucket(index)
		if idx == nil {
			return errGiftCardNotFound
		}
		id := idx.Get([]byte(key))
		if id == nil {
			return errGiftCardNotFound
		}
		c, err := getCard(tx, string(id))
		out = c
		return err
	})
	return out, err
}

// VoidGiftCard voids the unspent balance of card id for reason (the
// owner's action; giftcard.Card.Void says when it cannot) and returns the
// card and what was voided.
func (s *GiftCards) VoidGiftCard(id, reason string) (*giftcard.Card, money.Amount, error) {
	var out *giftcard.Card
	var amt money.Amount
	err := s.write(func(tx *bolt.Tx) error {
		c, err := getCard(tx, strings.ToUpper(id))
		if err != nil {
			return err
		}
		if amt, err = c.Void(reason, s.opts.Now()); err != nil {
			return err
		}
		out = c
		return putJSON(tx.Bucket(bucketGiftCards), c.ID, c)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("void gift card %s: %w", id, err)
	}
	return out, amt, nil
}

// GiftCardByCode finds a card by what a customer typed (normalised here).
func (s *GiftCards) GiftCardByCode(code string) (*giftcard.Card, error) {
	code = giftcard.Normalize(code)
	if code == "" {
		return nil, errGiftCardNotFound
	}
	return s.cardBy(bucketGiftCodes, giftcard.Hash(code))
}

// GiftCardByToken finds a card by its page token.
func (s *GiftCards) GiftCardByToken(token string) (*giftcard.Card, error) {
	if token == "" || len(token) > 64 {
		return nil, errGiftCardNotFound
	}
	return s.cardBy(bucketGiftTokens, token)
}

// GiftCard finds a card by its id (GC-2026-000001).
func (s *GiftCards) GiftCard(id string) (*giftcard.Card, error) {
	var out *giftcard.Card
	err := s.db.View(func(tx *bolt.Tx) error {
		c, err := getCard(tx, strings.ToUpper(id))
		out = c
		return err
	})
	return out, err
}

// ListGiftCards lists every card, newest first.
func (s *GiftCards) ListGiftCards() ([]giftcard.Card, error) {
	var out []giftcard.Card
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketGiftCards)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			var c giftcard.Card
			if err := jsonUnmarshal(v, &c); err != nil {
				return err
			}
			out = append(out, c)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool {
		return out[i].CreatedAt.After(out[j].CreatedAt) || out[i].CreatedAt.Equal(out[j].CreatedAt) && out[i].ID > out[j].ID
	})
	return out, err
}

// GiftCardError is a card that cannot pay what the order asks of it
// (spent meanwhile by another checkout, expired); Err is one of giftcard's.
type GiftCardError struct {
	CardID string
	Err    error
}

func (e *GiftCardError) Error() string { return "gift card " + e.CardID + ": " + e.Err.Error() }
func (e *GiftCardError) Unwrap() error { return e.Err }

// reserveGift holds the order's gift-card amount on the card, inside the
// transaction that stores the order.
func (s *core) reserveGift(tx *bolt.Tx, o *order.Order) error {
	g := o.GiftCard
	if g == nil || g.Hold != "" {
		return nil
	}
	c, err := getCard(tx, g.CardID)
	if err != nil {
		return &GiftCardError{CardID: g.CardID, Err: giftcard.ErrUnknown}
	}
	if c.Currency != o.Currency {
		return &GiftCardError{CardID: g.CardID, Err: giftcard.ErrCurrency}
	}
	if err := c.Reserve(g.Amount, o.ID, s.opts.Now()); err != nil {
		return &GiftCardError{CardID: g.CardID, Err: err}
	}
	g.Hold = order.GiftHeld
	return putJSON(tx.Bucket(bucketGiftCards), c.ID, c)
}

// releaseGift gives an unpaid order's hold back to the card.
func (s *core) releaseGift(tx *bolt.Tx, o *order.Order) error {
	g := o.GiftCard
	if g == nil || g.Hold != order.GiftHeld {
		return nil
	}
	c, err := getCard(tx, g.CardID)
	if err != nil {
		return err
	}
	c.Release(o.ID, s.opts.Now())
	g.Hold = ""
	return putJSON(tx.Bucket(bucketGiftCards), c.ID, c)
}

// captureGift spends a paid order's hold. An order paid after its hold was
// given back (a late payment) takes the amount again when the card still
// has it; otherwise the shortfall is logged for the owner.
func (s *core) captureGift(tx *bolt.Tx, o *order.Order) error {
	g := o.GiftCard
	if g == nil || g.Hold == order.GiftSpent {
		return nil
	}
	c, err := getCard(tx, g.CardID)
	if err != nil {
		return err
	}
	now := s.opts.Now()
	if g.Hold == "" {
		if err := c.Reserve(g.Amount, o.ID, now); err != nil {
			s.opts.Logger.Error("gift card could not pay a late-paid order; the order is short", "order", o.ID, "card", c.ID,
				"amount", money.Format(g.Amount, o.Currency), "err", err)
		}
	}
	c.Capture(o.ID, now)
	g.Hold = order.GiftSpent
	return putJSON(tx.Bucket(bucketGiftCards), c.ID, c)
}

// creditGift puts refunds that went to the card (order.AddRefund) on it.
func (s *core) creditGift(tx *bolt.Tx, o *order.Order, amount money.Amount) error {
	if amount <= 0 || o.GiftCard == nil {
		return nil
	}
	c, err := getCard(tx, o.GiftCard.CardID)
	if err != nil {
		return err
	}
	c.Credit(amount, o.ID, "refund", s.opts.Now())
	return putJSON(tx.Bucket(bucketGiftCards), c.ID, c)
}

// issueSold makes the gift cards a paid order bought, one per unit, and
// queues each card's mail for its sending day. Once per order.
func (s *core) issueSold(tx *bolt.Tx, o *order.Order) error {
	gs := o.GiftSend
	if gs == nil || len(gs.Cards) > 0 {
		return nil
	}
	var rule giftcard.Rule
	if s.opts.Catalog != nil {
		if cat := s.opts.Catalog(); cat != nil {
			rule = cat.GiftCards
		}
	}
	now := s.opts.Now()
	for _, l := range o.Lines {
		if !l.GiftCard {
			continue
		}
		for range l.Quantity {
			c, code := giftcard.Issue(l.UnitPrice, o.Currency, now, rule)
			c.OrderID, c.Recipient, c.Message, c.SendOn, c.Lang = o.ID, gs.Recipient, gs.Message, gs.SendOn, o.Lang
			if err := putNewCard(tx, &c, code); err != nil {
				return err
			}
			gs.Cards = append(gs.Cards, c.ID)
			next := gs.SendOn
			if next.Before(now) {
				next = time.Time{} // now
			}
			m := Mail{ID: GiftCardMailID(c.ID), Kind: MailGiftCard, OrderID: o.ID, CardID: c.ID, To: gs.Recipient, Lang: o.Lang, NextAt: next}
			if _, err := s.enqueue(tx, m); err != nil {
				return err
			}
		}
	}
	return nil
}
