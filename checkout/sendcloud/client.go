// Package sendcloud is a thin client of Sendcloud's v3 API (one API for
// PostNL, DHL, DPD, bpost and others), written from its public docs at
// https://sendcloud.dev/api/v3/ : announce a shipment with its label, look a
// shipment up by the shop's order number, fetch the label PDF in A6 or A4,
// a parcel's tracking status, service points near a postcode, and the
// webhook signature. It implements carrier.Carrier.
//
// Auth is HTTP Basic with the integration's public and secret key. Every
// attempt has a timeout. GET requests are retried on 5xx, 429 and network
// errors. Announcing is not idempotent at Sendcloud, so the client never
// simply repeats it: before every announce it looks the order number up, and
// after a timeout or 5xx it looks again before trying once more. A retry
// therefore never creates a second parcel for the same order.
package sendcloud

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/storefront/storefront/checkout/carrier"
)

// DefaultBaseURL is the v3 API root ("servers" in the v3 OpenAPI files, e.g.
// https://sendcloud.dev/.openapi/v3/shipments/openapi.yaml).
const DefaultBaseURL = "https://panel.sendcloud.sc/api/v3/"

// DefaultTimeout bounds one HTTP attempt.
const DefaultTimeout = 15 * time.Second

const maxBody = 8 << 20 // labels are small PDFs; bound what is read

// Errors a caller can test with errors.Is.
var (
	ErrUnauthorized   = errors.New("sendcloud: the API keys were refused (401): check SHOP_SENDCLOUD_PUBLIC_KEY and SHOP_SENDCLOUD_SECRET_KEY")
	ErrInvalidAddress = errors.New("sendcloud: the shipment was refused (422), usually the address")
	ErrServer         = errors.New("sendcloud: the service failed (5xx)")
	ErrTimeout        = errors.New("sendcloud: no answer in time")
	ErrNotFound       = errors.New("sendcloud: not found (404)")
)

// APIError is an error answer. It matches the sentinel errors above with
// errors.Is.
type APIError struct {
	Status int
	Detail string // Sendcloud's words (the "detail" of each error, joined)
	Field  string // the first error's source pointer, e.g. "/to_address/postal_code"
	Op     string
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("sendcloud %s: %d", e.Op, e.Status)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	return s
}

func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
	case ErrInvalidAddress:
		return e.Status == http.StatusUnprocessableEntity || e.Status == http.StatusBadRequest
	case ErrServer:
		return e.Status >= 500
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	}
	return false
}

// Client talks to Sendcloud with one integration's keys.
type Client struct {
	base     *url.URL
	http     *http.Client
	public   string
	secret   string
	timeout  time.Duration
	attempts int
	backoff  time.Duration
	log      *slog.Logger
	sleep    func(ctx context.Context, d time.Duration) error
	from     *Address // sender; nil uses the account's default
}

// Option configures a Client.
type Option func(*Client)

// WithBaseURL points the client at another root (tests: sendcloudfake).
func WithBaseURL(u string) Option {
	return func(c *Client) {
		if p, err := url.Parse(u); err == nil {
			if !strings.HasSuffix(p.Path, "/") {
				p.Path += "/"
			}
			c.base = p
		}
	}
}

// WithTimeout sets the per-attempt timeout.
func WithTimeout(d time.Duration) Option { return func(c *Client) { c.timeout = d } }

// WithAttempts sets how often an idempotent call is tried (default 3).
func WithAttempts(n int) Option { return func(c *Client) { c.attempts = max(1, n) } }

// WithLogger sets the logger.
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.log = l } }

// WithSender sets the sender address put on every shipment.
func WithSender(a Address) Option { return func(c *Client) { c.from = &a } }

// WithBackoff sets the first wait between attempts (doubles each time).
func WithBackoff(d time.Duration) Option { return func(c *Client) { c.backoff = d } }

