package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// TestCheckoutForm is journey 3: invalid data gives clear messages next to
// the fields and keeps what was typed; with valid data the total shown is
// the amount the payment provider asks for (its page and its record).
func TestCheckoutForm(t *testing.T) {
	variants(t, func(t *testing.T, opts tabOptions) {
		h := need(t, true)
		v := pickVariant(t, h)
		tb := newCustomer(t, h, opts)
		addToCart(t, tb, v, 2)
		cartTotal := shownTotal(t, tb)
		if st := tb.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
			t.Fatalf("checkout page: status %d", st)
		}
		if !strings.Contains(tb.mainText(), v.Title) {
			t.Errorf("the checkout page does not show what is ordered (%s)", v.Title)
		}
		// Honest checkout: nothing ticked for the customer, and no fee that
		// appears at the last step (same shipping method as the cart's).
		if ticked := jsonOf[[]string](tb, `[...document.querySelectorAll("main input[type=checkbox]:checked")].map(i => i.name)`); len(ticked) > 0 {
			t.Errorf("the checkout page comes with boxes ticked for the customer: %v", ticked)
		}
		if got := shownTotal(t, tb); got != cartTotal {
			t.Errorf("the cart said %s, the checkout says %s before anything was chosen", euroText(cartTotal), euroText(got))
		}

		bad := address{Name: "Ada de Vries", Email: "ada@example", Street: "", PostalCode: "12", City: "Utrecht"}
		fillCheckout(tb, bad)
		tb.allowStatus(422) // the form answered with its messages
		tb.allowStatus(400)
		tb.submit(`form.sf-checkout-form button[type=submit]`)
		if !strings.HasPrefix(tb.path(), "/checkout/") {
			t.Fatalf("invalid data left the checkout page for %s", tb.path())
		}
		// A message next to each wrong field, tied to it for screen readers.
		for _, f := range []struct{ field, want string }{
			{"email", "e-mail"}, {"street", "Vul dit veld in"}, {"postal_code", "postcode"},
		} {
			msg := eval[string](tb, fmt.Sprintf(`(() => { const i = document.getElementById("f-%s"); if (!i) return "no field";
				const id = i.getAttribute("aria-describedby"); const m = id && document.getElementById(id);
				if (!m) return "";
				// next to the field: in the same form row
				return i.closest(".sf-field, .form-row, p, div") === m.closest(".sf-field, .form-row, p, div") ? m.innerText : "far away: " + m.innerText; })()`, f.field))
			if !strings.Contains(strings.ToLower(msg), strings.ToLower(f.want)) {
				t.Errorf("field %s: the message next to it is %q, want one about %q", f.field, msg, f.want)
			}
			if inv := eval[string](tb, fmt.Sprintf(`document.getElementById("f-%s").getAttribute("aria-invalid") || ""`, f.field)); inv != "true" {
				t.Errorf("field %s is not marked aria-invalid", f.field)
			}
		}
		for _, f := range []string{"name", "city"} {
			if msg := eval[string](tb, fmt.Sprintf(`document.getElementById("f-%s").getAttribute("aria-invalid") || ""`, f)); msg == "true" {
				t.Errorf("the correct field %s is marked invalid", f)
			}
		}
		// What was typed is still there.
		for sel, want := range map[string]string{"#f-name": bad.Name, "#f-email": bad.Email, "#f-postal_code": bad.PostalCode, "#f-city": bad.City} {
			if got := eval[string](tb, `document.querySelector(`+jsString(sel)+`).value`); got != want {
				t.Errorf("after the error, %s holds %q; the customer typed %q", sel, got, want)
			}
		}
		if !strings.Contains(tb.mainText(), v.Title) {
			t.Errorf("after the error the checkout page no longer shows the order")
		}

		// Valid data: the total shown is what the provider asks.
		good := validAddress(t)
		fillCheckout(tb, good)
		total := shownTotal(t, tb)
		if total < 2*v.Chosen.Price {
			t.Errorf("the checkout total %d is less than the items (%d)", total, 2*v.Chosen.Price)
		}
		if btn := eval[string](tb, `document.querySelector("form.sf-checkout-form button[type=submit]").innerText`); !strings.Contains(btn, euroText(total)) {
			t.Logf("the pay button says %q (without the total %s)", btn, euroText(total))
		}
		if st := tb.submit(`form.sf-checkout-form button[type=submit]`); st != 200 {
			t.Fatalf("placing the order answered %d:\n%s", st, clip(tb.mainText(), 1500))
		}
		if !strings.HasPrefix(tb.path(), "/pay/") {
			t.Fatalf("valid data led to %s, not the payment page:\n%s", tb.path(), clip(tb.mainText(), 1500))
		}
		if amt := payAmount(t, tb); amt != total {
			t.Errorf("the checkout page showed %s but the payment provider asks %s", euroText(total), euroText(amt))
		}
		// The provider's own record of the order, through the owner's API.
		back := eval[string](tb, `(document.querySelector(".sf-pay a[href*='/order/']") || {}).getAttribute?.("href") || ""`)
		if back == "" {
			t.Fatalf("the payment page has no way back to the order")
		}
		o := orderByToken(t, h, orderToken(strings.TrimPrefix(back, h.base)))
		if o.Total != total {
			t.Errorf("the stored order's total is %d, the checkout page showed %d", o.Total, total)
		}
		if o.Customer.Email != good.Email {
			t.Errorf("the stored order's e-mail is %q, typed %q", o.Customer.Email, good.Email)
		}
	})
}

