package local

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/storefront/storefront/checkout/payment"
	bolt "go.etcd.io/bbolt"
)

// LocalBucket is the bbolt bucket that holds the local provider's payments
// (nested buckets "payments", "keys").
const LocalBucket = "local_payments"

// DefaultLocalExpiry is how long a local payment stays open (iDEAL's 15 min).
const DefaultLocalExpiry = 15 * time.Minute

// LocalOptions configures the built-in local provider.
type LocalOptions struct {
	// BaseURL is the public root of the site (scheme://host, with or
	// without a path); a payment's CheckoutURL is BaseURL + "/pay/" + id.
	BaseURL string
	// Page wraps the hosted payment page's body HTML (already escaped) in
	// a full HTML document, e.g. the theme's shell. r is the request the
	// page answers (so a language switch can stay on this page); lang is
	// "nl" or "en". Nil gives a plain page with minimal inline CSS.
	Page func(r *http.Request, lang, title, body string) []byte
	// OnStatusChange is called in the background, instead of the webhook,
	// when a payment without WebhookURL changes status.
	OnStatusChange func(id string)
	// HTTPClient sends webhooks (default: a client with a 5 s timeout).
	HTTPClient *http.Client
	// Expiry of open payments (default 15 min).
	Expiry time.Duration
	// WebhookAttempts (default 3) and the delay before the first retry
	// (default 1 s, doubling).
	WebhookAttempts   int
	WebhookRetryDelay time.Duration
	// Now is the clock (default time.Now).
	Now    func() time.Time
	Logger *slog.Logger
}

// Local is the built-in payment provider: it behaves like Mollie's test
// mode, with a hosted page (Handler) where the tester chooses the outcome.
// Its payments live in the bbolt bucket LocalBucket and survive restarts.
type Local struct {
	db     *bolt.DB
	opts   LocalOptions
	base   *url.URL
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	writers atomic.Int32 // writes in flight (update)

	refuseCancel  atomic.Bool
	failRecurring atomic.Bool
}

var _ payment.Provider = (*Local)(nil)

// localRecord is what is stored per payment.
type localRecord struct {
	Payment     payment.Payment   `json:"payment"`
	RedirectURL string            `json:"redirect_url"`
	WebhookURL  string            `json:"webhook_url,omitempty"`
	Locale      string            `json:"locale,omitempty"`
	ReqHash     string            `json:"req_hash,omitempty"`
	Refunds     []payment.Refund  `json:"refunds,omitempty"`
	RefundKeys  map[string]string `json:"refund_keys,omitempty"` // idempotency key -> refund id
	ChangedAt   time.Time         `json:"changed_at"`
}

var (
	bucketPayments = []byte("payments")
	bucketKeys     = []byte("keys")
)

