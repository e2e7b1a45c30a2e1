package e2e

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/storefront/storefront/checkout/money"
)

// giftCodeRe finds a gift card's code (16 symbols in four groups).
var giftCodeRe = regexp.MustCompile(`\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b`)

// giftMessage is a buyer's message with quotes and non-Latin letters.
const giftMessage = `Voor "Jan" & 'Zoë': 生日快乐, Ελπίδα, Привет!`

// TestGiftCardJourney: an English customer buys a gift card of a
// non-default amount for a recipient, with a message and a sending day three
// days on, and pays; the product page, cart line, order page and e-mail
// promise an e-mail on that day, no parcel, in English money. The card's
// e-mail is not sent an hour before that day and is sent on it, with the
// code, the amount and the message intact. A second customer
// (JavaScript, Dutch) spends it on a bigger order: the card pays its whole
// balance and the provider is asked only the rest; the checkout page, the
// payment page, the order page, the e-mail and the invoice's payment line
// say the same amounts. The owner refunds part of that order: the card
// gets its part back first, the bank the rest, and the refund e-mail says
// both. A third customer (no JavaScript, English) pays a smaller order
// with the card alone: no provider payment, English words and English
// money everywhere. The card's page shows the balance left and its history.
func TestGiftCardJourney(t *testing.T) {
	h := need(t, true)
	zone, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	stamp := time.Now().UnixNano()
	recipient := fmt.Sprintf("ontvanger-%d@example.nl", stamp)

	// 1. The buyer: the product page promises an e-mail, not a parcel.
	card := giftCardPick(t, h)
	buyer := newCustomer(t, h, tabOptions{})
	card = inEnglish(t, h, buyer, card) // an English buyer: the card's e-mail is English
	if !buyer.visible("[data-giftcard-delivery]") || buyer.visible("[data-delivery]") {
		t.Errorf("the gift card's page promises a parcel delivery:\n%s", clip(buyer.mainText(), 1200))
	}
	if txt := eval[string](buyer, `(document.querySelector("[data-giftcard-delivery]") || {}).innerText || ""`); !strings.Contains(txt, "e-mail") {
		t.Errorf("the gift card's page does not say it comes by e-mail: %q", txt)
	}
	addToCart(t, buyer, card, 1)
	if d := eval[string](buyer, `(document.querySelector(".sf-line .sf-line-date") || {}).innerText || ""`); !strings.Contains(d, "By e-mail") {
		t.Errorf("the cart's gift card line says %q, want that it comes by e-mail", d)
	}
	if st := buyer.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
		t.Fatalf("checkout page: status %d", st)
	}
	ba := validAddress(t)
	ba.Email = fmt.Sprintf("koper-%d@example.nl", stamp)
	buyer.fill("#f-name", ba.Name) // gift cards only: no address asked (TestGiftCardOnlyNoAddress)
	buyer.fill("#f-email", ba.Email)
	buyer.fill("#f-gift_to", recipient)
	if err := buyer.do(chromedp.SendKeys(chromedp.CSS("#f-gift_message"), giftMessage)); err != nil { // an empty textarea: typed, not cleared
		t.Fatalf("type the message: %v", err)
	}
	sendOn := time.Now().In(zone).AddDate(0, 0, 3)
	day := sendOn.Format(time.DateOnly)
	eval[bool](buyer, `(() => { const d = document.getElementById("f-gift_send_on"); d.value = `+jsString(day)+`; d.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`)
	if got := shownTotal(t, buyer); got != card.Chosen.Price {
		t.Errorf("a gift card of %s costs %s at checkout (no shipping, no VAT on top)", euroText(card.Chosen.Price), euroText(got))
	}
	if st := buyer.submit(`form.sf-checkout-form button[type=submit]`); st != 200 || !strings.HasPrefix(buyer.path(), "/pay/") {
		t.Fatalf("buying the card led to %s (%d):\n%s", buyer.path(), st, clip(buyer.mainText(), 1500))
	}
	if amt := payAmount(t, buyer); amt != card.Chosen.Price {
		t.Errorf("the payment page asks %s for a %s card", euroText(amt), euroText(card.Chosen.Price))
	}
	choose(t, buyer, "paid")
	waitPaid(t, buyer)
	if st := readOrder(buyer); len(st.Steps) != 3 || st.Steps[2].Step != "mailed" || !strings.Contains(st.Steps[2].Text, sendOn.Format("2")) {
		t.Errorf("the order of a gift card promises %+v, want ordered, paid and e-mailed on %s", st.Steps, day)
	}
	bm := mailsTo(t, h, ba.Email, 1)[0] // the buyer's confirmation, in English
	if strings.Contains(bm.Text, "Shipped") || strings.Contains(bm.Text, "Packed") {
		t.Errorf("the confirmation of a gift card promises a parcel:\n%s", clip(bm.Text, 1500))
	}
	english(t, buyer, "order of a gift card", `(?i)thank you`)
	checkEnglishMoney(t, "the buyer's confirmation", bm.Text, card.Chosen.Price)

	// 2. Not before the day; on the day.
	midnight := time.Date(sendOn.Year(), sendOn.Month(), sendOn.Day(), 0, 0, 0, 0, zone)
	toRecipient := func() []Message {
		all, err := ReadOutbox(h.outbox)
		if err != nil {
			t.Fatalf("read the outbox: %v", err)
		}
		var out []Message
		for _, m := range all {
			if strings.Contains(strings.ToLower(m.To), recipient) {
				out = append(out, m)
			}
		}
		return out
	}
	sidecarClock.ahead(time.Until(midnight.Add(-time.Hour)), func() {
		sidecarScheduler(t.Context())
		time.Sleep(6 * time.Second) // one round of the mail worker (every 5 s)
		if n := len(toRecipient()); n != 0 {
			t.Fatalf("the card's e-mail went out an hour before %s (%d e-mails)", day, n)
		}
	})
	var cardMail Message
	sidecarClock.ahead(time.Until(midnight.Add(time.Hour)), func() {
		sidecarScheduler(t.Context())
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			if ms := toRecipient(); len(ms) > 0 {
				cardMail = ms[0]
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no gift card e-mail to the recipient on %s", day)
			}
		}
	})
	if n := len(toRecipient()); n != 1 {
		t.Errorf("%d e-mails to the recipient, want one", n)
	}
	code := giftCodeRe.FindString(cardMail.Text)
	if code == "" {
		t.Fatalf("the card's e-mail holds no code:\n%s", clip(cardMail.Text, 1500))
	}
	checkEnglishMoney(t, "the card's e-mail", cardMail.Subject+"\n"+cardMail.Text, card.Chosen.Price)
	cardValue := money.Display(money.Amount(card.Chosen.Price), "EUR", "nl")
	for what, want := range map[string]string{"amount": money.Display(money.Amount(card.Chosen.Price), "EUR", "en"), "message": giftMessage, "buyer": ba.Name} {
		if !strings.Contains(cardMail.Text, want) {
			t.Errorf("the card's e-mail lacks the %s %q:\n%s", what, want, clip(cardMail.Text, 1500))
		}
	}
	if !strings.Contains(cardMail.HTML, "生日快乐") || !strings.Contains(cardMail.HTML, "&#34;Jan&#34;") && !strings.Contains(cardMail.HTML, "&quot;Jan&quot;") {
		t.Errorf("the HTML part does not carry the message safely:\n%s", clip(cardMail.HTML, 2000))
	}
	cardPage := mustPath(t, linkWith(t, cardMail.Text, "/giftcard/"))

	// 3. A bigger order, with JavaScript: the card pays all it has.
	balance := card.Chosen.Price
	v := pickVariant(t, h)
	qty := int(balance/v.Chosen.Price) + 1
	second := newCustomer(t, h, tabOptions{})
	addToCart(t, second, v, qty)
	if st := second.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
		t.Fatalf("checkout page: status %d", st)
	}
	sa := validAddress(t)
	sa.Email, sa.Name = fmt.Sprintf("tweede-%d@example.nl", stamp), "Zoë O'Brien-Öztürk"
	fillCheckout(second, sa)
	total := shownTotal(t, second)
	second.fill("#f-gift_code", strings.ToLower(strings.ReplaceAll(code, "-", ""))) // as typed from a phone
	second.click(`button[name="apply_gift"]`)
	second.waitFor(`!!document.querySelector("tr.sf-tender-gift") && !document.querySelector("[data-sf-pay]").disabled`, step)
	paidByCard, due := checkTender(t, second, total)
	if paidByCard != balance || due != total-balance {
		t.Errorf("order %s with a %s card: the card pays %s and the rest is %s", euroText(total), euroText(balance), euroText(paidByCard), euroText(due))
	}
	if btn := eval[string](second, `document.querySelector("[data-sf-pay]").innerText`); !hasAmount(btn, due) {
		t.Errorf("the pay button says %q; left to pay is %s", btn, euroText(due))
	}
	if st := second.submit(`form.sf-checkout-form button[type=submit]`); st != 200 || !strings.HasPrefix(second.path(), "/pay/") {
		t.Fatalf("pay pressed: %d, at %s:\n%s", st, second.path(), clip(second.mainText(), 1500))
	}
	if amt := payAmount(t, second); amt != due {
		t.Errorf("the checkout said %s is left to pay; the provider is asked %s", euroText(due), euroText(amt))
	}
	back := choose(t, second, "paid")
	waitPaid(t, second)
	o2 := orderByToken(t, h, orderToken(back))
	if o2.Total != total {
		t.Errorf("the stored order's total is %s; the page showed %s (the card is a payment, not a discount)", euroText(o2.Total), euroText(total))
	}
	if g, d := checkTender(t, second, total); g != paidByCard || d != due {
		t.Errorf("the order page: card %s, rest %s; the checkout said %s and %s", euroText(g), euroText(d), euroText(paidByCard), euroText(due))
	}
	m2 := mailsTo(t, h, sa.Email, 1)[0]
	checkMail(t, m2, o2.ID, total)
	for what, amt := range map[string]string{"card": money.Display(-money.Amount(paidByCard), "EUR", "nl"), "rest": money.Display(money.Amount(due), "EUR", "nl")} {
		if !strings.Contains(m2.Text, amt) {
			t.Errorf("the confirmation lacks the %s line %s:\n%s", what, amt, clip(m2.Text, 2000))
		}
	}
	checkInvoiceGiftLine(t, h, second, code, paidByCard, "nl")

	// 4. The owner refunds part of it: the card first, the bank the rest.
	refund := balance + (total-balance)/2
	admin(t, h, "POST", "/api/admin/orders/"+o2.ID+"/refund", map[string]any{"amount": refund, "note": "e2e"}, nil)
	toBank := refund - balance
	rm := mailsTo(t, h, sa.Email, 2)[1]
	for what, amt := range map[string]int64{"to the card": balance, "to the bank": toBank, "in all": refund} {
		if !strings.Contains(rm.Text, money.Display(money.Amount(amt), "EUR", "nl")) {
			t.Errorf("the refund e-mail does not say %s went back %s:\n%s", money.Display(money.Amount(amt), "EUR", "nl"), what, clip(rm.Text, 1500))
		}
	}
	if !strings.Contains(rm.Text, "cadeaukaart") {
		t.Errorf("the refund e-mail does not say part went back to the gift card:\n%s", clip(rm.Text, 1500))
	}
	second.open(back)
	refunds := eval[string](second, `[...document.querySelectorAll(".sf-refund")].map(e => e.innerText).join("\n")`)
	if !strings.Contains(refunds, "terug op je cadeaukaart …"+code[len(code)-4:]) || !strings.Contains(refunds, money.Display(money.Amount(balance), "EUR", "nl")) ||
		!strings.Contains(refunds, money.Display(money.Amount(toBank), "EUR", "nl")) {
		t.Errorf("the order page's refunds do not say what went back to the card and what to the bank:\n%s", refunds)
	}
	// The card has all it paid back: its balance is the card's value again.

	// 5. A smaller order, without JavaScript, in English: the card alone pays.
	third := newCustomer(t, h, tabOptions{NoJS: true})
	small := inEnglish(t, h, third, v)
	addToCart(t, third, small, 1)
	if st := third.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
		t.Fatalf("checkout page: status %d", st)
	}
	ta := validAddress(t)
	ta.Email = fmt.Sprintf("third-%d@example.nl", stamp)
	fillCheckout(third, ta)
	total3 := shownTotal(t, third)
	if total3 >= balance {
		t.Fatalf("the small order costs %s, not less than the card's %s", euroText(total3), euroText(balance))
	}
	third.fill("#f-gift_code", code)
	if st := third.submit(`button[name="apply_gift"]`); st != 200 {
		t.Fatalf("use card without JavaScript: status %d", st)
	}
	english(t, third, "checkout with a gift card", `Paid by gift card`)
	if g, d := checkTender(t, third, total3); g != total3 || d != 0 {
		t.Errorf("a %s order with %s on the card: the card pays %s, rest %s", euroText(total3), euroText(balance), euroText(g), euroText(d))
	}
	enTotal := money.Display(money.Amount(total3), "EUR", "en")
	if !strings.Contains(third.mainText(), enTotal) {
		t.Errorf("the English checkout does not write %s the English way:\n%s", enTotal, clip(third.mainText(), 1500))
	}
	third.fill("#f-gift_code", code) // the re-rendered page keeps it; typed again as a customer checks it
	if st := third.submit(`form.sf-checkout-form button[type=submit]`); st != 200 || !strings.HasPrefix(third.path(), "/order/") {
		t.Fatalf("a card that pays everything led to %s (%d), not straight to the order page:\n%s", third.path(), st, clip(third.mainText(), 1500))
	}
	o3state := waitPaid(t, third)
	english(t, third, "order paid by gift card", `(?i)thank you`)
	o3 := orderByToken(t, h, orderToken(third.path()))
	if o3.Total != total3 || o3.CheckoutURL != "" {
		t.Errorf("the card-only order: total %s (shown %s), checkout URL %q", euroText(o3.Total), euroText(total3), o3.CheckoutURL)
	}
	if g, d := checkTender(t, third, total3); g != total3 || d != 0 {
		t.Errorf("the English order page: card %s, rest %s", euroText(g), euroText(d))
	}
	m3 := mailsTo(t, h, ta.Email, 1)[0]
	checkMail(t, m3, orderNumber(t, o3state), total3)
	if dutchWords.MatchString(m3.Subject + "\n" + m3.Text) {
		t.Errorf("the English confirmation has Dutch in it (%q):\n%s", dutchWords.FindString(m3.Subject+m3.Text), clip(m3.Text, 1500))
	}
	for _, want := range []string{"Paid by gift card", money.Display(-money.Amount(total3), "EUR", "en"), enTotal} {
		if !strings.Contains(m3.Text, want) {
			t.Errorf("the English confirmation lacks %q:\n%s", want, clip(m3.Text, 2000))
		}
	}
	if strings.Contains(m3.Text, money.Display(money.Amount(total3), "EUR", "nl")) {
		t.Errorf("the English confirmation writes money the Dutch way (%s):\n%s", money.Display(money.Amount(total3), "EUR", "nl"), clip(m3.Text, 2000))
	}
	checkInvoiceGiftLine(t, h, third, code, total3, "en")
	balance -= total3

	// 6. The card's page: the balance left and every step.
	viewer := newCustomer(t, h, tabOptions{})
	viewer.open(cardPage)
	if got := eval[string](viewer, `(document.querySelector("[data-balance]") || {dataset: {}}).dataset.balance || ""`); got != fmt.Sprint(balance) {
		t.Errorf("the card's page says the balance is %s, want %d:\n%s", got, balance, clip(viewer.mainText(), 1500))
	}
	hist := eval[string](viewer, `(document.querySelector(".sf-gift-history") || {}).innerText || ""`)
	for _, want := range []string{cardValue, money.Display(money.Amount(total3), "EUR", "nl")} {
		if !strings.Contains(hist, want) {
			t.Errorf("the card's history lacks %s:\n%s", want, hist)
		}
	}
	if rows := eval[int](viewer, `document.querySelectorAll(".sf-gift-history tr").length`); rows != 4 || !strings.Contains(hist, "Terug op de kaart") {
		t.Errorf("the card's history has %d rows, want issued, spent, back on the card and spent again:\n%s", rows, hist)
	}
	viewer.open(cardPage + "?lang=en")
	english(t, viewer, "card page", `Balance`)
	if !strings.Contains(viewer.mainText(), money.Display(money.Amount(balance), "EUR", "en")) {
		t.Errorf("the English card page does not show the balance the English way:\n%s", clip(viewer.mainText(), 1000))
	}
}