// TestPayPaidThenShip is journeys 4 and 7: pay choosing paid; the order page
// shows the step plan with paid done and expected dates; the outbox holds
// exactly one confirmation with the same order and total. Then the owner
// marks it shipped with a tracking link: the order page shows it and a
// second e-mail goes out.
func TestPayPaidThenShip(t *testing.T) {
	h := need(t, true)
	v := pickVariant(t, h)
	tb := newCustomer(t, h, tabOptions{})
	addToCart(t, tb, v, 1)
	a := validAddress(t)
	total, _ := checkout(t, tb, a)
	if amt := payAmount(t, tb); amt != total {
		t.Errorf("the checkout page showed %s but the payment page asks %s", euroText(total), euroText(amt))
	}
	orderPath := choose(t, tb, "paid")
	o := waitPaid(t, tb)
	if !regexp.MustCompile(`(?i)bedankt|betaling is binnen`).MatchString(o.Heading) {
		t.Errorf("after paying, the order page says %q", o.Heading)
	}
	if o.Errors != "" {
		t.Errorf("the paid order page shows an error: %s", o.Errors)
	}
	checkSteps(t, o, "paid")
	if got := shownTotal(t, tb); got != total {
		t.Errorf("the order page's total is %s, the checkout showed %s", euroText(got), euroText(total))
	}
	number := orderNumber(t, o)
	mails := mailsTo(t, h, a.Email, 1)
	checkMail(t, mails[0], number, total)

	// The cart was for this order: it is empty now.
	tb.open("/cart/")
	if n := len(cartLines(tb)); n != 0 {
		t.Errorf("after the order was paid, the cart still shows %d lines", n)
	}

	t.Run("owner ships", func(t *testing.T) {
		ao := orderByToken(t, h, orderToken(orderPath))
		tracking := "https://jouw.postnl.nl/track-and-trace/3SABC1234567-NL"
		admin(t, h, "POST", "/api/admin/orders/"+ao.ID+"/ship", map[string]string{"tracking_url": tracking}, nil)
		tb.open(orderPath)
		o := readOrder(tb)
		if o.State != "shipped" {
			t.Errorf("after shipping, the order page's state is %q; it says %q", o.State, o.Status)
		}
		if !strings.Contains(strings.ToLower(o.Heading), "onderweg") {
			t.Errorf("after shipping, the order page says %q", o.Heading)
		}
		href := eval[string](tb, `[...document.querySelectorAll(".sf-order a[href]")].map(a => a.href).find(h => h.includes("track")) || ""`)
		if href != tracking {
			t.Errorf("the order page links to tracking %q, want %q", href, tracking)
		}
		if _, done, _ := o.step("shipped"); !done {
			t.Errorf("the step plan does not show shipped as done: %+v", o.Steps)
		}
		mails := mailsTo(t, h, a.Email, 2)
		second := mails[1]
		if !strings.Contains(second.Text, tracking) && !strings.Contains(second.HTML, tracking) {
			t.Errorf("the shipping e-mail %q has no tracking link %s:\n%s", second.Subject, tracking, clip(second.Text, 1500))
		}
		if !strings.Contains(second.Subject+second.Text, number) {
			t.Errorf("the shipping e-mail %q does not name order %s", second.Subject, number)
		}
	})
}

