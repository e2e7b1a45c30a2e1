// Package molliefake is a local HTTP server that speaks Mollie's documented
// v2 JSON for payments and refunds, for tests and offline demos: HAL bodies,
// HAL errors (status, title, detail, field), 401 without a valid Bearer key,
// 422 on malformed amounts, idempotency keys with replay (400 for another
// body, 409 while the first request is still being handled), fields omitted
// until they apply, webhooks on status changes, and fault injection.
//
// Where Mollie's behaviour depends on the method or on time, the fake has a
// switch and a clock: RefuseCancel (open payments that are not cancelable,
// 422), a 202 without a body for a cancel of an authorized payment,
// SetIdempotencyWindow, and Tick, which expires open and pending payments
// at expiresAt, completes accepted cancels, moves refunds along and makes
// (and retries) the webhook calls Mollie makes. Each behaviour cites the
// page of docs.mollie.com it follows.
//
// It shares no code with the client in package mollie on purpose: it is
// written from the documentation, so the two check each other.
//
//	f := molliefake.New()
//	defer f.Close()
//	c, _ := mollie.NewClient(nil, f.APIKey, mollie.WithBaseURL(f.BaseURL()))
package molliefake

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultAPIKey is the test key New accepts.
const DefaultAPIKey = "test_molliefakemolliefakemolliefake"

// Route names one API endpoint, for fault injection and call counters.
type Route string

// The routes the fake serves.
const (
	CreatePayment Route = "POST /v2/payments"
	ListPayments  Route = "GET /v2/payments"
	GetPayment    Route = "GET /v2/payments/{id}"
	CancelPayment Route = "DELETE /v2/payments/{id}"
	CreateRefund  Route = "POST /v2/payments/{id}/refunds"
	ListRefunds   Route = "GET /v2/payments/{id}/refunds"
	GetRefund     Route = "GET /v2/payments/{id}/refunds/{refundID}"
	CancelRefund  Route = "DELETE /v2/payments/{id}/refunds/{refundID}"
)

// Fault is a misbehaviour for the next Times calls to a route.
type Fault struct {
	// Status answers with this HTTP status and a HAL error body (e.g. 500,
	// 503, 429), unless Body is set.
	Status int
	// RetryAfter is sent as the Retry-After header with Status.
	RetryAfter string
	// Body replaces the error body (e.g. a proxy's HTML page).
	Body string
	// NoContentLength sends the error body chunked, without Content-Length.
	NoContentLength bool
	// Delay waits before answering (a slow answer, or a timeout when longer
	// than the client's timeout). The wait ends early if the client leaves.
	Delay time.Duration
	// CloseConn closes the connection without answering.
	CloseConn bool
	// AfterHandling performs the request first, then applies Delay,
	// CloseConn or Status: the work is done but the answer is lost.
	AfterHandling bool
	// Times is how many calls get this fault (0 means 1).
	Times int
}

// Payment is the fake's record of a payment (a copy; changing it has no effect).
type Payment struct {
	ID, Status, Currency, Value, Description string
	RedirectURL, CancelURL, WebhookURL       string
	Locale, Method, IdempotencyKey           string
	Metadata                                 json.RawMessage
	CreatedAt, ExpiresAt                     time.Time
	AuthorizedAt, PaidAt, CanceledAt         time.Time
	ExpiredAt, FailedAt                      time.Time
	Refunds                                  []Refund
	// Recurring flow: "oneoff", "first" or "recurring", the customer and
	// the mandate charged (or created by a paid first payment).
	SequenceType, CustomerID, MandateID string
	// CancelRequested: a DELETE on an authorized payment was accepted
	// (202); the payment becomes canceled at the next Tick.
	CancelRequested bool
}

// Refund is the fake's record of a refund.
type Refund struct {
	ID, PaymentID, Currency, Value, Description, Status string
	Metadata                                            json.RawMessage
	CreatedAt                                           time.Time
}

// Server is the fake Mollie API. Its exported fields are set by New.
type Server struct {
	// URL is the server's root (http://127.0.0.1:port) when started by New.
	URL string
	// APIKey is a key the server accepts (DefaultAPIKey).
	APIKey string

	ts         *httptest.Server
	handler    http.Handler
	webhookCli *http.Client

	mu           sync.Mutex
	keys         map[string]bool
	payments     map[string]*Payment
	order        []string // payment ids, oldest first
	refunds      map[string]*Refund
	idem         map[string]*idemEntry
	createdByKey map[string]int
	calls        map[Route]int
	faults       map[Route][]Fault
	webhooks     int
	inflight     map[string]bool // idempotency keys of POSTs being handled
	now          func() time.Time
	rejectLocal  bool
	idemWindow   time.Duration
	refuseCancel map[string]bool // payment methods whose open payments are not cancelable
	hooks        []*pendingHook  // webhook deliveries not yet made (or to retry)

	customers     map[string]*Customer
	mandates      map[string]*Mandate
	mandateOrder  []string
	failRecurring bool
}

// pendingHook is a webhook call the fake still owes: Mollie calls the
// webhook after every status change and retries a failed call.
type pendingHook struct {
	url, id  string
	attempts int
	due      time.Time
}

type idemEntry struct {
	route  Route
	hash   [32]byte
	status int
	body   []byte
	at     time.Time
}

// New starts a fake on 127.0.0.1. Close it when done.
func New() *Server {
	s := NewUnstarted()
	s.ts = httptest.NewServer(s.handler)
	s.URL = s.ts.URL
	return s
}

