package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/words"
)

// TestGiftCardKeptInEnglish: a card bought in English with no recipient
// goes to the buyer, worded as their own card (not "Eva gives you…"), and
// its links open English pages: the card's page and the shop's English home.
func TestGiftCardKeptInEnglish(t *testing.T) {
	sh, f, _ := giftShop(t)
	sh.addToCart("CADEAU-25", 1)
	body := strings.TrimSuffix(validCheckout, "}") + `,"lang":"en"}`
	r := sh.req(http.MethodPost, "/api/checkout?lang=en", body, "Idempotency-Key", "keep-1")
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("buy a card for oneself: %d %s", r.StatusCode, r.body)
	}
	var a CheckoutAnswer
	r.json(t, &a)
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if err := f.SetStatus(o.PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}
	sh.req(http.MethodGet, "/order/"+o.Token, "")
	sh.flushMail()
	ms := sh.mails("giftcard")
	if len(ms) != 1 || !strings.Contains(ms[0].Header.Get("To"), "eva@example.nl") {
		t.Fatalf("%d gift card mails, want one to the buyer", len(ms))
	}
	text, html := bodies(ms[0])
	en := words.Section("en", "mail.giftcard.")
	if strings.Contains(text, "Eva de Vries") || strings.Contains(text, "gives you") ||
		!strings.Contains(text, strings.SplitN(en["p1_own"], "%s", 2)[0]) {
		t.Errorf("the buyer's own card is worded as a present from themselves:\n%s", text)
	}
	card := regexp.MustCompile(`https?://\S*/giftcard/\S*`).FindString(text) // bodies read the message once
	u, _ := url.Parse(card)
	if u.Query().Get("lang") != "en" {
		t.Errorf("card page link %q does not carry the language", card)
	}
	if page := sh.req(http.MethodGet, u.RequestURI(), ""); !strings.Contains(page.body, words.T("en", "checkout.gift.title")) {
		t.Errorf("the card's link opens a page not in English:\n%s", page.body)
	}
	if home := sh.sc.Web.Home("en"); !strings.Contains(html, `href="`+strings.TrimSuffix(sh.sc.Web.Base.String(), "/")+home+`"`) {
		t.Errorf("the shop link is not the English home %s:\n%s", home, html)
	}
}

// TestPointsLinkOpensInEnglish: the points link asked for on the English
// page opens the English page.
func TestPointsLinkOpensInEnglish(t *testing.T) {
	sh := newShop(t)
	sh.paidDelivered("pts-1")
	sh.pointsLink("eva@example.nl")
	ms := sh.mails("points_link")
	l := link(t, ms[len(ms)-1], "/points/")
	u, _ := url.Parse(l)
	if u.Query().Get("lang") != "en" {
		t.Fatalf("points link %q does not carry the language", l)
	}
	jar, _ := newJar() // another browser: no language cookie
	sh.jar, sh.client.Jar = jar, jar
	if page := sh.req(http.MethodGet, u.RequestURI(), ""); !strings.Contains(page.body, words.T("en", "checkout.points.title")) {
		t.Errorf("the points link opens a page not in English:\n%s", page.body)
	}
}
