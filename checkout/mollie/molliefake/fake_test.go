package molliefake_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

// do sends a raw request to the fake and decodes the JSON answer.
func do(t *testing.T, f *molliefake.Server, method, path, key, body string, hdr map[string]string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, f.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s %s: not JSON: %s", method, path, b)
	}
	return resp, m
}

const validBody = `{"amount":{"currency":"EUR","value":"10.00"},"description":"Order #12345","redirectUrl":"https://webshop.example.org/order/12345/"}`

func create(t *testing.T, f *molliefake.Server) string {
	t.Helper()
	resp, m := do(t, f, "POST", "/v2/payments", f.APIKey, validBody, nil)
	if resp.StatusCode != 201 {
		t.Fatalf("create: %d %v", resp.StatusCode, m)
	}
	return m["id"].(string)
}

func TestCreateSpeaksMollie(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	resp, m := do(t, f, "POST", "/v2/payments", f.APIKey, validBody, nil)
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("Content-Type") != "application/hal+json" {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, k := range []string{"resource", "id", "mode", "createdAt", "amount", "description", "method", "metadata", "status", "isCancelable", "expiresAt", "profileId", "sequenceType", "details", "_links"} {
		if _, ok := m[k]; !ok {
			t.Errorf("missing %s", k)
		}
	}
	// Omitted until they apply.
	for _, k := range []string{"paidAt", "canceledAt", "expiredAt", "failedAt", "authorizedAt", "amountRefunded", "amountRemaining", "settlementAmount", "countryCode", "webhookUrl"} {
		if _, ok := m[k]; ok {
			t.Errorf("%s present on an open payment", k)
		}
	}
	if m["method"] != nil || m["details"] != nil || m["status"] != "open" || m["resource"] != "payment" {
		t.Errorf("payment = %v", m)
	}
	links := m["_links"].(map[string]any)
	if _, ok := links["checkout"]; !ok {
		t.Errorf("no checkout link: %v", links)
	}
	if a := m["amount"].(map[string]any); a["value"] != "10.00" || a["currency"] != "EUR" {
		t.Errorf("amount = %v", a)
	}
	id := m["id"].(string)
	if !strings.HasPrefix(id, "tr_") {
		t.Errorf("id %q", id)
	}

	if err := f.SetStatusQuiet(id, "paid"); err != nil {
		t.Fatal(err)
	}
	_, m = do(t, f, "GET", "/v2/payments/"+id, f.APIKey, "", nil)
	for _, k := range []string{"paidAt", "amountRefunded", "amountRemaining", "settlementAmount", "countryCode", "details"} {
		if _, ok := m[k]; !ok {
			t.Errorf("paid payment lacks %s", k)
		}
	}
	for _, k := range []string{"expiresAt", "canceledAt"} {
		if _, ok := m[k]; ok {
			t.Errorf("paid payment has %s", k)
		}
	}
	if _, ok := m["_links"].(map[string]any)["checkout"]; ok {
		t.Errorf("paid payment has a checkout link")
	}
}

func TestErrorsSpeakMollie(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	tests := []struct {
		name, method, path, key, body string
		status                        int
		field                         string
	}{
		{"no key", "GET", "/v2/payments/tr_x", "", "", 401, ""},
		{"wrong key", "GET", "/v2/payments/tr_x", "test_wrongwrongwrongwrongwrong", "", 401, ""},
		{"unknown payment", "GET", "/v2/payments/tr_nope", f.APIKey, "", 404, ""},
		{"one decimal", "POST", "/v2/payments", f.APIKey, strings.Replace(validBody, `"10.00"`, `"16.1"`, 1), 422, "amount.value"},
		{"number value", "POST", "/v2/payments", f.APIKey, strings.Replace(validBody, `"10.00"`, `10.00`, 1), 422, "amount.value"},
		{"bad currency", "POST", "/v2/payments", f.APIKey, strings.Replace(validBody, `"EUR"`, `"euro"`, 1), 422, "amount.currency"},
		{"JPY decimals", "POST", "/v2/payments", f.APIKey, strings.Replace(validBody, `"EUR"`, `"JPY"`, 1), 422, "amount.value"},
		{"no description", "POST", "/v2/payments", f.APIKey, `{"amount":{"currency":"EUR","value":"1.00"},"redirectUrl":"https://x.example/"}`, 422, "description"},
		{"relative redirect", "POST", "/v2/payments", f.APIKey, `{"amount":{"currency":"EUR","value":"1.00"},"description":"x","redirectUrl":"/order"}`, 422, "redirectUrl"},
		{"bad JSON", "POST", "/v2/payments", f.APIKey, `{"amount":`, 400, ""},
		{"bad limit", "GET", "/v2/payments?limit=251", f.APIKey, "", 400, "limit"},
		{"unknown route", "GET", "/v2/orders", f.APIKey, "", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, m := do(t, f, tt.method, tt.path, tt.key, tt.body, nil)
			if resp.StatusCode != tt.status || m["status"] != float64(tt.status) || m["title"] == "" || m["detail"] == "" {
				t.Fatalf("%d %v", resp.StatusCode, m)
			}
			if got, _ := m["field"].(string); got != tt.field {
				t.Fatalf("field %q, want %q", got, tt.field)
			}
			if _, ok := m["_links"].(map[string]any)["documentation"]; !ok {
				t.Fatalf("no documentation link: %v", m)
			}
		})
	}
	if f.PaymentCount() != 0 {
		t.Fatalf("%d payments made by bad requests", f.PaymentCount())
	}
}

