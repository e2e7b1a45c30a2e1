package e2e

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestLoyaltyPointsJourney (docs/loyalty-and-promises.md): a customer with
// points from a delivered order asks for the points link and opens it in
// the browser; at checkout the points box is offered but not ticked;
// ticking it and pressing pay first shows the new, lower total; the
// payment provider then asks exactly that amount.
func TestLoyaltyPointsJourney(t *testing.T) {
	variants(t, func(t *testing.T, opts tabOptions) {
		h := need(t, true)
		email := customerEmail(t)
		// € 119: 119 points with the demo's rule, spendable once the order
		// can no longer be returned: delivered 40 days ago (the window is 30).
		sidecarClock.back(40*24*time.Hour, func() { deliveredOrder(t, h, "SER-ONTBIJTSET-LEK", email) })

		tb := newCustomer(t, h, opts)
		tb.open("/points/")
		tb.fill("#f-pemail", email)
		if st := tb.submit(`form.sf-points-form button[type=submit]`); st != 200 {
			t.Fatalf("asking for the points link answered %d", st)
		}
		link := ""
		for deadline := time.Now().Add(15 * time.Second); link == ""; time.Sleep(200 * time.Millisecond) {
			msgs, _ := ReadOutbox(h.outbox)
			for _, m := range msgs {
				if strings.Contains(m.To, email) && strings.Contains(m.Text, "/points/") {
					link = linkWith(t, m.Text, "/points/")
				}
			}
			if time.Now().After(deadline) {
				t.Fatal("no e-mail with the points link in the outbox")
			}
		}
		u, _ := url.Parse(link)
		tb.open(u.Path)
		if !regexp.MustCompile(`119 (punten|points)`).MatchString(tb.mainText()) {
			t.Fatalf("the points page does not show 119 points:\n%s", clip(tb.mainText(), 800))
		}

		v := pickVariant(t, h)
		addToCart(t, tb, v, 1)
		if st := tb.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
			t.Fatalf("checkout page: status %d", st)
		}
		box := `form.sf-checkout-form input[name="use_points"]`
		if !eval[bool](tb, `!!document.querySelector(`+jsString(box)+`)`) {
			t.Fatalf("the checkout page offers no points to a customer with 119:\n%s", clip(tb.mainText(), 1500))
		}
		if eval[bool](tb, `document.querySelector(`+jsString(box)+`).checked`) {
			t.Fatal("the points box is ticked before the customer chose it")
		}
		a := validAddress(t)
		a.Email = email
		fillCheckout(tb, a)
		before := shownTotal(t, tb)
		tb.click(box)
		if opts.NoJS {
			tb.allowStatus(409) // the page with the new total, before paying
			tb.submit(`form.sf-checkout-form button[type=submit]`)
			if !strings.HasPrefix(tb.path(), "/checkout/") {
				t.Fatalf("ticking the points box and paying went to %s without showing the new total", tb.path())
			}
		} else {
			// The script shows the total with points at once (docs/money.md).
			tb.waitFor(`+document.querySelector("[data-sf-shown-total]").value < `+jsString(fmt.Sprint(before))+` * 1
				&& !document.querySelector("[data-sf-pay]").disabled`, step)
		}
		after := shownTotal(t, tb)
		if after >= before || !eval[bool](tb, `document.querySelector(`+jsString(box)+`).checked`) {
			t.Fatalf("with points the total is %d (was %d), box ticked %v", after, before, eval[bool](tb, `document.querySelector(`+jsString(box)+`).checked`))
		}
		if st := tb.submit(`form.sf-checkout-form button[type=submit]`); st != 200 || !strings.HasPrefix(tb.path(), "/pay/") {
			t.Fatalf("paying with points: %d at %s:\n%s", st, tb.path(), clip(tb.mainText(), 1500))
		}
		if amt := payAmount(t, tb); amt != after {
			t.Errorf("the checkout page showed %s with points, the provider asks %s", euroText(after), euroText(amt))
		}
	})
}