// NewUnstarted returns a fake without a listener; serve Handler yourself
// and set URL to where it is reachable (links in answers use it).
func NewUnstarted() *Server {
	s := &Server{
		APIKey:       DefaultAPIKey,
		webhookCli:   &http.Client{Timeout: 5 * time.Second},
		keys:         map[string]bool{DefaultAPIKey: true},
		payments:     map[string]*Payment{},
		refunds:      map[string]*Refund{},
		idem:         map[string]*idemEntry{},
		createdByKey: map[string]int{},
		calls:        map[Route]int{},
		faults:       map[Route][]Fault{},
		inflight:     map[string]bool{},
		now:          time.Now,
		idemWindow:   DefaultIdempotencyWindow,
		refuseCancel: map[string]bool{},
		customers:    map[string]*Customer{},
		mandates:     map[string]*Mandate{},
	}
	s.handler = s.routes()
	return s
}

// Handler is the fake's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// BaseURL is the API root for mollie.WithBaseURL: URL + "/v2/".
func (s *Server) BaseURL() string { return s.URL + "/v2/" }

// Close stops the server started by New.
func (s *Server) Close() {
	if s.ts != nil {
		s.ts.CloseClientConnections()
		s.ts.Close()
	}
}

// AddAPIKey makes the server accept another key.
func (s *Server) AddAPIKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[key] = true
}

// SetClock replaces time.Now (for expiry and idempotency windows).
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// DefaultIdempotencyWindow is how long an idempotency key is remembered.
// Mollie's documentation repository says "Keys older than 24 hours will be
// removed from our cache" (mollie/api-documentation,
// source/overview/api-idempotency.rst; the page is
// https://docs.mollie.com/reference/api-idempotency); earlier references
// quoted one hour. Callers must be right with either: SetIdempotencyWindow
// changes it.
const DefaultIdempotencyWindow = 24 * time.Hour

// SetIdempotencyWindow sets how long a key replays its first answer; a key
// older than that creates anew.
func (s *Server) SetIdempotencyWindow(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idemWindow = d
}

// RefuseCancel makes open payments of these methods not cancelable
// (isCancelable false; DELETE answers 422), as Mollie does for methods
// that cannot be stopped once started, e.g. iDEAL: "Depending on the
// payment method, you may be able to cancel a payment for a certain amount
// of time ... The isCancelable property on the Payment object will
// indicate if the payment can be canceled"
// (https://docs.mollie.com/reference/cancel-payment). The method "" stands
// for payments whose method the customer has not chosen yet, "*" for all.
// Without a call, every open payment is cancelable.
func (s *Server) RefuseCancel(methods ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range methods {
		s.refuseCancel[m] = true
	}
}

// ChooseMethod records that the customer picked a method in the checkout
// while the payment stays open (e.g. started iDEAL at the bank).
func (s *Server) ChooseMethod(id, method string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[id]
	if !ok {
		return fmt.Errorf("molliefake: no payment %s", id)
	}
	p.Method = method
	return nil
}

// cancelable is the payment's isCancelable; s.mu is held.
func (s *Server) cancelable(p *Payment) bool {
	switch p.Status {
	case "open":
		return !s.refuseCancel["*"] && !s.refuseCancel[p.Method]
	case "authorized":
		return !p.CancelRequested
	}
	return false
}

// RejectLocalWebhooks makes create payment refuse webhook URLs on
// localhost or 127.0.0.1 with 422, as real Mollie does. Off by default,
// because tests receive webhooks on 127.0.0.1.
func (s *Server) RejectLocalWebhooks(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectLocal = on
}

// Fail injects fault f into the next f.Times calls to route.
func (s *Server) Fail(route Route, f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[route] = append(s.faults[route], f)
}

// ClearFaults removes all pending faults.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = map[Route][]Fault{}
}

// Calls counts requests that reached route (faulted ones included).
func (s *Server) Calls(route Route) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[route]
}

// CreatedForKey counts payments (and refunds) really created with an
// idempotency key; replays do not count.
func (s *Server) CreatedForKey(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.createdByKey[key]
}

// PaymentCount is the number of payments created.
func (s *Server) PaymentCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.payments)
}

// PaymentIDs lists the payments' ids, oldest first.
func (s *Server) PaymentIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.order)
}

// WebhooksSent counts successful webhook deliveries.
func (s *Server) WebhooksSent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhooks
}

// Payment returns a copy of a payment's record.
func (s *Server) Payment(id string) (Payment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[id]
	if !ok {
		return Payment{}, false
	}
	s.expire(p)
	c := *p
	c.Refunds = slices.Clone(p.Refunds)
	return c, true
}

// ErrFinal is returned by SetStatus for a payment whose status is final.
var ErrFinal = errors.New("molliefake: payment status is final")

// SetStatus moves a payment to status, as the customer would in Mollie's
// test checkout, and then (synchronously) POSTs form id=... to its
// webhookUrl when it has one and the status warrants a webhook. It returns
// ErrFinal for a final payment, an error for a transition Mollie does not
// make, or a webhook delivery error (the status has changed then).
func (s *Server) SetStatus(id, status string) error {
	hook, err := s.setStatus(id, status)
	if err != nil || hook == "" {
		return err
	}
	if err := s.sendWebhook(hook, id); err != nil {
		s.mu.Lock()
		s.retryHook(&pendingHook{url: hook, id: id, attempts: 1})
		s.mu.Unlock()
		return err
	}
	return nil
}

// SetStatusQuiet is SetStatus without the webhook (a lost webhook).
func (s *Server) SetStatusQuiet(id, status string) error {
	_, err := s.setStatus(id, status)
	return err
}

// SetRefundStatus moves a refund to another status (e.g. "refunded"). For
// processing, refunded and failed a webhook for the payment is owed, as
// Mollie calls it then, and for no other refund status (the table of refund
// statuses at https://docs.mollie.com/payments/refunds); Tick delivers it.
func (s *Server) SetRefundStatus(refundID, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.refunds[refundID]
	if !ok {
		return fmt.Errorf("molliefake: no refund %s", refundID)
	}
	s.setRefund(r, status)
	return nil
}

