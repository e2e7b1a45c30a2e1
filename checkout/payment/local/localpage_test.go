package local_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/payment/local"
)

func TestHostedPageFlow(t *testing.T) {
	e := newPageEnv(t, local.LocalOptions{}, 0)
	ctx := context.Background()
	r := req("")
	r.WebhookURL = e.hookURL
	p, err := e.l.CreatePayment(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if p.CheckoutURL != e.site.URL+"/pay/"+p.ID {
		t.Fatalf("checkout URL %s", p.CheckoutURL)
	}

	code, body := e.get(t, "/pay/"+p.ID)
	if code != 200 {
		t.Fatalf("GET %d", code)
	}
	for _, want := range []string{"€ 14,50", "Bestelling 1001", `value="paid"`, "Betaald", "Mislukt", "Geannuleerd", "Verlopen", "In behandeling", `<html lang="nl"`,
		"Testmodus", "testbetaalprovider", `class="button button--primary">Betaald`, "<legend>"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}

	// Pending first: redirect, no webhook (Mollie sends none for pending).
	resp := e.post(t, p.ID, url.Values{"status": {"pending"}}, map[string]string{"Origin": e.site.URL, "Sec-Fetch-Site": "same-origin"})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != r.RedirectURL {
		t.Fatalf("POST pending: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = e.get(t, "/pay/"+p.ID)
	if !strings.Contains(body, `value="paid"`) || strings.Contains(body, `value="canceled"`) {
		t.Fatalf("pending page should offer paid, failed, expired only:\n%s", body)
	}

	// Then paid from the same page: webhook and 303.
	resp = e.post(t, p.ID, url.Values{"status": {"paid"}}, map[string]string{"Origin": e.site.URL})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != r.RedirectURL {
		t.Fatalf("POST paid: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if id := e.waitHook(t); id != p.ID {
		t.Fatalf("webhook id %q", id)
	}
	if len(e.hooks) != 0 {
		t.Fatalf("extra webhooks")
	}
	got, _ := e.l.GetPayment(ctx, p.ID)
	if got.Status != payment.StatusPaid {
		t.Fatalf("status %s", got.Status)
	}

	// Final: no buttons, and a POST is refused.
	_, body = e.get(t, "/pay/"+p.ID)
	if strings.Contains(body, "<button") {
		t.Fatalf("final page has buttons")
	}
	resp = e.post(t, p.ID, url.Values{"status": {"failed"}}, nil)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("POST on final: %d", resp.StatusCode)
	}
	if got, _ := e.l.GetPayment(ctx, p.ID); got.Status != payment.StatusPaid {
		t.Fatalf("final payment changed to %s", got.Status)
	}
}

func TestHostedPageEnglish(t *testing.T) {
	e := newPageEnv(t, local.LocalOptions{}, 0)
	r := req("")
	r.Locale = "en_US"
	p, _ := e.l.CreatePayment(context.Background(), r)
	_, body := e.get(t, "/pay/"+p.ID)
	for _, want := range []string{"€14.50", "Paid", "Failed", "Canceled", "Expired", "Pending", `<html lang="en"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// ?lang= overrides the payment's locale.
	_, body = e.get(t, "/pay/"+p.ID+"?lang=nl")
	if !strings.Contains(body, "Betaald") {
		t.Errorf("lang=nl ignored")
	}
}

func TestHostedPageRefusesOtherOrigins(t *testing.T) {
	e := newPageEnv(t, local.LocalOptions{}, 0)
	p, _ := e.l.CreatePayment(context.Background(), req(""))
	for _, hdr := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
		{"Origin": "https://evil.example"},
		{"Origin": "null"},
	} {
		resp := e.post(t, p.ID, url.Values{"status": {"paid"}}, hdr)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%v: %d", hdr, resp.StatusCode)
		}
	}
	if got, _ := e.l.GetPayment(context.Background(), p.ID); got.Status != payment.StatusOpen {
		t.Fatalf("status changed to %s", got.Status)
	}
}

func TestHostedPageBadInput(t *testing.T) {
	e := newPageEnv(t, local.LocalOptions{}, 0)
	p, _ := e.l.CreatePayment(context.Background(), req(""))
	if code, _ := e.get(t, "/pay/tr_unknown"); code != 404 {
		t.Errorf("unknown id: %d", code)
	}
	if code, _ := e.get(t, "/pay/nonsense"); code != 404 {
		t.Errorf("bad id: %d", code)
	}
	if resp := e.post(t, p.ID, url.Values{"status": {"bogus"}}, nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("bogus status: %d", resp.StatusCode)
	}
	if resp := e.post(t, p.ID, url.Values{"status": {"open"}}, nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("open -> open: %d", resp.StatusCode)
	}
	if resp := e.post(t, "tr_unknown", url.Values{"status": {"paid"}}, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST unknown: %d", resp.StatusCode)
	}
}

func TestHostedPageEscapes(t *testing.T) {
	e := newPageEnv(t, local.LocalOptions{}, 0)
	r := req("")
	r.Description = `<script>alert(1)</script>`
	p, _ := e.l.CreatePayment(context.Background(), r)
	_, body := e.get(t, "/pay/"+p.ID)
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;") {
		t.Fatalf("description not escaped")
	}
}

func TestHostedPageWrapper(t *testing.T) {
	var lang atomic.Value
	e := newPageEnv(t, local.LocalOptions{Page: func(_ *http.Request, l, title, body string) []byte {
		lang.Store(l)
		return []byte("<!doctype html><title>" + title + "</title><main id=main>" + body + "</main><footer>theme</footer>")
	}}, 0)
	p, _ := e.l.CreatePayment(context.Background(), req(""))
	_, body := e.get(t, "/pay/"+p.ID)
	if !strings.Contains(body, "<footer>theme</footer>") || !strings.Contains(body, "<title>Testbetaling</title>") || !strings.Contains(body, "Betaald") {
		t.Fatalf("wrapper not used:\n%s", body)
	}
	if lang.Load() != "nl" {
		t.Fatalf("lang %v", lang.Load())
	}
}

func TestWebhookIsRetried(t *testing.T) {
	e := newPageEnv(t, local.LocalOptions{WebhookAttempts: 3}, 2)
	r := req("")
	r.WebhookURL = e.hookURL
	p, _ := e.l.CreatePayment(context.Background(), r)
	if resp := e.post(t, p.ID, url.Values{"status": {"failed"}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST: %d", resp.StatusCode)
	}
	if id := e.waitHook(t); id != p.ID {
		t.Fatalf("webhook id %q", id)
	}
}

func TestOnStatusChangeWithoutWebhook(t *testing.T) {
	got := make(chan string, 4)
	e := newPageEnv(t, local.LocalOptions{OnStatusChange: func(id string) { got <- id }}, 0)
	p, _ := e.l.CreatePayment(context.Background(), req(""))
	if resp := e.post(t, p.ID, url.Values{"status": {"canceled"}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST: %d", resp.StatusCode)
	}
	select {
	case id := <-got:
		if id != p.ID {
			t.Fatalf("callback id %q", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no callback")
	}
	if len(e.hooks) != 0 {
		t.Fatal("webhook called for a payment without webhook URL")
	}
}
