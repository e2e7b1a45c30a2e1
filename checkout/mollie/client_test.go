package mollie_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie"
	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

// sleeps records the backoff waits a client asked for.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// newClient returns a fake and a client pointed at it with fast retries.
func newClient(t *testing.T, opts ...mollie.Option) (*molliefake.Server, *mollie.Client, *sleeps) {
	t.Helper()
	f := molliefake.New()
	t.Cleanup(f.Close)
	base := []mollie.Option{
		mollie.WithBaseURL(f.BaseURL()),
		mollie.WithRetryPolicy(mollie.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond, MaxWait: 10 * time.Second}),
		mollie.WithLogger(slog.New(slog.DiscardHandler)),
	}
	c, err := mollie.NewClient(nil, f.APIKey, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	s := &sleeps{}
	mollie.SetSleep(c, s.sleep)
	return f, c, s
}

func createReq(value string) mollie.CreatePayment {
	return mollie.CreatePayment{
		Amount:      mollie.Amount{Currency: "EUR", Value: value},
		Description: "Order 12345",
		RedirectURL: "https://shop.example/order/abc",
		Metadata:    map[string]string{"order": "12345"},
	}
}

func TestPaymentLifecycle(t *testing.T) {
	f, c, _ := newClient(t)
	ctx := context.Background()

	p, err := c.Payments.Create(ctx, createReq("14.50"), "key-1")
	if err != nil {
		t.Fatal(err)
	}
	if !mollie.ValidPaymentID(p.ID) || p.Status != mollie.StatusOpen || p.Amount == nil || p.Amount.Value != "14.50" {
		t.Fatalf("created payment = %+v", p)
	}
	if p.Links.Checkout == nil || !strings.HasPrefix(p.Links.Checkout.Href, f.URL) {
		t.Fatalf("checkout link = %+v", p.Links.Checkout)
	}
	if p.ExpiresAt == nil || p.CreatedAt == nil || p.ExpiresAt.Sub(*p.CreatedAt) != 15*time.Minute {
		t.Fatalf("createdAt %v expiresAt %v", p.CreatedAt, p.ExpiresAt)
	}
	if p.PaidAt != nil || p.AmountRefunded != nil || p.CanceledAt != nil || p.Method != "" {
		t.Fatalf("fields that do not apply yet are set: %+v", p)
	}
	if md, _ := p.Metadata.(map[string]any); md["order"] != "12345" {
		t.Fatalf("metadata = %#v", p.Metadata)
	}

	got, err := c.Payments.Get(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != p.ID || got.Status != mollie.StatusOpen || !got.IsCancelable {
		t.Fatalf("get = %+v", got)
	}

	canceled, err := c.Payments.Cancel(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if canceled.Status != mollie.StatusCanceled || canceled.CanceledAt == nil || canceled.Links.Checkout != nil || canceled.IsCancelable {
		t.Fatalf("canceled = %+v", canceled)
	}
	// A canceled payment cannot be canceled again.
	_, err = c.Payments.Cancel(ctx, p.ID)
	var be *mollie.BaseError
	if !errors.As(err, &be) || be.Status != http.StatusUnprocessableEntity {
		t.Fatalf("second cancel: %v", err)
	}
}

func TestPaidPaymentHasItsFields(t *testing.T) {
	f, c, _ := newClient(t)
	ctx := context.Background()
	p, err := c.Payments.Create(ctx, createReq("10.00"), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetStatusQuiet(p.ID, "paid"); err != nil {
		t.Fatal(err)
	}
	got, err := c.Payments.Get(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != mollie.StatusPaid || got.PaidAt == nil || got.Method != "ideal" {
		t.Fatalf("paid = %+v", got)
	}
	if got.AmountRemaining == nil || got.AmountRemaining.Value != "10.00" || got.AmountRefunded == nil || got.AmountRefunded.Value != "0.00" {
		t.Fatalf("amounts = %+v %+v", got.AmountRefunded, got.AmountRemaining)
	}
	if got.ExpiresAt != nil || got.Links.Checkout != nil {
		t.Fatalf("paid payment still has expiry or checkout: %+v", got)
	}
}

func TestListPaymentsFollowsNext(t *testing.T) {
	_, c, _ := newClient(t)
	ctx := context.Background()
	var created []string
	for range 5 {
		p, err := c.Payments.Create(ctx, createReq("1.00"), "")
		if err != nil {
			t.Fatal(err)
		}
		created = append(created, p.ID)
	}
	page, err := c.Payments.List(ctx, &mollie.ListPaymentsOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("too many pages")
		}
		if page.Count != len(page.Embedded.Payments) {
			t.Fatalf("count %d, %d payments", page.Count, len(page.Embedded.Payments))
		}
		for _, p := range page.Embedded.Payments {
			seen = append(seen, p.ID)
		}
		page, err = c.Payments.ListNext(ctx, page)
		if errors.Is(err, mollie.ErrNoNextPage) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) != len(created) {
		t.Fatalf("listed %v, created %v", seen, created)
	}
	for i := range seen { // newest first
		if seen[i] != created[len(created)-1-i] {
			t.Fatalf("listed %v, created %v", seen, created)
		}
	}
}

func TestListNextStaysOnTheAPIHost(t *testing.T) {
	f, c, _ := newClient(t)
	page := &mollie.PaymentList{}
	page.Links.Next = &mollie.URL{Href: "http://evil.example/v2/payments?from=tr_x"}
	_, err := c.Payments.ListNext(context.Background(), page)
	if err == nil || errors.Is(err, mollie.ErrNoNextPage) {
		t.Fatalf("err = %v, want a refusal", err)
	}
	if n := f.Calls(molliefake.ListPayments); n != 0 {
		t.Fatalf("fake saw %d calls", n)
	}
}

func TestRefunds(t *testing.T) {
	f, c, _ := newClient(t)
	ctx := context.Background()
	p, err := c.Payments.Create(ctx, createReq("10.00"), "")
	if err != nil {
		t.Fatal(err)
	}
	req := mollie.CreatePaymentRefund{Amount: mollie.Amount{Currency: "EUR", Value: "4.00"}, Description: "one bag back"}

	// Not paid yet: refused.
	_, err = c.Refunds.Create(ctx, p.ID, req, "r-0")
	var be *mollie.BaseError
	if !errors.As(err, &be) || be.Status != http.StatusUnprocessableEntity {
		t.Fatalf("refund of open payment: %v", err)
	}

	if err := f.SetStatusQuiet(p.ID, "paid"); err != nil {
		t.Fatal(err)
	}
	r, err := c.Refunds.Create(ctx, p.ID, req, "r-1")
	if err != nil {
		t.Fatal(err)
	}
	if !mollie.ValidRefundID(r.ID) || r.PaymentID != p.ID || r.Amount.Value != "4.00" || r.Status != "pending" {
		t.Fatalf("refund = %+v", r)
	}
	// The same key gives the same refund.
	again, err := c.Refunds.CreatePaymentRefund(ctx, p.ID, req, "r-1")
	if err != nil || again.ID != r.ID {
		t.Fatalf("replay = %+v, %v", again, err)
	}
	// More than remains plus the € 25 Mollie allows beyond it: 422 on field amount.
	_, err = c.Refunds.Create(ctx, p.ID, mollie.CreatePaymentRefund{Amount: mollie.Amount{Currency: "EUR", Value: "31.01"}}, "r-2")
	if !errors.As(err, &be) || be.Status != http.StatusUnprocessableEntity || be.Field != "amount" {
		t.Fatalf("too large refund: %v", err)
	}
	list, err := c.Refunds.List(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != r.ID {
		t.Fatalf("list = %+v", list)
	}
	got, err := c.Payments.Get(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.AmountRefunded.Value != "4.00" || got.AmountRemaining.Value != "6.00" || got.Links.Refunds == nil {
		t.Fatalf("after refund: %+v %+v %+v", got.AmountRefunded, got.AmountRemaining, got.Links.Refunds)
	}
}

func TestRefundListFollowsPages(t *testing.T) {
	f, c, _ := newClient(t)
	ctx := context.Background()
	p, err := c.Payments.Create(ctx, createReq("100.00"), "")
	if err != nil {
		t.Fatal(err)
	}
	f.SetStatusQuiet(p.ID, "paid")
	for _, v := range []string{"1.00", "2.00", "3.00"} {
		if _, err := c.Refunds.Create(ctx, p.ID, mollie.CreatePaymentRefund{Amount: mollie.Amount{Currency: "EUR", Value: v}}, ""); err != nil {
			t.Fatal(err)
		}
	}
	// Page through with a raw call of limit 1 via the client's List, which
	// follows _links.next: point it at a first page of one.
	list, err := c.Refunds.List(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 {
		t.Fatalf("got %d refunds", len(list))
	}
}

func TestErrorsAreDecoded(t *testing.T) {
	tests := []struct {
		name       string
		fault      *molliefake.Fault
		id         string
		wantStatus int
		wantTitle  string
		wantDetail string
	}{
		{name: "unknown payment", id: "tr_unknown1", wantStatus: 404, wantTitle: "Not Found", wantDetail: "No payment exists"},
		{name: "JSON with Content-Length", id: "", fault: &molliefake.Fault{Status: 500}, wantStatus: 500, wantTitle: "Internal Server Error", wantDetail: "Injected fault"},
		{name: "JSON without Content-Length", id: "", fault: &molliefake.Fault{Status: 500, NoContentLength: true}, wantStatus: 500, wantTitle: "Internal Server Error", wantDetail: "Injected fault"},
		{name: "HTML body", id: "", fault: &molliefake.Fault{Status: 500, Body: "<html><body>Oops, proxy trouble</body></html>"}, wantStatus: 500, wantTitle: "Internal Server Error", wantDetail: "proxy trouble"},
		{name: "empty body", id: "", fault: &molliefake.Fault{Status: 500, Body: " "}, wantStatus: 500, wantTitle: "Internal Server Error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c, _ := newClient(t)
			id := tt.id
			if id == "" {
				p, err := c.Payments.Create(context.Background(), createReq("1.00"), "")
				if err != nil {
					t.Fatal(err)
				}
				id = p.ID
			}
			if tt.fault != nil {
				f.Fail(molliefake.GetPayment, *tt.fault)
			}
			_, err := c.Payments.Get(context.Background(), id)
			var be *mollie.BaseError
			if !errors.As(err, &be) {
				t.Fatalf("err = %v (%T), want *BaseError", err, err)
			}
			if be.Status != tt.wantStatus || be.Title != tt.wantTitle || !strings.Contains(be.Detail, tt.wantDetail) {
				t.Fatalf("error = %+v", be)
			}
			if tt.fault != nil && tt.fault.Body == "" && (be.Links.Documentation == nil || be.Links.Documentation.Href == "") {
				t.Fatalf("documentation link lost: %+v", be)
			}
		})
	}
}

func TestValidationErrors(t *testing.T) {
	tests := []struct {
		name      string
		req       mollie.CreatePayment
		wantField string
	}{
		{"one decimal", createReq("16.1"), "amount.value"},
		{"comma", createReq("16,10"), "amount.value"},
		{"thousands separator", createReq("1,016.10"), "amount.value"},
		{"zero", createReq("0.00"), "amount"},
		{"no description", mollie.CreatePayment{Amount: mollie.Amount{Currency: "EUR", Value: "1.00"}, RedirectURL: "https://x.example/"}, "description"},
		{"no redirect", mollie.CreatePayment{Amount: mollie.Amount{Currency: "EUR", Value: "1.00"}, Description: "x"}, "redirectUrl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c, _ := newClient(t)
			_, err := c.Payments.Create(context.Background(), tt.req, "k")
			var be *mollie.BaseError
			if !errors.As(err, &be) || be.Status != 422 || be.Field != tt.wantField {
				t.Fatalf("err = %v, want 422 on %s", err, tt.wantField)
			}
			if f.PaymentCount() != 0 || f.Calls(molliefake.CreatePayment) != 1 {
				t.Fatalf("payments %d, calls %d", f.PaymentCount(), f.Calls(molliefake.CreatePayment))
			}
		})
	}
}

func TestWrongKeyIs401(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	c, err := mollie.NewClient(nil, "test_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", mollie.WithBaseURL(f.BaseURL()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Payments.Get(context.Background(), "tr_abc")
	var be *mollie.BaseError
	if !errors.As(err, &be) || be.Status != http.StatusUnauthorized {
		t.Fatalf("err = %v", err)
	}
}

func TestInvalidIDNeverReachesTheAPI(t *testing.T) {
	f, c, _ := newClient(t)
	ctx := context.Background()
	for _, id := range []string{"", "tr_", "../payments", "tr_abc/refunds", "tr_a?b=c", "re_abc", "tr_abc%2F"} {
		if _, err := c.Payments.Get(ctx, id); !errors.Is(err, mollie.ErrInvalidID) {
			t.Errorf("Get(%q) = %v", id, err)
		}
		if _, err := c.Payments.Cancel(ctx, id); !errors.Is(err, mollie.ErrInvalidID) {
			t.Errorf("Cancel(%q) = %v", id, err)
		}
		if _, err := c.Refunds.List(ctx, id); !errors.Is(err, mollie.ErrInvalidID) {
			t.Errorf("Refunds.List(%q) = %v", id, err)
		}
	}
	if n := f.Calls(molliefake.GetPayment) + f.Calls(molliefake.CancelPayment) + f.Calls(molliefake.ListRefunds); n != 0 {
		t.Fatalf("fake saw %d calls", n)
	}
}

func TestCreateRetriesWithTheSameKey(t *testing.T) {
	tests := []struct {
		name  string
		fault molliefake.Fault
		calls int
	}{
		{"503 twice", molliefake.Fault{Status: 503, Times: 2}, 3},
		{"429 with Retry-After", molliefake.Fault{Status: 429, RetryAfter: "2"}, 2},
		{"502", molliefake.Fault{Status: 502}, 2},
		{"504 without Content-Length", molliefake.Fault{Status: 504, NoContentLength: true}, 2},
		{"connection closed before handling", molliefake.Fault{CloseConn: true}, 2},
		{"answer lost after the payment was made", molliefake.Fault{CloseConn: true, AfterHandling: true}, 2},
		{"503 after the payment was made", molliefake.Fault{Status: 503, AfterHandling: true}, 2},
		{"409 still processing", molliefake.Fault{Status: 409}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c, sl := newClient(t)
			f.Fail(molliefake.CreatePayment, tt.fault)
			p, err := c.Payments.Create(context.Background(), createReq("25.00"), "order-7")
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Calls(molliefake.CreatePayment); got != tt.calls {
				t.Fatalf("calls = %d, want %d", got, tt.calls)
			}
			if f.CreatedForKey("order-7") != 1 || f.PaymentCount() != 1 {
				t.Fatalf("created %d for the key, %d in all", f.CreatedForKey("order-7"), f.PaymentCount())
			}
			if _, ok := f.Payment(p.ID); !ok {
				t.Fatalf("returned payment %s is not the one the fake made", p.ID)
			}
			waits := sl.all()
			if len(waits) != tt.calls-1 {
				t.Fatalf("waits = %v", waits)
			}
			if tt.fault.RetryAfter == "2" && waits[0] != 2*time.Second {
				t.Fatalf("Retry-After not honoured: waits = %v", waits)
			}
		})
	}
}

func TestCreateGivingUpSaysWhetherItIsUncertain(t *testing.T) {
	tests := []struct {
		name      string
		fault     molliefake.Fault
		uncertain bool
		created   int
	}{
		{"503 each time: never performed", molliefake.Fault{Status: 503, Times: 10}, false, 0},
		{"502 after handling each time", molliefake.Fault{Status: 502, AfterHandling: true, Times: 10}, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c, _ := newClient(t)
			f.Fail(molliefake.CreatePayment, tt.fault)
			_, err := c.Payments.Create(context.Background(), createReq("5.00"), "give-up")
			if err == nil || errors.Is(err, mollie.ErrUncertain) != tt.uncertain {
				t.Fatalf("err = %v, want uncertain=%v", err, tt.uncertain)
			}
			var be *mollie.BaseError
			if !errors.As(err, &be) {
				t.Fatalf("err = %v lost its *BaseError", err)
			}
			if f.Calls(molliefake.CreatePayment) != 4 || f.CreatedForKey("give-up") != tt.created {
				t.Fatalf("calls %d, created %d", f.Calls(molliefake.CreatePayment), f.CreatedForKey("give-up"))
			}
		})
	}
}

func TestCreateWithoutKeyIsNotRetried(t *testing.T) {
	f, c, _ := newClient(t)
	f.Fail(molliefake.CreatePayment, molliefake.Fault{Status: 503})
	_, err := c.Payments.Create(context.Background(), createReq("25.00"), "")
	var be *mollie.BaseError
	if !errors.As(err, &be) || be.Status != 503 {
		t.Fatalf("err = %v", err)
	}
	if n := f.Calls(molliefake.CreatePayment); n != 1 {
		t.Fatalf("calls = %d", n)
	}
}

func TestRetriesGiveUp(t *testing.T) {
	f, c, sl := newClient(t)
	f.Fail(molliefake.GetPayment, molliefake.Fault{Status: 503, Times: 10})
	_, err := c.Payments.Get(context.Background(), "tr_abc")
	var be *mollie.BaseError
	if !errors.As(err, &be) || be.Status != 503 {
		t.Fatalf("err = %v", err)
	}
	if n := f.Calls(molliefake.GetPayment); n != 4 {
		t.Fatalf("calls = %d, want 4 (MaxAttempts)", n)
	}
	w := sl.all()
	for i := 1; i < len(w); i++ {
		if w[i] > 4*time.Millisecond || w[i] <= 0 {
			t.Fatalf("backoff outside (0, MaxDelay]: %v", w)
		}
	}
}

func TestRetryAfterBeyondMaxWaitStops(t *testing.T) {
	f, c, sl := newClient(t)
	f.Fail(molliefake.GetPayment, molliefake.Fault{Status: 429, RetryAfter: "3600"})
	_, err := c.Payments.Get(context.Background(), "tr_abc")
	var be *mollie.BaseError
	if !errors.As(err, &be) || be.Status != 429 {
		t.Fatalf("err = %v", err)
	}
	if n := f.Calls(molliefake.GetPayment); n != 1 || len(sl.all()) != 0 {
		t.Fatalf("calls = %d, waits %v", n, sl.all())
	}
}

func TestGetRetriesAfterTimeoutAndClosedConnection(t *testing.T) {
	f, c, _ := newClient(t, mollie.WithTimeout(200*time.Millisecond))
	p, err := c.Payments.Create(context.Background(), createReq("1.00"), "")
	if err != nil {
		t.Fatal(err)
	}
	f.Fail(molliefake.GetPayment, molliefake.Fault{Delay: 10 * time.Second})
	f.Fail(molliefake.GetPayment, molliefake.Fault{CloseConn: true})
	got, err := c.Payments.Get(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != p.ID || f.Calls(molliefake.GetPayment) != 3 {
		t.Fatalf("got %s after %d calls", got.ID, f.Calls(molliefake.GetPayment))
	}
}

func TestRefundIsNotRetriedWhenUncertain(t *testing.T) {
	tests := []struct {
		name  string
		fault molliefake.Fault
		key   string
	}{
		{"timeout after the refund was made", molliefake.Fault{Delay: 10 * time.Second, AfterHandling: true}, "refund-1"},
		{"timeout, no key", molliefake.Fault{Delay: 10 * time.Second, AfterHandling: true}, ""},
		// With a key, Go's transport itself replays a request whose reused
		// connection died before any answer (Idempotency-Key makes it
		// "replayable"); that is safe, and covered below. Without a key:
		{"connection closed after the refund was made, no key", molliefake.Fault{CloseConn: true, AfterHandling: true}, ""},
		{"504", molliefake.Fault{Status: 504, AfterHandling: true}, "refund-1"},
		{"502", molliefake.Fault{Status: 502, AfterHandling: true}, "refund-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c, _ := newClient(t, mollie.WithTimeout(200*time.Millisecond))
			ctx := context.Background()
			p, err := c.Payments.Create(ctx, createReq("10.00"), "")
			if err != nil {
				t.Fatal(err)
			}
			f.SetStatusQuiet(p.ID, "paid")
			f.Fail(molliefake.CreateRefund, tt.fault)
			_, err = c.Refunds.Create(ctx, p.ID, mollie.CreatePaymentRefund{Amount: mollie.Amount{Currency: "EUR", Value: "5.00"}}, tt.key)
			if !errors.Is(err, mollie.ErrUncertain) {
				t.Fatalf("err = %v, want ErrUncertain", err)
			}
			if n := f.Calls(molliefake.CreateRefund); n != 1 {
				t.Fatalf("refund POSTed %d times", n)
			}
			// What the caller must do: list first. The refund is there.
			list, err := c.Refunds.List(ctx, p.ID)
			if err != nil || len(list) != 1 {
				t.Fatalf("list = %+v, %v", list, err)
			}
		})
	}
}

func TestRefundWithKeyOnDeadConnectionMakesOneRefund(t *testing.T) {
	f, c, _ := newClient(t)
	ctx := context.Background()
	p, _ := c.Payments.Create(ctx, createReq("10.00"), "")
	f.SetStatusQuiet(p.ID, "paid")
	f.Fail(molliefake.CreateRefund, molliefake.Fault{CloseConn: true, AfterHandling: true})
	r, err := c.Refunds.Create(ctx, p.ID, mollie.CreatePaymentRefund{Amount: mollie.Amount{Currency: "EUR", Value: "5.00"}}, "refund-3")
	if err != nil && !errors.Is(err, mollie.ErrUncertain) {
		t.Fatalf("err = %v", err)
	}
	if f.CreatedForKey("refund-3") != 1 {
		t.Fatalf("created %d refunds", f.CreatedForKey("refund-3"))
	}
	fp, _ := f.Payment(p.ID)
	if err == nil && (len(fp.Refunds) != 1 || r.ID != fp.Refunds[0].ID) {
		t.Fatalf("refund %+v, fake has %+v", r, fp.Refunds)
	}
}

func TestRefundRetriedOn503And429And409WithKey(t *testing.T) {
	f, c, _ := newClient(t)
	ctx := context.Background()
	p, _ := c.Payments.Create(ctx, createReq("10.00"), "")
	f.SetStatusQuiet(p.ID, "paid")
	f.Fail(molliefake.CreateRefund, molliefake.Fault{Status: 503})
	f.Fail(molliefake.CreateRefund, molliefake.Fault{Status: 429, RetryAfter: "1"})
	f.Fail(molliefake.CreateRefund, molliefake.Fault{Status: 409})
	r, err := c.Refunds.Create(ctx, p.ID, mollie.CreatePaymentRefund{Amount: mollie.Amount{Currency: "EUR", Value: "5.00"}}, "refund-2")
	if err != nil {
		t.Fatal(err)
	}
	if f.Calls(molliefake.CreateRefund) != 4 || f.CreatedForKey("refund-2") != 1 || r.ID == "" {
		t.Fatalf("calls %d, created %d", f.Calls(molliefake.CreateRefund), f.CreatedForKey("refund-2"))
	}
}

func TestContextCancellation(t *testing.T) {
	t.Run("during a slow answer", func(t *testing.T) {
		f, c, _ := newClient(t)
		f.Fail(molliefake.GetPayment, molliefake.Fault{Delay: 30 * time.Second})
		ctx, cancel := context.WithCancel(context.Background())
		// Cancel once Mollie has the request (it is answering slowly), not
		// after a fixed time: on a loaded machine the request may not even
		// have been sent 50 ms in, and then there is no call to count.
		go func() {
			for f.Calls(molliefake.GetPayment) == 0 && ctx.Err() == nil {
				time.Sleep(time.Millisecond)
			}
			cancel()
		}()
		_, err := c.Payments.Get(ctx, "tr_abc")
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		if n := f.Calls(molliefake.GetPayment); n != 1 {
			t.Fatalf("calls = %d after cancel", n)
		}
	})
	t.Run("during backoff", func(t *testing.T) {
		f, c, _ := newClient(t)
		mollie.SetSleep(c, func(ctx context.Context, d time.Duration) error {
			<-ctx.Done() // a long backoff that only cancellation ends
			return ctx.Err()
		})
		f.Fail(molliefake.GetPayment, molliefake.Fault{Status: 503, Times: 5})
		ctx, cancel := context.WithCancel(context.Background())
		go func() { time.Sleep(50 * time.Millisecond); cancel() }()
		_, err := c.Payments.Get(ctx, "tr_abc")
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("already canceled", func(t *testing.T) {
		f, c, _ := newClient(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.Payments.Create(ctx, createReq("1.00"), "k")
		if !errors.Is(err, context.Canceled) || errors.Is(err, mollie.ErrUncertain) || f.PaymentCount() != 0 || f.Calls(molliefake.CreatePayment) != 0 {
			t.Fatalf("err = %v, payments %d", err, f.PaymentCount())
		}
	})
}

func TestKeyIsNeverLogged(t *testing.T) {
	var buf bytes.Buffer
	f, c, _ := newClient(t, mollie.WithLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	f.Fail(molliefake.GetPayment, molliefake.Fault{Status: 503, Times: 10})
	_, err := c.Payments.Get(context.Background(), "tr_abc")
	if err == nil {
		t.Fatal("want an error")
	}
	if buf.Len() == 0 {
		t.Fatal("retries were not logged")
	}
	if strings.Contains(buf.String(), f.APIKey) || strings.Contains(err.Error(), f.APIKey) {
		t.Fatalf("API key leaked: %s / %v", buf.String(), err)
	}
}

func TestAPIKeys(t *testing.T) {
	tests := []struct {
		key        string
		live, test bool
		ok         bool
	}{
		{"live_HbhMhvhJhBtrHqvxDgprHZFxJDvKDP", true, false, true},
		{"test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM", false, true, true},
		{"access_Vtxm2QhJQNnVGsDqZtfzWfQM2J8kMX", false, false, true},
		{"", false, false, false},
		{"test_short", false, true, false},
		{"sk_live_abcdefghijklmnopqrstuvwxyz", false, false, false},
		{"test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM ", false, true, false},
		{"Live_HbhMhvhJhBtrHqvxDgprHZFxJDvKDP", false, false, false},
	}
	for _, tt := range tests {
		if got := mollie.IsLiveKey(tt.key); got != tt.live {
			t.Errorf("IsLiveKey(%q) = %v", tt.key, got)
		}
		if got := mollie.IsTestKey(tt.key); got != tt.test {
			t.Errorf("IsTestKey(%q) = %v", tt.key, got)
		}
		if err := mollie.CheckAPIKey(tt.key); (err == nil) != tt.ok {
			t.Errorf("CheckAPIKey(%q) = %v", tt.key, err)
		}
		if _, err := mollie.NewClient(nil, tt.key); (err == nil) != tt.ok {
			t.Errorf("NewClient(%q) = %v", tt.key, err)
		}
	}
}

func TestBaseURLOption(t *testing.T) {
	c, err := mollie.NewClient(nil, molliefake.DefaultAPIKey)
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL.String() != mollie.DefaultBaseURL {
		t.Fatalf("default base = %s", c.BaseURL)
	}
	c, err = mollie.NewClient(nil, molliefake.DefaultAPIKey, mollie.WithBaseURL("http://127.0.0.1:9/v2"))
	if err != nil || c.BaseURL.String() != "http://127.0.0.1:9/v2/" {
		t.Fatalf("base = %v, %v", c.BaseURL, err)
	}
	for _, bad := range []string{"ftp://x/", "/v2/", "http://"} {
		if _, err := mollie.NewClient(nil, molliefake.DefaultAPIKey, mollie.WithBaseURL(bad)); err == nil {
			t.Errorf("WithBaseURL(%q) accepted", bad)
		}
	}
}
