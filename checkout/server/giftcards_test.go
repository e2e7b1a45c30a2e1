package server

import (
	"html/template"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/wire"
)

// giftCatalog adds gift cards of € 25 and € 50 to the test shop, as the
// build writes them for a product with `giftcard: true`.
func giftCatalog(c map[string]any) {
	for _, v := range []struct {
		sku   string
		price int
	}{{"CADEAU-25", 2500}, {"CADEAU-50", 5000}} {
		c["items"] = append(c["items"].([]any), map[string]any{
			"sku": v.sku, "product": "cadeaukaart", "title": "Cadeaukaart", "variant": money.Format(money.Amount(v.price), "EUR"),
			"url": "/producten/cadeaukaart/", "price": v.price, "currency": "EUR", "vat_rate": 0, "vat_class": "zero",
			"image": "", "category": "cadeau", "delivery_class": "standard", "stock": map[string]any{"tracked": false, "quantity": 0},
			"giftcard": true})
	}
}

var codeInMail = regexp.MustCompile(`\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b`)

// buyGiftCard buys one card of sku for a recipient, to be sent in days,
// and lets Mollie report it paid.
func buyGiftCard(t *testing.T, sh *testShop, f *molliefake.Server, sku, sendOn string) *order.Order {
	t.Helper()
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.addToCart(sku, 1)
	body := strings.TrimSuffix(validCheckout, "}") + `,"gift_to":"ben@example.nl","gift_message":"Fijne feestdagen, \"Ben\"!","gift_send_on":"` + sendOn + `"}`
	r := sh.req(http.MethodPost, "/api/checkout", body, "Idempotency-Key", "buy-"+sku+sendOn)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("buy gift card: %d %s", r.StatusCode, r.body)
	}
	var a CheckoutAnswer
	r.json(t, &a)
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if o.Totals.Shipping != 0 || o.Totals.VATTotal != 0 {
		t.Fatalf("a gift card order has shipping %d and VAT %d, want none", o.Totals.Shipping, o.Totals.VATTotal)
	}
	if p, _ := f.Payment(o.PaymentID); p.Value != money.Format(o.Total(), "EUR") {
		t.Fatalf("Mollie asked %s for a %s card", p.Value, money.Format(o.Total(), "EUR"))
	}
	if err := f.SetStatus(o.PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if o.State != order.Paid || o.GiftSend == nil || len(o.GiftSend.Cards) != 1 {
		t.Fatalf("paid gift card order: %s %+v", o.State, o.GiftSend)
	}
	return o
}

// giftShop is a test shop selling gift cards, paid through the Mollie fake,
// on a clock starting Monday 7 December 2026, 09:00 UTC.
func giftShop(t *testing.T) (*testShop, *molliefake.Server, *testClock) {
	t.Helper()
	f := molliefake.New()
	t.Cleanup(f.Close)
	clk := &testClock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	f.SetClock(clk.Now)
	return newShop(t, withMollie(f), withClock(clk), withCatalog(t, giftCatalog)), f, clk
}

// checkoutWithCard checks out the cart with a gift card code, the totals
// the quote gave, and returns the answer.
func checkoutWithCard(t *testing.T, sh *testShop, code, key string) (response, QuoteAnswer) {
	t.Helper()
	q := sh.req(http.MethodPost, "/api/checkout/quote", `{"country":"NL","shipping_method":"postnl","gift_code":"`+strings.ToLower(code)+`"}`)
	var qa QuoteAnswer
	q.json(t, &qa)
	if q.StatusCode != http.StatusOK || qa.GiftError != "" {
		t.Fatalf("quote: %d %s", q.StatusCode, q.body)
	}
	if qa.Due != qa.Total-qa.GiftCard || qa.Totals.GrandTotal != qa.Total || !strings.Contains(qa.SummaryHTML, `data-gift="`) {
		t.Fatalf("quote with a card: total %d card %d due %d", qa.Total, qa.GiftCard, qa.Due)
	}
	body := strings.TrimSuffix(validCheckout, "}") + `,"gift_code":"` + code + `","expected_total":` + itoa(int(qa.Total)) + `,"expected_due":` + itoa(int(qa.Due)) + `}`
	return sh.req(http.MethodPost, "/api/checkout", body, "Idempotency-Key", key), qa
}

