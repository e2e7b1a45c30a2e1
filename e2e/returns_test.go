package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/storefront/storefront/checkout/words"
)

// returnState is what the order page shows about returns and refunds.
type returnState struct {
	Codes []string `json:"codes"`
	Steps []struct {
		Step string `json:"step"`
		Done bool   `json:"done"`
		Text string `json:"text"`
	} `json:"steps"`
	Instructions string `json:"instructions"`
	Refunds      string `json:"refunds"`
	ReturnLink   bool   `json:"returnLink"`
	CancelButton bool   `json:"cancelButton"`
}

const readReturnsJS = `(() => { const s = document.querySelector(".sf-after-sale"); if (!s) return {};
	const last = [...s.querySelectorAll(".sf-return")].pop();
	return {codes: [...s.querySelectorAll(".sf-return-code")].map(c => c.innerText),
		steps: last ? [...last.querySelectorAll("[data-step]")].map(li => ({step: li.dataset.step, done: li.classList.contains("done"), text: li.innerText})) : [],
		instructions: last ? ((last.querySelector(".sf-instructions") || {}).innerText || "") : "",
		refunds: [...s.querySelectorAll(".sf-refund")].map(r => r.innerText).join(" | "),
		returnLink: !!s.querySelector('a[href*="/return"]'),
		cancelButton: !!s.querySelector('form[action$="/cancel"] button')}; })()`

func readReturns(tb *tab) returnState {
	tb.t.Helper()
	return jsonOf[returnState](tb, readReturnsJS)
}