func TestIdempotencyKeys(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	key := map[string]string{"Idempotency-Key": "5c1d2a5e-0000-4000-8000-000000000001"}
	r1, m1 := do(t, f, "POST", "/v2/payments", f.APIKey, validBody, key)
	r2, m2 := do(t, f, "POST", "/v2/payments", f.APIKey, validBody, key)
	if r1.StatusCode != 201 || r2.StatusCode != 201 || m1["id"] != m2["id"] {
		t.Fatalf("%d %v / %d %v", r1.StatusCode, m1["id"], r2.StatusCode, m2["id"])
	}
	if r1.Header.Get("Idempotent-Replayed") != "" || r2.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay headers %q %q", r1.Header.Get("Idempotent-Replayed"), r2.Header.Get("Idempotent-Replayed"))
	}
	if f.CreatedForKey(key["Idempotency-Key"]) != 1 || f.PaymentCount() != 1 {
		t.Fatalf("created %d", f.CreatedForKey(key["Idempotency-Key"]))
	}
	// Same key, other body: 400.
	r3, m3 := do(t, f, "POST", "/v2/payments", f.APIKey, strings.Replace(validBody, "10.00", "11.00", 1), key)
	if r3.StatusCode != 400 || f.PaymentCount() != 1 {
		t.Fatalf("%d %v", r3.StatusCode, m3)
	}
	// The cache lasts the window (24 hours by default, settable).
	now := time.Now()
	f.SetClock(func() time.Time { return now.Add(61 * time.Minute) })
	if r, m := do(t, f, "POST", "/v2/payments", f.APIKey, validBody, key); r.StatusCode != 201 || m["id"] != m1["id"] {
		t.Fatalf("after an hour with the 24-hour window: %d %v, want the replay of %v", r.StatusCode, m["id"], m1["id"])
	}
	f.SetIdempotencyWindow(time.Hour)
	r4, m4 := do(t, f, "POST", "/v2/payments", f.APIKey, validBody, key)
	if r4.StatusCode != 201 || m4["id"] == m1["id"] {
		t.Fatalf("after an hour with a one-hour window: %d %v", r4.StatusCode, m4["id"])
	}
}

