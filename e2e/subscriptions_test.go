package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSubscribeToCoffee: coffee on subscription (docs/subscriptions.md),
// with and without JavaScript. From the product page (buying once stays the
// preselected way) the customer chooses every 4 weeks, sees what is charged
// now and afterwards, pays that amount on the payment page, gets the
// "running" e-mail with the link to the standing order's page, and skips
// the next delivery there. TestSkipFromPreChargeMail moves the clock on to
// the pre-charge e-mail and skips from its link.
func TestSubscribeToCoffee(t *testing.T) {
	h := need(t, true)
	for _, noJS := range []bool{true, false} {
		name := "with JavaScript"
		if noJS {
			name = "without JavaScript"
		}
		t.Run(name, func(t *testing.T) {
			tb := newCustomer(t, h, tabOptions{NoJS: noJS})
			email := fmt.Sprintf("abonnee-%d-%t@example.nl", time.Now().UnixNano(), noJS)
			page, _ := subscribeToCoffee(t, h, tb, email)
			tb.open(page)
			if !strings.Contains(tb.mainText(), "Loopt") {
				t.Fatalf("the subscription page does not say it runs:\n%s", clip(tb.mainText(), 800))
			}
			before := tb.mainText()
			if st := tb.submit(`form[action$="/skip"] button`); st != 200 {
				t.Fatalf("skip answered %d", st)
			}
			after := tb.mainText()
			if !strings.Contains(after, "overgeslagen") || after == before {
				t.Errorf("after skipping, the page says:\n%s", clip(after, 800))
			}
		})
	}
}

// subscribeToCoffee takes the demo's coffee every 4 weeks from its product
// page, pays the first delivery on the payment page (the amount the
// subscription page showed) and returns the path of the standing order's
// page from the "your subscription is running" e-mail and the amount of
// each delivery (in cents).
func subscribeToCoffee(t *testing.T, h *harness, tb *tab, email string) (string, int64) {
	t.Helper()
	tb.open("/producten/ethiopie-guji/")
	if !tb.visible(".subscription-offer") || !tb.visible("form.buy-form") {
		t.Fatal("the product page does not offer both buying once and on subscription")
	}
	if eval[bool](tb, `!!document.querySelector("form.buy-form input[name=standing], form.buy-form input[name=subscription]:checked")`) {
		t.Error("the buy form has a subscription choice preselected")
	}
	eval[bool](tb, `(s => (s.value = "4", true))(document.querySelector("#sub-weeks"))`)
	if st := tb.submit(".subscription-offer form button[type=submit]"); st != 200 {
		t.Fatalf("the subscription page answered %d", st)
	}
	text := tb.mainText()
	for _, want := range []string{"elke 4 weken", "Nu betaal je", "Daarna elke 4 weken", "e-mail", "stoppen"} {
		if !strings.Contains(text, want) {
			t.Errorf("the subscription page does not say %q:\n%s", want, clip(text, 1200))
		}
	}
	now, err := strconv.ParseInt(eval[string](tb, `document.querySelector("[data-charged-now]").dataset.chargedNow`), 10, 64)
	if err != nil || now <= 0 {
		t.Fatalf("the page shows no amount charged now: %v", err)
	}
	tb.fill("#sf-n-email", email)
	tb.fill("#sf-n-name", "Sam de Koffiedrinker")
	tb.fill("#sf-n-street", "Lange Nieuwstraat 5")
	tb.fill("#sf-n-pc", "3512 PA")
	tb.fill("#sf-n-city", "Utrecht")
	if st := tb.submit(".sf-standing-form button.button--primary"); st != 200 {
		t.Fatalf("subscribing answered %d", st)
	}
	if !strings.HasPrefix(tb.path(), "/pay/") {
		t.Fatalf("after subscribing the customer is at %s, not the payment page", tb.path())
	}
	if amt := payAmount(t, tb); amt != now {
		t.Errorf("the subscription page said %s now, the payment page asks %s", euroText(now), euroText(amt))
	}
	choose(t, tb, "paid")
	waitPaid(t, tb)

	mails := mailsTo(t, h, email, 2) // the order confirmation and "your subscription is running"
	var page string
	for _, m := range mails {
		if l := standingLink.FindString(m.Text); l != "" {
			page = l
		}
	}
	if page == "" {
		t.Fatalf("no e-mail links to the subscription's page: %v", mails)
	}
	return page[strings.Index(page, "/standing/"):], now
}

