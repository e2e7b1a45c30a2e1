package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/delivery"
	"github.com/storefront/storefront/checkout/ids"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// NewOrder is what CreateOrder stores.
type NewOrder struct {
	// IdempotencyKey is the client's Idempotency-Key; empty means none.
	IdempotencyKey string
	// RequestHash identifies the request's content (e.g. sha256 of the
	// normalised form); the same key with another hash is refused.
	RequestHash string
	// Order is the order to store (state awaiting_payment). ID, Token and
	// Version are set by CreateOrder when empty.
	Order *order.Order
	// Catalog is the catalog the order was priced from; its stock
	// quantities decide availability.
	Catalog *catalog.Catalog
	// Code is the discount code of Order.DiscountCode, for its use limits
	// (codes.go): counted in the same transaction that stores the order.
	Code *cart.Code
}

// idemRecord is what an idempotency key maps to.
type idemRecord struct {
	RequestHash string    `json:"request_hash"`
	OrderID     string    `json:"order_id"`
	CreatedAt   time.Time `json:"created_at"`
}

// CreateOrder stores a new order and reserves its tracked stock in one
// transaction. With an idempotency key seen before, it returns the order
// stored then (created false), or ErrIdempotencyConflict when the request
// hash differs. Stock is checked inside the transaction (catalog quantity
// minus reserved and sold), so concurrent checkouts never oversell; a short
// SKU gives an *OutOfStockError.
func (s *Orders) CreateOrder(n NewOrder) (o *order.Order, created bool, err error) {
	o, created, _, err = s.createOrder(n, nil)
	return o, created, err
}

// KeepFunc decides, for PlaceCartOrder, whether the cart's order still
// awaiting payment (prev) is the same checkout as next and should be kept.
// It runs inside the transaction, so it must be pure.
type KeepFunc func(prev, next *order.Order) bool

// PlaceCartOrder is CreateOrder for a cart: one cart has at most one order
// awaiting payment, so it never has two payable payments (a customer who
// goes back from the payment page and submits again would pay twice). When
// the cart's order is still awaiting payment and keep says it is the same
// checkout, that order is answered (created false) and the new idempotency
// key is recorded for it; otherwise it is canceled in the same transaction
// (stock released) before the new order is stored, and the effects of the
// cancel the store cannot do (cancel its open payment) are returned.
func (s *Orders) PlaceCartOrder(n NewOrder, keep KeepFunc) (*order.Order, bool, []order.Effect, error) {
	if keep == nil {
		keep = func(_, _ *order.Order) bool { return false }
	}
	return s.createOrder(n, keep)
}