// inEnglish opens the English page of v's product (the page's hreflang
// alternate) and returns v with that page and its English title.
func inEnglish(t *testing.T, h *harness, tb *tab, v variantPick) variantPick {
	t.Helper()
	tb.open(v.URL)
	en := eval[string](tb, `(document.querySelector('link[rel=alternate][hreflang=en]') || {}).getAttribute?.("href") || ""`)
	if en == "" {
		t.Fatalf("product page %s has no English alternate", v.URL)
	}
	v.URL, v.Chosen.Variant = strings.TrimPrefix(en, h.base), "" // variant names are translated; the SKU identifies it
	tb.open(v.URL)
	v.Title = eval[string](tb, `document.querySelector("h1").innerText`)
	return v
}

// dutchMoney is an amount written the Dutch way ("€ 50", "€ 50,00").
var dutchMoney = regexp.MustCompile(`€ \d|\d,\d\d\b`)

// checkEnglishMoney: an English text names amount the English way and
// writes no amount the Dutch way.
func checkEnglishMoney(t *testing.T, what, text string, amount int64) {
	t.Helper()
	if en := money.Display(money.Amount(amount), "EUR", "en"); !strings.Contains(text, en) {
		t.Errorf("%s does not say %s:\n%s", what, en, clip(text, 1500))
	}
	if d := dutchMoney.FindString(text); d != "" {
		t.Errorf("%s writes money the Dutch way (%q) to an English customer:\n%s", what, d, clip(text, 1500))
	}
}