// New makes a client. hc may be nil.
func New(hc *http.Client, publicKey, secretKey string, opts ...Option) (*Client, error) {
	if publicKey == "" || secretKey == "" {
		return nil, errors.New("sendcloud: both the public and the secret key are needed (SHOP_SENDCLOUD_PUBLIC_KEY, SHOP_SENDCLOUD_SECRET_KEY)")
	}
	if hc == nil {
		hc = &http.Client{}
	}
	base, _ := url.Parse(DefaultBaseURL)
	c := &Client{base: base, http: hc, public: publicKey, secret: secretKey, timeout: DefaultTimeout,
		attempts: 3, backoff: 300 * time.Millisecond, log: slog.Default(), sleep: sleepCtx}
	for _, o := range opts {
		o(c)
	}
	return c, nil
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

// Name is "sendcloud".
func (c *Client) Name() string { return "sendcloud" }

// do sends one request and decodes a JSON answer into out (or returns the
// raw body when out is a *[]byte). It does not retry.
func (c *Client) do(ctx context.Context, op, method, path string, q url.Values, body any, accept string, out any) error {
	u := c.base.JoinPath(path)
	if q != nil {
		u.RawQuery = q.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("sendcloud %s: encode: %w", op, err)
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return fmt.Errorf("sendcloud %s: %w", op, err)
	}
	req.SetBasicAuth(c.public, c.secret)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", "storefront-sendcloud/1")
	resp, err := c.http.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
			return fmt.Errorf("sendcloud %s: %w: %v", op, ErrTimeout, err)
		}
		return fmt.Errorf("sendcloud %s: %w", op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
			return fmt.Errorf("sendcloud %s: %w: %v", op, ErrTimeout, err)
		}
		return fmt.Errorf("sendcloud %s: read answer: %w", op, err)
	}
	if resp.StatusCode >= 300 {
		return apiError(op, resp.StatusCode, data)
	}
	switch o := out.(type) {
	case nil:
		return nil
	case *[]byte:
		*o = data
		return nil
	default:
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("sendcloud %s: decode answer: %w", op, err)
		}
	}
	return nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// apiError reads v3's error body: {"errors": [{"status", "code", "detail",
