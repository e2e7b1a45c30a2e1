package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/catalog/source"
	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/metrics"
	"github.com/storefront/storefront/checkout/mollie"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/payment/local"
	"github.com/storefront/storefront/checkout/server/retention"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/standing"
	"github.com/storefront/storefront/checkout/store"
	"github.com/storefront/storefront/checkout/usecase"
)

// parts are what Open wires together; kept apart from Sidecar's HTTP bits.
type parts struct {
	store    *store.Store
	provider payment.Provider
	local    *local.Local // when the built-in provider is in use
	sender   mail.Sender
	outbox   string // directory when e-mails go to the outbox
	from     string // sender address of e-mails

	bg       context.Context // canceled by Close
	mailKick chan struct{}
	sendMu   sync.Mutex
	unsub    func()

	reconcileAfter time.Duration // tests shorten these
	reconcileMax   int           // provider calls per reconciler pass (0: defaultReconcileMax)
	checks         rechecks      // the reconciler's schedule per payment (recheck.go)

	orderLocks web.KeyLocks // refund work, one order at a time (refunds.go)

	metrics *metrics.Metrics // health.go, checkout/metrics
	alerts  *usecase.Alerts  // alerts.go, checkout/usecase/alerts.go
	abuse   abuseState       // limits on what strangers can do (abuse.go)
	budget  *budgetProvider  // the provider call budget, or nil (providerbudget.go)

	ship     carrierState      // labels, tracking, pick-up points (carrier.go)
	standing *standing.Service // standing orders, coffee on subscription (standing.go)
}

// open opens the catalog, the shell, the store, the provider and the mailer,
// and starts the background workers.
func (s *Sidecar) open(ctx context.Context) error {
	s.bg = ctx
	s.search = &retention.Search{Web: s.Web} // before the catalog: each load of it reloads the index
	s.mailKick = make(chan struct{}, 1)
	s.reconcileAfter = defaultReconcileAfter
	s.alerts = usecase.NewAlerts(s.Log, s.Now, s.opts.AlertEmail, s.opts.BackupEvery, s.kickMail)
	s.alertHooks = &alertHooks{Web: s.Web, alerts: s.alerts, send: s.sendMail}
	s.metrics = metrics.New(func() metrics.State { return s.health.MetricsState() }) // owner.Health, read at every scrape
	s.abuse = newAbuseState(s)

	src, err := source.Open(ctx, s.opts.Catalog, source.Options{Logger: s.Log, OnRefused: func(err error) {
		s.alerts.Raise(alertCatalog, err.Error())
	}})
	if err != nil {
		return fmt.Errorf("checkout: %w", err)
	}
	s.Catalog = src
	s.loadShells(ctx)
	s.unsub = src.Subscribe(func(*catalog.Catalog) { s.loadShells(s.bg) }) // Close cancels a fetch in flight

	if dir := filepath.Dir(s.opts.DataFile); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return s.openFailed(fmt.Errorf("data directory %s: %w", dir, err))
		}
	}
	st, err := store.Open(s.opts.DataFile, store.Options{
		Catalog: src.Current, Now: s.Now, Logger: s.Log, OrderPrefix: s.opts.OrderPrefix,
		CheckMaxSize: s.opts.CheckMaxSize, OnBadRecord: s.alertHooks.onBadRecord,
	})
	if err != nil {
		return s.openFailed(fmt.Errorf("checkout: %w", err))
	}
	s.store = st
	s.OrderOf = st.Orders.OrderByToken
	s.openUseCases()
	s.alerts.Attach(st)

	if err := s.openProvider(); err != nil {
		return s.openFailed(err)
	}
	s.provider = watchedProvider{Provider: s.provider, s: s} // metrics, readiness, alerts (health.go)
	// The budget wraps the watched provider, so a call it holds back is
	// not counted as the provider failing.
	// One budget for every call to Mollie (providerbudget.go); the built-in
	// provider is this process's own file and has no rate limits to spare.
	if rate := s.opts.ProviderCallsPerSecond; rate >= 0 && s.local == nil {
		if rate == 0 {
			rate = defaultProviderCallsPerSecond
		}
		s.budget = newBudgetProvider(s.provider, rate, s.Now)
		s.provider = s.budget
	}
	if err := s.openMail(); err != nil {
		return s.openFailed(err)
	}
	if err := s.openCarrier(); err != nil { // carrier.go
		return s.openFailed(fmt.Errorf("carrier: %w", err))
	}
	if s.opts.PublicDir != "" {
		if fi, err := os.Stat(s.opts.PublicDir); err != nil || !fi.IsDir() {
			return s.openFailed(fmt.Errorf("public directory %s: not a directory", s.opts.PublicDir))
		}
		s.static = newStaticSite(s.opts.PublicDir)
	}

	s.openShop()      // the customer's shop handlers (shop.go)
	s.openOwnerHTTP() // the owner's resources (ownerhttp.go)
	if s.opts.tune != nil {
		s.opts.tune(s)
	}
	s.startWorkers(ctx) // mail queue, reconciler, watchdog, reviews, promises, standing orders
	s.startCarrierCheck(ctx)
	return nil
}

