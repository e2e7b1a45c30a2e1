package server

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/store"
)

// Options configure the sidecar. cmd/shop and the cli package fill them from
// flags and environment; Validate says what is wrong before anything opens.
type Options struct {
	Catalog        string // path or http(s) URL of catalog.json; the shell is loaded from the same place
	DataFile       string // BoltDB file
	BaseURL        string // public base URL, e.g. http://localhost:1313/
	MollieKey      string // empty: the built-in local provider
	MollieBaseURL  string // for tests against molliefake; empty: https://api.mollie.com/v2/
	AdminToken     string // empty: admin API off
	OutboxDir      string // when set, e-mails are written as .eml files there (demo); else SMTP
	SMTP           mail.SMTPConfig
	PublicDir      string // optional: also serve the static site from this dir
	Dev            bool   // shop serve: shows /outbox/
	ReconcileEvery time.Duration
	CodesFile      string // data/codes.toml: discount codes that live in git (codes.go); empty: none

	// Sendcloud (docs/carriers.md): both keys, or neither for the built-in
	// manual carrier. The webhook secret defaults to the secret key.
	SendcloudPublicKey     string        // SHOP_SENDCLOUD_PUBLIC_KEY
	SendcloudSecretKey     string        // SHOP_SENDCLOUD_SECRET_KEY
	SendcloudWebhookSecret string        // SHOP_SENDCLOUD_WEBHOOK_SECRET
	SendcloudBaseURL       string        // tests against sendcloudfake; empty: Sendcloud's v3 API
	CarrierCheckEvery      time.Duration // how often shipped parcels are checked; 0: 30 minutes, negative: never

	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
	// OrderPrefix starts order numbers (default "SF").
	OrderPrefix string
	// RateLimit is checkout requests per minute per client; 0 means 30; negative turns the limit off (benchmarks).
	RateLimit int
	// TrustedProxies are the addresses of the proxies in front of the
	// sidecar (the CDN). Only requests coming from them have their
	// forwarding headers (X-Nf-Client-Connection-Ip, X-Forwarded-For)
	// believed for telling clients apart; empty means the connection's own
	// address counts (SHOP_TRUSTED_PROXIES).
	TrustedProxies []netip.Prefix
	// OnMailGivenUp, when set, is called (from the mail worker) once for
	// each e-mail given up after store.MailMaxAttempts: the owner's alert
	// hooks in here (mailfail.go). The store keeps the record either way.
	OnMailGivenUp func(store.Mail)
	// CheckMaxSize: at start the database files are checked page by page
	// (bbolt's consistency check) up to this size; 0 means 1 GiB, negative
	// always (SHOP_CHECK_MAX_SIZE).
	CheckMaxSize int64
	// AlertEmail gets the owner's alerts (alerts.go); empty: the admin
	// page and the log only (SHOP_ALERT_EMAIL).
	AlertEmail string
	// BackupEvery is how often a backup is expected (`shop backup` from a
	// timer); when none succeeded for this long plus an hour, an alert is
	// raised. 0: not watched (SHOP_BACKUP_EVERY).
	BackupEvery time.Duration
	// ProviderCallsPerSecond is the budget of Mollie calls over
	// webhook, order pages and reconciler together; 0 means 5, negative
	// turns the budget off (SHOP_PROVIDER_CALLS).
	ProviderCallsPerSecond float64

	// tune lets tests in this package adjust internals before workers start.
	tune func(*Sidecar)
}

// MinAdminTokenLen is the shortest admin token the sidecar accepts.
const MinAdminTokenLen = 32