// setRefund changes a refund's status in both records and owes a webhook
// for the statuses Mollie reports; s.mu is held.
func (s *Server) setRefund(r *Refund, status string) {
	r.Status = status
	p := s.payments[r.PaymentID]
	for i := range p.Refunds {
		if p.Refunds[i].ID == r.ID {
			p.Refunds[i].Status = status
		}
	}
	switch status {
	case "processing", "refunded", "failed":
		s.owe(p)
	}
}

// owe queues a webhook call for p's status change; s.mu is held.
func (s *Server) owe(p *Payment) {
	if p.WebhookURL == "" {
		return
	}
	for _, h := range s.hooks {
		if h.id == p.ID && h.attempts == 0 {
			return // one call tells of every change since
		}
	}
	s.hooks = append(s.hooks, &pendingHook{url: p.WebhookURL, id: p.ID, due: s.now()})
}

// hookBackoff is the wait before each retry of a failed webhook call.
// Mollie retries a call not answered with 200 ("we'll keep trying for a few
// hours", Retry schema at https://docs.mollie.com/guides/webhooks; other
// references quote 10 attempts over 26 hours): here 10 retries with growing
// waits, about 26 hours in all. The sidecar must not depend on the figure.
var hookBackoff = []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
	16 * time.Minute, 32 * time.Minute, time.Hour, 2 * time.Hour, 8 * time.Hour, 15 * time.Hour}

// retryHook schedules the next try of a failed call, or drops it after the
// last; s.mu is held.
func (s *Server) retryHook(h *pendingHook) {
	if h.attempts > len(hookBackoff) {
		return
	}
	h.due = s.now().Add(hookBackoff[h.attempts-1])
	s.hooks = append(s.hooks, h)
}

// WebhooksOwed counts webhook calls queued or waiting for a retry.
func (s *Server) WebhooksOwed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.hooks)
}

// Tick does what Mollie does in the background, as of the fake's clock:
// open and pending payments past expiresAt expire; an accepted cancel of an
// authorized payment takes effect; refunds move one step (queued → pending
// → processing → refunded); then owed webhook calls that are due are made,
// failed ones retried on Mollie's schedule. It returns the number of
// webhook calls that succeeded. Tests call it after moving the clock, so
// nothing depends on timing.
func (s *Server) Tick() int {
	s.mu.Lock()
	for _, id := range s.order {
		p := s.payments[id]
		s.expire(p)
		s.settleRecurring(p)
		if p.Status == "authorized" && p.CancelRequested {
			s.apply(p, "canceled")
			s.owe(p)
		}
		for _, rf := range p.Refunds {
			if next, ok := refundNext[rf.Status]; ok {
				s.setRefund(s.refunds[rf.ID], next)
			}
		}
	}
	now := s.now()
	var due []*pendingHook
	keep := s.hooks[:0]
	for _, h := range s.hooks {
		if !h.due.After(now) {
			due = append(due, h)
		} else {
			keep = append(keep, h)
		}
	}
	s.hooks = keep
	s.mu.Unlock()
	sent := 0
	for _, h := range due {
		if err := s.sendWebhook(h.url, h.id); err != nil {
			s.mu.Lock()
			h.attempts++
			s.retryHook(h)
			s.mu.Unlock()
			continue
		}
		sent++
	}
	return sent
}

// refundNext is a refund's progression when nothing goes wrong
// (https://docs.mollie.com/payments/refunds: queued, pending, processing,
// refunded; failed and canceled are set by tests or a DELETE).
var refundNext = map[string]string{"queued": "pending", "pending": "processing", "processing": "refunded"}

func (s *Server) setStatus(id, status string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[id]
	if !ok {
		return "", fmt.Errorf("molliefake: no payment %s", id)
	}
	s.expire(p)
	if final(p.Status) {
		return "", fmt.Errorf("molliefake: payment %s is %s: %w", id, p.Status, ErrFinal)
	}
	if !canTransition(p.Status, status) {
		return "", fmt.Errorf("molliefake: payment %s cannot go from %s to %s", id, p.Status, status)
	}
	s.apply(p, status)
	if status == "pending" || status == "open" {
		return "", nil
	}
	return p.WebhookURL, nil
}

func (s *Server) sendWebhook(hook, id string) error {
	resp, err := s.webhookCli.PostForm(hook, url.Values{"id": {id}})
	if err != nil {
		return fmt.Errorf("molliefake: webhook %s: %w", hook, err)
	}
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("molliefake: webhook %s answered %s", hook, resp.Status)
	}
	s.mu.Lock()
	s.webhooks++
	s.mu.Unlock()
	return nil
}

func final(status string) bool {
	switch status {
	case "paid", "canceled", "expired", "failed":
		return true
	}
	return false
}

// canTransition follows the reference: open -> pending, authorized, paid,
// canceled, expired, failed; pending -> paid, failed, expired; authorized
// -> paid, canceled, expired, failed; final never changes.
func canTransition(from, to string) bool {
	switch from {
	case "open":
		return slices.Contains([]string{"pending", "authorized", "paid", "canceled", "expired", "failed"}, to)
	case "pending":
		return slices.Contains([]string{"paid", "failed", "expired"}, to)
	case "authorized":
		return slices.Contains([]string{"paid", "canceled", "expired", "failed"}, to)
	}
	return false
}