// mailsAbout waits for exactly n e-mails to addr whose subject or text holds
// ref (a return code or an order number), and returns them.
func mailsAbout(t *testing.T, h *harness, addr, ref string, n int) []Message {
	t.Helper()
	var got []Message
	deadline := time.Now().Add(15 * time.Second)
	for {
		got = got[:0]
		all, err := ReadOutbox(h.outbox)
		if err != nil {
			t.Fatalf("read the outbox: %v", err)
		}
		for _, m := range all {
			if strings.EqualFold(strings.TrimSpace(m.To), addr) || strings.Contains(strings.ToLower(m.To), strings.ToLower(addr)) {
				if strings.Contains(m.Subject+m.Text, ref) {
					got = append(got, m)
				}
			}
		}
		if len(got) >= n || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(got) != n {
		var subjects []string
		for _, m := range got {
			subjects = append(subjects, m.Subject)
		}
		t.Fatalf("e-mails to %s about %s: %d %q, want %d", addr, ref, len(got), subjects, n)
	}
	return got
}

// TestReturnJourney is the after-sale journey in a real browser: a customer
// who paid sees the cancel button until the parcel is packed; once it is
// delivered, returns an item from the order page without an account or a
// reason, reads the instructions (address, code, cost, when the money
// comes back), and follows the return's steps while the owner receives the
// parcel and refunds it; each step arrives by e-mail once.
func TestReturnJourney(t *testing.T) {
	h := need(t, true)
	v := pickVariant(t, h)
	tb := newCustomer(t, h, tabOptions{})
	addToCart(t, tb, v, 2)
	a := validAddress(t)
	checkout(t, tb, a)
	orderPath := choose(t, tb, "paid")
	waitPaid(t, tb)
	if rs := readReturns(tb); !rs.CancelButton || rs.ReturnLink {
		t.Errorf("a paid, unpacked order: cancel button %v, return link %v (want the cancel button only)", rs.CancelButton, rs.ReturnLink)
	}

	ao := orderByToken(t, h, orderToken(orderPath))
	admin(t, h, "POST", "/api/admin/orders/"+ao.ID+"/ship", map[string]string{"tracking_url": "https://jouw.postnl.nl/track-and-trace/3SRET1"}, nil)
	admin(t, h, "POST", "/api/admin/orders/"+ao.ID+"/deliver", nil, nil)

	tb.open(orderPath)
	rs := readReturns(tb)
	if !rs.ReturnLink || rs.CancelButton {
		t.Fatalf("a delivered order: return link %v, cancel button %v:\n%s", rs.ReturnLink, rs.CancelButton, clip(tb.mainText(), 1500))
	}
	if st := tb.submit(`.sf-after-sale a[href*="/return"]`); st != 200 {
		t.Fatalf("the return form answered %d", st)
	}
	if !regexp.MustCompile(`(?i)reden.*niet verplicht|optional`).MatchString(tb.mainText()) {
		t.Errorf("the return form does not say the reason is optional:\n%s", clip(tb.mainText(), 1000))
	}
	tb.screenshot("return-form")
	axeIfThere(t, h, tb, "the return form")
	tb.fill(`input[name="qty_`+v.Chosen.SKU+`"]`, "1")
	if st := tb.submit(`form.sf-return-form-form button[type=submit]`); st != 200 {
		t.Fatalf("sending the return answered %d:\n%s", st, clip(tb.mainText(), 1000))
	}
	if p := tb.path(); !strings.HasPrefix(p, orderPath) {
		t.Fatalf("after the return request the customer is at %s", p)
	}
	rs = readReturns(tb)
	if len(rs.Codes) != 1 || rs.Codes[0] != ao.ID+"-R1" {
		t.Fatalf("return codes on the order page: %v", rs.Codes)
	}
	code := rs.Codes[0]
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?i)stuur het naar\s*:?\s*\S+`),            // the address
		regexp.MustCompile(`(?i)gratis|voor jou`),                      // what it costs
		regexp.MustCompile(`(?i)binnen \d+ werkdagen`),                 // when the money comes back
		regexp.MustCompile(regexp.QuoteMeta(euroText(v.Chosen.Price))), // how much
	} {
		if !want.MatchString(rs.Instructions) {
			t.Errorf("the return instructions do not match %s:\n%s", want, rs.Instructions)
		}
	}
	checkReturnSteps(t, rs, "requested")
	tb.screenshot("return-requested")
	axeIfThere(t, h, tb, "the order page with a return")
	mailsAbout(t, h, a.Email, code, 1)

	// The owner receives the parcel and refunds it.
	admin(t, h, "POST", "/api/admin/orders/"+ao.ID+"/return-received", map[string]any{"code": code}, nil)
	tb.open(orderPath)
	checkReturnSteps(t, readReturns(tb), "received")
	mailsAbout(t, h, a.Email, code, 2)
	admin(t, h, "POST", "/api/admin/orders/"+ao.ID+"/refund", map[string]any{"return_code": code}, nil)
	tb.open(orderPath)
	rs = readReturns(tb)
	checkReturnSteps(t, rs, "refunded")
	if !strings.Contains(rs.Refunds, euroText(v.Chosen.Price)) {
		t.Errorf("the order page does not show the refund of %s: %q", euroText(v.Chosen.Price), rs.Refunds)
	}
	refundMails := 0
	for _, m := range mailsAbout(t, h, a.Email, code, 3) {
		if strings.Contains(strings.ToLower(m.Subject), "geld") {
			refundMails++
		}
	}
	if refundMails != 1 {
		t.Errorf("refund e-mails about %s: %d, want 1", code, refundMails)
	}
	tb.screenshot("return-refunded")
	// Pressing refund again sends nothing more.
	admin(t, h, "POST", "/api/admin/orders/"+ao.ID+"/refund", map[string]any{"return_code": code}, nil)
	time.Sleep(time.Second)
	mailsAbout(t, h, a.Email, code, 3)
}

// axeIfThere runs the accessibility check when axe-core is installed, and
// in CI always (where a missing axe-core fails, as in TestAccessibility);
// elsewhere a missing axe-core does not skip the journey.
func axeIfThere(t *testing.T, h *harness, tb *tab, name string) {
	t.Helper()
	if h.axeErr == nil || ci() {
		checkAxe(t, tb, name)
	}
}

// checkReturnSteps: requested → received → refunded, done through doneThrough, each with a date.
func checkReturnSteps(t *testing.T, rs returnState, doneThrough string) {
	t.Helper()
	want := []string{"requested", "received", "refunded"}
	if len(rs.Steps) != len(want) {
		t.Fatalf("return steps: %+v", rs.Steps)
	}
	done := true
	for i, st := range rs.Steps {
		if st.Step != want[i] {
			t.Errorf("return step %d is %q, want %q", i, st.Step, want[i])
		}
		if st.Done != done {
			t.Errorf("return step %s done %v, want %v (%q)", st.Step, st.Done, done, st.Text)
		}
		if st.Done && !dateRe.MatchString(st.Text) {
			t.Errorf("return step %s has no date: %q", st.Step, st.Text)
		}
		if st.Step == doneThrough {
			done = false
		}
	}
}

// TestCancelJourney: a paid order not yet packed is canceled from the order
// page, and the money goes back without asking anyone.
func TestCancelJourney(t *testing.T) {
	h := need(t, true)
	v := pickVariant(t, h)
	tb := newCustomer(t, h, tabOptions{})
	addToCart(t, tb, v, 1)
	a := validAddress(t)
	total, _ := checkout(t, tb, a)
	orderPath := choose(t, tb, "paid")
	waitPaid(t, tb)
	if st := tb.submit(`.sf-after-sale form[action$="/cancel"] button`); st != 200 {
		t.Fatalf("cancel answered %d", st)
	}
	o := readOrder(tb)
	if o.State != "canceled" {
		t.Fatalf("after cancel the order is %q: %s", o.State, o.Status)
	}
	rs := readReturns(tb)
	if !strings.Contains(rs.Refunds, euroText(total)) || rs.CancelButton {
		t.Errorf("after cancel: refunds %q (want %s), cancel button %v", rs.Refunds, euroText(total), rs.CancelButton)
	}
	ao := orderByToken(t, h, orderToken(orderPath))
	mailsAbout(t, h, a.Email, ao.ID, 3) // confirmation, canceled, refund
}

// TestOwnerPage: the owner logs in on /admin/ with the token (typed once,
// never in a URL), sees the order under "paid", packs it with the button,
// prints its packing slip with the gift note, and the history says who.
func TestOwnerPage(t *testing.T) {
	h := need(t, true)
	v := pickVariant(t, h)
	tb := newCustomer(t, h, tabOptions{})
	addToCart(t, tb, v, 1)
	a := validAddress(t)
	if st := tb.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
		t.Fatalf("checkout page: status %d", st)
	}
	fillCheckout(tb, a)
	if err := tb.do(chromedp.SendKeys(chromedp.CSS("#f-gift_note"), "Voor Jan <3")); err != nil { // empty: nothing to clear
		t.Fatalf("type the gift note: %v", err)
	}
	if st := tb.submit(`form.sf-checkout-form button[type=submit]`); st != 200 {
		t.Fatalf("placing the order: %d", st)
	}
	orderPath := choose(t, tb, "paid")
	waitPaid(t, tb)
	ao := orderByToken(t, h, orderToken(orderPath))

	owner := newCustomer(t, h, tabOptions{}) // another browser: the owner's
	owner.allowStatus(401)
	owner.allowStatus(403)
	ctxOpen := func(path string) {
		t.Helper()
		if err := owner.do(chromedp.Navigate(owner.url(path))); err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
	}
	ctxOpen("/admin/orders/" + ao.ID)
	if txt := owner.mainText(); strings.Contains(txt, a.Name) || !owner.visible(`input[name="token"]`) {
		t.Fatalf("the owner's page without logging in shows:\n%s", clip(txt, 800))
	}
	owner.fill(`input[name="token"]`, adminToken)
	if st := owner.submit(`form.sf-admin-login-form button[type=submit]`); st != 200 {
		t.Fatalf("log in: %d", st)
	}
	if strings.Contains(owner.location(), adminToken) {
		t.Fatal("the token is in the address")
	}
	if !strings.Contains(owner.mainText(), ao.ID) {
		t.Fatalf("the owner's home does not list %s:\n%s", ao.ID, clip(owner.mainText(), 1500))
	}
	owner.open("/admin/orders/" + ao.ID)
	if st := owner.submit(`form[action$="/pack"] button`); st != 200 {
		t.Fatalf("pack: %d", st)
	}
	// The owner's page speaks the shop's language (the demo's: Dutch).
	says := func(key string) string { return regexp.QuoteMeta(words.T("nl", key)) }
	if !regexp.MustCompile(`(?i)` + says("owner.order.title") + ` \S+ \(` + says("checkout.state.packed") + `\)`).MatchString(owner.mainText()) {
		t.Errorf("after pack the owner's page says:\n%s", clip(owner.mainText(), 800))
	}
	if !regexp.MustCompile(says("owner.history.by.admin-page") + `\s+` + says("checkout.state.paid") + ` → ` + says("checkout.state.packed")).MatchString(owner.mainText()) {
		t.Errorf("the history does not say the owner's page packed it:\n%s", clip(owner.mainText(), 3000))
	}
	owner.screenshot("owner-order")
	axeIfThere(t, h, owner, "the owner's order page")
	owner.open("/admin/orders/" + ao.ID + "/packing-slip")
	slip := owner.mainText()
	if !strings.Contains(slip, "Voor Jan <3") || !strings.Contains(slip, v.Chosen.Title) {
		t.Errorf("the packing slip lacks the gift note or the product:\n%s", clip(slip, 1000))
	}
	owner.screenshot("packing-slip")
	// The customer can no longer cancel.
	tb.open(orderPath)
	if rs := readReturns(tb); rs.CancelButton {
		t.Error("a packed order still offers the customer a cancel button")
	}
}
