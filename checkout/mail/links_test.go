package mail

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// sidecarLink is a link to the sidecar in a rendered test e-mail (the tests
// below put every sidecar link under side.test; product pages and legal
// pages are the static site's, under site.test, whose paths carry the
// language themselves).
var sidecarLink = regexp.MustCompile(`https://side\.test/[^\s"<>),]*`)

// mailKinds renders every customer e-mail kind in lang, with its sidecar
// links as the server makes them (no language).
func mailKinds(lang string) map[string]func() (string, string, string, error) {
	const side = "https://side.test"
	sum := Summary{Lang: lang, ShopName: "Shop", Number: "B1", CustomerName: "Eva", OrderURL: side + "/order/TOK",
		TrackingURL: "https://carrier.test/t", Legal: &Legal{ShopName: "Shop", ReturnURL: side + "/order/TOK/return",
			WithdrawalFormURL: "https://site.test/herroeping/", TermsURL: "https://site.test/voorwaarden/"}}
	return map[string]func() (string, string, string, error){
		"confirmation": func() (string, string, string, error) { return Confirmation(sum) },
		"shipped":      func() (string, string, string, error) { return Shipped(sum) },
		"after-sale": func() (string, string, string, error) {
			return AfterSaleMail(AfterSale{Lang: lang, Kind: KindReturnRequested, ShopName: "Shop", Number: "B1", OrderURL: side + "/order/TOK", ReturnCode: "R1"})
		},
		"points": PointsLink{Lang: lang, ShopName: "Shop", URL: side + "/points/TOK", Days: 7}.Render,
		"giftcard": GiftCardMail{Lang: lang, ShopName: "Shop", ShopURL: "https://site.test/en/", From: "Piet", Code: "ABCD",
			Amount: "€25.00", PageURL: side + "/giftcard/TOK"}.Render,
		"back-in-stock": BackInStock{Lang: lang, ShopName: "Shop", Title: "Guji", URL: "https://site.test/en/koffie/guji/"}.Render,
		"review": ReviewRequest{Lang: lang, ShopName: "Shop", Number: "B1", CustomerName: "Eva", OptOutURL: side + "/order/TOK/review/opt-out",
			Products: []ReviewProduct{{Title: "Guji", URL: side + "/order/TOK/review?product=guji#p-guji"}}}.Render,
		"standing notice":   StandingMail{Kind: "notice", Lang: lang, ShopName: "Shop", Title: "Guji", Weeks: 4, PageURL: side + "/standing/TOK"}.Render,
		"standing failed":   StandingMail{Kind: "failed", Lang: lang, ShopName: "Shop", Title: "Guji", PageURL: side + "/standing/TOK", PayURL: side + "/standing/TOK#pay"}.Render,
		"subscribe confirm": SubscribeConfirm{Lang: lang, ShopName: "Shop", Label: "Koffie", ConfirmURL: side + "/api/subscriptions/confirm/TOK"}.Render,
		"digest": DigestMail{Lang: lang, ShopName: "Shop", UnsubscribeURL: side + "/api/subscriptions/unsubscribe/TOK",
			Sections: []DigestSection{{Label: "Koffie", UnsubscribeURL: side + "/api/subscriptions/unsubscribe/TOK?topic=category%3Akoffie",
				Products: []DigestProduct{{Title: "Guji", URL: "https://site.test/en/koffie/guji/", Price: "€9"}}}}}.Render,
	}
}