// TestGiftCardJourney: a card bought for a day later is mailed that day
// only, with its code; the code pays part of an order (Mollie is asked for
// the rest only; the order's total and VAT unchanged), a refund goes back
// to the card first, and the balance then pays a whole order without any
// payment at Mollie. The card's page and the owner's API show the balance.
func TestGiftCardJourney(t *testing.T) {
	sh, f, clk := giftShop(t)

	buyGiftCard(t, sh, f, "CADEAU-50", "2026-12-08")
	if n := sh.mailCount("giftcard"); n != 0 {
		t.Fatalf("%d gift card mails before the chosen day", n)
	}
	clk.Add(24 * time.Hour)
	if sh.mailCount("giftcard") != 1 {
		t.Fatal("no gift card mail on the chosen day")
	}
	files := sh.outboxFiles("giftcard")
	eml, _ := os.ReadFile(files[0])
	code := codeInMail.FindString(string(eml))
	if code == "" || !strings.Contains(string(eml), "ben@example.nl") || !strings.Contains(string(eml), "/giftcard/") ||
		!strings.Contains(string(eml), "50.00") || !strings.Contains(string(eml), "does not expire") {
		t.Fatalf("gift card mail lacks code, recipient, page link, amount or term:\n%s", eml)
	}

	// Part of an order: 3 × 14.50 + 4.95 shipping = 48.45 … take more.
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.addToCart("KOF-GUJI-250-BO", 4) // 58.00, free shipping? (test catalog decides)
	r, qa := checkoutWithCard(t, sh, code, "use-1")
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("checkout with card: %d %s", r.StatusCode, r.body)
	}
	var a CheckoutAnswer
	r.json(t, &a)
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if o.Total() != qa.Total || o.GiftCard == nil || o.GiftCard.Amount != 5000 || o.Due() != qa.Due || o.Due() <= 0 {
		t.Fatalf("order total %d card %+v due %d; quote %+v", o.Total(), o.GiftCard, o.Due(), qa)
	}
	if len(o.Totals.Adjustments) != 0 {
		t.Fatalf("the card became a discount: %+v", o.Totals.Adjustments)
	}
	p, _ := f.Payment(o.PaymentID)
	if p.Value != money.Format(o.Due(), "EUR") {
		t.Fatalf("Mollie asked %s, want the rest %s", p.Value, money.Format(o.Due(), "EUR"))
	}
	// A second checkout with the same card while the first is unpaid: the
	// whole balance is held.
	jar2, _ := newJar()
	sh.jar, sh.client.Jar = jar2, jar2
	sh.addToCart("MOK-001", 1)
	q := sh.req(http.MethodPost, "/api/checkout/quote", `{"gift_code":"`+code+`"}`)
	var qa2 QuoteAnswer
	q.json(t, &qa2)
	if qa2.GiftError == "" || qa2.GiftCard != 0 {
		t.Fatalf("a held card still pays elsewhere: %s", q.body)
	}
	sh.jar, sh.client.Jar = jar, jar
	if err := f.SetStatus(o.PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if o.State != order.Paid || o.GiftCard.Hold != order.GiftSpent {
		t.Fatalf("order %s, card %+v", o.State, o.GiftCard)
	}
	page := sh.req(http.MethodGet, "/order/"+o.Token, "")
	if !strings.Contains(page.body, `data-gift="5000"`) || !strings.Contains(page.body, `data-due="`+itoa(int(o.Due()))+`"`) {
		t.Fatal("the order page shows no gift card payment line")
	}
	sh.flushMail()
	conf := sh.outboxFiles("confirmation")
	if len(conf) == 0 {
		t.Fatal("no confirmation")
	}

	// Refund 30.00: all to the card (it paid 50.00); Mollie gets nothing.
	rr := sh.admin("POST", "/api/admin/orders/"+o.ID+"/refund", `{"amount":3000,"note":"deel"}`)
	if rr.StatusCode != http.StatusOK {
		t.Fatalf("refund: %d %s", rr.StatusCode, rr.body)
	}
	if n, _ := refundsAtMollie(f, o.PaymentID); n != 0 {
		t.Fatalf("%d refunds at Mollie, want 0: the card goes first", n)
	}
	var cv wire.GiftCardList
	sh.admin("GET", "/api/admin/giftcards", "").json(t, &cv)
	if len(cv.GiftCards) != 1 || cv.GiftCards[0].Balance != 3000 {
		t.Fatalf("owner's list: %+v", cv)
	}
	// The rest of the order: 20.00 more to the card, the rest to Mollie.
	rr = sh.admin("POST", "/api/admin/orders/"+o.ID+"/refund", `{"full":true}`)
	if rr.StatusCode != http.StatusOK {
		t.Fatalf("full refund: %d %s", rr.StatusCode, rr.body)
	}
	if n, sum := refundsAtMollie(f, o.PaymentID); n != 1 || !strings.HasPrefix(sum, money.Format(o.Due(), "EUR")+"/") {
		t.Fatalf("Mollie refunds: %d %s, want one of %s", n, sum, money.Format(o.Due(), "EUR"))
	}
	card, _ := sh.sc.store.GiftCards.GiftCard(cv.GiftCards[0].ID)
	if card.Balance != 5000 || card.Check() != nil {
		t.Fatalf("card after the refunds: %+v %v", card, card.Check())
	}

	// The balance pays a whole order: no payment at Mollie at all.
	before := f.PaymentCount()
	jar3, _ := newJar()
	sh.jar, sh.client.Jar = jar3, jar3
	sh.addToCart("MOK-001", 2)
	r, _ = checkoutWithCard(t, sh, code, "use-2")
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("checkout paid by card: %d %s", r.StatusCode, r.body)
	}
	a = CheckoutAnswer{}
	r.json(t, &a)
	if a.CheckoutURL != "" || a.Order.State != string(order.Paid) || f.PaymentCount() != before {
		t.Fatalf("card-only order: state %s, checkout url %q, %d new Mollie payments", a.Order.State, a.CheckoutURL, f.PaymentCount()-before)
	}
	card, _ = sh.sc.store.GiftCards.GiftCard(card.ID)
	if card.Balance != 5000-money.Amount(a.Order.Total) {
		t.Fatalf("balance after the card-only order: %d", card.Balance)
	}
	gp := sh.req(http.MethodGet, "/giftcard/"+card.Token, "")
	if gp.StatusCode != http.StatusOK || !strings.Contains(gp.body, `data-balance="`+itoa(int(card.Balance))+`"`) || !strings.Contains(gp.body, code) {
		t.Fatalf("card page: %d", gp.StatusCode)
	}
	if r := sh.req(http.MethodGet, "/giftcard/"+strings.Repeat("A", 32), ""); r.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown card page: %d", r.StatusCode)
	}
}

