// Package mollie is a thin client of Mollie's v2 REST API (payments and
// refunds), with names close to the community client
// (github.com/VictorAvelar/mollie-api-go) so that one can replace the other,
// and a per-call idempotency key as in Mollie's official SDK.
//
// The client retries where it is safe: GET requests, and POST requests that
// carry an idempotency key (the same key on every attempt), on 429, 502, 503,
// 504 and connection errors (and 409 "still processing" for keyed POSTs),
// with exponential backoff, jitter and Retry-After. DELETE (cancel) is not
// retried.
// A refund POST is never retried after a timeout or an answer that may mean
// it was performed; such calls return an error wrapping ErrUncertain, and the
// caller must list the payment's refunds before trying again.
package mollie

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultBaseURL is Mollie's v2 API root. It ends in a slash: request paths
// are resolved relative to it ("payments", "payments/tr_x/refunds").
const DefaultBaseURL = "https://api.mollie.com/v2/"

// DefaultTimeout bounds one HTTP attempt (not the whole call with retries).
const DefaultTimeout = 10 * time.Second

// maxBody bounds how much of a response body is read.
const maxBody = 4 << 20

// Client talks to Mollie's v2 API with one API key.
type Client struct {
	// BaseURL is the API root, ending in "/". Tests point it at molliefake.
	BaseURL *url.URL

	// Payments and Refunds group the calls, as in the community client.
	Payments  *PaymentsService
	Refunds   *RefundsService
	Customers *CustomersService
	Mandates  *MandatesService

	http      *http.Client
	apiKey    string
	timeout   time.Duration
	retry     RetryPolicy
	userAgent string
	log       *slog.Logger
	sleep     func(ctx context.Context, d time.Duration) error // replaced in tests
}

// RetryPolicy says how often and how patiently a retryable call is retried.
type RetryPolicy struct {
	MaxAttempts int           // attempts in total, including the first; 1 disables retries
	BaseDelay   time.Duration // delay before the first retry; doubles each time (with full jitter)
	MaxDelay    time.Duration // cap of one computed backoff delay
	MaxWait     time.Duration // a Retry-After longer than this ends the retries
}

// DefaultRetryPolicy: 4 attempts, 250 ms doubling up to 4 s, Retry-After up to 30 s.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 4, BaseDelay: 250 * time.Millisecond, MaxDelay: 4 * time.Second, MaxWait: 30 * time.Second}

// Option configures a Client.
type Option func(*Client) error

// WithBaseURL points the client at another API root (molliefake in tests).
// A missing trailing slash is added.
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		if !strings.HasSuffix(raw, "/") {
			raw += "/"
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("mollie base URL %q: must be an absolute http(s) URL", raw)
		}
		c.BaseURL = u
		return nil
	}
}

// WithTimeout bounds each HTTP attempt (default 10 s).
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return fmt.Errorf("mollie timeout %v: must be positive", d)
		}
		c.timeout = d
		return nil
	}
}

// WithRetryPolicy replaces DefaultRetryPolicy.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) error {
		if p.MaxAttempts < 1 {
			p.MaxAttempts = 1
		}
		c.retry = p
		return nil
	}
}

// WithLogger sets the logger for retries (default slog.Default()). The API
// key is never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		if l != nil {
			c.log = l
		}
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error { c.userAgent = ua; return nil }
}