// NewLocal opens (creating if needed) the local provider's bucket in db.
func NewLocal(db *bolt.DB, opts LocalOptions) (*Local, error) {
	if db == nil {
		return nil, errors.New("local payments: no database")
	}
	base, err := url.Parse(strings.TrimSuffix(opts.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("local payments: base URL %q must be an absolute http(s) URL such as http://localhost:1313", opts.BaseURL)
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	if opts.Expiry <= 0 {
		opts.Expiry = DefaultLocalExpiry
	}
	if opts.WebhookAttempts <= 0 {
		opts.WebhookAttempts = 3
	}
	if opts.WebhookRetryDelay <= 0 {
		opts.WebhookRetryDelay = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(LocalBucket))
		if err != nil {
			return err
		}
		if _, err := b.CreateBucketIfNotExists(bucketPayments); err != nil {
			return err
		}
		if _, err = b.CreateBucketIfNotExists(bucketKeys); err != nil {
			return err
		}
		return recurringBuckets(tx)
	})
	if err != nil {
		return nil, fmt.Errorf("local payments: create bucket %s: %w", LocalBucket, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Local{db: db, opts: opts, base: base, ctx: ctx, cancel: cancel}, nil
}

// Name is "local".
func (l *Local) Name() string { return "local" }

// Close stops webhook retries and waits for deliveries in flight. Call it
// before closing the database.
func (l *Local) Close() error {
	l.cancel()
	l.wg.Wait()
	return nil
}

// CheckoutURL is where the customer pays payment id.
func (l *Local) CheckoutURL(id string) string {
	return l.base.String() + "/pay/" + id
}

// CreatePayment stores a new open payment; the same IdempotencyKey with the
// same request gives the same payment, with another request ErrInvalid.
func (l *Local) CreatePayment(ctx context.Context, req payment.CreateRequest) (*payment.Payment, error) {
	if err := checkCreate(req); err != nil {
		return nil, err
	}
	var out payment.Payment
	err := l.update(func(tx *bolt.Tx) error {
		p, err := l.create(tx, req)
		if err != nil {
			return err
		}
		out = *p
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("local create payment: %w", err)
	}
	created := out
	l.settleRecurring(ctx, &out)
	return &created, nil
}

// CreatePaymentTx is CreatePayment inside tx, a write transaction on the
// database the provider was opened on: when that is the order database, the
// payment and the order that attaches it share one commit (the store's
// Orders.CreateAndAttach), and a transaction that fails leaves no payment.
// Only one-off payments: a recurring one is settled after its commit, so it
// goes through CreatePayment.
func (l *Local) CreatePaymentTx(tx *bolt.Tx, req payment.CreateRequest) (*payment.Payment, error) {
	if req.SequenceType != "" && req.SequenceType != payment.SequenceOneOff {
		return nil, fmt.Errorf("local create payment in a transaction: sequence type %q: %w", req.SequenceType, payment.ErrInvalid)
	}
	if err := checkCreate(req); err != nil {
		return nil, err
	}
	p, err := l.create(tx, req)
	if err != nil {
		return nil, fmt.Errorf("local create payment: %w", err)
	}
	return p, nil
}

// checkCreate refuses a create request Mollie would refuse.
func checkCreate(req payment.CreateRequest) error {
	if req.Amount <= 0 {
		return fmt.Errorf("local create payment: amount %d: %w", req.Amount, payment.ErrInvalid)
	}
	if req.Currency == "" || strings.TrimSpace(req.Description) == "" || (req.RedirectURL == "" && req.SequenceType != payment.SequenceRecurring) {
		return fmt.Errorf("local create payment: currency, description and redirect URL are required: %w", payment.ErrInvalid)
	}
	return nil
}

// create stores a new payment for req in tx, or returns the one stored
// before under its idempotency key. It may run more than once (a batch is
// retried), and keeps nothing outside tx.
func (l *Local) create(tx *bolt.Tx, req payment.CreateRequest) (*payment.Payment, error) {
	hash := requestHash(req)
	now := l.opts.Now().UTC().Truncate(time.Second)
	root := tx.Bucket([]byte(LocalBucket))
	keys := root.Bucket(bucketKeys)
	if req.IdempotencyKey != "" {
		if id := keys.Get([]byte(req.IdempotencyKey)); id != nil {
			rec, err := getRecord(root, string(id))
			if err != nil {
				return nil, err
			}
			if rec.ReqHash != hash {
				return nil, fmt.Errorf("idempotency key reused with another request: %w", payment.ErrInvalid)
			}
			if l.expire(rec) {
				if err := putRecord(root, rec); err != nil {
					return nil, err
				}
			}
			p := rec.Payment
			return &p, nil
		}
	}
	mandate, err := checkSequence(root, req)
	if err != nil {
		return nil, err
	}
	id := newPaymentID(time.Now())
	rec := &localRecord{
		Payment: payment.Payment{
			ID:          id,
			Status:      payment.StatusOpen,
			Amount:      req.Amount,
			Currency:    strings.ToUpper(req.Currency),
			Description: req.Description,
			CheckoutURL: l.CheckoutURL(id),
			Metadata:    req.Metadata,
			CreatedAt:   now,
			ExpiresAt:   now.Add(l.opts.Expiry),
		},
		RedirectURL: req.RedirectURL,
		WebhookURL:  req.WebhookURL,
		Locale:      req.Locale,
		ReqHash:     hash,
		ChangedAt:   now,
	}
	if req.SequenceType == payment.SequenceFirst || req.SequenceType == payment.SequenceRecurring {
		rec.Payment.CustomerID, rec.Payment.SequenceType = req.CustomerID, req.SequenceType
	}
	if mandate != nil { // charged in the background, no checkout
		rec.Payment.MandateID, rec.Payment.Method = mandate.ID, mandate.Method
		rec.Payment.Status, rec.Payment.CheckoutURL = payment.StatusPending, ""
	}
	if req.IdempotencyKey != "" {
		keys.FillPercent = 0.9 // keys are "<order>:<attempt>": appended, and never grow
		if err := keys.Put([]byte(req.IdempotencyKey), []byte(id)); err != nil {
			return nil, err
		}
	}
	if err := putRecord(root, rec); err != nil {
		return nil, err
	}
	p := rec.Payment
	return &p, nil
}

// GetPayment returns a payment; an open payment past its expiry becomes
// expired here, as Mollie's do.
func (l *Local) GetPayment(ctx context.Context, id string) (*payment.Payment, error) {
	rec, changed, err := l.load(id, true)
	if err != nil {
		return nil, fmt.Errorf("local get payment %s: %w", id, err)
	}
	if changed {
		l.notify(rec)
	}
	p := rec.Payment
	return &p, nil
}

// RefuseCancel makes CancelPayment refuse open payments with
// ErrNotCancelable, as Mollie does for methods such as iDEAL once the
// customer started paying (for tests and demos of that path).
func (l *Local) RefuseCancel(on bool) { l.refuseCancel.Store(on) }

// CancelPayment cancels an open payment.
func (l *Local) CancelPayment(ctx context.Context, id string) (*payment.Payment, error) {
	if l.refuseCancel.Load() {
		if cur, err := l.GetPayment(ctx, id); err == nil && !cur.Status.Final() {
			return nil, fmt.Errorf("local cancel payment %s: %w", id, payment.ErrNotCancelable)
		}
	}
	rec, err := l.SetStatus(ctx, id, payment.StatusCanceled)
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// SetStatus moves a payment to status (what the hosted page's buttons do)
// and notifies the webhook or OnStatusChange. It returns ErrFinal for a
// final payment and ErrInvalid for a transition Mollie does not make.
func (l *Local) SetStatus(ctx context.Context, id string, status payment.Status) (*payment.Payment, error) {
	if !payment.ValidID(id) {
		return nil, fmt.Errorf("local set status %q: %w", id, payment.ErrNotFound)
	}
	var rec *localRecord
	err := l.update(func(tx *bolt.Tx) error {
		rec = nil
		root := tx.Bucket([]byte(LocalBucket))
		r, err := getRecord(root, id)
		if err != nil {
			return err
		}
		l.expire(r)
		if r.Payment.Status.Final() {
			return fmt.Errorf("payment is %s: %w", r.Payment.Status, payment.ErrFinal)
		}
		if !payment.CanTransition(r.Payment.Status, status) {
			return fmt.Errorf("payment cannot go from %s to %s: %w", r.Payment.Status, status, payment.ErrInvalid)
		}
		l.apply(r, status)
		if err := l.firstPaid(root, r); err != nil {
			return err
		}
		rec = r
		return putRecord(root, r)
	})
	if err != nil {
		return nil, fmt.Errorf("local set status %s to %s: %w", id, status, err)
	}
	l.notify(rec)
	p := rec.Payment
	return &p, nil
}

// CreateRefund refunds (part of) a paid payment at once (status
// "refunded"); never more than paid minus already refunded. The same
// IdempotencyKey gives the same refund.
func (l *Local) CreateRefund(ctx context.Context, paymentID string, req payment.RefundRequest) (*payment.Refund, error) {
	if !payment.ValidID(paymentID) {
		return nil, fmt.Errorf("local refund %q: %w", paymentID, payment.ErrNotFound)
	}
	if req.Amount <= 0 {
		return nil, fmt.Errorf("local refund %s: amount %d: %w", paymentID, req.Amount, payment.ErrInvalid)
	}
	var out payment.Refund
	err := l.update(func(tx *bolt.Tx) error {
		out = payment.Refund{}
		root := tx.Bucket([]byte(LocalBucket))
		r, err := getRecord(root, paymentID)
		if err != nil {
			return err
		}
		if req.IdempotencyKey != "" {
			if rid, ok := r.RefundKeys[req.IdempotencyKey]; ok {
				for _, x := range r.Refunds {
					if x.ID == rid {
						if x.Amount != req.Amount {
							return fmt.Errorf("idempotency key reused with another amount: %w", payment.ErrInvalid)
						}
						out = x
						return nil
					}
				}
			}
		}
		if r.Payment.Status != payment.StatusPaid {
			return fmt.Errorf("payment is %s, only paid payments can be refunded: %w", r.Payment.Status, payment.ErrInvalid)
		}
		if req.Currency != "" && !strings.EqualFold(req.Currency, r.Payment.Currency) {
			return fmt.Errorf("refund currency %s, payment currency %s: %w", req.Currency, r.Payment.Currency, payment.ErrInvalid)
		}
		if left := r.Payment.Amount - r.Payment.AmountRefunded; req.Amount > left {
			return fmt.Errorf("refund %d is more than the %d left: %w", req.Amount, left, payment.ErrInvalid)
		}
		rid, err := newID("re_")
		if err != nil {
			return err
		}
		out = payment.Refund{
			ID:        rid,
			PaymentID: paymentID,
			Amount:    req.Amount,
			Currency:  r.Payment.Currency,
			Status:    "refunded",
			Metadata:  req.Metadata,
			CreatedAt: l.opts.Now().UTC().Truncate(time.Second),
		}
		r.Refunds = append(r.Refunds, out)
		r.Payment.AmountRefunded += req.Amount
		if req.IdempotencyKey != "" {
			if r.RefundKeys == nil {
				r.RefundKeys = map[string]string{}
			}
			r.RefundKeys[req.IdempotencyKey] = rid
		}
		return putRecord(root, r)
	})
	if err != nil {
		return nil, fmt.Errorf("local refund %s: %w", paymentID, err)
	}
	return &out, nil
}

// ListRefunds returns a payment's refunds, oldest first.
func (l *Local) ListRefunds(ctx context.Context, paymentID string) ([]payment.Refund, error) {
	rec, _, err := l.load(paymentID, false)
	if err != nil {
		return nil, fmt.Errorf("local list refunds %s: %w", paymentID, err)
	}
	return rec.Refunds, nil
}

// load reads a record; with expire, an open payment past expiry is stored
// as expired (changed reports that).
func (l *Local) load(id string, expire bool) (*localRecord, bool, error) {
	if !payment.ValidID(id) {
		return nil, false, payment.ErrNotFound
	}
	var rec *localRecord
	err := l.db.View(func(tx *bolt.Tx) error {
		r, err := getRecord(tx.Bucket([]byte(LocalBucket)), id)
		rec = r
		return err
	})
	if err != nil || !expire || !l.pastExpiry(rec.Payment) {
		return rec, false, err
	}
	changed := false
	err = l.update(func(tx *bolt.Tx) error {
		changed = false
		root := tx.Bucket([]byte(LocalBucket))
		r, err := getRecord(root, id)
		if err != nil {
			return err
		}
		rec = r
		if !l.expire(r) {
			return nil
		}
		changed = true
		return putRecord(root, r)
	})
	return rec, changed, err
}

// update runs fn in a read-write transaction. A write with others in
// flight joins their group commit (db.Batch: one fsync for all of them,
// within the database's MaxBatchDelay); a lone write commits at once. The
// caller's answer still waits for the commit, so every payment is durable
// before anyone hears of it. fn may run more than once (a batch is retried
// without a call that failed), so it must reset what it reports first.
func (l *Local) update(fn func(*bolt.Tx) error) error {
	defer l.writers.Add(-1)
	if l.writers.Add(1) == 1 {
		return l.db.Update(fn)
	}
	return l.db.Batch(fn)
}

// pastExpiry reports whether p is open and past its expiry.
func (l *Local) pastExpiry(p payment.Payment) bool {
	return p.Status == payment.StatusOpen && !l.opts.Now().Before(p.ExpiresAt)
}

// expire turns an open record past its expiry into expired; it reports
// whether it did.
func (l *Local) expire(r *localRecord) bool {
	if !l.pastExpiry(r.Payment) {
		return false
	}
	l.apply(r, payment.StatusExpired)
	return true
}

func (l *Local) apply(r *localRecord, s payment.Status) {
	now := l.opts.Now().UTC().Truncate(time.Second)
	r.Payment.Status = s
	r.ChangedAt = now
	if s == payment.StatusPaid {
		r.Payment.PaidAt = now
		if r.Payment.Method == "" {
			r.Payment.Method = "ideal"
		}
	}
	if s.Final() {
		r.Payment.CheckoutURL = ""
	}
}

// notify tells the shop about a status change in the background: a webhook
// POST (form id=...) when the payment has a WebhookURL, else OnStatusChange.
// Like Mollie, no webhook for open or pending.
func (l *Local) notify(rec *localRecord) {
	if rec == nil || rec.Payment.Status == payment.StatusOpen || rec.Payment.Status == payment.StatusPending {
		return
	}
	id, hook := rec.Payment.ID, rec.WebhookURL
	if (hook == "" && l.opts.OnStatusChange == nil) || l.ctx.Err() != nil {
		return
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		if hook == "" {
			l.opts.OnStatusChange(id)
			return
		}
		delay := l.opts.WebhookRetryDelay
		for attempt := 1; attempt <= l.opts.WebhookAttempts; attempt++ {
			err := l.postWebhook(hook, id)
			if err == nil {
				return
			}
			l.opts.Logger.Warn("local payment webhook failed", "payment", id, "attempt", attempt, "error", err)
			if attempt == l.opts.WebhookAttempts {
				return
			}
			select {
			case <-l.ctx.Done():
				return
			case <-time.After(delay):
			}
			delay *= 2
		}
	}()
}

func (l *Local) postWebhook(hook, id string) error {
	ctx, cancel := context.WithTimeout(l.ctx, 5*time.Second)
	defer cancel()
	body := url.Values{"id": {id}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := l.opts.HTTPClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}

func getRecord(root *bolt.Bucket, id string) (*localRecord, error) {
	v := root.Bucket(bucketPayments).Get([]byte(id))
	if v == nil {
		return nil, payment.ErrNotFound
	}
	r := &localRecord{}
	if err := json.Unmarshal(v, r); err != nil {
		return nil, fmt.Errorf("decode payment %s: %w", id, err)
	}
	return r, nil
}

func putRecord(root *bolt.Bucket, r *localRecord) error {
	v, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode payment %s: %w", r.Payment.ID, err)
	}
	b := root.Bucket(bucketPayments)
	// New ids sort last (newPaymentID): leaves filled to 70 % instead of
	// bbolt's 50 % for random keys, with room for a record that grows a
	// little when it is paid (as the order database's orders, FillPercent).
	b.FillPercent = 0.7
	return b.Put([]byte(r.Payment.ID), v)
}

// requestHash identifies a create request for idempotency checks.
func requestHash(req payment.CreateRequest) string {
	r := req
	r.IdempotencyKey = ""
	b, _ := json.Marshal(r)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// newID returns prefix + 26 random base-32 characters (130 bits).
func newID(prefix string) (string, error) {
	return prefix + rand.Text(), nil
}

// newPaymentID returns "tr_", the time in 13 characters that sort as the
// time does (base32hex of its nanoseconds), and 16 random base-32
// characters (80 bits), so that nobody can guess one. Ids made later sort
// after earlier ones, so a new payment (and the order database's index of
// payments) is written at the end of its B+tree, on one page for the whole
// group commit, instead of on a page of its own anywhere in the tree
// (issue 17: fewer pages written per commit, fuller pages). Earlier ids (26
// random characters) are read as ever.
func newPaymentID(now time.Time) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(now.UnixNano()))
	t := base32.HexEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]) // 13 characters, 0-9 A-V
	return "tr_" + t + rand.Text()[:16]
}