// giftCardPick is the demo shop's gift card with a variant other than the
// one the page preselects.
func giftCardPick(t *testing.T, h *harness) variantPick {
	t.Helper()
	_, byProduct := readCatalog(t, h)
	its := byProduct["cadeaukaart"]
	if len(its) < 2 {
		t.Fatalf("the demo shop sells no gift card in more than one amount (%d)", len(its))
	}
	return variantPick{Product: "cadeaukaart", URL: its[0].URL, Title: its[0].Title, Variants: its, Chosen: its[1]}
}

// checkTender reads the gift card's payment line on a checkout or order
// page: what the card pays and what is left; both lines must show the
// amounts their data attributes hold, and add up to the total.
func checkTender(t *testing.T, tb *tab, total int64) (card, due int64) {
	t.Helper()
	v := jsonOf[struct {
		Gift, Due, GiftText, DueText string
	}](tb, `(() => { const g = document.querySelector("tr.sf-tender-gift"), d = document.querySelector("[data-due]");
		return g && d ? {Gift: g.dataset.gift, Due: d.dataset.due, GiftText: g.querySelector("td").innerText, DueText: d.innerText} : {}; })()`)
	if v.Gift == "" {
		t.Fatalf("%s shows no gift card line:\n%s", tb.location(), clip(tb.mainText(), 1500))
	}
	fmt.Sscan(v.Gift, &card)
	fmt.Sscan(v.Due, &due)
	if a, err := ParseEuro(v.GiftText); err != nil || a != -card && a != card {
		t.Errorf("%s: the card's line says %q, its data %d", tb.location(), v.GiftText, card)
	}
	if a, err := ParseEuro(v.DueText); err != nil || a != due {
		t.Errorf("%s: left to pay says %q, its data %d", tb.location(), v.DueText, due)
	}
	if card+due != total {
		t.Errorf("%s: card %d + rest %d is not the total %d", tb.location(), card, due, total)
	}
	return card, due
}

