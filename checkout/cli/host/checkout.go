// Package cli holds the sidecar's commands of the shop binary: checkout (run
// the sidecar), orders (the owner's order desk) and backup. orders and backup
// talk to a running sidecar's admin API; only the sidecar opens the database.
package host

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/server"
)

// Checkout runs the checkout sidecar until SIGINT or SIGTERM (`shop checkout`).
func Checkout(args []string) error {
	fs := flag.NewFlagSet("checkout", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: shop checkout [flags]

Runs the checkout sidecar: cart, checkout, payments, orders, e-mail.
Every flag has an environment variable; secrets (Mollie key, admin token,
SMTP password) are read from the environment only.

Environment:
  SHOP_LISTEN          address to listen on (default :8080)
  SHOP_CATALOG         path or URL of the site's catalog.json (required)
  SHOP_DATA            order database file (required)
  SHOP_BASE_URL        the shop's public address, e.g. https://winkel.example.nl/ (required)
  MOLLIE_API_KEY       test_... or live_...; empty: the built-in test provider
  SHOP_ADMIN_TOKEN     bearer token of the admin API, at least 32 characters (required)
  SHOP_OUTBOX          write e-mails as .eml files to this directory instead of sending
  SHOP_SMTP_HOST, SHOP_SMTP_PORT, SHOP_SMTP_USER, SHOP_SMTP_PASSWORD,
  SHOP_SMTP_FROM, SHOP_SMTP_TLS (starttls|tls|none)
  SHOP_TEST_PAYMENTS=1 allow the built-in test provider on a public base URL
  SHOP_RECONCILE_EVERY how often to ask the provider about open payments (default 1m)
  SHOP_PUBLIC          also serve the static site from this directory
  SHOP_CODES_FILE      data/codes.toml of the site: discount codes that live in git
                       (read again when it changes; docs/codes.md)
  SHOP_TRUSTED_PROXIES addresses or networks of the proxies in front (the CDN), e.g.
                       "10.0.0.0/8, 192.0.2.7"; only their forwarding headers name the
                       client for rate limits (default: none, the connection's address)
  SHOP_RATE_LIMIT      checkouts per minute per client (default 30), or "off" (load tests)
  SHOP_SENDCLOUD_PUBLIC_KEY, SHOP_SENDCLOUD_SECRET_KEY
                       Sendcloud API keys: labels, tracking and pick-up points
                       (docs/carriers.md); empty: the manual carrier (type tracking codes)
  SHOP_SENDCLOUD_WEBHOOK_SECRET
                       key of the Sendcloud-Signature on webhooks (default: the secret key)
  SHOP_METRICS_ADDR    serve Prometheus metrics on this address too, e.g. 127.0.0.1:9101
                       (they are always at /api/admin/metrics behind the admin token)
  SHOP_ALERT_EMAIL     the owner's address for alerts (at most one e-mail per kind per hour)
  SHOP_BACKUP_EVERY    how often a backup is expected, e.g. 24h; alert when none ran
  SHOP_CHECK_MAX_SIZE  skip the page-by-page check at start for larger files, e.g. 4GB
                       (default 1GB; "always" checks every file)

  shop checkout --check FILE   checks a database file or a backup offline and exits
  SHOP_PROVIDER_CALLS  Mollie calls per second over webhook, order pages and
                       reconciler together (default 5, bursts of twice that), or "off"

Flags:
`)
		fs.PrintDefaults()
	}
	listen := fs.String("listen", env("SHOP_LISTEN", ":8080"), "address to listen on")
	catalogPath := fs.String("catalog", os.Getenv("SHOP_CATALOG"), "path or URL of catalog.json")
	data := fs.String("data", os.Getenv("SHOP_DATA"), "order database file")
	baseURL := fs.String("base-url", os.Getenv("SHOP_BASE_URL"), "public base URL of the shop")
	outbox := fs.String("outbox", os.Getenv("SHOP_OUTBOX"), "write e-mails to this directory instead of SMTP")
	public := fs.String("public", os.Getenv("SHOP_PUBLIC"), "also serve the static site from this directory")
	reconcile := fs.Duration("reconcile-every", 0, "reconciler interval (default 1m, or SHOP_RECONCILE_EVERY)")
	logJSON := fs.Bool("log-json", os.Getenv("SHOP_LOG_JSON") != "", "log as JSON lines")
	checkFile := fs.String("check", "", "check this database file or backup offline, say what was found, and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *checkFile != "" {
		return CheckFile(os.Stdout, *checkFile)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("shop checkout takes no arguments, got %q (see shop checkout -h)", fs.Args())
	}

	var errs []error
	every := *reconcile
	if every == 0 {
		if v := os.Getenv("SHOP_RECONCILE_EVERY"); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				errs = append(errs, fmt.Errorf("SHOP_RECONCILE_EVERY=%q is not a duration like 1m or 30s", v))
			}
			every = d
		}
	}
	smtp, err := smtpFromEnv()
	if err != nil {
		errs = append(errs, err)
	}
	proxies, err := server.ParseTrustedProxies(os.Getenv("SHOP_TRUSTED_PROXIES"))
	if err != nil {
		errs = append(errs, err)
	}
	rateLimit, err := rateLimitFromEnv(os.Getenv("SHOP_RATE_LIMIT"))
	if err != nil {
		errs = append(errs, err)
	}
	ops, err := opsFromEnv() // ops.go
	if err != nil {
		errs = append(errs, err)
	}
	providerCalls, err := providerCallsFromEnv(os.Getenv("SHOP_PROVIDER_CALLS"))
	if err != nil {
		errs = append(errs, err)
	}
	opts := server.Options{
		Catalog: *catalogPath, DataFile: *data, BaseURL: *baseURL,
		MollieKey: os.Getenv("MOLLIE_API_KEY"), MollieBaseURL: os.Getenv("MOLLIE_BASE_URL"),
		AdminToken: os.Getenv("SHOP_ADMIN_TOKEN"), OutboxDir: *outbox, SMTP: smtp,
		PublicDir: *public, ReconcileEvery: every, CodesFile: os.Getenv("SHOP_CODES_FILE"), TrustedProxies: proxies, RateLimit: rateLimit,
		SendcloudPublicKey: os.Getenv("SHOP_SENDCLOUD_PUBLIC_KEY"), SendcloudSecretKey: os.Getenv("SHOP_SENDCLOUD_SECRET_KEY"),
		SendcloudWebhookSecret: os.Getenv("SHOP_SENDCLOUD_WEBHOOK_SECRET"), SendcloudBaseURL: os.Getenv("SHOP_SENDCLOUD_BASE_URL"),
		AlertEmail: ops.alertEmail, BackupEvery: ops.backupEvery, CheckMaxSize: ops.checkMaxSize,
		ProviderCallsPerSecond: providerCalls,
	}
	if opts.AdminToken == "" {
		errs = append(errs, fmt.Errorf("SHOP_ADMIN_TOKEN is not set: the shop owner needs it to pack and ship orders; make one with `openssl rand -hex 32`"))
	}
	if opts.MollieKey == "" && os.Getenv("SHOP_TEST_PAYMENTS") != "1" && !localBase(opts.BaseURL) {
		errs = append(errs, fmt.Errorf("MOLLIE_API_KEY is not set, so the built-in test payment page would take the orders of %s: anyone could mark an order paid. Set MOLLIE_API_KEY, or SHOP_TEST_PAYMENTS=1 for a test shop", opts.BaseURL))
	}
	if opts.OutboxDir == "" && !opts.SMTP.Enabled() {
		errs = append(errs, fmt.Errorf("no way to send e-mail: set SHOP_SMTP_HOST and SHOP_SMTP_FROM (and SHOP_SMTP_USER, SHOP_SMTP_PASSWORD), or SHOP_OUTBOX to write .eml files"))
	}
	if _, _, err := net.SplitHostPort(*listen); err != nil {
		errs = append(errs, fmt.Errorf("listen address %q is not host:port, e.g. :8080 or 127.0.0.1:8080 (SHOP_LISTEN)", *listen))
	}
	if err := opts.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("shop checkout cannot start:\n%w", errors.Join(errs...))
	}

	var h slog.Handler = slog.NewTextHandler(os.Stderr, nil)
	if *logJSON {
		h = slog.NewJSONHandler(os.Stderr, nil)
	}
	log := slog.New(h)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sc, err := server.Open(ctx, opts, log)
	if err != nil {
		return err
	}
	defer sc.Close()

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *listen, err)
	}
	srv := &http.Server{
		Handler:           sc.Handler(),
		ReadHeaderTimeout: server.ReadHeaderTimeout,
		ReadTimeout:       server.ReadTimeout,
		WriteTimeout:      server.WriteTimeout,
		IdleTimeout:       server.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(h, slog.LevelWarn),
	}
	provider := "local (built-in test provider)"
	if opts.MollieKey != "" {
		provider = "mollie " + opts.MollieKey[:5] + "..."
	}
	log.Info("checkout sidecar listening", "addr", ln.Addr().String(), "base_url", opts.BaseURL, "provider", provider)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if ops.metricsAddr != "" {
		stopMetrics, err := serveMetrics(ops.metricsAddr, sc.MetricsHandler(), served) // ops.go
		if err != nil {
			return err
		}
		defer stopMetrics()
		log.Info("metrics listening", "addr", ops.metricsAddr)
	}

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("shutdown", "err", err)
	}
	if err := sc.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	log.Info("stopped")
	return nil
}

// localBase reports whether the base URL points at this machine.
func localBase(base string) bool {
	u, err := url.Parse(base)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return h == "localhost" || strings.HasSuffix(h, ".localhost") || strings.HasPrefix(h, "127.") || h == "::1"
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func smtpFromEnv() (mail.SMTPConfig, error) {
	c := mail.SMTPConfig{
		Host:     os.Getenv("SHOP_SMTP_HOST"),
		Username: os.Getenv("SHOP_SMTP_USER"),
		Password: os.Getenv("SHOP_SMTP_PASSWORD"),
		From:     os.Getenv("SHOP_SMTP_FROM"),
		TLS:      os.Getenv("SHOP_SMTP_TLS"),
	}
	if p := os.Getenv("SHOP_SMTP_PORT"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return c, fmt.Errorf("SHOP_SMTP_PORT=%q is not a number", p)
		}
		c.Port = n
	}
	return c, nil
}

// providerCallsFromEnv reads SHOP_PROVIDER_CALLS: provider calls per
// second, "off" for no budget, empty for the default.
func providerCallsFromEnv(v string) (float64, error) {
	switch v = strings.TrimSpace(strings.ToLower(v)); v {
	case "":
		return 0, nil
	case "off":
		return -1, nil
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n <= 0 || n > 1000 {
		return 0, fmt.Errorf("SHOP_PROVIDER_CALLS=%q is not a number of provider calls per second like 5, or off", v)
	}
	return n, nil
}

// rateLimitFromEnv reads SHOP_RATE_LIMIT: checkouts per minute per client,
// "off" for none (load tests), empty for the default.
func rateLimitFromEnv(v string) (int, error) {
	switch v = strings.TrimSpace(strings.ToLower(v)); v {
	case "":
		return 0, nil
	case "off":
		return -1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("SHOP_RATE_LIMIT=%q is not a number of checkouts per minute like 30, or off", v)
	}
	return n, nil
}