func (s *core) createOrder(n NewOrder, keep KeepFunc) (o *order.Order, created bool, effects []order.Effect, err error) {
	if n.Order == nil {
		return nil, false, nil, errors.New("create order: no order")
	}
	now := s.opts.Now()
	var replaced *order.Order
	err = s.write(func(tx *bolt.Tx) error {
		o, created, effects, replaced = nil, false, nil, nil
		idem := tx.Bucket(bucketIdempotency)
		if n.IdempotencyKey != "" {
			var rec idemRecord
			err := getJSON(idem, n.IdempotencyKey, &rec)
			if err == nil {
				if rec.RequestHash != n.RequestHash {
					return ErrIdempotencyConflict
				}
				var prev order.Order
				if err := getJSON(tx.Bucket(bucketOrders), rec.OrderID, &prev); err != nil {
					return fmt.Errorf("order %s of idempotency key: %w", rec.OrderID, err)
				}
				o = &prev
				return nil
			}
			if !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		if keep != nil && n.Order.CartID != "" {
			prev, err := openCartOrder(tx, n.Order.CartID)
			if err != nil {
				return err
			}
			if prev != nil {
				// A payment_failed order of the cart is always replaced: a
				// new checkout makes it obsolete, and left alone its "pay
				// again" would give the cart a second payable payment.
				if prev.State == order.AwaitingPayment && keep(prev, n.Order) {
					if n.IdempotencyKey != "" {
						rec := idemRecord{RequestHash: n.RequestHash, OrderID: prev.ID, CreatedAt: now}
						if err := putRecord(idem, n.IdempotencyKey, rec); err != nil {
							return err
						}
					}
					o = prev
					return nil
				}
				from := prev.State
				eff, err := prev.Do(order.EventCancel, "checkout", order.Note(order.NoteReplaced), now)
				if err != nil {
					return fmt.Errorf("cancel order %s of the cart: %w", prev.ID, err)
				}
				rest, err := s.applyEffects(tx, prev, eff)
				if err != nil {
					return err
				}
				prev.Version++
				if err := putOrder(tx, prev, from); err != nil {
					return err
				}
				effects, replaced = rest, prev
			}
		}
		// Work on a copy: under Batch this function may run again. Only
		// top-level fields are set below (Held gets a new map), so a shallow
		// copy keeps the caller's order untouched.
		c := *n.Order
		cp := &c
		if cp.ID == "" {
			id, err := nextOrderID(tx, s.opts.OrderPrefix, cp.CreatedAt, now)
			if err != nil {
				return err
			}
			cp.ID = id
		}
		if cp.Token == "" {
			// Sorting by time, so the token index is appended to (ids.Sortable).
			cp.Token = ids.Sortable(now, 24)
		}
		if cp.IdempotencyKey == "" {
			cp.IdempotencyKey = n.IdempotencyKey
		}
		if tx.Bucket(bucketOrders).Get([]byte(cp.ID)) != nil {
			return fmt.Errorf("order %s exists already", cp.ID)
		}
		if tx.Bucket(bucketTokens).Get([]byte(cp.Token)) != nil {
			return fmt.Errorf("order token collision")
		}
		if cp.State == order.AwaitingPayment {
			if err := reserveStock(tx, cp, n.Catalog); err != nil {
				return err
			}
			if cp.GiftCard != nil {
				g := *cp.GiftCard // the caller's order stays untouched
				cp.GiftCard = &g
				if err := s.reserveGift(tx, cp); err != nil {
					return err
				}
			}
		}
		if err := takeCodeUse(tx, cp, n.Code); err != nil {
			return err
		}
		cp.Version = 1
		if err := putOrder(tx, cp, ""); err != nil {
			return err
		}
		// These indexes are keyed by the token, the cart id and the
		// cart-scoped idempotency key, which sort by time (ids.Sortable),
		// and their entries never grow: full pages, as appended.
		tokens, cartOrders := tx.Bucket(bucketTokens), tx.Bucket(bucketCartOrders)
		tokens.FillPercent, cartOrders.FillPercent, idem.FillPercent = 0.9, 0.9, 0.9
		if err := tokens.Put([]byte(cp.Token), []byte(cp.ID)); err != nil {
			return err
		}
		if cp.CartID != "" && cp.State == order.AwaitingPayment {
			if err := cartOrders.Put([]byte(cp.CartID), []byte(cp.ID)); err != nil {
				return err
			}
		}
		if n.IdempotencyKey != "" {
			rec := idemRecord{RequestHash: n.RequestHash, OrderID: cp.ID, CreatedAt: now}
			if err := putRecord(idem, n.IdempotencyKey, rec); err != nil {
				return err
			}
		}
		o, created = cp, true
		return nil
	})
	if err != nil {
		return nil, false, nil, fmt.Errorf("create order: %w", err)
	}
	if replaced != nil {
		s.opts.Logger.Info("order replaced by a new checkout of its cart", "order", replaced.ID, "by", o.ID)
	}
	return o, created, effects, nil
}

// openCartOrder is the cart's latest order awaiting payment or whose payment
// failed, or nil.
func openCartOrder(tx *bolt.Tx, cartID string) (*order.Order, error) {
	id := tx.Bucket(bucketCartOrders).Get([]byte(cartID))
	if id == nil {
		return nil, nil
	}
	var prev order.Order
	if err := getJSON(tx.Bucket(bucketOrders), string(id), &prev); errors.Is(err, ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if prev.State != order.AwaitingPayment && prev.State != order.PaymentFailed {
		return nil, nil
	}
	return &prev, nil
}

// buildCartIndex indexes the orders awaiting payment by cart (databases
// made before the index existed).
func buildCartIndex(tx *bolt.Tx) error {
	return buildIndex(tx, bucketCartOrders, func(idx *bolt.Bucket, k []byte, o order.Order) error {
		if o.State != order.AwaitingPayment || o.CartID == "" {
			return nil
		}
		if cur := idx.Get([]byte(o.CartID)); cur != nil {
			var other order.Order
			if getJSON(tx.Bucket(bucketOrders), string(cur), &other) == nil && other.CreatedAt.After(o.CreatedAt) {
				return nil
			}
		}
		return idx.Put([]byte(o.CartID), append([]byte(nil), k...))
	})
}

// CartOrder returns the cart's latest order still awaiting payment (or
// whose payment failed, which a new checkout replaces), or nil.
func (s *Orders) CartOrder(cartID string) (*order.Order, error) {
	var o *order.Order
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		o, err = openCartOrder(tx, cartID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("order of cart: %w", err)
	}
	return o, nil
}

// GetOrder loads an order by its number.
func (s *Orders) GetOrder(id string) (*order.Order, error) {
	var o order.Order
	err := s.db.View(func(tx *bolt.Tx) error {
		return getJSON(tx.Bucket(bucketOrders), id, &o)
	})
	if err != nil {
		return nil, fmt.Errorf("get order %s: %w", id, err)
	}
	return &o, nil
}

// OrderByToken loads the order a customer's token points to.
func (s *Orders) OrderByToken(token string) (*order.Order, error) {
	return s.orderByIndex(bucketTokens, token, "order by token")
}

// OrderByPaymentID loads the order a payment belongs to.
func (s *Orders) OrderByPaymentID(paymentID string) (*order.Order, error) {
	return s.orderByIndex(bucketPayments, paymentID, "order by payment "+paymentID)
}

// OrderByIdempotencyKey loads the order created under an idempotency key
// (until PruneIdempotency forgets the key).
func (s *Orders) OrderByIdempotencyKey(key string) (*order.Order, error) {
	var o order.Order
	err := s.db.View(func(tx *bolt.Tx) error {
		var rec idemRecord
		if key == "" {
			return ErrNotFound
		}
		if err := getJSON(tx.Bucket(bucketIdempotency), key, &rec); err != nil {
			return err
		}
		return getJSON(tx.Bucket(bucketOrders), rec.OrderID, &o)
	})
	if err != nil {
		return nil, fmt.Errorf("order by idempotency key: %w", err)
	}
	return &o, nil
}

func (s *core) orderByIndex(index []byte, key, what string) (*order.Order, error) {
	var o order.Order
	err := s.db.View(func(tx *bolt.Tx) error {
		if key == "" {
			return ErrNotFound
		}
		id := tx.Bucket(index).Get([]byte(key))
		if id == nil {
			return ErrNotFound
		}
		return getJSON(tx.Bucket(bucketOrders), string(id), &o)
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return &o, nil
}

// UpdateFunc changes an order inside a transaction. It reports whether it
// changed the order and which side effects follow. It may run more than once
// (each time on a fresh copy) and must have no other side effects.
type UpdateFunc func(o *order.Order) (changed bool, effects []order.Effect, err error)

// UpdateOrder loads order id, lets fn change it and, when changed, stores it
// together with its side effects in the same transaction: stock reserved,
// committed or released; e-mails queued (once per order and kind); the cart
// cleared; anomalies logged. Effects the store cannot do (cancel a payment,
// refund) are returned for the caller to carry out after commit. Returns the
// order as stored.
func (s *Orders) UpdateOrder(id string, fn UpdateFunc) (*order.Order, []order.Effect, error) {
	var out *order.Order
	var effects []order.Effect
	err := s.write(func(tx *bolt.Tx) error {
		out, effects = nil, nil
		var o order.Order
		if err := getJSON(tx.Bucket(bucketOrders), id, &o); err != nil {
			return err
		}
		prev := o.State
		changed, eff, err := fn(&o)
		if err != nil {
			return err
		}
		out = &o
		if !changed {
			effects = eff
			return nil
		}
		rest, err := s.applyEffects(tx, &o, eff)
		if err != nil {
			return err
		}
		if o.State == order.Paid && o.PromisedBy.IsZero() {
			s.promise(&o)
		}
		if err := s.numberDocuments(tx, &o, prev); err != nil {
			return err
		}
		o.Version++
		if err := putOrder(tx, &o, prev); err != nil {
			return err
		}
		effects = rest
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("update order %s: %w", id, err)
	}
	s.logAnomalies(out, effects)
	return out, effects, nil
}

// ApplyPayment brings the news of a provider's payment to its order (found by
// payment id) in one transaction; see order.ApplyPayment. by names the
// messenger: webhook, return, reconciler. A payment never attached (the
// process stopped between creating and attaching it) is adopted by the order
// named in its metadata "order_id", so paid money is not lost. Other unknown
// payment ids give ErrNotFound. Safe to call any number of times, concurrently.
func (s *Orders) ApplyPayment(p payment.Payment, by string) (*order.Order, bool, []order.Effect, error) {
	o, err := s.OrderByPaymentID(p.ID)
	if errors.Is(err, ErrNotFound) && p.Metadata["order_id"] != "" {
		o, err = s.adopt(p.Metadata["order_id"], p, by)
	}
	if err != nil {
		return nil, false, nil, err
	}
	var changed bool
	o, eff, err := s.UpdateOrder(o.ID, func(o *order.Order) (bool, []order.Effect, error) {
		c, e := o.ApplyPayment(p, by, s.opts.Now())
		changed = c
		return c, e, nil
	})
	return o, changed, eff, err
}

// adopt attaches a stray payment to the order its metadata names.
func (s *core) adopt(orderID string, p payment.Payment, by string) (*order.Order, error) {
	var out *order.Order
	err := s.write(func(tx *bolt.Tx) error {
		out = nil
		pays := tx.Bucket(bucketPayments)
		if owner := pays.Get([]byte(p.ID)); owner != nil {
			if string(owner) != orderID {
				return fmt.Errorf("payment %s belongs to order %s", p.ID, owner)
			}
		}
		var o order.Order
		if err := getJSON(tx.Bucket(bucketOrders), orderID, &o); err != nil {
			return err
		}
		if err := o.Adopt(p, "", by, s.opts.Now()); err != nil {
			return err
		}
		if err := pays.Put([]byte(p.ID), []byte(orderID)); err != nil {
			return err
		}
		o.Version++
		if err := putOrder(tx, &o, o.State); err != nil {
			return err
		}
		out = &o
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("adopt payment %s: %w", p.ID, err)
	}
	s.opts.Logger.Warn("adopted a payment that was never attached", "order", orderID, "payment", p.ID)
	return out, nil
}

// AttachPayment records a newly created payment as the order's current
// attempt and indexes it, compare-and-set: the order's current payment must
// still be expectPaymentID ("" for the first attempt), else ErrConflict.
// Attaching the same payment again is a no-op. A payment_failed order goes
// back to awaiting_payment and reserves its stock again (which may fail with
// *OutOfStockError; cancel the new payment then).
func (s *Orders) AttachPayment(orderID, expectPaymentID string, p payment.Payment, provider string) (*order.Order, []order.Effect, error) {
	return s.AttachPaymentCode(orderID, expectPaymentID, p, provider, nil)
}

// AttachPaymentCode is AttachPayment with the order's discount code (nil:
// none, or no longer known). An order that holds no use of its code (its
// payment failed or was canceled) takes one back when it is paid again:
// the code's limits, in total and per address, are checked in the same
// transaction, the order's own earlier use not counted (a *CodeUsedUpError;
// cancel the new payment then).
func (s *Orders) AttachPaymentCode(orderID, expectPaymentID string, p payment.Payment, provider string, code *cart.Code) (*order.Order, []order.Effect, error) {
	var out *order.Order
	var effects []order.Effect
	err := s.write(func(tx *bolt.Tx) error {
		var o order.Order
		if err := getJSON(tx.Bucket(bucketOrders), orderID, &o); err != nil {
			out, effects = nil, nil
			return err
		}
		var err error
		out, effects, err = s.attachTx(tx, &o, expectPaymentID, p, provider, code)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("attach payment %s to order %s: %w", p.ID, orderID, err)
	}
	return out, effects, nil
}

// CreatePaymentTx makes a payment inside a write transaction on this
// file: the built-in provider, whose payments live in the order database
// (payment/local's CreatePaymentTx).
type CreatePaymentTx func(tx *bolt.Tx, req payment.CreateRequest) (*payment.Payment, error)

// CreateAndAttach is the provider's CreatePayment and AttachPaymentCode in
// one transaction, so one durable commit, for a provider whose payments
// live in this file: the payment exists only together with the order that
// holds it, and a refusal (ErrConflict, *OutOfStockError, *CodeUsedUpError,
// *GiftCardError) leaves no payment to cancel. The order is read first, so
// a conflict (another attempt attached meanwhile) creates nothing. The
// payment is created under req's idempotency key, so a retry gets the same
// payment, already attached (a no-op).
func (s *Orders) CreateAndAttach(orderID, expectPaymentID string, create CreatePaymentTx, req payment.CreateRequest, provider string, code *cart.Code) (*payment.Payment, *order.Order, []order.Effect, error) {
	var made *payment.Payment
	var out *order.Order
	var effects []order.Effect
	err := s.write(func(tx *bolt.Tx) error {
		made, out, effects = nil, nil, nil
		var o order.Order
		if err := getJSON(tx.Bucket(bucketOrders), orderID, &o); err != nil {
			return err
		}
		if o.PaymentID != expectPaymentID {
			return fmt.Errorf("%w: current payment is %q, expected %q", ErrConflict, o.PaymentID, expectPaymentID)
		}
		p, err := create(tx, req)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrCreatePayment, err)
		}
		o2, eff, err := s.attachTx(tx, &o, expectPaymentID, *p, provider, code)
		if err != nil {
			return err
		}
		made, out, effects = p, o2, eff
		return nil
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("create and attach a payment to order %s: %w", orderID, err)
	}
	return made, out, effects, nil
}

// ErrCreatePayment wraps the provider's refusal inside CreateAndAttach.
var ErrCreatePayment = errors.New("create payment")

// attachTx attaches p to o (read in tx) and writes it; see
// AttachPaymentCode.
func (s *core) attachTx(tx *bolt.Tx, o *order.Order, expectPaymentID string, p payment.Payment, provider string, code *cart.Code) (*order.Order, []order.Effect, error) {
	prev := o.State
	if o.Attempt(p.ID) != nil {
		return o, nil, nil
	}
	if o.PaymentID != expectPaymentID {
		return nil, nil, fmt.Errorf("%w: current payment is %q, expected %q", ErrConflict, o.PaymentID, expectPaymentID)
	}
	if owner := tx.Bucket(bucketPayments).Get([]byte(p.ID)); owner != nil && string(owner) != o.ID {
		return nil, nil, fmt.Errorf("payment %s belongs to order %s", p.ID, owner)
	}
	retake := !usesCode(o) // paying again takes the code's use back
	eff, err := o.AttachPayment(p, provider, "customer", s.opts.Now())
	if err != nil {
		return nil, nil, err
	}
	if retake && usesCode(o) {
		if err := takeCodeUse(tx, o, code); err != nil {
			return nil, nil, err
		}
	}
	rest, err := s.applyEffects(tx, o, eff)
	if err != nil {
		return nil, nil, err
	}
	idx := tx.Bucket(bucketPayments)
	// The built-in provider's ids sort by time (appended, 50 % full with
	// bbolt's default); a value never grows. Mollie's ids are random.
	idx.FillPercent = 0.9
	if err := idx.Put([]byte(p.ID), []byte(o.ID)); err != nil {
		return nil, nil, err
	}
	o.Version++
	if err := putOrder(tx, o, prev); err != nil {
		return nil, nil, err
	}
	return o, rest, nil
}

// Do applies an owner's event (pack, ship, deliver, cancel) to order id with
// its side effects; see order.Do. Set tracking before shipping with
// UpdateOrder, or pass it through note.
func (s *Orders) Do(id string, ev order.Event, by, note string) (*order.Order, []order.Effect, error) {
	return s.UpdateOrder(id, func(o *order.Order) (bool, []order.Effect, error) {
		eff, err := o.Do(ev, by, note, s.opts.Now())
		if err != nil {
			return false, nil, err
		}
		return true, eff, nil
	})
}

// Filter selects orders for ListOrders. Zero fields do not filter.
type Filter struct {
	States        []order.State
	CreatedBefore time.Time // only orders created before this
	UpdatedBefore time.Time // only orders not updated since this
	Limit         int       // 0: all
}

// ListOrders returns matching orders, newest first. With States set it
// reads only those orders (through the state index). It reads as EachOrder
// does; an order that changed state while it read is listed once, as last
// read.
func (s *Orders) ListOrders(f Filter) ([]*order.Order, error) {
	var all []*order.Order
	at := map[string]int{}
	err := s.EachOrder(f, func(o *order.Order) bool {
		if i, ok := at[o.ID]; ok {
			all[i] = o
			return true
		}
		at[o.ID] = len(all)
		all = append(all, o)
		return true
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(all, func(a, b *order.Order) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	if f.Limit > 0 && len(all) > f.Limit {
		all = all[:f.Limit]
	}
	return all, nil
}

// eachChunk is how many orders EachOrder reads in one transaction.
var eachChunk = 500

// EachOrder calls fn with each order that matches f (Limit aside), by order
// number (within each state when f.States is set), until fn returns false.
// fn runs outside any transaction and may write. The orders are read in
// chunks of eachChunk (walkChunks, scan.go), so only a chunk is in memory
// at a time: an order that changes state between two chunks may be met
// twice or not at all, as by a reader who asked a moment later.
func (s *Orders) EachOrder(f Filter, fn func(*order.Order) bool) error {
	type source struct {
		bucket, prefix []byte // orders by number, or a state's part of the state index
	}
	sources := []source{{bucketOrders, nil}}
	if len(f.States) > 0 {
		sources = sources[:0]
		for _, st := range slices.Compact(slices.Sorted(slices.Values(f.States))) {
			sources = append(sources, source{bucketStates, stateKey(st, "")})
		}
	}
	for _, src := range sources {
		var chunk []*order.Order
		stopped := false
		err := s.walkChunks(src.bucket, src.prefix, eachChunk, func(tx *bolt.Tx, k, v []byte) {
			id := k[len(src.prefix):]
			if src.prefix != nil {
				if v = tx.Bucket(bucketOrders).Get(id); v == nil {
					return
				}
			}
			if o, ok := s.decodeOrder(id, v); ok && f.matches(o) {
				chunk = append(chunk, o)
			}
		}, func() (bool, error) {
			for _, o := range chunk {
				if !fn(o) {
					stopped = true
					return false, nil
				}
			}
			chunk = chunk[:0]
			return true, nil
		})
		if err != nil {
			return fmt.Errorf("list orders: %w", err)
		}
		if stopped {
			return nil
		}
	}
	return nil
}

// EachAwaiting calls fn with the Awaiting summary of each order awaiting
// payment, by order number, until fn returns false. It reads the summaries
// from the state index (putOrder keeps them), in chunks as EachOrder does,
// not the orders: a pass of the reconciler over 200,000 unpaid orders reads
// a few MB instead of decoding every order. An entry without one (written
// before the summaries existed) is read from its order.
func (s *Orders) EachAwaiting(fn func(order.Awaiting) bool) error {
	prefix := stateKey(order.AwaitingPayment, "")
	var chunk []order.Awaiting
	err := s.walkChunks(bucketStates, prefix, eachChunk, func(tx *bolt.Tx, k, v []byte) {
		id := string(k[len(prefix):])
		var a order.Awaiting
		if len(v) > 0 && json.Unmarshal(v, &a) == nil {
			a.ID = id
			chunk = append(chunk, a)
			return
		}
		rec := tx.Bucket(bucketOrders).Get([]byte(id))
		if rec == nil {
			return
		}
		if o, ok := s.decodeOrder([]byte(id), rec); ok && o.State == order.AwaitingPayment {
			chunk = append(chunk, o.Awaiting())
		}
	}, func() (bool, error) {
		for _, a := range chunk {
			if !fn(a) {
				return false, nil
			}
		}
		chunk = chunk[:0]
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("orders awaiting payment: %w", err)
	}
	return nil
}

// decodeOrder decodes the order record v stored under id; a record that
// does not decode is reported (badRecord) and skipped, so that one bad
// record does not hide the rest of a scan.
func (s *core) decodeOrder(id, v []byte) (*order.Order, bool) {
	var o order.Order
	if err := decodeRecord(v, &o); err != nil {
		s.badRecord(bucketOrders, id, err)
		return nil, false
	}
	return &o, true
}

// matches says whether o passes f's conditions (Limit aside).
func (f Filter) matches(o *order.Order) bool {
	if len(f.States) > 0 && !slices.Contains(f.States, o.State) {
		return false
	}
	if !f.CreatedBefore.IsZero() && !o.CreatedAt.Before(f.CreatedBefore) {
		return false
	}
	if !f.UpdatedBefore.IsZero() && !o.UpdatedAt.Before(f.UpdatedBefore) {
		return false
	}
	return true
}

// PruneIdempotency forgets idempotency keys created before before (Mollie
// keeps its keys an hour, Stripe 24 h) and reports how many.
func (s *Orders) PruneIdempotency(before time.Time) (int, error) {
	return s.pruneWhere(bucketIdempotency, func(v []byte) bool {
		var r idemRecord
		return decodeRecord(v, &r) != nil || r.CreatedAt.Before(before)
	})
}

// applyEffects does the effects that belong in the transaction and returns
// the ones for the caller (payment cancel, refund due, anomaly notes).
func (s *core) applyEffects(tx *bolt.Tx, o *order.Order, effects []order.Effect) ([]order.Effect, error) {
	var rest []order.Effect
	for _, e := range effects {
		switch e.Kind {
		case order.EffectReserveStock:
			var cat *catalog.Catalog
			if s.opts.Catalog != nil {
				cat = s.opts.Catalog()
			}
			if err := reserveStock(tx, o, cat); err != nil {
				return nil, err
			}
			if err := s.reserveGift(tx, o); err != nil {
				return nil, err
			}
		case order.EffectCommitStock:
			if err := commitStock(tx, o); err != nil {
				return nil, err
			}
			if err := s.captureGift(tx, o); err != nil {
				return nil, err
			}
			if err := s.issueSold(tx, o); err != nil {
				return nil, err
			}
		case order.EffectReleaseStock:
			if err := releaseStock(tx, o); err != nil {
				return nil, err
			}
			if err := s.releaseGift(tx, o); err != nil {
				return nil, err
			}
		case order.EffectConfirmationMail, order.EffectShippedMail:
			kind := MailConfirmation
			if e.Kind == order.EffectShippedMail {
				kind = MailShipped
			}
			m := Mail{ID: kind + ":" + o.ID, Kind: kind, OrderID: o.ID, To: o.Customer.Email, Lang: o.Lang}
			if _, err := s.enqueue(tx, m); err != nil {
				return nil, err
			}
		case order.EffectClearCart:
			if o.CartID != "" {
				if err := s.takeOrderedFromCart(tx, o); err != nil {
					return nil, err
				}
				if err := tx.Bucket(bucketCartOrders).Delete([]byte(o.CartID)); err != nil {
					return nil, err
				}
			}
		default: // anomaly, payment_cancel, refund_due
			rest = append(rest, e)
		}
	}
	return rest, nil
}

func (s *core) logAnomalies(o *order.Order, effects []order.Effect) {
	for _, e := range effects {
		if e.Kind == order.EffectAnomaly || e.Kind == order.EffectRefundDue {
			id := ""
			if o != nil {
				id = o.ID
			}
			s.opts.Logger.Error("order anomaly", "order", id, "kind", e.Kind, "payment", e.PaymentID, "note", e.Note)
		}
	}
}

// promise records the latest delivery day promised when the order was paid,
// so promises can later be checked against DeliveredAt. Without usable rules
// it stays zero.
func (s *core) promise(o *order.Order) {
	if s.opts.Catalog == nil {
		return
	}
	cat := s.opts.Catalog()
	if cat == nil {
		return
	}
	rules, err := delivery.New(cat.Delivery)
	if err != nil {
		return
	}
	m, ok := cat.Method(o.ShippingMethod)
	if !ok {
		return
	}
	o.PromiseExtraDays = s.store.ExtraDays(m.ID) // the carrier's recent record (promise.go)
	m.TransitDays += o.PromiseExtraDays
	e, err := rules.ExpectedDates(o.PaidAt, o.Classes(), m)
	if err != nil {
		s.opts.Logger.Warn("no delivery promise for order", "order", o.ID, "err", err)
		return
	}
	o.PromisedBy = e.Delivery.Latest
}

// putOrder stores o and keeps the state index right; prev is the state the
// order had in the database ("" for a new order).
func putOrder(tx *bolt.Tx, o *order.Order, prev order.State) error {
	idx := tx.Bucket(bucketStates)
	idx.FillPercent = 1.0 // within a state, keys are order numbers: appended
	if prev != o.State && prev != "" {
		if err := idx.Delete(stateKey(prev, o.ID)); err != nil {
			return err
		}
	}
	// An order awaiting payment keeps its Awaiting summary in the index
	// (what the reconciler reads, EachAwaiting), written with every change
	// of the order, as a payment attached changes it without a new state.
	val := []byte{}
	if o.State == order.AwaitingPayment {
		b, err := json.Marshal(o.Awaiting())
		if err != nil {
			return fmt.Errorf("order %s: awaiting summary: %w", o.ID, err)
		}
		val = b
	}
	if prev != o.State || o.State == order.AwaitingPayment {
		if err := idx.Put(stateKey(o.State, o.ID), val); err != nil {
			return err
		}
	}
	return putOrderRecord(tx.Bucket(bucketOrders), o)
}

func stateKey(s order.State, id string) []byte {
	return []byte(string(s) + "\x00" + id)
}

// buildStateIndex fills the state index of a database made before it existed.
func buildStateIndex(tx *bolt.Tx) error {
	return buildIndex(tx, bucketStates, func(idx *bolt.Bucket, _ []byte, o order.Order) error {
		return idx.Put(stateKey(o.State, o.ID), []byte{})
	})
}

// buildIndex creates the index bucket name and calls add for every stored
// order, for databases made before that index existed.
func buildIndex(tx *bolt.Tx, name []byte, add func(idx *bolt.Bucket, key []byte, o order.Order) error) error {
	idx, err := tx.CreateBucket(name)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketOrders).ForEach(func(k, v []byte) error {
		var o order.Order
		if err := decodeRecord(v, &o); err != nil {
			return fmt.Errorf("decode order %s: %w", k, err)
		}
		return add(idx, k, o)
	})
}

// nextOrderID numbers orders per year: PREFIX-2026-000123.
func nextOrderID(tx *bolt.Tx, prefix string, created, now time.Time) (string, error) {
	if created.IsZero() {
		created = now
	}
	year := strconv.Itoa(created.Year())
	b, err := tx.Bucket(bucketSequence).CreateBucketIfNotExists([]byte("order-" + year))
	if err != nil {
		return "", err
	}
	n, err := b.NextSequence()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s-%s-%06d", strings.ToUpper(prefix), year, n), nil
}