// checkInvoiceGiftLine opens the invoice linked from the order page and
// finds the gift card's payment line: the code's last four and the amount
// in the customer's language.
func checkInvoiceGiftLine(t *testing.T, h *harness, tb *tab, code string, amount int64, lang string) {
	t.Helper()
	href := eval[string](tb, `(document.querySelector('a[href*="/invoice/"]') || {}).getAttribute?.("href") || ""`)
	if href == "" {
		t.Errorf("the order page %s links no invoice", tb.path())
		return
	}
	resp, err := http.Get(h.base + href)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !bytes.HasPrefix(raw, []byte("%PDF-")) {
		t.Fatalf("invoice %s: %s", href, resp.Status)
	}
	text := pdfStreams(raw)
	last4 := code[len(code)-4:]
	amt := strings.TrimPrefix(money.Display(money.Amount(amount), "EUR", lang), "€")
	amt = strings.TrimSpace(amt)
	if !strings.Contains(text, last4) || !strings.Contains(text, amt) {
		t.Errorf("the invoice %s has no payment line of gift card …%s for %s", href, last4, amt)
	}
}

// pdfStreams is the PDF's content streams, inflated where compressed.
func pdfStreams(raw []byte) string {
	var b strings.Builder
	for rest := raw; ; {
		i := bytes.Index(rest, []byte("stream\n"))
		if i < 0 {
			break
		}
		rest = rest[i+len("stream\n"):]
		j := bytes.Index(rest, []byte("endstream"))
		if j < 0 {
			break
		}
		s := rest[:j]
		if zr, err := zlib.NewReader(bytes.NewReader(s)); err == nil {
			if out, err := io.ReadAll(zr); err == nil || len(out) > 0 {
				s = out
			}
		}
		b.Write(s)
		rest = rest[j:]
	}
	return b.String()
}