var standingLink = regexp.MustCompile(`https?://[^\s"<>]+/standing/[A-Za-z0-9_-]{32}`)

// standingState is what the customer's JSON view of the standing order says.
type standingState struct {
	NextCharge string            `json:"next_charge"`
	Skipped    []int             `json:"skipped"`
	Orders     map[string]string `json:"orders"`
}

func standingNow(t *testing.T, h *harness, page string) standingState {
	t.Helper()
	resp, err := http.Get(h.base + "/api" + page)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st standingState
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api%s: %d %v", page, resp.StatusCode, err)
	}
	return st
}

// TestSkipFromPreChargeMail: a coffee every 4 weeks; 26 days later (the
// sidecar's clock moved on, its scheduler run) the pre-charge e-mail is in
// the outbox, naming the amount and the day, with a link to skip this
// delivery. The customer follows it and skips; the standing order's page
// shows the skipped delivery and the next one 4 weeks later. On the day
// the skipped delivery would have been charged nothing is charged and no
// order is made, and no second notice goes out.
func TestSkipFromPreChargeMail(t *testing.T) {
	h := need(t, true)
	if sidecarScheduler == nil {
		t.Fatal("the sidecar's scheduler is not reachable from the journey")
	}
	tb := newCustomer(t, h, tabOptions{})
	email := fmt.Sprintf("vooraf-%d@example.nl", time.Now().UnixNano())
	page, each := subscribeToCoffee(t, h, tb, email)
	first := standingNow(t, h, page)
	if len(first.Orders) != 1 || first.NextCharge == "" {
		t.Fatalf("after the first payment: %+v", first)
	}
	due, err := time.Parse(time.DateOnly, first.NextCharge)
	if err != nil {
		t.Fatal(err)
	}
	notices := func() []Message {
		all, err := ReadOutbox(h.outbox)
		if err != nil {
			t.Fatalf("read the outbox: %v", err)
		}
		var out []Message
		for _, m := range all {
			if strings.Contains(strings.ToLower(m.To), email) && strings.Contains(m.File, "standing_notice") {
				out = append(out, m)
			}
		}
		return out
	}

	sidecarClock.ahead(26*24*time.Hour, func() {
		sidecarScheduler(context.Background())
		var mail Message
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			if ns := notices(); len(ns) > 0 {
				mail = ns[0]
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("no pre-charge e-mail in the outbox 26 days on")
			}
		}
		if amount := euroText(each); !strings.Contains(mail.Text, amount) && !strings.Contains(mail.Text, strings.Replace(amount, ",", ".", 1)) {
			t.Errorf("the pre-charge e-mail does not name the amount:\n%s", clip(mail.Text, 1200))
		}
		skip := linkWith(t, mail.Text, "#skip")
		u, err := url.Parse(skip)
		if err != nil || u.Path != page {
			t.Fatalf("the e-mail's skip link %q is not the standing order's page %s", skip, page)
		}
		tb.open(u.Path + "#" + u.Fragment)
		if st := tb.submit(`#skip button`); st != 200 {
			t.Fatalf("skip from the e-mail's link answered %d", st)
		}
		if !strings.Contains(tb.mainText(), "overgeslagen") {
			t.Errorf("after skipping, the page says:\n%s", clip(tb.mainText(), 800))
		}
		tb.open(page) // the page itself, as the customer opens it later
		if !eval[bool](tb, `document.querySelector("[data-skipped]")?.dataset.skipped === "1"`) {
			t.Errorf("the standing order's page does not show the skipped delivery:\n%s", clip(tb.mainText(), 800))
		}
		sidecarScheduler(context.Background()) // nothing due now: no notice for the next one yet
	})
	after := standingNow(t, h, page)
	if len(after.Skipped) != 1 || after.NextCharge != due.AddDate(0, 0, 28).Format(time.DateOnly) {
		t.Fatalf("after the skip: %+v, want one skipped and the next charge on %s", after, due.AddDate(0, 0, 28).Format(time.DateOnly))
	}

	// The day the skipped delivery was due, and a day after.
	sidecarClock.ahead(29*24*time.Hour, func() {
		sidecarScheduler(context.Background())
	})
	time.Sleep(time.Second) // the mail worker
	end := standingNow(t, h, page)
	if len(end.Orders) != 1 {
		t.Fatalf("the skipped delivery was charged: orders %v", end.Orders)
	}
	if n := len(notices()); n != 1 {
		t.Fatalf("%d pre-charge e-mails, want only the one of the skipped delivery", n)
	}
}
