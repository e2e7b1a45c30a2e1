package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/recurring"
)

// Standing orders (checkout/recurring): coffee on subscription. Buckets:
//
//	standing_orders    id -> recurring.Standing (JSON)
//	standing_tokens    token -> id
//	standing_periods   id NUL period -> order id: at most one order per period
//	standing_payments  payment id -> id NUL period: which period a charge pays
//	standing_first     order id -> id: the checkout order whose first payment starts it
var (
	bucketStanding         = []byte("standing_orders")
	bucketStandingTokens   = []byte("standing_tokens")
	bucketStandingPeriods  = []byte("standing_periods")
	bucketStandingPayments = []byte("standing_payments")
	bucketStandingFirst    = []byte("standing_first")
)

// Mail kinds of standing orders; OrderID holds the standing order's id.
const (
	MailStandingNotice      = "standing_notice"       // before each charge, with one-click links
	MailStandingFailed      = "standing_failed"       // a charge failed: pay by hand
	MailStandingPaused      = "standing_paused"       // paused itself after failed charges
	MailStandingPriceNotice = "standing_price_notice" // a new price, before it applies
	MailStandingStarted     = "standing_started"      // the standing order is running
)

func standingBuckets(tx *bolt.Tx) error {
	for _, b := range [][]byte{bucketStanding, bucketStandingTokens, bucketStandingPeriods, bucketStandingPayments, bucketStandingFirst} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("create bucket %s: %w", b, err)
		}
	}
	return nil
}

func periodKey(id string, period int) []byte {
	return []byte(id + "\x00" + strconv.Itoa(period))
}

// CreateStanding stores a new standing order waiting for its first payment
// (paid by the checkout order firstOrderID); it gets an id (SO-000001) and
// an unguessable token.
func (s *Standing) CreateStanding(st recurring.Standing, firstOrderID string) (recurring.Standing, error) {
	err := s.write(func(tx *bolt.Tx) error {
		if err := standingBuckets(tx); err != nil {
			return err
		}
		c := st
		b, err := tx.Bucket(bucketSequence).CreateBucketIfNotExists([]byte("standing"))
		if err != nil {
			return err
		}
		n, err := b.NextSequence()
		if err != nil {
			return err
		}
		c.ID = fmt.Sprintf("SO-%06d", n)
		if c.Token == "" {
			c.Token = order.NewToken()
		}
		if c.Orders == nil && firstOrderID != "" {
			c.Orders = map[int]string{}
		}
		if err := putJSON(tx.Bucket(bucketStanding), c.ID, c); err != nil {
			return err
		}
		if err := tx.Bucket(bucketStandingTokens).Put([]byte(c.Token), []byte(c.ID)); err != nil {
			return err
		}
		if firstOrderID != "" {
			if err := tx.Bucket(bucketStandingFirst).Put([]byte(firstOrderID), []byte(c.ID)); err != nil {
				return err
			}
		}
		st = c
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("create standing order: %w", err)
	}
	return st, nil
}

// GetStanding returns a standing order.
func (s *Standing) GetStanding(id string) (recurring.Standing, error) {
	var st recurring.Standing
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketStanding)
		if b == nil {
			return ErrNotFound
		}
		return getJSON(b, id, &st)
	})
	if err != nil {
		return st, fmt.Errorf("standing order %s: %w", id, err)
	}
	return st, nil
}

// StandingByToken finds a standing order by its customer token.
func (s *Standing) StandingByToken(token string) (recurring.Standing, error) {
	var id string
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketStandingTokens)
		if b == nil {
			return ErrNotFound
		}
		v := b.Get([]byte(token))
		if v == nil {
			return ErrNotFound
		}
		id = string(v)
		return nil
	})
	if err != nil {
		return recurring.Standing{}, fmt.Errorf("standing order by token: %w", err)
	}
	return s.GetStanding(id)
}

// StandingOfFirstOrder is the standing order a checkout order starts.
func (s *Standing) StandingOfFirstOrder(orderID string) (string, bool) {
	var id string
	_ = s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketStandingFirst); b != nil {
			id = string(b.Get([]byte(orderID)))
		}
		return nil
	})
	return id, id != ""
}

// ListStanding returns the standing orders, in id order; state "" for all.
func (s *Standing) ListStanding(state recurring.State) ([]recurring.Standing, error) {
	var out []recurring.Standing
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketStanding)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var st recurring.Standing
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("decode standing order %s: %w", k, err)
			}
			if state == "" || st.State == state {
				out = append(out, st)
			}
			return nil
		})
	})
	return out, err
}