// NewClient returns a client that sends apiKey as a Bearer token. A nil
// httpClient gets a fresh http.Client; either way every attempt is bounded by
// the timeout (default 10 s, WithTimeout).
func NewClient(httpClient *http.Client, apiKey string, opts ...Option) (*Client, error) {
	if httpClient == nil {
		httpClient = &http.Client{}
	}
	if err := CheckAPIKey(apiKey); err != nil {
		return nil, err
	}
	base, _ := url.Parse(DefaultBaseURL)
	c := &Client{
		BaseURL:   base,
		http:      httpClient,
		apiKey:    apiKey,
		timeout:   DefaultTimeout,
		retry:     DefaultRetryPolicy,
		userAgent: "storefront-checkout",
		log:       slog.Default(),
		sleep:     sleepCtx,
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	c.Payments = &PaymentsService{c: c}
	c.Refunds = &RefundsService{c: c}
	c.Customers = &CustomersService{c: c}
	c.Mandates = &MandatesService{c: c}
	return c, nil
}

// IsLiveKey reports whether key is a live API key ("live_..."). Use it in
// configuration checks, e.g. to refuse a live key with an http base URL.
func IsLiveKey(key string) bool { return strings.HasPrefix(key, "live_") }

// IsTestKey reports whether key is a test API key ("test_...").
func IsTestKey(key string) bool { return strings.HasPrefix(key, "test_") }

// CheckAPIKey says what is wrong with an API key, or returns nil. Mollie's
// keys are "test_" or "live_" followed by letters and digits (at least 20);
// organisation access tokens ("access_...") are also accepted.
func CheckAPIKey(key string) error {
	var rest string
	switch {
	case strings.HasPrefix(key, "test_"), strings.HasPrefix(key, "live_"):
		rest = key[5:]
	case strings.HasPrefix(key, "access_"):
		rest = key[7:]
	case key == "":
		return errors.New("mollie API key is empty: set it to the test_... or live_... key from the Mollie dashboard (Developers > API keys)")
	default:
		return errors.New("mollie API key must start with test_ or live_ (copy it from the Mollie dashboard, Developers > API keys)")
	}
	if len(rest) < 20 {
		return errors.New("mollie API key is too short: copy the whole key from the Mollie dashboard")
	}
	for _, r := range rest {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return errors.New("mollie API key contains an unexpected character (a space or quote pasted with it?)")
		}
	}
	return nil
}

// ValidPaymentID reports whether id is "tr_" followed by letters and digits.
func ValidPaymentID(id string) bool { return validID(id, "tr_") }

// ValidRefundID reports whether id is "re_" followed by letters and digits.
func ValidRefundID(id string) bool { return validID(id, "re_") }