// Guessing codes is limited per client: after the burst, even a real code
// is answered with "too many".
func TestGiftCodeGuessesAreLimited(t *testing.T) {
	sh := newShop(t)
	sh.addToCart("MOK-001", 1)
	_, code, err := sh.sc.store.GiftCards.IssueGiftCard(1000, "EUR", sh.sc.Catalog.Current().GiftCards, "", "nl")
	if err != nil {
		t.Fatal(err)
	}
	limited := false
	for i := range 20 {
		q := sh.req(http.MethodPost, "/api/checkout/quote", `{"gift_code":"AAAA-BBBB-CCCC-DD`+string(rune('A'+i%20))+`0"}`)
		var qa QuoteAnswer
		q.json(t, &qa)
		if qa.GiftError == web.T("en", "gift.too_many") {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("20 wrong codes in a row were all looked up")
	}
	q := sh.req(http.MethodPost, "/api/checkout/quote", `{"gift_code":"`+code+`"}`)
	var qa QuoteAnswer
	q.json(t, &qa)
	if qa.GiftCard != 0 {
		t.Fatal("a real code went through while the client was limited")
	}
}

// TestPayAgainWithGiftCard: an order a gift card pays part of whose
// payment failed gave the card's part back. Paying again takes it again
// when the card still has it (Mollie asked the same rest); when the card
// was spent meanwhile, paying again makes no payment and says so in the
// customer's language: which card, what it should pay, what is left, and
// what to do (not a generic error).
func TestPayAgainWithGiftCard(t *testing.T) {
	for _, lang := range []string{"nl", "en"} {
		t.Run(lang, func(t *testing.T) {
			sh, f, clk := giftShop(t)
			buyGiftCard(t, sh, f, "CADEAU-50", "2026-12-07")
			clk.Add(time.Minute)
			sh.flushMail()
			eml, _ := os.ReadFile(sh.outboxFiles("giftcard")[0])
			code := codeInMail.FindString(string(eml))

			jar, _ := newJar()
			sh.jar, sh.client.Jar = jar, jar
			sh.addToCart("KOF-GUJI-250-BO", 4)
			r, qa := checkoutWithCard(t, sh, code, "part-"+lang)
			if r.StatusCode != http.StatusCreated {
				t.Fatalf("checkout with card: %d %s", r.StatusCode, r.body)
			}
			var a CheckoutAnswer
			r.json(t, &a)
			o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
			if err := f.SetStatus(o.PaymentID, "failed"); err != nil {
				t.Fatal(err)
			}
			// Paying again while the card still has it: the same rest.
			n := f.PaymentCount()
			if r := sh.form("/order/"+o.Token+"/pay", url.Values{"lang": {lang}}); r.StatusCode != http.StatusSeeOther || f.PaymentCount() != n+1 {
				t.Fatalf("pay again with the card still there: %d, %d new payments", r.StatusCode, f.PaymentCount()-n)
			}
			o, _ = sh.sc.store.Orders.GetOrder(o.ID)
			if p, _ := f.Payment(o.PaymentID); p.Value != money.Format(qa.Due, "EUR") || o.GiftCard.Hold != order.GiftHeld {
				t.Fatalf("pay again: Mollie asked %s, want %s; card hold %q", p.Value, money.Format(qa.Due, "EUR"), o.GiftCard.Hold)
			}
			if err := f.SetStatus(o.PaymentID, "canceled"); err != nil {
				t.Fatal(err)
			}

			// Meanwhile the card pays all of another order.
			jar2, _ := newJar()
			sh.jar, sh.client.Jar = jar2, jar2
			sh.addToCart("MOK-001", 2)
			if r, _ := checkoutWithCard(t, sh, code, "other-"+lang); r.StatusCode != http.StatusCreated {
				t.Fatalf("other checkout: %d %s", r.StatusCode, r.body)
			}
			card, _ := sh.sc.store.GiftCards.GiftCard(o.GiftCard.CardID)

			sh.jar, sh.client.Jar = jar, jar
			n = f.PaymentCount()
			r = sh.form("/order/"+o.Token+"/pay", url.Values{"lang": {lang}})
			if f.PaymentCount() != n {
				t.Errorf("pay again made %d payments though the card cannot pay its part", f.PaymentCount()-n)
			}
			if r.StatusCode != http.StatusConflict {
				t.Errorf("pay again with the card spent: status %d, want 409", r.StatusCode)
			}
			d := func(x money.Amount) string { return htmlText(money.Display(x, "EUR", lang)) }
			for _, want := range []string{htmlText(o.GiftCard.Last4), d(o.GiftCard.Amount), d(card.Balance), htmlText(strings.SplitN(web.T(lang, "gift.pay_again_short"), "%", 2)[0])} {
				if !strings.Contains(r.body, want) {
					t.Errorf("the answer lacks %q:\n%s", want, r.body)
				}
			}
			if strings.Contains(r.body, htmlText(web.T(lang, "err.Internal"))) {
				t.Errorf("pay again with the card spent answers with the generic error")
			}
			o, _ = sh.sc.store.Orders.GetOrder(o.ID)
			if o.State != order.PaymentFailed || o.GiftCard.Hold != "" {
				t.Errorf("after the refused pay again: order %s, hold %q", o.State, o.GiftCard.Hold)
			}
		})
	}
}

// htmlText is s as html/template writes it in a page.
func htmlText(s string) string { return template.HTMLEscapeString(s) }

// TestGiftCardOrderPromisesAnEmail: an order of gift cards only is not a
// parcel: its page and confirmation show ordered, paid and "e-mailed" on
// the chosen day (no packing, shipping or delivery dates), and the step is
// done once the card's e-mail went out.
func TestGiftCardOrderPromisesAnEmail(t *testing.T) {
	sh, f, clk := giftShop(t)
	o := buyGiftCard(t, sh, f, "CADEAU-25", "2026-12-10")
	steps := func() []wire.StepView {
		r := sh.req(http.MethodGet, "/api/orders/"+o.Token, "")
		var v wire.OrderView
		r.json(t, &v)
		return v.Steps
	}
	st := steps()
	if len(st) != 3 || st[2].Step != "mailed" || st[2].Done || !st[2].Current || !strings.Contains(st[2].Expected, "10") {
		t.Fatalf("steps of a paid gift card order before its day: %+v", st)
	}
	sh.flushMail()
	conf, _ := os.ReadFile(sh.outboxFiles("confirmation")[0])
	for _, parcel := range []string{web.T("en", "step.packed"), web.T("en", "step.shipped"), web.T("nl", "step.packed"), web.T("nl", "step.shipped")} {
		if strings.Contains(string(conf), parcel) {
			t.Errorf("the confirmation of a gift card promises a parcel (%q)", parcel)
		}
	}
	clk.Add(4 * 24 * time.Hour)
	sh.flushMail()
	if st := steps(); !st[2].Done || st[2].At.IsZero() {
		t.Fatalf("steps after the card was e-mailed: %+v", st)
	}
}

// TestGiftCardLineSaysEmail: in the cart and at checkout, a gift card's
// line says it comes by e-mail on the chosen day, never a parcel's
// delivery window; a parcel's line beside it keeps its window.
func TestGiftCardLineSaysEmail(t *testing.T) {
	sh := newShop(t, withCatalog(t, giftCatalog))
	sh.addToCart("CADEAU-25", 1)
	sh.addToCart("MOK-001", 1)
	for _, lang := range []string{"nl", "en"} {
		for _, page := range []string{"/cart/", "/checkout/"} {
			r := sh.req(http.MethodGet, page+"?lang="+lang, "")
			if r.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", page, r.StatusCode)
			}
			email := htmlText(web.T(lang, "line.giftcard"))
			parcel := htmlText(strings.SplitN(web.T(lang, "line.delivery"), "%", 2)[0])
			if strings.Count(r.body, email) != 1 || strings.Count(r.body, parcel) != 1 {
				t.Errorf("%s in %s: %d lines say %q and %d say %q; want one each (the card and the mug)",
					page, lang, strings.Count(r.body, email), email, strings.Count(r.body, parcel), parcel)
			}
		}
	}
}

