// Package store keeps the sidecar's state in one BoltDB file: carts, orders
// with their token and payment indexes, idempotency keys, stock counters and
// the mail queue. Every operation is one transaction, so an order change, its
// stock bookkeeping and its e-mail are committed together or not at all.
//
// Buckets (values are JSON; orders, carts and idempotency records are
// stored compressed against a fixed dictionary, package codec, and records
// written before that as plain JSON are read alike):
//
//	carts          cart id -> cart.Cart
//	orders         order number -> order.Order
//	order_tokens   token -> order number
//	order_states   state NUL order number -> the state index; an order awaiting payment's
//	               order.Awaiting (JSON) for the reconciler, else empty
//	cart_orders    cart id -> its latest order awaiting payment (PlaceCartOrder)
//	payments       payment id -> order number
//	idempotency    key -> {request hash, order number, created}
//	stock          sku -> {baseline, reserved, sold}
//	mail_queue     mail id -> Mail
//	sequence       order-YEAR -> bbolt sequence for order numbers
//
// Exactly once: a provider status reaches an order only through UpdateOrder,
// which reads the order, lets the pure order.ApplyPayment decide and writes
// the result with its effects in one read-write transaction. BoltDB runs one
// such transaction at a time, so of any number of concurrent webhooks,
// return pages and reconciler rounds only the first sees the change; the
// others find it done. Order e-mails have the id kind:order, so even a
// repeated effect queues one message.
//
// Only the sidecar opens the file; Open fails after Options.Timeout when
// another process holds it.
package store

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/store/filecheck"
	"github.com/storefront/storefront/checkout/store/kv"
	"github.com/storefront/storefront/checkout/store/side"
)

// Bucket names.
var (
	bucketCarts       = []byte("carts")
	bucketOrders      = []byte("orders")
	bucketTokens      = []byte("order_tokens")
	bucketPayments    = []byte("payments")
	bucketIdempotency = []byte("idempotency")
	bucketStock       = []byte("stock")
	bucketMail        = kv.MailQueue
	bucketSequence    = []byte("sequence")
	bucketStates      = []byte("order_states") // state NUL id -> awaiting summary or nothing: orders by state
	bucketCartOrders  = []byte("cart_orders")  // cart id -> its latest order awaiting payment
)

var allBuckets = [][]byte{bucketCarts, bucketOrders, bucketTokens, bucketPayments,
	bucketIdempotency, bucketStock, bucketMail, bucketSequence, bucketStates, bucketCartOrders, bucketOps,
	bucketGiftCards, bucketGiftCodes, bucketGiftTokens}

// Errors. Use errors.Is; ErrOutOfStock comes as an *OutOfStockError.
var (
	ErrNotFound            = kv.ErrNotFound
	ErrIdempotencyConflict = errors.New("idempotency key reused with a different request")
	ErrConflict            = errors.New("concurrent change") // compare-and-set lost
	ErrOutOfStock          = errors.New("out of stock")
	ErrInUse               = filecheck.ErrInUse
	ErrReviewLocked        = side.ErrReviewLocked // a customer edits a review the owner has moderated
	ErrVoteLimit           = side.ErrVoteLimit    // the network has voted in the poll as often as it may
)

// OutOfStockError names the SKU that cannot be had in the asked quantity.
type OutOfStockError struct {
	SKU       string
	Requested int
	Available int
}

func (e *OutOfStockError) Error() string {
	return fmt.Sprintf("out of stock: %s: %d asked, %d available", e.SKU, e.Requested, e.Available)
}

// Is makes errors.Is(err, ErrOutOfStock) true.
func (e *OutOfStockError) Is(target error) bool { return target == ErrOutOfStock }

// Options tune a Store. The zero value is usable.
type Options struct {
	// Timeout is how long Open waits for the file lock. Default 1s.
	Timeout time.Duration
	// OrderPrefix starts order numbers: PREFIX-YEAR-000123. Default "SF".
	OrderPrefix string
	// Catalog gives the catalog in force, for stock checks when a failed
	// order is paid for again. Nil means stock is not checked then.
	Catalog func() *catalog.Catalog
	// BatchDelay lets concurrent writes share one fsync'd commit (db.Batch
	// with this MaxBatchDelay); a write with no other in flight still
	// commits at once. Default 1ms; negative commits every write on its own
	// (db.Update). See docs/benchmarks.md for the difference.
	BatchDelay time.Duration
	// CartFlush is how long a cart change may wait in memory before it is
	// written (one commit for all carts changed meanwhile): a cart write is
	// answered at once, and the latest changes can be lost to a crash or a
	// power cut within this time. Default DefaultCartFlush; negative
	// writes every cart change in its own durable commit, as orders are.
	CartFlush time.Duration
	// ReleaseMapped is how often the pages of the file read through its
	// memory map are handed back to the kernel's page cache, so the
	// process's RSS does not grow with the file (release.go). Default
	// DefaultReleaseMapped; negative never.
	ReleaseMapped time.Duration
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Logger gets anomalies. Default slog.Default().
	Logger *slog.Logger
	// NoSync skips fsync. Only for tests of logic; never in production.
	NoSync bool
	// CheckMaxSize: Open runs bbolt's consistency check on files up to this
	// size (CheckOptions.MaxSize: 0 default, negative always).
	CheckMaxSize int64
	// OnBadRecord is told about a record that does not decode (once per
	// record per process); the record is skipped. Nil: only logged.
	OnBadRecord func(BadRecord)
}