// apply sets the status and its timestamp; s.mu is held.
func (s *Server) apply(p *Payment, status string) {
	now := s.now().UTC().Truncate(time.Second)
	p.Status = status
	switch status {
	case "authorized":
		p.AuthorizedAt = now
	case "paid":
		p.PaidAt = now
		if p.Method == "" {
			p.Method = "ideal"
		}
		s.firstPaid(p)
	case "canceled":
		p.CanceledAt = now
	case "expired":
		p.ExpiredAt = now
	case "failed":
		p.FailedAt = now
	}
}

// expire makes an open or pending payment past expiresAt expired and owes
// its webhook (https://docs.mollie.com/docs/status-change: expired is
// definitive, "we will call your webhook when it occurs"; the status
// diagram there leads pending to expired too); s.mu is held.
func (s *Server) expire(p *Payment) {
	if (p.Status == "open" || p.Status == "pending") && !s.now().Before(p.ExpiresAt) {
		s.apply(p, "expired")
		s.owe(p)
	}
}

// ---- HTTP ----

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(r Route, h func(http.ResponseWriter, *http.Request)) {
		mux.HandleFunc(string(r), s.wrap(r, h))
	}
	handle(CreatePayment, s.createPayment)
	handle(ListPayments, s.listPayments)
	handle(GetPayment, s.getPayment)
	handle(CancelPayment, s.cancelPayment)
	handle(CreateRefund, s.createRefund)
	handle(ListRefunds, s.listRefunds)
	handle(GetRefund, s.getRefund)
	handle(CancelRefund, s.cancelRefund)
	handle(CreateCustomer, s.createCustomer)
	handle(GetCustomer, s.getCustomer)
	handle(ListMandates, s.listMandates)
	handle(GetMandate, s.getMandate)
	handle(RevokeMandate, s.revokeMandate)
	mux.HandleFunc("GET /checkout/{id}", s.checkoutPage)
	mux.HandleFunc("POST /checkout/{id}", s.checkoutChoice)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "Not Found", "The resource "+r.URL.Path+" does not exist", "")
	})
	return mux
}

// recorder buffers an answer so a fault can drop it after handling.
type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(code int)        { r.code = code }

// wrap counts the call, checks the key and applies faults.
func (s *Server) wrap(route Route, h func(http.ResponseWriter, *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.calls[route]++
		var f *Fault
		if q := s.faults[route]; len(q) > 0 {
			f0 := q[0]
			f = &f0
			q[0].Times--
			if q[0].Times <= 0 {
				s.faults[route] = q[1:]
			}
		}
		key := r.Header.Get("Idempotency-Key")
		if r.Method != http.MethodPost {
			key = ""
		}
		busy := key != "" && s.inflight[key]
		// release ends "still processing" for the key; it runs before any
		// answer goes out, so a client's next try never races it.
		release := func() {}
		if key != "" && !busy {
			s.inflight[key] = true
			var once sync.Once
			release = func() {
				once.Do(func() {
					s.mu.Lock()
					delete(s.inflight, key)
					s.mu.Unlock()
				})
			}
			defer release()
		}
		s.mu.Unlock()

		if busy {
			writeError(w, http.StatusConflict, "Conflict", "A request with this idempotency key is still being processed", "")
			return
		}
		if f != nil && !f.AfterHandling {
			if s.fault(w, r, f, release) {
				return
			}
		}
		if !s.authorized(r) {
			release()
			writeError(w, http.StatusUnauthorized, "Unauthorized Request", "Missing authentication, or failed to authenticate", "")
			return
		}
		rec := &recorder{header: http.Header{}, code: http.StatusOK}
		h(rec, r)
		release()
		if f != nil && f.AfterHandling && s.fault(w, r, f, release) {
			return
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.code)
		w.Write(rec.body.Bytes())
	}
}

// fault applies f; it reports whether the answer has been given (or lost).
// release is called before the connection is closed or an answer written.
func (s *Server) fault(w http.ResponseWriter, r *http.Request, f *Fault, release func()) bool {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	if f.CloseConn {
		release()
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	}
	if f.Status == 0 {
		return false
	}
	release()
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	body := []byte(f.Body)
	if f.Body == "" {
		w.Header().Set("Content-Type", "application/hal+json")
		body = errorBody(f.Status, http.StatusText(f.Status), "Injected fault", "")
	} else {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	if f.NoContentLength {
		w.WriteHeader(f.Status)
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
	} else {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(f.Status)
	}
	w.Write(body)
	return true
}

func (s *Server) authorized(r *http.Request) bool {
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[key]
}

func errorBody(status int, title, detail, field string) []byte {
	m := map[string]any{
		"status": status,
		"title":  title,
		"detail": detail,
		"_links": map[string]any{"documentation": link("https://docs.mollie.com/overview/handling-errors", "text/html")},
	}
	if field != "" {
		m["field"] = field
	}
	b, _ := json.Marshal(m)
	return b
}

func writeError(w http.ResponseWriter, status int, title, detail, field string) {
	w.Header().Set("Content-Type", "application/hal+json")
	w.WriteHeader(status)
	w.Write(errorBody(status, title, detail, field))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "Internal Server Error", err.Error(), "")
		return
	}
	w.Header().Set("Content-Type", "application/hal+json")
	w.WriteHeader(status)
	w.Write(b)
}

func link(href, typ string) map[string]string {
	return map[string]string{"href": href, "type": typ}
}

// ---- amounts ----

var (
	twoDecimals  = regexp.MustCompile(`^[0-9]{1,10}\.[0-9]{2}$`)
	zeroDecimals = regexp.MustCompile(`^[0-9]{1,12}$`)
	currencyRe   = regexp.MustCompile(`^[A-Z]{3}$`)
)