// TestGiftCardsOnlyNothingToShip: a cart of gift cards only is not a
// parcel. The checkout page asks no shipping method and no gift note for
// the parcel and says why; its summary, the order page and the
// confirmation have no shipping line, and the address is the invoice's,
// not a delivery address. A customer in Belgium (not the first country)
// checks out without any shipping method; a card beside a mug is a parcel
// again.
func TestGiftCardsOnlyNothingToShip(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f), withCatalog(t, giftCatalog))
	sh.addToCart("CADEAU-50", 2)
	for _, lang := range []string{"nl", "en"} {
		co := sh.req(http.MethodGet, "/checkout/?lang="+lang, "")
		if !strings.Contains(co.body, htmlText(web.T(lang, "co.by_email_only"))) {
			t.Errorf("%s checkout does not say nothing is shipped", lang)
		}
		for _, parcel := range []string{`name="shipping_method"`, `name="gift_note"`, htmlText(web.T(lang, "sum.shipping")) + " ("} {
			if strings.Contains(co.body, parcel) {
				t.Errorf("%s checkout of gift cards only has %q", lang, parcel)
			}
		}
	}
	co := sh.req(http.MethodGet, "/checkout/?lang=nl", "")
	key := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindStringSubmatch(co.body)[1]
	r := sh.form("/checkout/", url.Values{"name": {"Zoë Peeters"}, "email": {"zoe@example.be"}, "street": {"Meir 1"},
		"postal_code": {"2000"}, "city": {"Antwerpen"}, "country": {"BE"}, "idempotency_key": {key}, "lang": {"nl"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("checkout of gift cards to Belgium without a shipping method: %d %s", r.StatusCode, r.body)
	}
	list, _ := sh.sc.store.Orders.ListOrders(storeFilterAll())
	o := list[0]
	if o.Total() != 10000 || o.Totals.Shipping != 0 {
		t.Fatalf("two cards of € 50: total %d, shipping %d", o.Total(), o.Totals.Shipping)
	}
	if err := f.SetStatus(o.PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}
	page := sh.req(http.MethodGet, "/order/"+o.Token+"?lang=nl", "").body
	if !strings.Contains(page, web.T("nl", "order.address_invoice")) || strings.Contains(page, web.T("nl", "order.address")+"<") ||
		strings.Contains(page, web.T("nl", "sum.shipping")+" (") {
		t.Errorf("order page of gift cards only speaks of shipping:\n%s", page)
	}
	sh.flushMail()
	conf, _ := os.ReadFile(sh.outboxFiles("confirmation")[0])
	mail := strings.ReplaceAll(strings.ReplaceAll(string(conf), "=\r\n", ""), "=\n", "")
	if strings.Contains(mail, "Verzending (") || strings.Contains(mail, "Bezorgadres") {
		t.Errorf("the confirmation of gift cards only has a shipping line or a delivery address")
	}

	// The owner's page of it: no shipping line, no packing slip to print.
	sh.adminLogin()
	owner := sh.req(http.MethodGet, "/admin/orders/"+o.ID, "").body
	if strings.Contains(owner, "/packing-slip") || strings.Contains(owner, htmlText(sh.says("order.shipping"))+" (") {
		t.Errorf("the owner's page of gift cards only offers a packing slip or a shipping line")
	}

	// A card beside a mug: a parcel, with its method and shipping line.
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.addToCart("CADEAU-25", 1)
	sh.addToCart("MOK-001", 1)
	co = sh.req(http.MethodGet, "/checkout/?lang=nl", "")
	if !strings.Contains(co.body, `name="shipping_method"`) || strings.Contains(co.body, htmlText(web.T("nl", "co.by_email_only"))) {
		t.Error("a card beside a mug: the checkout lost its shipping choice")
	}
	// The card does not count toward free shipping (€ 50): the cart says
	// so beside what is still missing.
	for _, lang := range []string{"nl", "en"} {
		cartPage := sh.req(http.MethodGet, "/cart/?lang="+lang, "").body
		if !strings.Contains(cartPage, htmlText(web.T(lang, "cart.free_not_cards"))) {
			t.Errorf("%s cart with a card does not say cards do not count toward free shipping", lang)
		}
	}
	jar, _ = newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.addToCart("MOK-001", 1)
	if strings.Contains(sh.req(http.MethodGet, "/cart/?lang=nl", "").body, htmlText(web.T("nl", "cart.free_not_cards"))) {
		t.Error("a cart without a card speaks of cards")
	}
}

// TestIssuedGiftCardsAreNotCanceled: once an order that bought gift cards is
// paid its cards exist (and may be spent), so neither the customer nor the
// owner can cancel it for a full refund, which would leave the cards
// spendable (a tester bought a € 75 card, canceled, got € 75 back and
// spent the card). The words say so; the card and the money stay as they
// were. A card beside a parcel is never part of a return.
func TestIssuedGiftCardsAreNotCanceled(t *testing.T) {
	sh, f, _ := giftShop(t)
	o := buyGiftCard(t, sh, f, "CADEAU-50", "2026-12-07")
	for _, lang := range []string{"nl", "en"} {
		var rv AfterSaleView
		sh.req(http.MethodGet, "/api/orders/"+o.Token+"/returns?lang="+lang, "").json(t, &rv)
		if rv.CanCancel {
			t.Fatal("a paid gift card order offers cancel")
		}
		r := sh.req(http.MethodPost, "/api/orders/"+o.Token+"/cancel?lang="+lang, "{}")
		var answer struct {
			Error string `json:"error"`
		}
		r.json(t, &answer)
		if r.StatusCode != http.StatusConflict || answer.Error != web.T(lang, "cancel.gift_cards") {
			t.Fatalf("customer cancel (%s): %d %s", lang, r.StatusCode, r.body)
		}
	}
	if r := sh.admin(http.MethodPost, "/api/admin/orders/"+o.ID+"/cancel", ""); r.StatusCode != http.StatusConflict || !strings.Contains(r.body, "gift cards") {
		t.Fatalf("owner cancel: %d %s", r.StatusCode, r.body)
	}
	after, _ := sh.sc.store.Orders.GetOrder(o.ID)
	if after.State != order.Paid || len(after.Refunds) != 0 || f.Calls(molliefake.CreateRefund) != 0 {
		t.Fatalf("after refused cancels: %s, %d refunds", after.State, len(after.Refunds))
	}

	// A card beside a mug, shipped and delivered: the mug can be returned,
	// the card cannot.
	mixed := sh.delivered(sh.paidOrder(f, "mixed", map[string]int{"CADEAU-25": 1, "MOK-001": 1}))
	if r := sh.req(http.MethodPost, "/api/orders/"+mixed.Token+"/returns", `{"lines":[{"sku":"CADEAU-25","quantity":1}]}`); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("return of a gift card: %d %s", r.StatusCode, r.body)
	}
	if r := sh.req(http.MethodPost, "/api/orders/"+mixed.Token+"/returns", `{"lines":[{"sku":"MOK-001","quantity":1}]}`); r.StatusCode/100 != 2 {
		t.Fatalf("return of the mug: %d %s", r.StatusCode, r.body)
	}
}