// DefaultBatchDelay is how long a write waits for others to share its commit.
const DefaultBatchDelay = time.Millisecond

// Store is the BoltDB file. Safe for concurrent use.
//
// Store's own methods are the file's operations (Close, Backup, Stats, …)
// and what queues an e-mail with a side resource's change; the resources of
// the payment transaction are its fields Orders, Carts, GiftCards, Standing,
// Loyalty and Stock, each a type of this package on the shared core, so one
// transaction still spans them (docs/architecture.md, "The store").
type Store struct {
	*core

	// Resources of the core: one type each, sharing the core's unexported
	// transaction helpers (putOrder, reserveStock, captureGift, enqueue, …).
	Orders    *Orders    // orders, their indexes, payments, refunds, after-sales, invoices
	Carts     *Carts     // carts and the cart buffer
	GiftCards *GiftCards // gift cards
	Standing  *Standing  // standing orders and their periods
	Loyalty   *Loyalty   // points, points links and a customer's data
	Stock     *Stock     // availability, back-in-stock and restocked returns

	// Resources that never join another's transaction (package side),
	// on the same file.
	Reviews       *side.Reviews
	Polls         *side.Polls
	Sessions      *side.Sessions
	Subscriptions *side.Subscriptions
	MailQueue     *side.MailQueue
	Codes         *side.Codes
}

// The core's resources. Each holds the shared core; a method may use any
// unexported helper inside its transaction.
type (
	// Orders are the orders with their token, payment, state, cart and
	// idempotency indexes, payments attached and applied, refunds,
	// after-sales and invoice numbers.
	Orders struct{ *core }
	// Carts are the carts, written through the cart buffer.
	Carts struct{ *core }
	// GiftCards are the gift cards sold and issued.
	GiftCards struct{ *core }
	// Standing are the standing orders and their periods.
	Standing struct{ *core }
	// Loyalty is the points ledger read from the orders, the points links
	// and the deletion of a customer's data.
	Loyalty struct{ *core }
	// Stock is availability, waiting customers and restocked returns.
	Stock struct{ *core }
)

// core is what the resources share: the file, its batched write, the cart
// buffer and the bad-record report.
type core struct {
	store   *Store // the resources, for a method that calls another's
	db      *bolt.DB
	opts    Options
	path    string
	writers atomic.Int32 // writes in flight
	carts   *cartBuf     // cart changes not yet written (cartbuf.go); nil: written at once
	release *releaser    // drops the map's pages on a timer (release.go); nil: never
	bad     badRecords   // records that did not decode (badrecord.go)
	// extraDays is the lengthening of each shipping method's promise
	// (promise.go), set by the sidecar; nil: none.
	extraDays atomic.Pointer[map[string]int]
}

// Open opens (or creates) the database file at path.
func Open(path string, opts Options) (*Store, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = time.Second
	}
	if opts.OrderPrefix == "" {
		opts.OrderPrefix = "SF"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.BatchDelay == 0 {
		opts.BatchDelay = DefaultBatchDelay
	}
	if _, err := CheckFile(path, CheckOptions{MaxSize: opts.CheckMaxSize, Timeout: opts.Timeout}); err != nil {
		return nil, err
	}
	bo := BoltOptions(opts.Timeout)
	bo.NoSync = opts.NoSync
	db, err := bolt.Open(path, 0o600, bo)
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open database %s: %w (is another sidecar running on it?)", path, ErrInUse)
	}
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if opts.BatchDelay > 0 {
		db.MaxBatchDelay = opts.BatchDelay
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketOrders) != nil && tx.Bucket(bucketStates) == nil {
			if err := buildStateIndex(tx); err != nil {
				return fmt.Errorf("index orders by state: %w", err)
			}
		}
		if tx.Bucket(bucketOrders) != nil && tx.Bucket(bucketCartOrders) == nil {
			if err := buildCartIndex(tx); err != nil {
				return fmt.Errorf("index orders by cart: %w", err)
			}
		}
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		return standingBuckets(tx) // standing.go
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	c := &core{db: db, opts: opts, path: path}
	st := &Store{core: c, Orders: &Orders{c}, Carts: &Carts{c}, GiftCards: &GiftCards{c},
		Standing: &Standing{c}, Loyalty: &Loyalty{c}, Stock: &Stock{c}}
	c.store = st
	b := kv.Base{DB: db, Write: st.write, Now: opts.Now, BadRecord: st.badRecord}
	st.Reviews, st.Polls, st.Sessions = side.NewReviews(b), side.NewPolls(b), side.NewSessions(b)
	st.Subscriptions, st.MailQueue = side.NewSubscriptions(b), side.NewMailQueue(b)
	st.Codes = side.NewCodes(b)
	if opts.CartFlush == 0 {
		opts.CartFlush = DefaultCartFlush
	}
	if opts.CartFlush > 0 {
		st.carts = newCartBuf(opts.CartFlush)
		go st.runCartFlusher()
	}
	if opts.ReleaseMapped == 0 {
		opts.ReleaseMapped = DefaultReleaseMapped
	}
	if opts.ReleaseMapped > 0 {
		c.release = &releaser{every: opts.ReleaseMapped, stop: make(chan struct{}), done: make(chan struct{})}
		go c.runReleaser(c.release)
	}
	return st, nil
}

