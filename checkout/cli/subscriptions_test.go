package cli

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/server"
)

// TestSubscriptionsCommand: a customer takes the coffee every 4 weeks and
// pays the first delivery; the owner lists, shows, pauses and cancels it.
func TestSubscriptionsCommand(t *testing.T) {
	base, _ := startSidecar(t)
	t.Setenv("SHOP_ADMIN_URL", base)
	t.Setenv("SHOP_ADMIN_TOKEN", token)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path, ctype, body string) *http.Response {
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Origin", base)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := post("/api/standing", "application/json", `{"email":"eva@example.nl","name":"Eva","street":"Markt 1","postal_code":"3511 AA","city":"Utrecht","country":"NL","sku":"KOF-GUJI-250-BO","weeks":4}`)
	var b server.StandingBegun
	json.NewDecoder(resp.Body).Decode(&b)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("begin: %d", resp.StatusCode)
	}
	u, _ := url.Parse(b.CheckoutURL)
	post(u.Path, "application/x-www-form-urlencoded", "status=paid").Body.Close()
	// The return page asks the provider itself, so the payment's news is in now.
	if r, err := c.Get(base + "/order/" + b.OrderToken); err == nil {
		r.Body.Close()
	}

	// The built-in provider tells the sidecar in the background too; when
	// that call wins the race, the return page finds the order paid and
	// leaves starting the standing order to it, a moment later.
	var out bytes.Buffer
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		out.Reset()
		if err := subscriptions([]string{"list"}, &out); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), "SO-000001") || time.Now().After(deadline) {
			break
		}
	}
	for _, want := range []string{"SO-000001", "active", "eva@example.nl", "4 weeks", "Monthly recurring revenue: 19.98 EUR"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("list lacks %q:\n%s", want, out.String())
		}
	}
	for _, cmd := range [][]string{{"pause", "SO-000001"}, {"show", "SO-000001"}} {
		out.Reset()
		if err := subscriptions(cmd, &out); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(out.String(), "paused (owner)") || !strings.Contains(out.String(), "delivery 1: order") {
		t.Errorf("show after pause:\n%s", out.String())
	}
	out.Reset()
	if err := subscriptions([]string{"cancel", "SO-000001"}, &out); err != nil || !strings.Contains(out.String(), "canceled") {
		t.Fatalf("cancel: %v\n%s", err, out.String())
	}
	if err := subscriptions([]string{"show", "SO-999999"}, &out); err == nil {
		t.Error("an unknown id gave no error")
	}
	out.Reset()
	if err := stats(nil, &out); err != nil || !strings.Contains(out.String(), "Standing orders: 0 active, 0 paused, 1 stopped") {
		t.Errorf("stats lacks the standing orders: %v\n%s", err, out.String())
	}
}