// minor parses an amount value into minor units, per Mollie's rules.
func minor(currency, value string) (int64, bool) {
	if !currencyRe.MatchString(currency) {
		return 0, false
	}
	if currency == "JPY" || currency == "ISK" {
		if !zeroDecimals.MatchString(value) {
			return 0, false
		}
		n, err := strconv.ParseInt(value, 10, 64)
		return n, err == nil
	}
	if !twoDecimals.MatchString(value) {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.Replace(value, ".", "", 1), 10, 64)
	return n, err == nil
}

func format(currency string, n int64) string {
	if currency == "JPY" || currency == "ISK" {
		return strconv.FormatInt(n, 10)
	}
	return fmt.Sprintf("%d.%02d", n/100, n%100)
}

func amountJSON(currency, value string) map[string]string {
	return map[string]string{"currency": currency, "value": value}
}

// amountIn is an amount as sent: value must be a JSON string.
type amountIn struct {
	Currency string          `json:"currency"`
	Value    json.RawMessage `json:"value"`
}

// check validates an amount; it returns minor units, the value and an
// error detail with the field.
func (a *amountIn) check() (int64, string, string, string) {
	if a == nil {
		return 0, "", "The amount is missing", "amount"
	}
	var v string
	if err := json.Unmarshal(a.Value, &v); err != nil {
		return 0, "", "The amount contains an invalid value", "amount.value"
	}
	if !currencyRe.MatchString(a.Currency) {
		return 0, "", "The currency is invalid", "amount.currency"
	}
	n, ok := minor(a.Currency, v)
	if !ok {
		return 0, "", "The amount contains an invalid value", "amount.value"
	}
	if n <= 0 {
		return 0, "", "The amount is lower than the minimum", "amount"
	}
	return n, v, "", ""
}

// ---- idempotency ----

// replay answers from the idempotency cache and reports true, or reports
// false. A key used with another route or body gets 400. s.mu is held, so
// two requests with one key never both create.
func (s *Server) replay(w http.ResponseWriter, route Route, key string, hash [32]byte) bool {
	if key == "" {
		return false
	}
	e, ok := s.idem[key]
	if ok && s.now().Sub(e.at) >= s.idemWindow {
		delete(s.idem, key)
		ok = false
	}
	if !ok {
		return false
	}
	if e.route != route || e.hash != hash {
		writeError(w, http.StatusBadRequest, "Bad Request", "The idempotency key was already used for another request", "")
		return true
	}
	w.Header().Set("Content-Type", "application/hal+json")
	w.Header().Set("Idempotent-Replayed", "true")
	w.WriteHeader(e.status)
	w.Write(e.body)
	return true
}

// remember stores an answer under key; s.mu is held.
func (s *Server) remember(route Route, key string, hash [32]byte, status int, v any) []byte {
	b, _ := json.Marshal(v)
	if key != "" {
		s.idem[key] = &idemEntry{route: route, hash: hash, status: status, body: b, at: s.now()}
	}
	return b
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/hal+json")
	w.WriteHeader(status)
	w.Write(b)
}

// readBody reads a JSON body (max 64 kB) and its hash.
func readBody(w http.ResponseWriter, r *http.Request, v any) ([32]byte, bool) {
	b := make([]byte, 0, 512)
	buf := bytes.NewBuffer(b)
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, 64<<10)); err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request", "The request body could not be read", "")
		return [32]byte{}, false
	}
	if err := json.Unmarshal(buf.Bytes(), v); err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request", "The JSON body is invalid: "+err.Error(), "")
		return [32]byte{}, false
	}
	return sha256.Sum256(buf.Bytes()), true
}

// ---- payments ----

type createPaymentIn struct {
	Amount      *amountIn       `json:"amount"`
	Description *string         `json:"description"`
	RedirectURL string          `json:"redirectUrl"`
	CancelURL   string          `json:"cancelUrl"`
	WebhookURL  string          `json:"webhookUrl"`
	Locale      string          `json:"locale"`
	Method      json.RawMessage `json:"method"`
	Metadata    json.RawMessage `json:"metadata"`

	SequenceType string `json:"sequenceType"`
	CustomerID   string `json:"customerId"`
	MandateID    string `json:"mandateId"`
}

var localeRe = regexp.MustCompile(`^[a-z]{2}_[A-Z]{2}$`)