// The checks of the file, which run on a path before it is opened, are
// package filecheck's.
var (
	BoltOptions  = filecheck.BoltOptions
	CheckFile    = filecheck.CheckFile
	ErrTruncated = filecheck.ErrTruncated
	ErrCorrupt   = filecheck.ErrCorrupt
)

// DefaultCheckMaxSize is filecheck.DefaultCheckMaxSize.
const DefaultCheckMaxSize = filecheck.DefaultCheckMaxSize

type (
	// CheckOptions tune CheckFile (filecheck.CheckOptions).
	CheckOptions = filecheck.CheckOptions
	// CheckResult says what CheckFile did (filecheck.CheckResult).
	CheckResult = filecheck.CheckResult
)

// Close writes the buffered carts and closes the file.
func (s *Store) Close() error {
	if s.carts != nil {
		stopLoop(s.carts.stop, s.carts.done)
	}
	if s.release != nil {
		stopLoop(s.release.stop, s.release.done)
	}
	return s.db.Close()
}

// stopLoop tells a background loop to stop (once, however often Close is
// called) and waits until it has.
func stopLoop(stop, done chan struct{}) {
	select {
	case <-stop:
	default:
		close(stop)
	}
	<-done
}

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// DB is the open file, for the built-in payment provider, whose payments
// live in buckets of their own here so that creating one and attaching it
// to its order share one commit (Orders.CreateAndAttach). Nothing else
// writes to it outside the store.
func (s *Store) DB() *bolt.DB { return s.db }

// Backup writes a consistent copy of the whole database to w while others
// keep reading and writing. The copy is a valid BoltDB file.
//
// The copy is first written to a temporary file next to the database,
// inside one read transaction, at disk speed; the transaction ends before
// w sees a byte. bbolt cannot grow its memory map while a read transaction
// is open, so streaming straight to a slow or stalled client would hold up
// every write (cart, checkout, webhook) for as long as the client dawdles.
func (s *Store) Backup(w io.Writer) (int64, error) {
	f, err := s.snapshot()
	if err != nil {
		return 0, fmt.Errorf("backup %s: %w", s.path, err)
	}
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()
	n, err := io.Copy(w, f)
	if err != nil {
		return n, fmt.Errorf("backup %s: send copy: %w", s.path, err)
	}
	return n, nil
}

// snapshot copies the database to a temporary file in its directory and
// returns it opened at its start.
func (s *core) snapshot() (*os.File, error) {
	if err := s.store.Carts.FlushCarts(); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(s.path), "."+filepath.Base(s.path)+".backup-*")
	if err != nil {
		return nil, fmt.Errorf("temporary copy: %w", err)
	}
	fail := func(err error) (*os.File, error) {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		_, err := tx.WriteTo(f)
		return err
	})
	if err != nil {
		return fail(fmt.Errorf("copy to %s: %w", f.Name(), err))
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(fmt.Errorf("rewind %s: %w", f.Name(), err))
	}
	return f, nil
}

// BackupSize is the size Backup will write (for Content-Length).
func (s *Store) BackupSize() (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error { n = tx.Size(); return nil })
	return n, err
}

// write runs fn in a read-write transaction. With BatchDelay positive, a
// writer that finds others in flight joins a db.Batch (one commit and fsync
// for all of them), while a lone writer commits at once with db.Update and
// does not wait out the batch delay. fn may run more than once under Batch,
// so it must reset whatever it reports to its caller at its start.
func (s *core) write(fn func(*bolt.Tx) error) error {
	if s.opts.BatchDelay <= 0 {
		return s.db.Update(fn)
	}
	defer s.writers.Add(-1)
	if s.writers.Add(1) == 1 {
		return s.db.Update(fn)
	}
	return s.db.Batch(fn)
}

// The record helpers are package kv's, shared with package side.
var (
	deleteWhere = kv.DeleteWhere
	getJSON     = kv.GetJSON
	putJSON     = kv.PutJSON
	bucket      = kv.Bucket
)
