package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/giftcard"
	"github.com/storefront/storefront/checkout/words"
)

// TestGiftCardPageFollowsTheBrowser: the gift card page opened without
// ?lang= (the link in the e-mail to the recipient, who may not read Dutch)
// speaks the browser's language when the shop has it, else the shop's
// default; ?lang= wins over the browser, and is remembered. The same
// choice (web.Lang) serves every sidecar page not tied to an order's or
// cart's language, such as the points page.
func TestGiftCardPageFollowsTheBrowser(t *testing.T) {
	sh := newShop(t, withCatalog(t, giftCatalog))
	card, _, err := sh.sc.store.GiftCards.IssueGiftCard(2500, "EUR", giftcard.Rule{}, "ben@example.nl", "nl")
	if err != nil {
		t.Fatal(err)
	}
	title := func(lang string) string { return htmlText(words.T(lang, "checkout.gift.title")) }
	for _, c := range []struct {
		path, acceptLanguage, want string
	}{
		{"/giftcard/" + card.Token, "en-GB,en;q=0.9", "en"},
		{"/giftcard/" + card.Token, "de", "nl"},
		{"/giftcard/" + card.Token, "-", "nl"},
		{"/giftcard/" + card.Token, "de-DE,de;q=0.9,en;q=0.7,nl;q=0.3", "en"},
		{"/giftcard/" + card.Token + "?lang=nl", "en-GB,en;q=0.9", "nl"},
		{"/giftcard/" + card.Token + "?lang=en", "nl", "en"},
		{"/points/", "en-US,en;q=0.9", "en"},
		{"/points/", "nl-BE", "nl"},
	} {
		jar, _ := newJar() // a fresh browser: no language cookie yet
		sh.jar, sh.client.Jar = jar, jar
		r := sh.req(http.MethodGet, c.path, "", "Accept-Language", c.acceptLanguage)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", c.path, r.StatusCode)
		}
		if !strings.Contains(r.body, `<html lang="`+c.want+`"`) {
			t.Errorf("%s with Accept-Language %q: not in %s:\n%.300s", c.path, c.acceptLanguage, c.want, r.body)
		}
		if strings.HasPrefix(c.path, "/giftcard/") && !strings.Contains(r.body, title(c.want)) {
			t.Errorf("%s with Accept-Language %q: no %q", c.path, c.acceptLanguage, title(c.want))
		}
	}
	// ?lang= is remembered: the next page without it keeps that choice
	// over the browser's.
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.req(http.MethodGet, "/giftcard/"+card.Token+"?lang=nl", "", "Accept-Language", "en")
	if r := sh.req(http.MethodGet, "/giftcard/"+card.Token, "", "Accept-Language", "en"); !strings.Contains(r.body, title("nl")) {
		t.Errorf("the chosen Dutch is forgotten for the browser's English")
	}
}