// StandingMail is a mail queued together with a standing order's change.
type StandingMail struct {
	Kind string
	Key  string // makes the mail's id: queued once per key
}

// UpdateStanding changes a standing order in one transaction; fn returns
// the new value (or an error, and nothing is written) and the mails to
// queue with it (each once: their id is kind:id:key).
func (s *Standing) UpdateStanding(id string, fn func(recurring.Standing) (recurring.Standing, []StandingMail, error)) (recurring.Standing, error) {
	var out recurring.Standing
	err := s.write(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketStanding)
		if b == nil {
			return ErrNotFound
		}
		var st recurring.Standing
		if err := getJSON(b, id, &st); err != nil {
			return err
		}
		next, mails, err := fn(st)
		if err != nil {
			return err
		}
		next.ID, next.Token = st.ID, st.Token
		if err := putJSON(b, id, next); err != nil {
			return err
		}
		if err := s.queueStandingMails(tx, next, mails); err != nil {
			return err
		}
		out = next
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("update standing order %s: %w", id, err)
	}
	return out, nil
}

func (s *core) queueStandingMails(tx *bolt.Tx, st recurring.Standing, mails []StandingMail) error {
	for _, m := range mails {
		mid := m.Kind + ":" + st.ID + ":" + m.Key
		if _, err := s.enqueue(tx, Mail{ID: mid, Kind: m.Kind, OrderID: st.ID, To: st.Email, Lang: st.Lang}); err != nil {
			return err
		}
	}
	return nil
}

// StartCharge records that payment p charges period of standing order id
// (recurring.Charging) and indexes the payment, in one transaction. A
// payment already recorded is a no-op.
func (s *Standing) StartCharge(id string, period int, paymentID string) (recurring.Standing, error) {
	var out recurring.Standing
	err := s.write(func(tx *bolt.Tx) error {
		var st recurring.Standing
		if err := getJSON(tx.Bucket(bucketStanding), id, &st); err != nil {
			return err
		}
		if err := tx.Bucket(bucketStandingPayments).Put([]byte(paymentID), periodKey(id, period)); err != nil {
			return err
		}
		st = recurring.Charging(st, period, paymentID, s.opts.Now())
		out = st
		return putJSON(tx.Bucket(bucketStanding), id, st)
	})
	if err != nil {
		return out, fmt.Errorf("start charge of %s period %d: %w", id, period, err)
	}
	return out, nil
}

// IndexCharge records which period payment paymentID pays, without
// marking a charge under way (a payment by hand of a paused order).
func (s *Standing) IndexCharge(id string, period int, paymentID string) error {
	return s.write(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketStandingPayments).Put([]byte(paymentID), periodKey(id, period))
	})
}

// StandingChargeKnown reports whether paymentID is an indexed charge of a
// standing order.
func (s *Standing) StandingChargeKnown(paymentID string) bool {
	known := false
	_ = s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketStandingPayments); b != nil {
			known = b.Get([]byte(paymentID)) != nil
		}
		return nil
	})
	return known
}

// ChargeOf names the standing order and period a recurring payment pays:
// from the index, else from the payment's metadata (a webhook that came
// before StartCharge was stored: "standing" and "period").
func (s *Standing) ChargeOf(p payment.Payment) (id string, period int, ok bool) {
	_ = s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketStandingPayments)
		if b == nil {
			return nil
		}
		if v := b.Get([]byte(p.ID)); v != nil {
			sid, per, found := strings.Cut(string(v), "\x00")
			n, err := strconv.Atoi(per)
			if found && err == nil {
				id, period, ok = sid, n, true
			}
		}
		return nil
	})
	if ok {
		return id, period, true
	}
	n, err := strconv.Atoi(p.Metadata["period"])
	if p.Metadata["standing"] == "" || err != nil || n < 1 {
		return "", 0, false
	}
	return p.Metadata["standing"], n, true
}

// ErrPeriodTaken: another payment already paid this period (a second
// charge for one delivery); it must be refunded.
var ErrPeriodTaken = errors.New("period already paid by another payment")