// Every sidecar link of every customer e-mail opens its page in the
// e-mail's language: a gift card's or points link's page has nothing else
// to know it by.
func TestEveryMailLinkCarriesTheLanguage(t *testing.T) {
	for _, lang := range []string{"en", "nl"} {
		for kind, render := range mailKinds(lang) {
			_, text, htm, err := render()
			if err != nil {
				t.Fatalf("%s %s: %v", kind, lang, err)
			}
			for part, body := range map[string]string{"text": text, "html": html.UnescapeString(htm)} {
				links := sidecarLink.FindAllString(body, -1)
				if len(links) == 0 && kind != "back-in-stock" { // the product page is the site's, in the language
					t.Errorf("%s %s %s: no sidecar link", kind, lang, part)
				}
				for _, l := range links {
					u, err := url.Parse(l)
					if err != nil {
						t.Fatalf("%s %s %s: %q: %v", kind, lang, part, l, err)
					}
					if got := u.Query()["lang"]; len(got) != 1 || got[0] != lang {
						t.Errorf("%s %s %s: link %q has lang %v, want %s", kind, lang, part, l, got, lang)
					}
				}
			}
		}
	}
}

// LangLink keeps the link's path, other parameters and fragment, and names
// the language exactly once, whatever lang the link had.
func TestLangLinkKeepsTheRestOfTheLink(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		path := rapid.StringMatching(`/[a-z0-9/_-]{0,20}`).Draw(t, "path")
		params := rapid.MapOfN(rapid.StringMatching(`[a-z]{1,6}`).Filter(func(s string) bool { return s != "lang" }),
			rapid.String(), 0, 3).Draw(t, "params")
		had := rapid.SampledFrom([]string{"", "nl", "en", "de"}).Draw(t, "had")
		frag := rapid.StringMatching(`[a-z-]{0,8}`).Draw(t, "fragment")
		lang := rapid.SampledFrom([]string{"nl", "en", "", "fr"}).Draw(t, "lang")
		q := url.Values{}
		for k, v := range params {
			q.Set(k, v)
		}
		if had != "" {
			q.Set("lang", had)
		}
		in := url.URL{Scheme: "https", Host: "side.test", Path: path, RawQuery: q.Encode(), Fragment: frag}
		out, err := url.Parse(LangLink(in.String(), lang))
		if err != nil {
			t.Fatal(err)
		}
		want := "nl"
		if lang == "en" {
			want = "en"
		}
		got := out.Query()
		if l := got["lang"]; len(l) != 1 || l[0] != want {
			t.Fatalf("lang %v, want %s (%s)", l, want, out)
		}
		for k, v := range params {
			if got.Get(k) != v {
				t.Fatalf("parameter %s %q, want %q (%s)", k, got.Get(k), v, out)
			}
		}
		if out.Path != in.Path || out.Fragment != in.Fragment || out.Host != in.Host {
			t.Fatalf("%s became %s", in.String(), out)
		}
	})
	if LangLink("", "en") != "" {
		t.Error("an absent link stays absent")
	}
}

// A card the buyer kept is announced to the buyer as their own, not as a
// present from themselves.
func TestGiftCardMailToTheBuyer(t *testing.T) {
	for _, lang := range []string{"nl", "en"} {
		w := sectionWords("mail.giftcard.", lang)
		own := GiftCardMail{Lang: lang, ShopName: "Shop", From: "Piet", Own: true, Code: "ABCD", Amount: "€25", PageURL: "https://side.test/giftcard/T"}
		subject, text, htm, err := own.Render()
		if err != nil {
			t.Fatal(err)
		}
		gives := strings.SplitN(w["p1"], "%s", 3)[1] // " geeft je een cadeaukaart van "
		for _, body := range []string{subject, text, html.UnescapeString(htm)} {
			if strings.Contains(body, "Piet") || strings.Contains(body, gives) {
				t.Errorf("%s: the buyer's own card is worded as a present: %q", lang, body)
			}
		}
		if !strings.Contains(text, "€25") || !strings.Contains(text, strings.SplitN(w["p1_own"], "%s", 2)[0]) {
			t.Errorf("%s: own card mail lacks its words: %q", lang, text)
		}
		given := own
		given.Own = false
		_, text, _, _ = given.Render()
		if !strings.Contains(text, "Piet"+gives) {
			t.Errorf("%s: a present names its giver: %q", lang, text)
		}
	}
}