func validID(id, prefix string) bool {
	if len(id) <= len(prefix) || len(id) > 64 || !strings.HasPrefix(id, prefix) {
		return false
	}
	for i := len(prefix); i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// ErrInvalidID is returned before any request when a payment or refund id
// is not of Mollie's form.
var ErrInvalidID = errors.New("mollie: invalid id")

// ErrUncertain is wrapped by errors of calls that change money whose outcome
// is unknown (timeout or dropped connection after the request was sent).
// For a refund: list the payment's refunds before trying again.
var ErrUncertain = errors.New("mollie: outcome uncertain")

// call describes one API call.
type call struct {
	method   string
	path     string // relative to BaseURL, or an absolute URL from _links
	body     any
	idemKey  string
	isRefund bool // refund POSTs are never retried when they may have been performed
}

// do runs a call with retries and decodes a 2xx JSON answer into out
// (when out is not nil). Non-2xx answers become *BaseError.
func (c *Client) do(ctx context.Context, cl call, out any) error {
	u, err := c.resolve(cl.path)
	if err != nil {
		return err
	}
	var payload []byte
	if cl.body != nil {
		payload, err = json.Marshal(cl.body)
		if err != nil {
			return fmt.Errorf("mollie %s %s: encode request: %w", cl.method, u.Path, err)
		}
	}
	retryable := cl.method == http.MethodGet || (cl.method == http.MethodPost && cl.idemKey != "")
	attempts := c.retry.MaxAttempts
	if !retryable || attempts < 1 {
		attempts = 1
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("mollie %s %s: %w", cl.method, u.Path, err)
	}
	var lastErr error
	uncertain := false // the last failed POST may have been performed
	for attempt := 1; ; attempt++ {
		status, header, body, err := c.once(ctx, cl, u, payload)
		if ctxErr := ctx.Err(); err != nil && ctxErr != nil {
			// The caller gave up. A POST that may have gone out is uncertain.
			if cl.method == http.MethodPost && (attempt > 1 || !isDialError(err)) {
				return fmt.Errorf("mollie %s %s: %w: %w", cl.method, u.Path, ErrUncertain, ctxErr)
			}
			return fmt.Errorf("mollie %s %s: %w", cl.method, u.Path, ctxErr)
		}
		var wait time.Duration
		switch {
		case err != nil:
			lastErr = fmt.Errorf("mollie %s %s: %w", cl.method, u.Path, err)
			sent := !isDialError(err)
			uncertain = uncertain || (cl.method == http.MethodPost && sent)
			if cl.method == http.MethodPost && sent {
				if cl.isRefund || cl.idemKey == "" {
					return fmt.Errorf("mollie %s %s: %w: %w", cl.method, u.Path, ErrUncertain, err)
				}
			}
		case status >= 200 && status < 300:
			if out == nil {
				return nil
			}
			if len(bytes.TrimSpace(body)) == 0 {
				// Never hand back a zero resource as if it were the answer
				// (Mollie answers 202 without a body to a cancel of an
				// authorized payment).
				return &EmptyAnswerError{Status: status}
			}
			if err := json.Unmarshal(body, out); err != nil {
				return fmt.Errorf("mollie %s %s: decode %d answer: %w", cl.method, u.Path, status, err)
			}
			return nil
		default:
			berr := decodeError(status, header, body)
			lastErr = berr
			// 409: the first request with this key is still being
			// processed; asking again with the same key gets its answer.
			inProgress := status == http.StatusConflict && cl.idemKey != ""
			if !retryStatus(status) && !inProgress {
				return berr
			}
			// Mollie documents 429 and 503 as "not performed"; 502 and 504
			// leave a refund in doubt.
			notPerformed := status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
			if cl.method == http.MethodPost && !notPerformed {
				uncertain = true
			}
			if cl.isRefund && !inProgress && !notPerformed {
				return fmt.Errorf("%w: %w", ErrUncertain, berr)
			}
			if ra, ok := retryAfter(header.Get("Retry-After"), time.Now()); ok {
				if ra > c.retry.MaxWait {
					return c.final(berr, uncertain)
				}
				wait = ra
			}
		}
		if attempt >= attempts {
			return c.final(lastErr, uncertain)
		}
		if wait == 0 {
			wait = c.backoff(attempt)
		}
		c.log.Info("mollie call retried", "method", cl.method, "path", u.Path, "attempt", attempt, "wait", wait, "error", lastErr)
		if err := c.sleep(ctx, wait); err != nil {
			return fmt.Errorf("mollie %s %s: %w (last error: %v)", cl.method, u.Path, err, lastErr)
		}
	}
}

// final is the error of a call that gives up: it wraps ErrUncertain when an
// earlier attempt of a POST may have been performed (with an idempotency
// key, calling again with the same key is then safe).
func (c *Client) final(err error, uncertain bool) error {
	if uncertain {
		return fmt.Errorf("%w: %w", ErrUncertain, err)
	}
	return err
}

// once makes one HTTP attempt bounded by the client's timeout.
func (c *Client) once(ctx context.Context, cl call, u *url.URL, payload []byte) (int, http.Header, []byte, error) {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(actx, cl.method, u.String(), rd)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Accept", "application/hal+json, application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cl.idemKey != "" && cl.method == http.MethodPost {
		req.Header.Set("Idempotency-Key", cl.idemKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	// Read the body whatever Content-Length says (chunked errors have none).
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read %d answer: %w", resp.StatusCode, err)
	}
	return resp.StatusCode, resp.Header, body, nil
}

// resolve turns a relative path (or a _links href) into a URL under BaseURL.
// Absolute hrefs must point at BaseURL's host, so the key never leaves it.
func (c *Client) resolve(p string) (*url.URL, error) {
	if c.BaseURL == nil || !strings.HasSuffix(c.BaseURL.Path, "/") {
		return nil, errors.New("mollie: BaseURL must be set and end in /")
	}
	ref, err := url.Parse(p)
	if err != nil {
		return nil, fmt.Errorf("mollie: bad path %q: %w", p, err)
	}
	u := c.BaseURL.ResolveReference(ref)
	if u.Scheme != c.BaseURL.Scheme || u.Host != c.BaseURL.Host {
		return nil, fmt.Errorf("mollie: refusing to send the API key to %s", u.Host)
	}
	return u, nil
}

func (c *Client) backoff(attempt int) time.Duration {
	d := c.retry.BaseDelay
	for i := 1; i < attempt && d < c.retry.MaxDelay; i++ {
		d *= 2
	}
	if c.retry.MaxDelay > 0 && d > c.retry.MaxDelay {
		d = c.retry.MaxDelay
	}
	if d <= 0 {
		return 0
	}
	// Full jitter, never below half the delay.
	return d/2 + rand.N(d/2+1)
}

func retryStatus(s int) bool {
	switch s {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryAfter parses a Retry-After header (seconds or an HTTP date).
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// isDialError reports whether err happened before the request was sent
// (connection refused, DNS), so even a refund may safely be retried.
func isDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