// DeliverPeriod turns a paid recurring payment into the period's order, in
// one transaction keyed by (standing order, period): the order is built by
// build from the standing order, attached to the payment and moved to
// paid by the order state machine (stock counted as sold, confirmation
// mail, delivery promise), and the standing order records the period as
// paid. Calling it again for the same period and payment returns the same
// order (created false); another payment for a paid period gives
// ErrPeriodTaken with the existing order.
func (s *Standing) DeliverPeriod(id string, period int, p payment.Payment, provider string,
	build func(recurring.Standing) (*order.Order, error)) (o *order.Order, created bool, err error) {
	if p.Status != payment.StatusPaid {
		return nil, false, fmt.Errorf("deliver period %d of %s: payment %s is %s", period, id, p.ID, p.Status)
	}
	now := s.opts.Now()
	err = s.write(func(tx *bolt.Tx) error {
		o, created = nil, false
		periods := tx.Bucket(bucketStandingPeriods)
		if v := periods.Get(periodKey(id, period)); v != nil {
			var prev order.Order
			if err := getJSON(tx.Bucket(bucketOrders), string(v), &prev); err != nil {
				return err
			}
			o = &prev
			if prev.Attempt(p.ID) == nil {
				return ErrPeriodTaken
			}
			return nil
		}
		var st recurring.Standing
		if err := getJSON(tx.Bucket(bucketStanding), id, &st); err != nil {
			return err
		}
		no, err := build(st)
		if err != nil {
			return err
		}
		c := *no
		cp := &c
		if cp.ID, err = nextOrderID(tx, s.opts.OrderPrefix, now, now); err != nil {
			return err
		}
		cp.Token = order.NewToken()
		cp.IdempotencyKey = fmt.Sprintf("standing:%s:p%d", id, period)
		// Attached as open, as Adopt does, so that the state machine then
		// moves the order by the payment's real status.
		att := p
		att.Status, att.CheckoutURL = payment.StatusOpen, ""
		if _, err := cp.AttachPayment(att, provider, "recurring", now); err != nil {
			return err
		}
		// A paid delivery is never turned away for stock: the order
		// counts its units as sold (commitStock), as a late paid payment does.
		_, eff := cp.ApplyPayment(p, "recurring", now)
		rest, err := s.applyEffects(tx, cp, eff)
		if err != nil {
			return err
		}
		if cp.State == order.Paid && cp.PromisedBy.IsZero() {
			s.promise(cp)
		}
		if err := s.numberDocuments(tx, cp, ""); err != nil { // the delivery's invoice (invoices.go)
			return err
		}
		cp.Version = 1
		if err := putOrder(tx, cp, ""); err != nil {
			return err
		}
		if err := tx.Bucket(bucketTokens).Put([]byte(cp.Token), []byte(cp.ID)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketPayments).Put([]byte(p.ID), []byte(cp.ID)); err != nil {
			return err
		}
		if err := periods.Put(periodKey(id, period), []byte(cp.ID)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketStandingPayments).Put([]byte(p.ID), periodKey(id, period)); err != nil {
			return err
		}
		st, _ = recurring.Paid(st, period, cp.ID, now)
		if err := putJSON(tx.Bucket(bucketStanding), id, st); err != nil {
			return err
		}
		s.logAnomalies(cp, rest)
		o, created = cp, true
		return nil
	})
	if err != nil {
		return o, false, fmt.Errorf("deliver period %d of standing order %s: %w", period, id, err)
	}
	return o, created, nil
}

// MarkFirstPaid starts standing order id whose first period was paid by
// the checkout order orderID (recurring.Start), recording the period's
// order and the provider's customer and mandate; queues the "started"
// mail. Idempotent: an order already started is left alone.
func (s *Standing) MarkFirstPaid(id, orderID, mandateID string, started func(recurring.Standing) (recurring.Standing, error)) (recurring.Standing, bool, error) {
	changed := false
	st, err := s.UpdateStanding(id, func(st recurring.Standing) (recurring.Standing, []StandingMail, error) {
		if st.State != "" {
			return st, nil, nil
		}
		n, err := started(st)
		if err != nil {
			return st, nil, err
		}
		n.Orders = map[int]string{1: orderID}
		n.MandateID = mandateID
		changed = true
		return n, []StandingMail{{Kind: MailStandingStarted, Key: "1"}}, nil
	})
	if err == nil && changed {
		err = s.write(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketStandingPeriods).Put(periodKey(id, 1), []byte(orderID))
		})
	}
	return st, changed, err
}

// PeriodOrder is the order of a standing order's period, if any.
func (s *Standing) PeriodOrder(id string, period int) (string, bool) {
	var oid string
	_ = s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketStandingPeriods); b != nil {
			oid = string(b.Get(periodKey(id, period)))
		}
		return nil
	})
	return oid, oid != ""
}