// checkSteps checks the step plan: ordered → paid → packed → shipped →
// delivered, done up to and including doneThrough, the steps after payment
// that are still to come with expected dates.
func checkSteps(t *testing.T, o orderState, doneThrough string) {
	t.Helper()
	want := []string{"ordered", "paid", "packed", "shipped", "delivered"}
	if len(o.Steps) != len(want) {
		t.Fatalf("the step plan has %d steps %+v, want %v", len(o.Steps), o.Steps, want)
	}
	done := true
	for i, s := range o.Steps {
		if s.Step != want[i] {
			t.Errorf("step %d is %q, want %q", i+1, s.Step, want[i])
		}
		isDone := strings.Contains(" "+s.Class+" ", " done ")
		if isDone != done {
			t.Errorf("step %s: done=%v, want %v (%q)", s.Step, isDone, done, s.Text)
		}
		// Every step after payment has an honest expected date; the
		// payment itself is the customer's to do.
		if !done && s.Step != "paid" && !dateRe.MatchString(s.Text) {
			t.Errorf("step %s shows no expected date: %q", s.Step, s.Text)
		}
		if s.Step == doneThrough {
			done = false
		}
	}
}

// orderNumber is the order's number as the page's title shows it
// ("Bestelling BK-1042").
func orderNumber(t *testing.T, o orderState) string {
	t.Helper()
	f := strings.Fields(o.Title)
	if len(f) == 0 {
		t.Fatalf("the order page has no title")
	}
	return f[len(f)-1]
}

// checkMail checks the confirmation: the same order number and total.
func checkMail(t *testing.T, m Message, number string, total int64) {
	t.Helper()
	body := m.Text
	if !strings.Contains(m.Subject+body, number) {
		t.Errorf("the confirmation %q does not name order %s", m.Subject, number)
	}
	if !hasAmount(body, total) {
		t.Errorf("the confirmation does not show the total %s:\n%s", euroText(total), clip(body, 2000))
	}
	if m.HTML != "" && !hasAmount(m.HTML, total) {
		t.Errorf("the HTML confirmation does not show the total %s", euroText(total))
	}
}

// TestPaymentRetries is journey 5: failed, then canceled, then expired. Each
// time the order page explains plainly, the cart is still there, and paying
// again works; in the end one e-mail. A variant put in the cart before the
// last, paid attempt stays in the cart afterwards.
func TestPaymentRetries(t *testing.T) {
	h := need(t, true)
	v := pickVariant(t, h)
	tb := newCustomer(t, h, tabOptions{})
	addToCart(t, tb, v, 1)
	a := validAddress(t)
	total, firstPay := checkout(t, tb, a)
	pays := map[string]bool{firstPay: true}

	explain := map[string]*regexp.Regexp{
		"failed":   regexp.MustCompile(`(?i)niet gelukt`),
		"canceled": regexp.MustCompile(`(?i)geannuleerd`),
		"expired":  regexp.MustCompile(`(?i)verlopen`),
	}
	var orderPath string
	for _, outcome := range []string{"failed", "canceled", "expired"} {
		if amt := payAmount(t, tb); amt != total {
			t.Errorf("%s attempt: the payment page asks %s, the checkout showed %s", outcome, euroText(amt), euroText(total))
		}
		orderPath = choose(t, tb, outcome)
		o := waitState(t, tb, "payment_failed", false)
		if !explain[outcome].MatchString(o.Heading) {
			t.Errorf("after %s the order page says %q", outcome, o.Heading)
		}
		if !strings.Contains(o.Status, "niets afgeschreven") {
			t.Errorf("after %s the order page does not say nothing was charged: %q", outcome, o.Status)
		}
		if o.Errors != "" {
			t.Errorf("after %s the order page shows an error box: %s", outcome, o.Errors)
		}
		checkSteps(t, o, "ordered")

		// The cart is still there.
		tb.open("/cart/")
		lines := cartLines(tb)
		if len(lines) != 1 || lines[0].SKU != v.Chosen.SKU {
			t.Errorf("after %s the cart shows %+v, want the one line %s", outcome, lines, v.Chosen.SKU)
		}
		tb.open(orderPath)

		// Pay again.
		if st := tb.submit(`.sf-order form[action$="/pay"] button[type=submit]`); st != 200 {
			t.Fatalf("pay again after %s: status %d", outcome, st)
		}
		p := tb.path()
		if !strings.HasPrefix(p, "/pay/") {
			t.Fatalf("pay again after %s led to %s:\n%s", outcome, p, clip(tb.mainText(), 1000))
		}
		if pays[p] {
			t.Errorf("pay again after %s reused the finished payment %s", outcome, p)
		}
		pays[p] = true
	}
	// Before paying at last the customer puts another variant in the cart
	// (two of them). The order is what it was; paying it takes its own line
	// out of the cart and leaves the new one, which was never ordered (the
	// whole cart was emptied before).
	payPath := tb.path()
	other := v
	other.Chosen = v.Variants[0]
	if len(v.Variants) > 2 {
		other.Chosen = v.Variants[2]
	}
	addToCart(t, tb, other, 2)
	tb.open(payPath)
	if amt := payAmount(t, tb); amt != total {
		t.Errorf("after the cart changed the payment page asks %s, the order was %s", euroText(amt), euroText(total))
	}
	choose(t, tb, "paid")
	o := waitPaid(t, tb)
	mails := mailsTo(t, h, a.Email, 1)
	checkMail(t, mails[0], orderNumber(t, o), total)
	tb.open("/cart/")
	if lines := cartLines(tb); len(lines) != 1 || lines[0].SKU != other.Chosen.SKU || lines[0].Quantity != "2" {
		t.Errorf("after paying the order of %s the cart shows %+v, want the 2 × %s added after it", v.Chosen.SKU, lines, other.Chosen.SKU)
	}
}

