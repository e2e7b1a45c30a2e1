package server

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/giftcard"
	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/server/web"
)

// TestOwnerVoidsGiftCard: the owner voids what is left on a card from the
// owner's page: not while an order awaiting payment holds part of it, not
// without a reason, only after a confirmation page; then the card's page
// says when, how much and why, its history has the line, the checkout
// refuses the code saying the shop voided it, and the API refuses a second
// void.
func TestOwnerVoidsGiftCard(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f), withCatalog(t, func(c map[string]any) { giftCatalog(c); moneyCatalog(c) }))
	card, code, err := sh.sc.store.GiftCards.IssueGiftCard(5000, "EUR", giftcard.Rule{}, "ben@example.nl", "nl")
	if err != nil {
		t.Fatal(err)
	}
	// An order bigger than the card, awaiting payment, holds the card.
	sh.addToCart("MOK-001", 5)
	r := sh.req(http.MethodPost, "/api/checkout", strings.TrimSuffix(validCheckout, "}")+`,"gift_code":"`+code+`"}`, "Idempotency-Key", "k-void-held")
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("checkout with the card: %d %s", r.StatusCode, r.body)
	}
	var a CheckoutAnswer
	r.json(t, &a)
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)

	sh.adminLogin()
	list := sh.req(http.MethodGet, "/admin/giftcards/", "").body
	voidPath := "/admin/giftcards/" + card.ID + "/void"
	if !strings.Contains(list, `href="`+voidPath+`"`) {
		t.Fatalf("the owner's list offers no void for %s:\n%s", card.ID, list)
	}
	page := sh.req(http.MethodGet, voidPath, "").body
	if !strings.Contains(page, htmlText(sh.says("giftcards.err.held"))) || strings.Contains(page, "data-void-confirm") {
		t.Errorf("while an order holds part of the card, the page offers to void it:\n%s", page)
	}
	csrf := csrfOf(t, page)
	if r := sh.form(voidPath, url.Values{"csrf": {csrf}, "reason": {"test"}}); r.StatusCode != http.StatusConflict {
		t.Fatalf("void while held: %d", r.StatusCode)
	}
	if err := f.SetStatus(o.PaymentID, "failed"); err != nil { // the hold goes back
		t.Fatal(err)
	}
	card, _ = sh.sc.store.GiftCards.GiftCard(card.ID)
	left := card.Balance
	if left != 5000 || card.Reserved != 0 {
		t.Fatalf("after the failed payment the card holds %d, %d reserved", left, card.Reserved)
	}

	page = sh.req(http.MethodGet, voidPath, "").body
	if strings.Contains(page, "……") || !strings.Contains(page, giftcard.Last4(code)) {
		t.Errorf("the confirmation names the card as other than %s:\n%s", giftcard.Last4(code), page)
	}
	if !strings.Contains(page, "data-void-confirm") || !strings.Contains(page, `name="reason"`) {
		t.Fatalf("the confirmation page has no reason and button:\n%s", page)
	}
	if r := sh.form(voidPath, url.Values{"csrf": {csrf}, "reason": {"  "}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, htmlText(sh.says("giftcards.err.reason", giftcard.MaxVoidReason))) {
		t.Fatalf("void without a reason: %d\n%s", r.StatusCode, r.body)
	}
	if r := sh.form(voidPath, url.Values{"csrf": {"forged"}, "reason": {"x"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("forged form: %d", r.StatusCode)
	}
	reason := `Verkocht bij vergissing, "terugbetaald" aan Zoë`
	r = sh.form(voidPath, url.Values{"csrf": {csrf}, "reason": {reason}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/giftcards/?notice=giftcard-voided" {
		t.Fatalf("void: %d to %q\n%s", r.StatusCode, r.Header.Get("Location"), r.body)
	}
	list = sh.req(http.MethodGet, r.Header.Get("Location"), "").body
	if !strings.Contains(list, htmlText(sh.says("notice.giftcard-voided"))) || !strings.Contains(list, "data-voided") {
		t.Errorf("the list after voiding lacks the notice or the voided mark")
	}
	card, _ = sh.sc.store.GiftCards.GiftCard(card.ID)
	if card.Balance != 0 || card.Voided() != left || card.VoidReason != reason || card.Check() != nil {
		t.Fatalf("the card after voiding: balance %d, voided %d of %d, reason %q, %v", card.Balance, card.Voided(), left, card.VoidReason, card.Check())
	}

	// The holder's page and the checkout say so.
	for _, lang := range []string{"nl", "en"} {
		cp := html.UnescapeString(sh.req(http.MethodGet, "/giftcard/"+card.Token+"?lang="+lang, "").body)
		if !strings.Contains(cp, reason) || !strings.Contains(cp, web.T(lang, "gift.kind.voided")) || !strings.Contains(cp, web.T(lang, "gift.voided_none")) {
			t.Errorf("%s card page does not say the balance was voided and why:\n%s", lang, cp)
		}
		if strings.Contains(cp, web.T(lang, "gift.how")) {
			t.Errorf("%s page of a voided card still invites to spend it:\n%s", lang, cp)
		}
	}
	sh.addToCart("MOK-001", 1)
	var q QuoteAnswer
	sh.req(http.MethodPost, "/api/checkout/quote", `{"gift_code":"`+code+`","lang":"nl"}`).json(t, &q)
	if want := strings.SplitN(web.T("nl", "gift.voided_short"), "%s", 2)[0]; q.GiftError == "" || !strings.HasPrefix(q.GiftError, want) || q.GiftCard != 0 {
		t.Errorf("the checkout takes the voided card: error %q, pays %d", q.GiftError, q.GiftCard)
	}
	if api := sh.admin(http.MethodPost, "/api/admin/giftcards/"+card.ID+"/void", `{"reason":"again"}`); api.StatusCode != http.StatusConflict {
		t.Errorf("a second void through the API: %d %s", api.StatusCode, api.body)
	}
	if api := sh.admin(http.MethodPost, "/api/admin/giftcards/GC-1999-000001/void", `{"reason":"x"}`); api.StatusCode != http.StatusNotFound {
		t.Errorf("void of no card: %d %s", api.StatusCode, api.body)
	}
}