// "source": {"pointer"}}]} (the "Errors" section of each v3 reference page,
// e.g. https://sendcloud.dev/api/v3/shipments/create-and-announce-a-shipment-synchronously).
func apiError(op string, status int, body []byte) error {
	e := &APIError{Status: status, Op: op}
	var eb struct {
		Errors []struct {
			Detail string `json:"detail"`
			Code   string `json:"code"`
			Source struct {
				Pointer string `json:"pointer"`
			} `json:"source"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &eb) == nil && len(eb.Errors) > 0 {
		var ds []string
		for _, x := range eb.Errors {
			if x.Detail != "" {
				ds = append(ds, x.Detail)
			} else if x.Code != "" {
				ds = append(ds, x.Code)
			}
		}
		e.Detail = strings.Join(ds, "; ")
		e.Field = eb.Errors[0].Source.Pointer
	} else if len(body) > 0 && len(body) < 300 && !bytes.Contains(body, []byte("<")) {
		e.Detail = strings.TrimSpace(string(body))
	}
	return e
}

// retryable reports whether an idempotent call may be tried again.
func retryable(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status >= 500 || ae.Status == http.StatusTooManyRequests
	}
	return !errors.Is(err, context.Canceled)
}

// get is an idempotent GET with retries.
func (c *Client) get(ctx context.Context, op, path string, q url.Values, accept string, out any) error {
	var err error
	wait := c.backoff
	for i := 0; i < c.attempts; i++ {
		if i > 0 {
			if e := c.sleep(ctx, wait); e != nil {
				return err
			}
			wait *= 2
		}
		err = c.do(ctx, op, http.MethodGet, path, q, nil, accept, out)
		if err == nil || !retryable(err) {
			return err
		}
		c.log.Warn("sendcloud: retrying", "op", op, "attempt", i+1, "err", err)
	}
	return err
}

// Address is a v3 address object (to_address, from_address).
type Address struct {
	Name         string `json:"name"`
	CompanyName  string `json:"company_name,omitempty"`
	AddressLine1 string `json:"address_line_1"`
	HouseNumber  string `json:"house_number,omitempty"`
	PostalCode   string `json:"postal_code"`
	City         string `json:"city"`
	CountryCode  string `json:"country_code"`
	Email        string `json:"email,omitempty"`
	PhoneNumber  string `json:"phone_number,omitempty"`
}

// AnnounceRequest is the body of "Create and announce a shipment
// synchronously" (POST /shipments/announce,
// https://sendcloud.dev/api/v3/shipments/create-and-announce-a-shipment-synchronously).
type AnnounceRequest struct {
	OrderNumber    string          `json:"order_number"`
	ExternalRef    string          `json:"external_reference_id,omitempty"`
	ToAddress      Address         `json:"to_address"`
	FromAddress    *Address        `json:"from_address,omitempty"`
	ToServicePoint *ServicePointID `json:"to_service_point,omitempty"`
	ShipWith       *ShipWith       `json:"ship_with,omitempty"`
	Parcels        []ParcelRequest `json:"parcels"`
	LabelNotes     []string        `json:"label_notes,omitempty"`
}

// ServicePointID names the service point a parcel goes to.
type ServicePointID struct {
	ID string `json:"id"`
}

// ShipWith chooses the shipping option.
type ShipWith struct {
	Type       string            `json:"type"` // "shipping_option_code"
	Properties map[string]string `json:"properties"`
}

// ParcelRequest is one parcel of a shipment.
type ParcelRequest struct {
	Weight Weight `json:"weight"`
}

// Weight is a v3 weight.
type Weight struct {
	Value string `json:"value"`
	Unit  string `json:"unit"` // "kg", "g"
}

// Shipment is a v3 shipment as returned by announce, retrieve and list.
type Shipment struct {
	ID          string   `json:"id"`
	OrderNumber string   `json:"order_number"`
	Parcels     []Parcel `json:"parcels"`
}

// Parcel is a v3 parcel in a shipment.
type Parcel struct {
	ID             int64  `json:"id"`
	TrackingNumber string `json:"tracking_number"`
	TrackingURL    string `json:"tracking_url"`
	Status         struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"status"`
	Documents []struct {
		Type string `json:"type"`
		Size string `json:"size"`
		Link string `json:"link"`
	} `json:"documents"`
}

// Announce creates and announces a shipment with one parcel, synchronously:
// the answer carries the tracking number. It never creates a second
// shipment for the same order number: it looks the number up first; after a
// 5xx or 429 it looks again before one more try; after a timeout (Sendcloud
// may still be at work) it looks once and otherwise returns ErrTimeout
// rather than announcing again.
func (c *Client) Announce(ctx context.Context, r AnnounceRequest) (Shipment, bool, error) {
	if r.OrderNumber == "" {
		return Shipment{}, false, errors.New("sendcloud announce: the order number is needed (it keeps retries from making a second parcel)")
	}
	if r.FromAddress == nil {
		r.FromAddress = c.from
	}
	var lastErr error
	wait := c.backoff
	for i := 0; i < c.attempts; i++ {
		if i > 0 {
			if e := c.sleep(ctx, wait); e != nil {
				return Shipment{}, false, lastErr
			}
			wait *= 2
		}
		if sh, found, err := c.FindByOrderNumber(ctx, r.OrderNumber); err != nil {
			lastErr = err
			if !retryable(err) {
				return Shipment{}, false, err
			}
			continue
		} else if found {
			return sh, true, nil
		}
		var out struct {
			Data Shipment `json:"data"`
		}
		// https://sendcloud.dev/api/v3/shipments/create-and-announce-a-shipment-synchronously
		err := c.do(ctx, "announce", http.MethodPost, "shipments/announce", nil, r, "", &out)
		if err == nil {
			if len(out.Data.Parcels) == 0 {
				return Shipment{}, false, fmt.Errorf("sendcloud announce %s: the answer has no parcel", r.OrderNumber)
			}
			return out.Data, false, nil
		}
		lastErr = err
		if !retryable(err) {
			return Shipment{}, false, err
		}
		if errors.Is(err, ErrTimeout) {
			// No answer: Sendcloud may still be making the parcel, so a
			// lookup that finds nothing proves nothing. Look once, after a
			// pause; if it is not there yet, stop: the next call looks first.
			if e := c.sleep(ctx, wait); e == nil {
				if sh, found, ferr := c.FindByOrderNumber(ctx, r.OrderNumber); ferr == nil && found {
					return sh, true, nil
				}
			}
			return Shipment{}, false, fmt.Errorf("%w (the parcel may still appear at Sendcloud; trying again looks it up first, so no second parcel is made)", err)
		}
		c.log.Warn("sendcloud: announce failed; looking the order up before trying again", "order", r.OrderNumber, "err", err)
	}
	return Shipment{}, false, lastErr
}

// FindByOrderNumber returns the shop's shipment for an order number, if any
// ("List shipments" filtered by order_number, GET /shipments,
// https://sendcloud.dev/api/v3/shipments/retrieve-a-list-of-shipments).
func (c *Client) FindByOrderNumber(ctx context.Context, orderNumber string) (Shipment, bool, error) {
	var out struct {
		Data []Shipment `json:"data"`
	}
	if err := c.get(ctx, "find shipment", "shipments", url.Values{"order_number": {orderNumber}}, "", &out); err != nil {
		return Shipment{}, false, err
	}
	for _, s := range out.Data {
		if s.OrderNumber == orderNumber && len(s.Parcels) > 0 {
			return s, true, nil
		}
	}
	return Shipment{}, false, nil
}

// Label fetches a parcel's label PDF in paper size A6 or A4 ("Retrieve a
// parcel document", GET /parcels/{id}/documents/label?paper_size=A6,
// https://sendcloud.dev/api/v3/parcel-documents/retrieve-a-parcel-document).
func (c *Client) Label(ctx context.Context, parcelID string, p carrier.Paper) ([]byte, error) {
	if _, err := strconv.ParseInt(parcelID, 10, 64); err != nil {
		return nil, fmt.Errorf("sendcloud label: parcel id %q is not a number", parcelID)
	}
	var pdf []byte
	q := url.Values{"paper_size": {string(p)}}
	if err := c.get(ctx, "label", "parcels/"+parcelID+"/documents/label", q, "application/pdf", &pdf); err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return nil, fmt.Errorf("sendcloud label %s: the answer is not a PDF", parcelID)
	}
	return pdf, nil
}

// Labels fetches several parcels' labels as one PDF ("Retrieve multiple
// parcel documents", GET /parcel-documents/label?parcels=1&parcels=2&paper_size=A4,
// https://sendcloud.dev/api/v3/parcel-documents/retrieve-multiple-parcel-documents;
// 1 to 20 parcels).
func (c *Client) Labels(ctx context.Context, parcelIDs []string, p carrier.Paper) ([]byte, error) {
	if len(parcelIDs) == 0 || len(parcelIDs) > carrier.MaxLabelsPerPDF {
		return nil, fmt.Errorf("sendcloud labels: %d parcels; one PDF takes 1 to %d", len(parcelIDs), carrier.MaxLabelsPerPDF)
	}
	q := url.Values{"paper_size": {string(p)}}
	for _, id := range parcelIDs {
		if _, err := strconv.ParseInt(id, 10, 64); err != nil {
			return nil, fmt.Errorf("sendcloud labels: parcel id %q is not a number", id)
		}
		q.Add("parcels", id)
	}
	var pdf []byte
	if err := c.get(ctx, "labels", "parcel-documents/label", q, "application/pdf", &pdf); err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return nil, errors.New("sendcloud labels: the answer is not a PDF")
	}
	return pdf, nil
}