// Validate reports every problem with the options at once, each with what to fix.
func (o Options) Validate() error {
	var errs []error
	if o.Catalog == "" {
		errs = append(errs, errors.New("catalog is not set: give the path or URL of the site's catalog.json (SHOP_CATALOG)"))
	}
	if o.DataFile == "" {
		errs = append(errs, errors.New("data file is not set: give a path for the order database, e.g. /var/lib/shop/shop.db (SHOP_DATA)"))
	}
	base, err := parseBaseURL(o.BaseURL)
	if err != nil {
		errs = append(errs, err)
	}
	if o.MollieKey != "" {
		switch {
		case strings.HasPrefix(o.MollieKey, "live_"):
			if base != nil && base.Scheme != "https" {
				errs = append(errs, fmt.Errorf("a live Mollie key needs an https base URL, not %s (SHOP_BASE_URL)", o.BaseURL))
			}
			if base != nil && web.IsLocalHost(base.Hostname()) {
				errs = append(errs, fmt.Errorf("a live Mollie key cannot be used with a local base URL %s: Mollie must reach the webhook (SHOP_BASE_URL)", o.BaseURL))
			}
		case strings.HasPrefix(o.MollieKey, "test_"):
		default:
			errs = append(errs, errors.New("the Mollie API key must start with test_ or live_ (MOLLIE_API_KEY); leave it empty for the built-in test provider"))
		}
	}
	if o.MollieBaseURL != "" {
		if u, err := url.Parse(o.MollieBaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("the Mollie base URL %q is not an http(s) URL", o.MollieBaseURL))
		}
	}
	if o.AdminToken != "" && len(o.AdminToken) < MinAdminTokenLen {
		errs = append(errs, fmt.Errorf("the admin token is %d characters; use at least %d random characters, e.g. from `openssl rand -hex 32` (SHOP_ADMIN_TOKEN)", len(o.AdminToken), MinAdminTokenLen))
	}
	if o.OutboxDir == "" && o.SMTP.Enabled() {
		if err := o.SMTP.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if (o.SendcloudPublicKey == "") != (o.SendcloudSecretKey == "") {
		errs = append(errs, errors.New("the Sendcloud connection needs both keys: set SHOP_SENDCLOUD_PUBLIC_KEY and SHOP_SENDCLOUD_SECRET_KEY (Sendcloud: Settings → Integrations → Sendcloud API), or neither for the manual carrier"))
	}
	for _, k := range []struct{ v, env string }{{o.SendcloudPublicKey, "SHOP_SENDCLOUD_PUBLIC_KEY"}, {o.SendcloudSecretKey, "SHOP_SENDCLOUD_SECRET_KEY"}, {o.SendcloudWebhookSecret, "SHOP_SENDCLOUD_WEBHOOK_SECRET"}} {
		if k.v != "" && (len(k.v) < 8 || strings.ContainsAny(k.v, " \t\r\n")) {
			errs = append(errs, fmt.Errorf("%s looks wrong: paste the key from Sendcloud without spaces", k.env))
		}
	}
	if o.SendcloudWebhookSecret != "" && o.SendcloudPublicKey == "" {
		errs = append(errs, errors.New("SHOP_SENDCLOUD_WEBHOOK_SECRET is set without the Sendcloud keys"))
	}
	if o.SendcloudBaseURL != "" {
		if u, err := url.Parse(o.SendcloudBaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("the Sendcloud base URL %q is not an http(s) URL", o.SendcloudBaseURL))
		}
	}
	if o.ReconcileEvery < 0 {
		errs = append(errs, fmt.Errorf("reconcile interval %s is negative", o.ReconcileEvery))
	}
	return errors.Join(errs...)
}

// parseBaseURL checks the public base URL and returns it with a trailing slash.
func parseBaseURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, errors.New("base URL is not set: give the shop's public address, e.g. https://winkel.example.nl/ (SHOP_BASE_URL)")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("base URL %q is not a URL: %v (SHOP_BASE_URL)", s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("base URL %q needs a scheme: write https://%s (SHOP_BASE_URL)", s, strings.TrimPrefix(s, "//"))
	}
	if u.Host == "" {
		return nil, fmt.Errorf("base URL %q has no host name (SHOP_BASE_URL)", s)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q must not have a query or fragment (SHOP_BASE_URL)", s)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, nil
}

// ParseTrustedProxies reads a list of proxy addresses or networks (CIDR),
// separated by commas or spaces: "10.0.0.0/8, 192.0.2.7, ::1".
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	var bad []string
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
		} else if a, err := netip.ParseAddr(f); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		} else {
			bad = append(bad, f)
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("trusted proxies: %q is not an address or network like 192.0.2.7 or 10.0.0.0/8 (SHOP_TRUSTED_PROXIES)", strings.Join(bad, ", "))
	}
	return out, nil
}