func (s *Sidecar) openFailed(err error) error {
	_ = s.close()
	return err
}

func (s *Sidecar) openProvider() error {
	if s.opts.MollieKey != "" {
		opts := []mollie.Option{mollie.WithLogger(s.Log)}
		if s.opts.MollieBaseURL != "" {
			opts = append(opts, mollie.WithBaseURL(s.opts.MollieBaseURL))
		}
		c, err := mollie.NewClient(nil, s.opts.MollieKey, opts...)
		if err != nil {
			return fmt.Errorf("mollie: %w", err)
		}
		s.provider = mollie.NewProvider(c)
		return nil
	}
	// The built-in provider plays the payment service. Its payments live in
	// buckets of their own in the order database, so that creating one and
	// attaching it to its order are one durable commit (issue 17); an
	// earlier version's file of its own is checked as the order database
	// is, and its payments moved in once.
	old := strings.TrimSuffix(s.opts.DataFile, ".db") + "-localpay.db"
	if _, err := os.Stat(old); err == nil {
		if _, err := store.CheckFile(old, store.CheckOptions{MaxSize: s.opts.CheckMaxSize}); err != nil {
			return fmt.Errorf("local payments: %w", err) // the same checks as the order database
		}
		n, err := local.Import(s.store.DB(), old)
		if err != nil {
			return err
		}
		s.Log.Info("the built-in provider's payments moved into the order database", "from", old, "records", n, "renamed", old+local.ImportedSuffix)
	}
	db := s.store.DB()
	lp, err := local.NewLocal(db, local.LocalOptions{
		BaseURL: s.Base.String(),
		// The shell For the request: its language switch stays on the
		// payment page, as on the sidecar's own pages.
		Page: func(r *http.Request, lang, title, body string) []byte {
			return s.Shells.Get(lang).For(r).Render(title, web.HTMLSafe(body))
		},
		OnStatusChange: func(id string) {
			ctx, cancel := context.WithTimeout(s.bg, 30*time.Second)
			defer cancel()
			if err := s.payments.SyncPayment(web.WithBudgetWait(ctx, 0), id, "webhook"); err != nil {
				s.Log.Warn("local payment status change", "payment", id, "err", err)
			}
		},
		Now:    s.Now,
		Logger: s.Log,
	})
	if err != nil {
		return err
	}
	s.local, s.provider = lp, lp
	return nil
}

func (s *Sidecar) openMail() error {
	cat := s.Catalog.Current()
	// From net/mail.Address, never by formatting: a shop name with a quote
	// or a comma broke every e-mail's From header.
	s.from = (&netmail.Address{Name: mail.CleanName(cat.Shop.Name), Address: cat.Shop.Email}).String()
	if cat.Shop.Email == "" {
		s.from = "shop@localhost"
	}
	switch {
	case s.opts.OutboxDir != "":
		s.outbox = s.opts.OutboxDir
		s.sender = mail.Outbox{Dir: s.opts.OutboxDir, From: s.from}
	case s.opts.SMTP.Enabled():
		sm, err := mail.NewSMTP(s.opts.SMTP)
		if err != nil {
			return fmt.Errorf("mail: %w", err)
		}
		s.from = s.opts.SMTP.From
		s.sender = sm
	default:
		// No mail settings (shop serve without an outbox): keep the demo
		// working with an outbox next to the database.
		s.outbox = filepath.Join(filepath.Dir(s.opts.DataFile), "outbox")
		s.Log.Warn("no mail settings: e-mails are written to the outbox", "dir", s.outbox)
		s.sender = mail.Outbox{Dir: s.outbox, From: s.from}
	}
	return nil
}

// loadShells reads the theme's shell pages next to the catalog.
func (s *Sidecar) loadShells(ctx context.Context) {
	for _, err := range s.Shells.Load(ctx, s.Catalog.ReadSibling) {
		s.Log.Warn("shell page: using the built-in page where it is missing", "err", err)
	}
	for _, err := range s.Shells.LoadTheme(ctx, s.Catalog.ReadSibling) {
		s.Log.Warn("theme's sidecar bundle: using the embedded words and templates", "err", err)
	}
	s.search.Load(ctx)
}

// close closes what open opened, in reverse order.
func (s *Sidecar) close() error {
	var errs []error
	if s.unsub != nil {
		s.unsub()
	}
	if s.local != nil {
		errs = append(errs, s.local.Close())
	}
	if s.store != nil {
		errs = append(errs, s.store.Close())
	}
	if s.Catalog != nil {
		errs = append(errs, s.Catalog.Close())
	}
	return errors.Join(errs...)
}