// Tracking is the part of "Retrieve tracking information for a parcel"
// (GET /parcels/tracking/{tracking_number},
// https://www.sendcloud.dev/docs/parcel-tracking/retrieve-tracking-info) the
// shop uses: the standardized parent status and the events.
type Tracking struct {
	ParentStatus string `json:"parent_status"`
	UpdatedAt    string `json:"updated_at"`
	Events       []struct {
		ParentStatus string `json:"parent_status"`
		Timestamp    string `json:"timestamp"`
		Message      string `json:"message"`
	} `json:"events"`
}

// Tracking fetches a parcel's tracking.
func (c *Client) Tracking(ctx context.Context, trackingNumber string) (Tracking, error) {
	var out Tracking
	err := c.get(ctx, "tracking", "parcels/tracking/"+url.PathEscape(trackingNumber), nil, "", &out)
	return out, err
}

// ServicePoint is one entry of "Retrieve a list of service points"
// (https://sendcloud.dev/api/v3/service-points/retrieve-a-list-of-service-points).
type ServicePoint struct {
	ID      json.Number `json:"id"`
	Name    string      `json:"name"`
	Carrier struct {
		Code string `json:"code"`
	} `json:"carrier"`
	Address struct {
		Street      string `json:"street"`
		HouseNumber string `json:"house_number"`
		PostalCode  string `json:"postal_code"`
		City        string `json:"city"`
		CountryCode string `json:"country_code"`
	} `json:"address"`
	Distance *int `json:"distance"` // metres from the reference point; null without one
}