func TestConcurrentKeyGets409(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	key := map[string]string{"Idempotency-Key": "slow-one"}
	f.Fail(molliefake.CreatePayment, molliefake.Fault{Delay: 300 * time.Millisecond})
	done := make(chan int)
	go func() { // no t.Fatal off the test goroutine
		req, _ := http.NewRequest("POST", f.URL+"/v2/payments", strings.NewReader(validBody))
		req.Header.Set("Authorization", "Bearer "+f.APIKey)
		req.Header.Set("Idempotency-Key", key["Idempotency-Key"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	for f.Calls(molliefake.CreatePayment) == 0 {
		time.Sleep(time.Millisecond)
	}
	resp, m := do(t, f, "POST", "/v2/payments", f.APIKey, validBody, key)
	if resp.StatusCode != http.StatusConflict || m["status"] != float64(409) {
		t.Fatalf("second request: %d %v", resp.StatusCode, m)
	}
	if code := <-done; code != 201 {
		t.Fatalf("first request: %d", code)
	}
	resp, _ = do(t, f, "POST", "/v2/payments", f.APIKey, validBody, key)
	if resp.StatusCode != 201 || resp.Header.Get("Idempotent-Replayed") != "true" || f.PaymentCount() != 1 {
		t.Fatalf("after: %d, %d payments", resp.StatusCode, f.PaymentCount())
	}
}

func TestStatusTransitions(t *testing.T) {
	all := []string{"open", "pending", "authorized", "paid", "canceled", "expired", "failed"}
	allowed := map[string][]string{
		"open":       {"pending", "authorized", "paid", "canceled", "expired", "failed"},
		"pending":    {"paid", "failed", "expired"},
		"authorized": {"paid", "canceled", "expired", "failed"},
	}
	f := molliefake.New()
	defer f.Close()
	for _, from := range all {
		for _, to := range all {
			t.Run(from+"->"+to, func(t *testing.T) {
				id := create(t, f)
				if from != "open" {
					if err := f.SetStatusQuiet(id, from); err != nil {
						t.Fatal(err)
					}
				}
				err := f.SetStatusQuiet(id, to)
				want := false
				for _, s := range allowed[from] {
					want = want || s == to
				}
				if (err == nil) != want {
					t.Fatalf("err = %v, allowed %v", err, want)
				}
				final := from == "paid" || from == "canceled" || from == "expired" || from == "failed"
				if final != errors.Is(err, molliefake.ErrFinal) {
					t.Fatalf("final %v, err %v", final, err)
				}
				p, _ := f.Payment(id)
				if want && p.Status != to || !want && p.Status != from {
					t.Fatalf("status %s", p.Status)
				}
			})
		}
	}
}

func TestSetStatusPostsTheWebhook(t *testing.T) {
	got := make(chan url.Values, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.Method != "POST" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			w.WriteHeader(400)
		}
		got <- r.PostForm
	}))
	defer hook.Close()
	f := molliefake.New()
	defer f.Close()
	resp, m := do(t, f, "POST", "/v2/payments", f.APIKey, `{"amount":{"currency":"EUR","value":"10.00"},"description":"x","redirectUrl":"https://x.example/","webhookUrl":"`+hook.URL+`/hook"}`, nil)
	if resp.StatusCode != 201 || m["webhookUrl"] != hook.URL+"/hook" {
		t.Fatalf("%d %v", resp.StatusCode, m)
	}
	id := m["id"].(string)
	// pending: no webhook (Mollie does not call it for open or pending).
	if err := f.SetStatus(id, "pending"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetStatus(id, "paid"); err != nil {
		t.Fatal(err)
	}
	select {
	case v := <-got:
		if v.Get("id") != id {
			t.Fatalf("webhook form %v", v)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook")
	}
	if len(got) != 0 || f.WebhooksSent() != 1 {
		t.Fatalf("webhooks: %d queued, %d sent", len(got), f.WebhooksSent())
	}
	if err := f.SetStatus(id, "failed"); !errors.Is(err, molliefake.ErrFinal) {
		t.Fatalf("final payment changed: %v", err)
	}
	f.RejectLocalWebhooks(true)
	resp, m = do(t, f, "POST", "/v2/payments", f.APIKey, `{"amount":{"currency":"EUR","value":"10.00"},"description":"x","redirectUrl":"https://x.example/","webhookUrl":"`+hook.URL+`/hook"}`, nil)
	if resp.StatusCode != 422 || m["field"] != "webhookUrl" {
		t.Fatalf("local webhook: %d %v", resp.StatusCode, m)
	}
}

func TestOpenPaymentsExpire(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	id := create(t, f)
	now := time.Now()
	f.SetClock(func() time.Time { return now.Add(16 * time.Minute) })
	_, m := do(t, f, "GET", "/v2/payments/"+id, f.APIKey, "", nil)
	if m["status"] != "expired" || m["expiredAt"] == nil {
		t.Fatalf("payment = %v", m)
	}
	resp, _ := do(t, f, "DELETE", "/v2/payments/"+id, f.APIKey, "", nil)
	if resp.StatusCode != 422 {
		t.Fatalf("cancel of expired: %d", resp.StatusCode)
	}
}

func TestFaults(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	id := create(t, f)
	f.Fail(molliefake.GetPayment, molliefake.Fault{Status: 429, RetryAfter: "7", Times: 2})
	for i := 0; i < 2; i++ {
		resp, m := do(t, f, "GET", "/v2/payments/"+id, f.APIKey, "", nil)
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" || m["status"] != float64(429) {
			t.Fatalf("call %d: %d %v", i, resp.StatusCode, m)
		}
	}
	resp, _ := do(t, f, "GET", "/v2/payments/"+id, f.APIKey, "", nil)
	if resp.StatusCode != 200 || f.Calls(molliefake.GetPayment) != 3 {
		t.Fatalf("after faults: %d, %d calls", resp.StatusCode, f.Calls(molliefake.GetPayment))
	}
	// A closed connection.
	f.Fail(molliefake.GetPayment, molliefake.Fault{CloseConn: true})
	req, _ := http.NewRequest("GET", f.URL+"/v2/payments/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+f.APIKey)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	if _, err := tr.RoundTrip(req); err == nil {
		t.Fatal("closed connection gave an answer")
	}
	// Answer lost after the payment was made.
	f.Fail(molliefake.CreatePayment, molliefake.Fault{Status: 503, AfterHandling: true})
	resp, _ = do(t, f, "POST", "/v2/payments", f.APIKey, validBody, nil)
	if resp.StatusCode != 503 || f.PaymentCount() != 2 {
		t.Fatalf("%d, %d payments", resp.StatusCode, f.PaymentCount())
	}
}

func TestCheckoutPage(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	id := create(t, f)
	p, _ := f.Payment(id)
	cli := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := cli.Get(f.URL + "/checkout/" + id)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = cli.PostForm(f.URL+"/checkout/"+id, url.Values{"status": {"paid"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != p.RedirectURL {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if p, _ := f.Payment(id); p.Status != "paid" {
		t.Fatalf("status %s", p.Status)
	}
}