func (s *Server) createPayment(w http.ResponseWriter, r *http.Request) {
	var in createPaymentIn
	hash, ok := readBody(w, r, &in)
	if !ok {
		return
	}
	key := r.Header.Get("Idempotency-Key")
	_, value, detail, field := in.Amount.check()
	if detail != "" {
		writeError(w, http.StatusUnprocessableEntity, "Unprocessable Entity", detail, field)
		return
	}
	if in.Description == nil || strings.TrimSpace(*in.Description) == "" {
		writeError(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "The description is invalid", "description")
		return
	}
	// A recurring payment has no customer at hand and no redirectUrl
	// (https://docs.mollie.com/docs/recurring-payments).
	if in.SequenceType != "recurring" && !absoluteURL(in.RedirectURL) {
		writeError(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "The redirect URL is invalid", "redirectUrl")
		return
	}
	if in.CancelURL != "" && !absoluteURL(in.CancelURL) {
		writeError(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "The cancel URL is invalid", "cancelUrl")
		return
	}
	if in.WebhookURL != "" {
		u, err := url.Parse(in.WebhookURL)
		s.mu.Lock()
		reject := s.rejectLocal
		s.mu.Unlock()
		if err != nil || !absoluteURL(in.WebhookURL) || (reject && (u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1")) {
			writeError(w, http.StatusUnprocessableEntity, "Unprocessable Entity",
				"The webhook URL is invalid because it is unreachable from Mollie's point of view", "webhookUrl")
			return
		}
	}
	if in.Locale != "" && !localeRe.MatchString(in.Locale) {
		writeError(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "The locale is invalid", "locale")
		return
	}
	desc := []rune(*in.Description)
	if len(desc) > 255 {
		desc = desc[:255]
	}
	method := ""
	if len(in.Method) > 0 {
		_ = json.Unmarshal(in.Method, &method) // a list leaves it to the customer
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.replay(w, CreatePayment, key, hash) {
		return
	}
	if detail, field := s.checkSequence(&in); detail != "" {
		writeError(w, http.StatusUnprocessableEntity, "Unprocessable Entity", detail, field)
		return
	}
	now := s.now().UTC().Truncate(time.Second)
	p := &Payment{
		ID:             "tr_" + randomID(10),
		Status:         "open",
		Currency:       in.Amount.Currency,
		Value:          value,
		Description:    string(desc),
		RedirectURL:    in.RedirectURL,
		CancelURL:      in.CancelURL,
		WebhookURL:     in.WebhookURL,
		Locale:         in.Locale,
		Method:         method,
		IdempotencyKey: key,
		CreatedAt:      now,
		ExpiresAt:      now.Add(15 * time.Minute),
	}
	if len(in.Metadata) > 0 && string(in.Metadata) != "null" {
		p.Metadata = in.Metadata
	}
	if in.SequenceType == "first" || in.SequenceType == "recurring" {
		p.SequenceType, p.CustomerID = in.SequenceType, in.CustomerID
	}
	if in.SequenceType == "recurring" {
		// Charged in the background: pending until Tick settles it.
		md, _ := s.validMandate(in.CustomerID, in.MandateID)
		p.MandateID, p.Method, p.Status = md.ID, md.Method, "pending"
		p.ExpiresAt = now.Add(30 * 24 * time.Hour)
	}
	s.payments[p.ID] = p
	s.order = append(s.order, p.ID)
	if key != "" {
		s.createdByKey[key]++
	}
	writeRaw(w, http.StatusCreated, s.remember(CreatePayment, key, hash, http.StatusCreated, s.paymentJSON(p)))
}

func absoluteURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func (s *Server) getPayment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[r.PathValue("id")]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found", "No payment exists with token "+r.PathValue("id")+".", "")
		return
	}
	s.expire(p)
	writeJSON(w, http.StatusOK, s.paymentJSON(p))
}

func (s *Server) cancelPayment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[r.PathValue("id")]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found", "No payment exists with token "+r.PathValue("id")+".", "")
		return
	}
	s.expire(p)
	// https://docs.mollie.com/reference/cancel-payment: only while
	// isCancelable is true (per method; see RefuseCancel), else 422.
	if !s.cancelable(p) {
		writeError(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "The payment cannot be canceled", "")
		return
	}
	if p.Status == "authorized" {
		// Canceling an authorization is asynchronous: 202 with an empty
		// body; the payment becomes canceled later and the webhook says so
		// (https://docs.mollie.com/reference/cancel-payment). Here: at the
		// next Tick.
		p.CancelRequested = true
		w.WriteHeader(http.StatusAccepted)
		return
	}
	s.apply(p, "canceled")
	s.owe(p) // canceled: webhook "Yes" (https://docs.mollie.com/docs/status-change)
	writeJSON(w, http.StatusOK, s.paymentJSON(p))
}

func (s *Server) listPayments(w http.ResponseWriter, r *http.Request) {
	limit, ok := parseLimit(w, r)
	if !ok {
		return
	}
	from := r.URL.Query().Get("from")
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := slices.Clone(s.order)
	slices.Reverse(ids) // newest first
	start := 0
	if from != "" {
		start = slices.Index(ids, from)
		if start < 0 {
			writeError(w, http.StatusBadRequest, "Bad Request", "Invalid cursor: "+from, "from")
			return
		}
	}
	end := min(start+limit, len(ids))
	page := make([]any, 0, end-start)
	for _, id := range ids[start:end] {
		p := s.payments[id]
		s.expire(p)
		page = append(page, s.paymentJSON(p))
	}
	links := map[string]any{
		"self":          link(s.URL+"/v2/payments?"+r.URL.RawQuery, "application/hal+json"),
		"previous":      nil,
		"next":          nil,
		"documentation": link("https://docs.mollie.com/reference/v2/payments-api/list-payments", "text/html"),
	}
	// https://docs.mollie.com/reference/pagination: previous and next are
	// links, or null on the first and last page.
	if start > 0 {
		links["previous"] = link(fmt.Sprintf("%s/v2/payments?from=%s&limit=%d", s.URL, ids[max(0, start-limit)], limit), "application/hal+json")
	}
	if end < len(ids) {
		links["next"] = link(fmt.Sprintf("%s/v2/payments?from=%s&limit=%d", s.URL, ids[end], limit), "application/hal+json")
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"count":     len(page),
		"_embedded": map[string]any{"payments": page},
		"_links":    links,
	})
}

func parseLimit(w http.ResponseWriter, r *http.Request) (int, bool) {
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 250 {
			writeError(w, http.StatusBadRequest, "Bad Request", "The limit must be between 1 and 250", "limit")
			return 0, false
		}
		limit = n
	}
	return limit, true
}