// ServicePoints lists service points of carrierCode in country near
// postcode (GET /service-points).
func (c *Client) ServicePoints(ctx context.Context, country, postcode, carrierCode string) ([]ServicePoint, error) {
	q := url.Values{"country_code": {strings.ToUpper(country)}, "postal_code": {postcode}, "radius": {"5000"}}
	if carrierCode != "" {
		q.Set("carrier_code", carrierCode)
	} else {
		q.Set("use_integration_carriers", "true")
	}
	var out struct {
		Data []ServicePoint `json:"data"`
	}
	if err := c.get(ctx, "service points", "service-points", q, "", &out); err != nil {
		return nil, err
	}
	return out.Data, nil
}

// VerifySignature checks the Sendcloud-Signature header of a webhook: the
// hex HMAC-SHA256 of the raw body with the secret key
// (https://sendcloud.dev/api/v2/webhooks, "Webhook signature"; v3 webhooks
// carry the same header, https://sendcloud.dev/api/v3/webhooks/parcel-status-changed).
func VerifySignature(body []byte, header, secret string) bool {
	if secret == "" || header == "" {
		return false
	}
	got, err := hex.DecodeString(strings.TrimSpace(header))
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// Sign is the Sendcloud-Signature of body (for the fake and tests).
func Sign(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Webhook is the part of a parcel_status_changed webhook the shop uses
// (https://sendcloud.dev/api/v3/webhooks/parcel-status-changed).
type Webhook struct {
	Action                 string `json:"action"`
	Timestamp              int64  `json:"timestamp"`                       // ms since 1970
	CarrierStatusTimestamp int64  `json:"carrier_status_change_timestamp"` // ms since 1970
	Parcel                 struct {
		ID             int64  `json:"id"`
		TrackingNumber string `json:"tracking_number"`
		OrderNumber    string `json:"order_number"`
		Status         struct {
			ID      int    `json:"id"`
			Message string `json:"message"`
		} `json:"status"`
	} `json:"parcel"`
}

// StatusDelivered is the parcel status id of "Delivered" in Sendcloud's
// status list (https://sendcloud.dev/docs/shipping/shipping-statuses).
const StatusDelivered = 11

// ParseWebhook decodes a webhook body.
func ParseWebhook(body []byte) (Webhook, error) {
	var w Webhook
	if err := json.Unmarshal(body, &w); err != nil {
		return Webhook{}, fmt.Errorf("sendcloud webhook: %w", err)
	}
	return w, nil
}

// Delivered reports whether the webhook says the parcel was delivered, and when.
func (w Webhook) Delivered() (bool, time.Time) {
	if w.Action != "parcel_status_changed" || w.Parcel.Status.ID != StatusDelivered {
		return false, time.Time{}
	}
	ts := w.CarrierStatusTimestamp
	if ts == 0 {
		ts = w.Timestamp
	}
	if ts == 0 {
		return true, time.Time{}
	}
	return true, time.UnixMilli(ts).UTC()
}
