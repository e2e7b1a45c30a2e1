package e2e

import (
	"fmt"
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
// the next delivery there. (The pre-charge e-mail 3 days before a charge
// needs the clock moved on: checkout/server's TestStandingOrderThroughTheSidecar
// checks it in the outbox and skips from its link.)
func TestSubscribeToCoffee(t *testing.T) {
	h := need(t, true)
	for _, noJS := range []bool{true, false} {
		name := "with JavaScript"
		if noJS {
			name = "without JavaScript"
		}
		t.Run(name, func(t *testing.T) {
			tb := newCustomer(t, h, tabOptions{NoJS: noJS})
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
			email := fmt.Sprintf("abonnee-%d-%t@example.nl", time.Now().UnixNano(), noJS)
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
				if l := regexp.MustCompile(`https?://[^\s"<>]+/standing/[A-Za-z0-9_-]{32}`).FindString(m.Text); l != "" {
					page = l
				}
			}
			if page == "" {
				t.Fatalf("no e-mail links to the subscription's page: %v", mails)
			}
			tb.open(page[strings.Index(page, "/standing/"):])
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