// paymentJSON renders a payment as Mollie does, omitting fields until they
// apply; s.mu is held.
func (s *Server) paymentJSON(p *Payment) map[string]any {
	ts := func(t time.Time) string { return t.Format("2006-01-02T15:04:05+00:00") }
	m := map[string]any{
		"resource":     "payment",
		"id":           p.ID,
		"mode":         "test",
		"createdAt":    ts(p.CreatedAt),
		"amount":       amountJSON(p.Currency, p.Value),
		"description":  p.Description,
		"method":       nil,
		"metadata":     nil,
		"status":       p.Status,
		"isCancelable": s.cancelable(p),
		// https://docs.mollie.com/reference/get-payment: details is null
		// until the method has filled it in.
		"details":      nil,
		"profileId":    "pfl_QkEhN94Ba",
		"sequenceType": sequenceOf(p),
		"redirectUrl":  p.RedirectURL,
	}
	if p.Method != "" {
		m["method"] = p.Method
	}
	if p.Metadata != nil {
		m["metadata"] = p.Metadata
	}
	if p.CancelURL != "" {
		m["cancelUrl"] = p.CancelURL
	}
	if p.WebhookURL != "" {
		m["webhookUrl"] = p.WebhookURL
	}
	if p.Locale != "" {
		m["locale"] = p.Locale
	}
	if p.CustomerID != "" {
		m["customerId"] = p.CustomerID
	}
	if p.MandateID != "" {
		m["mandateId"] = p.MandateID
	}
	if p.Status == "open" || p.Status == "pending" {
		m["expiresAt"] = ts(p.ExpiresAt)
	}
	for k, t := range map[string]time.Time{"authorizedAt": p.AuthorizedAt, "paidAt": p.PaidAt,
		"canceledAt": p.CanceledAt, "expiredAt": p.ExpiredAt, "failedAt": p.FailedAt} {
		if !t.IsZero() {
			m[k] = ts(t)
		}
	}
	links := map[string]any{
		"self":          link(s.URL+"/v2/payments/"+p.ID, "application/hal+json"),
		"dashboard":     link("https://my.mollie.com/dashboard/payments/"+p.ID, "text/html"),
		"documentation": link("https://docs.mollie.com/reference/v2/payments-api/get-payment", "text/html"),
	}
	if p.Status == "open" && p.SequenceType != "recurring" {
		links["checkout"] = link(s.URL+"/checkout/"+p.ID, "text/html")
		links["changePaymentState"] = link(s.URL+"/checkout/"+p.ID, "text/html")
	}
	if p.Status == "paid" {
		total, _ := minor(p.Currency, p.Value)
		var refunded int64
		for _, rf := range p.Refunds {
			if rf.Status != "failed" && rf.Status != "canceled" {
				n, _ := minor(rf.Currency, rf.Value)
				refunded += n
			}
		}
		m["amountRefunded"] = amountJSON(p.Currency, format(p.Currency, refunded))
		m["amountRemaining"] = amountJSON(p.Currency, format(p.Currency, total-refunded))
		m["settlementAmount"] = amountJSON(p.Currency, p.Value)
		m["countryCode"] = "NL"
		m["details"] = map[string]any{"consumerName": "T. TEST", "consumerAccount": "NL72RABO0110438885", "consumerBic": "RABONL2U"}
	}
	if len(p.Refunds) > 0 {
		links["refunds"] = link(s.URL+"/v2/payments/"+p.ID+"/refunds", "application/hal+json")
	}
	m["_links"] = links
	return m
}

// ---- refunds ----

type createRefundIn struct {
	Amount      *amountIn       `json:"amount"`
	Description string          `json:"description"`
	Metadata    json.RawMessage `json:"metadata"`
}

func (s *Server) createRefund(w http.ResponseWriter, r *http.Request) {
	var in createRefundIn
	hash, ok := readBody(w, r, &in)
	if !ok {
		return
	}
	key := r.Header.Get("Idempotency-Key")
	n, value, detail, field := in.Amount.check()
	if detail != "" {
		writeError(w, http.StatusUnprocessableEntity, "Unprocessable Entity", detail, field)
		return
	}
	if len([]rune(in.Description)) > 140 {
		writeError(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "The description is too long", "description")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.replay(w, CreateRefund, key, hash) {
		return
	}
	p, ok := s.payments[r.PathValue("id")]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found", "No payment exists with token "+r.PathValue("id")+".", "")
		return
	}
	if p.Status != "paid" {
		writeError(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "The payment cannot be refunded", "")
		return
	}
	if in.Amount.Currency != p.Currency {
		writeError(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "The currency does not match the payment's currency", "amount.currency")
		return
	}
	total, _ := minor(p.Currency, p.Value)
	var refunded int64
	now := s.now().UTC().Truncate(time.Second)
	for _, rf := range p.Refunds {
		if rf.Status == "failed" || rf.Status == "canceled" {
			continue
		}
		m, _ := minor(rf.Currency, rf.Value)
		refunded += m
		// Mollie refuses a same-amount duplicate within an hour.
		if m == n && now.Sub(rf.CreatedAt) < time.Hour {
			writeError(w, http.StatusUnprocessableEntity, "Unprocessable Entity",
				"A refund with the same amount was created for this payment less than an hour ago", "amount")
			return
		}
	}
	// "most payment methods (notable exceptions being credit card and
	// PayPal) support over refunding, where you can refund an additional
	// €25.00 more than the original payment's amount"
	// (https://docs.mollie.com/payments/refunds).
	var extra int64
	if p.Currency == "EUR" && p.Method != "creditcard" && p.Method != "paypal" {
		extra = 2500
	}
	if n > total-refunded+extra {
		writeError(w, http.StatusUnprocessableEntity, "Unprocessable Entity",
			"The amount is higher than the remaining amount of the payment", "amount")
		return
	}
	rf := Refund{
		ID:          "re_" + randomID(10),
		PaymentID:   p.ID,
		Currency:    p.Currency,
		Value:       value,
		Description: in.Description,
		Status:      "pending",
		CreatedAt:   now,
	}
	if len(in.Metadata) > 0 && string(in.Metadata) != "null" {
		rf.Metadata = in.Metadata
	}
	p.Refunds = append(p.Refunds, rf)
	stored := rf
	s.refunds[rf.ID] = &stored
	if key != "" {
		s.createdByKey[key]++
	}
	writeRaw(w, http.StatusCreated, s.remember(CreateRefund, key, hash, http.StatusCreated, s.refundJSON(&rf)))
}