// TestPaymentPending is journey 6: choose pending and come back before the
// provider says paid: the page says the payment is being confirmed, then
// shows paid by itself once the provider says so (set in another tab), with
// no error at any moment. Without JavaScript too: the page refreshes itself.
func TestPaymentPending(t *testing.T) {
	variants(t, func(t *testing.T, opts tabOptions) {
		h := need(t, true)
		v := pickVariant(t, h)
		tb := newCustomer(t, h, opts)
		addToCart(t, tb, v, 1)
		a := validAddress(t)
		total, payPath := checkout(t, tb, a)
		choose(t, tb, "pending")

		o := readOrder(tb)
		if !regexp.MustCompile(`(?i)bevestigen`).MatchString(o.Heading) {
			t.Errorf("with the payment pending, the order page says %q", o.Heading)
		}
		if noError.MatchString(o.Status) || o.Errors != "" {
			t.Errorf("with the payment pending, the order page shows an error: %q %q", o.Status, o.Errors)
		}

		// The provider says paid (the customer's bank app, here another tab).
		provider := tb.another(tabOptions{})
		provider.open(payPath)
		if amt := payAmount(t, provider); amt != total {
			t.Errorf("the pending payment asks %s, the checkout showed %s", euroText(amt), euroText(total))
		}
		choose(t, provider, "paid")

		// The first tab turns to paid by itself, never showing an error.
		o = waitPaid(t, tb)
		if !regexp.MustCompile(`(?i)bedankt|betaling is binnen`).MatchString(o.Heading) {
			t.Errorf("once paid, the order page says %q", o.Heading)
		}
		mails := mailsTo(t, h, a.Email, 1)
		checkMail(t, mails[0], orderNumber(t, o), total)
	})
}

// readOrderTolerant reads the order page and returns an empty state while
// the page is reloading (its document is replaced under our feet).
func readOrderTolerant(tb *tab) orderState {
	raw, err := tryEval[string](tb, `Promise.resolve(`+readOrderJS+`).then(v => JSON.stringify(v))`)
	if err != nil {
		return orderState{}
	}
	var o orderState
	if json.Unmarshal([]byte(raw), &o) != nil {
		return orderState{}
	}
	return o
}

// noError is what a page must not say while a payment is merely pending.
var noError = regexp.MustCompile(`(?i)\b(fout|error|mislukt|niet gelukt)\b`)

// waitPaid waits until the order page shows the order paid.
func waitPaid(t *testing.T, tb *tab) orderState {
	t.Helper()
	return waitState(t, tb, "paid", true)
}

