package server

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/giftcard"
	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/recurring"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/words"
)

// TestOwnerPageLook: the owner's pages have their own plain frame (not the
// customer's header), in the shop's language (the demo's is Dutch), with
// order states in words and money in the shop's format (€ 12,95).
func TestOwnerPageLook(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	o := sh.paidOrder(f, "look-1", map[string]int{"MOK-001": 1})
	sh.adminLogin()
	for _, p := range []string{"/admin/", "/admin/orders/" + o.ID} {
		r := sh.req("GET", p, "")
		if r.StatusCode != 200 {
			t.Fatalf("GET %s: %d", p, r.StatusCode)
		}
		if strings.Contains(r.body, "THEME-HEADER") || !strings.Contains(r.body, `class="sf-owner-bar"`) || !strings.Contains(r.body, `<html lang="nl">`) {
			t.Errorf("%s: not the owner's own frame in Dutch:\n%s", p, r.body)
		}
		if strings.Contains(r.body, ">paid (") || !strings.Contains(r.body, "Betaald") {
			t.Errorf("%s: the state is not in words", p)
		}
	}
	page := sh.req("GET", "/admin/orders/"+o.ID, "")
	want := money.Display(o.Totals.GrandTotal, "EUR", "nl")
	if !strings.HasPrefix(want, "€ ") || !strings.Contains(page.body, want) {
		t.Errorf("the total %q (the shop's format) is not on the order page", want)
	}
	if en := money.Display(o.Totals.GrandTotal, "EUR", "en"); strings.Contains(page.body, en) {
		t.Errorf("the total is shown as %q, not in the shop's format", en)
	}
}

// says is what the owner's pages of this shop say for key (the translation
// source, in the shop's language): tests assert the owner's words through it.
func (sh *testShop) says(key string, args ...any) string {
	return web.OwnerT(sh.sc.OwnerLang(), key, args...)
}

// TestEveryOwnerKeyIsInDutchAndEnglish: every word the owner's pages name —
// {{o "key"}} and {{of "key" …}} in the templates, web.OwnerT(lang, "key", …)
// in Go, and the keys built from codes (notices, alerts, actions, return
// states) — is in the theme's i18n/nl.toml and en.toml as "owner."+key.
func TestEveryOwnerKeyIsInDutchAndEnglish(t *testing.T) {
	tmplKey := regexp.MustCompile(`\{\{of? "([A-Za-z0-9_.-]+)"`)
	goKey := regexp.MustCompile(`\bOwnerT\([^,()]+, "([A-Za-z0-9_.-]+)"`)
	keys := map[string]string{}
	files, _ := filepath.Glob("*/templates/*.html")
	gos, _ := filepath.Glob("*.go")
	sub, _ := filepath.Glob("*/*.go")
	gos = append(gos, sub...)
	for _, f := range append(files, gos...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		re := tmplKey
		if strings.HasSuffix(f, ".go") {
			re = goKey
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") { // "notice."+code: the codes are below
				keys[m[1]] = f
			}
		}
	}
	if len(keys) < 100 {
		t.Fatalf("only %d owner keys found: the patterns no longer match how keys are written", len(keys))
	}
	for code := range web.AdminNotices {
		keys["notice."+code] = "adminnotice.go"
	}
	for _, k := range alertKeys {
		keys["alert."+k+".title"], keys["alert."+k+".do"] = "alerts.go", "alerts.go"
	}
	for done := range codesDone {
		keys["codes.done."+done] = "codes_admin.go"
	}
	for _, a := range []string{"pack", "ship", "deliver", "cancel", "label", "refund", "return-received", "restock", "sync"} {
		keys["action."+a] = "adminpage.go"
	}
	for _, st := range []order.ReturnState{order.ReturnRequested, order.ReturnReceived, order.ReturnRefunded} {
		keys["return."+string(st)] = "adminpage.go"
	}
	for _, st := range []recurring.State{recurring.Active, recurring.Paused, recurring.Canceled} {
		keys["standing.state."+string(st)] = "standing.html"
	}
	for k, f := range keys {
		for _, lang := range []string{"nl", "en"} {
			if _, ok := words.Embedded()[lang]["owner."+k]; !ok {
				t.Errorf("%s: key %q is missing in i18n/%s.toml (as owner.%s)", f, k, lang, k)
			}
		}
	}
}