// TestGiftCardsOnlyNoAddress: a checkout of gift cards only asks name,
// e-mail and country; the address is folded away as optional (for the
// invoice), the server accepts the order without it, and the order page
// and the owner's page read well without one. A card beside a mug is a
// parcel: without an address the form is refused, field by field.
func TestGiftCardsOnlyNoAddress(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f), withCatalog(t, giftCatalog))
	sh.addToCart("CADEAU-50", 1)
	co := sh.req(http.MethodGet, "/checkout/?lang=nl", "")
	details := regexp.MustCompile(`(?s)<details class="sf-invoice-address[^>]*>(.*?)</details>`).FindStringSubmatch(co.body)
	if details == nil || strings.Contains(details[0], " open") {
		t.Fatalf("the checkout of gift cards only does not fold the address away (closed):\n%s", co.body)
	}
	for _, name := range []string{"street", "postal_code", "city"} {
		field := regexp.MustCompile(`<input id="f-` + name + `"[^>]*>`).FindString(details[1])
		if field == "" || strings.Contains(field, "required") {
			t.Errorf("field %s: %q, want it inside the fold and not required", name, field)
		}
	}
	for _, name := range []string{"name", "email"} {
		if !regexp.MustCompile(`<input id="f-` + name + `"[^>]*required`).MatchString(co.body) {
			t.Errorf("field %s is not asked (required)", name)
		}
	}
	key := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindStringSubmatch(co.body)[1]
	r := sh.form("/checkout/", url.Values{"name": {"Zoë 'Zee' Peeters"}, "email": {"zoe@example.be"},
		"country": {"BE"}, "idempotency_key": {key}, "lang": {"nl"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a gift card without an address: %d %s", r.StatusCode, r.body)
	}
	list, _ := sh.sc.store.Orders.ListOrders(storeFilterAll())
	o := list[0]
	if o.Customer.Street != "" || o.Customer.Country != "BE" || o.Total() != 5000 {
		t.Fatalf("stored: %+v, total %d", o.Customer, o.Total())
	}
	page := sh.req(http.MethodGet, "/order/"+o.Token+"?lang=nl", "").body
	addr := regexp.MustCompile(`(?s)<p class="sf-address">(.*?)</p>`).FindStringSubmatch(page)
	if addr == nil || strings.Contains(addr[1], "<br><br>") || strings.Contains(addr[1], "<br> <br>") || !strings.Contains(addr[1], "België") {
		t.Errorf("the order page's address of a card without an address: %q", addr)
	}
	sh.adminLogin()
	owner := sh.req(http.MethodGet, "/admin/orders/"+o.ID, "").body
	cust := regexp.MustCompile(`(?s)<p class="sf-admin-customer">(.*?)</p>`).FindStringSubmatch(owner)
	if cust == nil || strings.Contains(cust[1], ", ,") || !strings.Contains(cust[1], htmlText(sh.says("order.no_address"))) {
		t.Errorf("the owner's page of a card without an address says %q", cust)
	}

	// The JSON API likewise.
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.addToCart("CADEAU-25", 1)
	api := sh.req(http.MethodPost, "/api/checkout", `{"name":"Jan","email":"jan@example.nl","country":"NL"}`, "Idempotency-Key", "k-card-api")
	if api.StatusCode != http.StatusCreated && api.StatusCode != http.StatusOK {
		t.Errorf("API checkout of a gift card without an address: %d %s", api.StatusCode, api.body)
	}

	// A card beside a mug: the address is asked again.
	jar, _ = newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.addToCart("CADEAU-25", 1)
	sh.addToCart("MOK-001", 1)
	co = sh.req(http.MethodGet, "/checkout/?lang=nl", "")
	if strings.Contains(co.body, "sf-invoice-address") || !regexp.MustCompile(`<input id="f-street"[^>]*required`).MatchString(co.body) {
		t.Errorf("a card beside a mug: the address is not asked as required")
	}
	key = regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindStringSubmatch(co.body)[1]
	r = sh.form("/checkout/", url.Values{"name": {"Zoë Peeters"}, "email": {"zoe@example.be"}, "country": {"NL"},
		"shipping_method": {"postnl"}, "idempotency_key": {key}, "lang": {"nl"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a mug without an address: %d, want 422", r.StatusCode)
	}
	for _, name := range []string{"street", "postal_code", "city"} {
		if !regexp.MustCompile(`id="e-` + name + `"`).MatchString(r.body) {
			t.Errorf("a mug without an address: no message at %s", name)
		}
	}
}

// TestGiftCardsOnlyNotPackedOrShipped: an order of gift cards only went by
// e-mail once paid; the owner cannot pack or ship it (no buttons, 409 from
// the API and the page in the owner's words, no "on its way" e-mail, no
// label), while an order of a card and a mug ships as any other.
func TestGiftCardsOnlyNotPackedOrShipped(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f), withCatalog(t, giftCatalog))
	cards := sh.paidOrder(f, "only-cards", map[string]int{"CADEAU-50": 1, "CADEAU-25": 2})
	mixed := sh.paidOrder(f, "card-and-mug", map[string]int{"CADEAU-25": 1, "MOK-001": 1})

	sh.adminLogin()
	page := sh.req(http.MethodGet, "/admin/orders/"+cards.ID, "").body
	for _, action := range []string{"/pack", "/ship", "/label"} {
		if strings.Contains(page, `action="/admin/orders/`+cards.ID+action+`"`) {
			t.Errorf("the owner's page of a gift-card-only order offers %s", action)
		}
	}
	if !strings.Contains(sh.req(http.MethodGet, "/admin/orders/"+mixed.ID, "").body, `action="/admin/orders/`+mixed.ID+`/pack"`) {
		t.Error("the owner's page of a card and a mug offers no packing")
	}
	for _, action := range []string{"pack", "ship"} {
		r := sh.admin(http.MethodPost, "/api/admin/orders/"+cards.ID+"/"+action, `{}`)
		if r.StatusCode != http.StatusConflict || !strings.Contains(r.errorMessage(t), "only gift cards") {
			t.Errorf("API %s of a gift-card-only order: %d %s", action, r.StatusCode, r.body)
		}
	}
	if r := sh.form("/admin/orders/"+cards.ID+"/ship", url.Values{"tracking_code": {"3SXYZ"}, "csrf": {csrfOf(t, page)}}); r.StatusCode != http.StatusConflict ||
		!strings.Contains(r.body, htmlText(sh.says("err.nothing_to_ship"))) {
		t.Errorf("the owner's page shipping a gift-card-only order: %d, words %q missing", r.StatusCode, sh.says("err.nothing_to_ship"))
	}
	if r := sh.admin(http.MethodPost, "/api/admin/labels", `{"orders":[]}`); !strings.Contains(r.body, mixed.ID) || strings.Contains(r.body, cards.ID) {
		t.Errorf("labels for every order to ship: %d %s", r.StatusCode, r.body)
	}
	o, _ := sh.sc.store.Orders.GetOrder(cards.ID)
	if o.State != order.Paid {
		t.Errorf("the gift-card-only order is %s, want still paid", o.State)
	}
	sh.flushMail()
	if n := len(sh.outboxFiles("shipped")); n != 0 {
		t.Errorf("%d shipped e-mails for orders never shipped", n)
	}
	// The mixed order's packing slip: the mug in the parcel, the card
	// named apart as sent by e-mail, so the totals (which hold both) add up.
	slip := sh.admin(http.MethodGet, "/api/admin/orders/"+mixed.ID+"/packing-slip", "").body
	parcel := regexp.MustCompile(`(?s)<table><tbody>(.*?)</tbody></table>`).FindStringSubmatch(slip)
	byMail := regexp.MustCompile(`(?s)<ul class="sf-by-email">(.*?)</ul>`).FindStringSubmatch(slip)
	if parcel == nil || strings.Contains(parcel[1], "Cadeaukaart") || byMail == nil || !strings.Contains(byMail[1], "1 × Cadeaukaart") ||
		!strings.Contains(slip, web.T("en", "slip.by_email")) { // the customer's language: the test checks out in English
		t.Errorf("the packing slip of a card and a mug does not name the card apart:\n%s", slip)
	}
	if r := sh.admin(http.MethodPost, "/api/admin/orders/"+mixed.ID+"/ship", `{"tracking_code":"3SABC"}`); r.StatusCode != http.StatusOK {
		t.Errorf("shipping the card and the mug: %d %s", r.StatusCode, r.body)
	}
}