// waitState waits until the order page shows the order in state. Coming
// back from the provider, the page may first say the payment is being
// confirmed and refresh itself; while a payment may still succeed
// (pendingOK) it must never show an error meanwhile.
func waitState(t *testing.T, tb *tab, state string, pendingOK bool) orderState {
	t.Helper()
	start := time.Now()
	deadline := start.Add(20 * time.Second)
	for {
		o := readOrderTolerant(tb)
		if pendingOK && o.State != "" && o.State != state && (noError.MatchString(o.Status) || o.Errors != "") {
			t.Errorf("while confirming the payment, the order page showed an error: %q %q", o.Status, o.Errors)
		}
		if o.State == state {
			if d := time.Since(start); d > time.Second {
				t.Logf("the order page showed %s after %s of saying %q", state, d.Round(100*time.Millisecond), "confirming")
			}
			return o
		}
		if time.Now().After(deadline) {
			t.Fatalf("the order page did not show the order %s within 20s; it says %q (state %q)", state, o.Status, o.State)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// hasAmount reports whether text shows the amount in Dutch (14,50) or
// English (14.50) notation.
func hasAmount(text string, cents int64) bool {
	nl := euroText(cents)
	return strings.Contains(text, nl) || strings.Contains(text, strings.Replace(nl, ",", ".", 1))
}

// TestDoubleClickPay: a customer who presses "order and pay" twice (here
// without JavaScript, so nothing on the page prevents it) gets one order and
// one payment, and lands on that payment. The shop's answer to the first
// press is held in the browser until the second press is sent, so both
// really reach the sidecar, every run.
func TestDoubleClickPay(t *testing.T) {
	h := need(t, true)
	v := pickVariant(t, h)
	tb := newCustomer(t, h, tabOptions{NoJS: true})
	addToCart(t, tb, v, 1)
	if st := tb.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
		t.Fatalf("checkout page: status %d", st)
	}
	a := validAddress(t)
	fillCheckout(tb, a)
	total := shownTotal(t, tb)

	evCtx, evCancel := context.WithCancel(tb.ctx)
	defer evCancel()
	next, stop := iter.Pull2(chromedp.Events(evCtx, fetch.RequestPaused))
	defer stop()
	if _, err := chromedp.Call(tb.ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
		{URLPattern: "*/checkout/", RequestStage: fetch.RequestStageResponse},
	}}); err != nil {
		t.Fatalf("hold answers: %v", err)
	}
	type paused struct {
		ev  fetch.EventRequestPaused
		err error
		ok  bool
	}
	held := func(which string) *fetch.EventRequestPaused {
		t.Helper()
		ch := make(chan paused, 1)
		go func() { ev, err, ok := next(); ch <- paused{ev, err, ok} }()
		var p paused
		select {
		case p = <-ch:
		case <-time.After(step):
			evCancel()
			<-ch // next returns once its context is done
			t.Fatalf("the %s press sent no order within %s", which, step)
		}
		if !p.ok || p.err != nil {
			t.Fatalf("the %s press sent no order: %v", which, p.err)
		}
		if p.ev.Request.Method != "POST" {
			t.Fatalf("the %s press sent %s %s", which, p.ev.Request.Method, p.ev.Request.URL)
		}
		return &p.ev
	}
	// Press the button where it is, as a mouse does; the browser's answer to
	// the click is not awaited (the page is busy submitting).
	pt := jsonOf[struct{ X, Y float64 }](tb, `(b => (b.scrollIntoView({block: "center"}), (r => ({X: r.left + r.width / 2, Y: r.top + r.height / 2}))(b.getBoundingClientRect())))(
		document.querySelector("form.sf-checkout-form button[type=submit]"))`)
	press := func(n int64) {
		for _, typ := range []input.DispatchMouseEventType{input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased} {
			go chromedp.Call(tb.ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{
				Type: typ, X: pt.X, Y: pt.Y, Button: input.MouseButtonLeft, Buttons: 1, ClickCount: n,
			})
			time.Sleep(20 * time.Millisecond)
		}
	}
	press(1)
	first := held("first")
	press(2) // the checkout page is still shown: its answer is held
	second := held("second")
	for _, ev := range []*fetch.EventRequestPaused{second, first} {
		// The browser dropped the first navigation for the second; letting
		// the first go may fail, which is fine.
		_, _ = chromedp.Call(tb.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
	}
	if _, err := chromedp.Call(tb.ctx, fetch.Disable, cdp.Empty{}); err != nil {
		t.Fatalf("stop holding answers: %v", err)
	}
	tb.waitFor(`location.pathname.startsWith("/pay/")`, step)
	if n := tb.sent("POST", "/checkout/"); n != 2 {
		t.Fatalf("the browser sent the checkout form %d time(s); the test needs two", n)
	}
	if amt := payAmount(t, tb); amt != total {
		t.Errorf("the payment page asks %s, the checkout showed %s", euroText(amt), euroText(total))
	}
	orders := ordersFor(t, h, a.Email)
	if len(orders) != 1 {
		t.Fatalf("pressing twice stored %d orders, want 1: %+v", len(orders), orders)
	}
	if cu := orders[0].CheckoutURL; cu != "" && !strings.HasSuffix(cu, tb.path()) {
		t.Errorf("the customer pays at %s but the order's payment is %s", tb.path(), cu)
	}
	choose(t, tb, "paid")
	waitPaid(t, tb)
	mailsTo(t, h, a.Email, 1)
}
