package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// admin calls the owner's API with the bearer token, as `shop orders` does,
// and decodes the JSON answer into out (when not nil). It fails the test on
// any status but 2xx.
func admin(t *testing.T, h *harness, method, path string, body any, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, h.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+adminToken)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("admin %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("admin %s %s: %s: %s", method, path, resp.Status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("admin %s %s: decode %s: %v", method, path, b, err)
		}
	}
}

// adminOrder is the part of the admin API's order the journeys compare.
type adminOrder struct {
	ID            string `json:"id"`
	Number        string `json:"number"`
	Token         string `json:"token"`
	State         string `json:"state"`
	PaymentStatus string `json:"payment_status"`
	Total         int64  `json:"total"`
	TotalText     string `json:"total_text"`
	Shipping      int64  `json:"shipping"`
	ShippingName  string `json:"shipping_method"`
	TrackingURL   string `json:"tracking_url"`
	CheckoutURL   string `json:"checkout_url"`
	Customer      struct {
		Email string `json:"email"`
	} `json:"customer"`
}

// orderByToken finds an order through the admin list by its page token.
func orderByToken(t *testing.T, h *harness, token string) adminOrder {
	t.Helper()
	var list struct {
		Orders []adminOrder `json:"orders"`
	}
	admin(t, h, "GET", "/api/admin/orders", nil, &list)
	for _, o := range list.Orders {
		if o.Token == token {
			return o
		}
	}
	t.Fatalf("the admin API lists no order with the token of the order page (%d orders)", len(list.Orders))
	return adminOrder{}
}

// mailsTo waits until the outbox holds at least n e-mails to addr, then a
// little longer to see that no more arrive, and returns them all.
func mailsTo(t *testing.T, h *harness, addr string, n int) []Message {
	t.Helper()
	read := func() []Message {
		all, err := ReadOutbox(h.outbox)
		if err != nil {
			t.Fatalf("read the outbox: %v", err)
		}
		var out []Message
		for _, m := range all {
			if strings.Contains(strings.ToLower(m.To), strings.ToLower(addr)) {
				out = append(out, m)
			}
		}
		return out
	}
	deadline := time.Now().Add(15 * time.Second)
	for len(read()) < n && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Second) // a duplicate would be queued by now
	got := read()
	if len(got) != n {
		var subjects []string
		for _, m := range got {
			subjects = append(subjects, fmt.Sprintf("%s (%s)", m.Subject, m.File))
		}
		t.Fatalf("outbox holds %d e-mails to %s, want %d: %v", len(got), addr, n, subjects)
	}
	return got
}

// ordersFor lists the stored orders placed with an e-mail address.
func ordersFor(t *testing.T, h *harness, email string) []adminOrder {
	t.Helper()
	var list struct {
		Orders []adminOrder `json:"orders"`
	}
	admin(t, h, "GET", "/api/admin/orders", nil, &list)
	var out []adminOrder
	for _, o := range list.Orders {
		if strings.EqualFold(o.Customer.Email, email) {
			out = append(out, o)
		}
	}
	return out
}