func (s *Server) listRefunds(w http.ResponseWriter, r *http.Request) {
	limit, ok := parseLimit(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[r.PathValue("id")]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found", "No payment exists with token "+r.PathValue("id")+".", "")
		return
	}
	refunds := slices.Clone(p.Refunds)
	slices.Reverse(refunds) // newest first
	start := 0
	if from := r.URL.Query().Get("from"); from != "" {
		start = slices.IndexFunc(refunds, func(x Refund) bool { return x.ID == from })
		if start < 0 {
			writeError(w, http.StatusBadRequest, "Bad Request", "Invalid cursor: "+from, "from")
			return
		}
	}
	end := min(start+limit, len(refunds))
	page := make([]any, 0, end-start)
	for i := start; i < end; i++ {
		page = append(page, s.refundJSON(&refunds[i]))
	}
	base := s.URL + "/v2/payments/" + p.ID + "/refunds"
	links := map[string]any{
		"self":          link(base, "application/hal+json"),
		"previous":      nil,
		"next":          nil,
		"documentation": link("https://docs.mollie.com/reference/v2/refunds-api/list-refunds", "text/html"),
	}
	if start > 0 {
		links["previous"] = link(fmt.Sprintf("%s?from=%s&limit=%d", base, refunds[max(0, start-limit)].ID, limit), "application/hal+json")
	}
	if end < len(refunds) {
		links["next"] = link(fmt.Sprintf("%s?from=%s&limit=%d", base, refunds[end].ID, limit), "application/hal+json")
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"count":     len(page),
		"_embedded": map[string]any{"refunds": page},
		"_links":    links,
	})
}

// cancelRefund: a refund can be canceled while queued or pending, not once
// processing (https://docs.mollie.com/payments/refunds); the DELETE answers
// 204 without a body (https://docs.mollie.com/reference/v2/refunds-api/cancel-refund).
// Mollie calls no webhook for a canceled refund.
func (s *Server) cancelRefund(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rf, ok := s.refunds[r.PathValue("refundID")]
	if !ok || rf.PaymentID != r.PathValue("id") {
		writeError(w, http.StatusNotFound, "Not Found", "No refund exists with token "+r.PathValue("refundID")+".", "")
		return
	}
	if rf.Status != "queued" && rf.Status != "pending" {
		writeError(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "The refund cannot be canceled", "")
		return
	}
	s.setRefund(rf, "canceled")
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getRefund(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rf, ok := s.refunds[r.PathValue("refundID")]
	if !ok || rf.PaymentID != r.PathValue("id") {
		writeError(w, http.StatusNotFound, "Not Found", "No refund exists with token "+r.PathValue("refundID")+".", "")
		return
	}
	writeJSON(w, http.StatusOK, s.refundJSON(rf))
}

// refundJSON renders a refund; s.mu is held.
func (s *Server) refundJSON(rf *Refund) map[string]any {
	m := map[string]any{
		"resource":    "refund",
		"id":          rf.ID,
		"mode":        "test",
		"amount":      amountJSON(rf.Currency, rf.Value),
		"description": rf.Description,
		"metadata":    nil,
		"status":      rf.Status,
		"paymentId":   rf.PaymentID,
		"createdAt":   rf.CreatedAt.Format("2006-01-02T15:04:05+00:00"),
		"_links": map[string]any{
			"self":          link(s.URL+"/v2/payments/"+rf.PaymentID+"/refunds/"+rf.ID, "application/hal+json"),
			"payment":       link(s.URL+"/v2/payments/"+rf.PaymentID, "application/hal+json"),
			"documentation": link("https://docs.mollie.com/reference/v2/refunds-api/create-payment-refund", "text/html"),
		},
	}
	if rf.Metadata != nil {
		m["metadata"] = rf.Metadata
	}
	return m
}

// ---- the test checkout page ----

// checkoutPage is a bare version of Mollie's test checkout: a button per
// outcome. POST /checkout/{id} with status=... applies it (with webhook)
// and redirects 303 to the payment's redirectUrl.
func (s *Server) checkoutPage(w http.ResponseWriter, r *http.Request) {
	p, ok := s.Payment(r.PathValue("id"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mollie test checkout</title></head><body><main>
<h1>Mollie test checkout (molliefake)</h1><p>%s %s — status %s</p><form method="post">`,
		p.Currency, p.Value, p.Status)
	for _, st := range []string{"paid", "authorized", "failed", "canceled", "expired", "pending"} {
		if canTransition(p.Status, st) {
			fmt.Fprintf(w, `<button name="status" value="%s">%s</button> `, st, st)
		}
	}
	fmt.Fprint(w, `</form></main></body></html>`)
}

func (s *Server) checkoutChoice(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	p, ok := s.Payment(id)
	if !ok {
		http.NotFound(w, r)
		return
	}
	hook, err := s.setStatus(id, r.PostFormValue("status"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	if hook != "" {
		if err := s.sendWebhook(hook, id); err != nil {
			s.mu.Lock()
			s.retryHook(&pendingHook{url: hook, id: id, attempts: 1}) // Mollie retries; Tick does
			s.mu.Unlock()
		}
	}
	http.Redirect(w, r, p.RedirectURL, http.StatusSeeOther)
}

const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = idChars[int(b[i])%len(idChars)]
	}
	return string(b)
}

func sequenceOf(p *Payment) string {
	if p.SequenceType == "" {
		return "oneoff"
	}
	return p.SequenceType
}