// TestOwnerPagesSpeakTheShopsLanguage: the shop's language (its default
// shell's) is the owner's, whatever the browser asks for (?lang=, a
// customer's language cookie): the frame's lang, the words, the state in
// words, money in the shop's format and dates in its words, for a Dutch
// and an English shop, on the home and order pages, the discount codes and
// the gift cards.
func TestOwnerPagesSpeakTheShopsLanguage(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	o := sh.paidOrder(f, "lang-1", map[string]int{"MOK-001": 1})
	sh.makeCode(`{"code":"WINTER","amount":750,"min_order":2000,"from":"2026-12-01","to":"2027-01-31"}`)
	card, _, err := sh.sc.store.GiftCards.IssueGiftCard(2500, "EUR", giftcard.Rule{ValidYears: 2}, "ben@example.nl", "nl")
	if err != nil {
		t.Fatal(err)
	}
	sh.adminLogin()
	shells := map[string][]byte{}
	for lang, rel := range map[string]string{"nl": "_shell/index.html", "en": "en/_shell/index.html"} {
		b, err := os.ReadFile(filepath.Join(sh.site, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		shells[lang] = b
	}
	// What each page says, in lang: words by key, money and dates.
	type says struct {
		keys  []string
		money []money.Amount
		dates func(lang string) []string
	}
	pages := map[string]says{
		"/admin/":               {keys: []string{"owner.nav.picklist", "checkout.state.paid"}, money: []money.Amount{o.Totals.GrandTotal}},
		"/admin/orders/" + o.ID: {keys: []string{"owner.nav.picklist", "checkout.state.paid"}, money: []money.Amount{o.Totals.GrandTotal}},
		"/admin/codes/": {keys: []string{"owner.codes.title", "owner.codes.turn_off", "owner.codes.make", "owner.codes.empty_no_limit"}, money: []money.Amount{750, 2000}, dates: func(lang string) []string {
			days := map[string][2]string{"nl": {"1 december 2026", "31 januari 2027"}, "en": {"1 December 2026", "31 January 2027"}}[lang]
			return []string{web.OwnerT(lang, "codes.valid_range", days[0], days[1])}
		}},
		"/admin/giftcards/": {keys: []string{"owner.giftcards.title", "owner.giftcards.held", "owner.giftcards.expires"}, money: []money.Amount{2500}, dates: func(lang string) []string {
			return []string{view.DateText(card.ExpiresAt.In(sh.sc.Zone()), lang)}
		}},
	}
	names := make([]string, 0, len(pages))
	for p := range pages {
		names = append(names, p)
	}
	slices.Sort(names)
	rapid.Check(t, func(rt *rapid.T) {
		shop := rapid.SampledFrom([]string{"nl", "en"}).Draw(rt, "shop's language")
		other := map[string]string{"nl": "en", "en": "nl"}[shop]
		if err := os.WriteFile(filepath.Join(sh.site, "_shell", "index.html"), shells[shop], 0o644); err != nil {
			rt.Fatal(err)
		}
		sh.sc.loadShells(t.Context())
		ask := rapid.SampledFrom([]string{"", "?lang=nl", "?lang=en"}).Draw(rt, "browser asks")
		cookie := rapid.SampledFrom([]string{"", "nl", "en"}).Draw(rt, "language cookie")
		c := &http.Cookie{Name: web.LangCookie, Value: cookie, Path: "/"}
		if cookie == "" {
			c.MaxAge = -1
		}
		sh.jar.SetCookies(mustURL(sh.url), []*http.Cookie{c})
		page := rapid.SampledFrom(names).Draw(rt, "page")
		r := sh.req("GET", page+ask, "")
		if r.StatusCode != 200 || !strings.Contains(r.body, `<html lang="`+shop+`">`) {
			rt.Fatalf("GET %s%s in a %s shop: %d, not the shop's frame:\n%s", page, ask, shop, r.StatusCode, r.body)
		}
		want := pages[page]
		for _, key := range want.keys {
			if !strings.Contains(r.body, words.T(shop, key)) || strings.Contains(r.body, words.T(other, key)) {
				rt.Fatalf("GET %s%s in a %s shop: %s is not %q:\n%s", page, ask, shop, key, words.T(shop, key), r.body)
			}
		}
		for _, a := range want.money {
			if want := money.Display(a, "EUR", shop); !strings.Contains(r.body, want) ||
				strings.Contains(r.body, money.Display(a, "EUR", other)) {
				rt.Fatalf("GET %s%s in a %s shop: %d is not %q:\n%s", page, ask, shop, a, want, r.body)
			}
		}
		if want.dates != nil {
			theirs := want.dates(other)
			for i, d := range want.dates(shop) {
				if !strings.Contains(r.body, d) || strings.Contains(r.body, theirs[i]) {
					rt.Fatalf("GET %s%s in a %s shop: the date is not %q:\n%s", page, ask, shop, d, r.body)
				}
			}
		}
	})
	if err := os.WriteFile(filepath.Join(sh.site, "_shell", "index.html"), shells["nl"], 0o644); err != nil {
		t.Fatal(err)
	}
}
