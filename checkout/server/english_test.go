package server

import (
	"bytes"
	"encoding/base64"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	netmail "net/mail"
	"net/url"
	"os"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/store"
)

// TestCustomersSeeTheirLanguagesNames: a customer fills a cart with any of
// the catalog's products in one language, then opens the cart, checks out
// to any country, pays and reads the order page and the confirmation
// without ever saying the language again (no ?lang=). Product, variant and
// shipping method names are the ones of that language everywhere; the
// other language's names (where they differ) appear nowhere (issue 15).
func TestCustomersSeeTheirLanguagesNames(t *testing.T) {
	sh := newShop(t)
	cat := sh.sc.Catalog.Current()
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		n++
		jar, _ := newJar()
		sh.jar, sh.client.Jar = jar, jar
		lang := rapid.SampledFrom([]string{"nl", "en"}).Draw(rt, "lang")
		other := map[string]string{"nl": "en", "en": "nl"}[lang]
		items := rapid.SliceOfNDistinct(rapid.SampledFrom(cat.Items), 1, len(cat.Items), func(it catalog.Item) string { return it.SKU }).Draw(rt, "items")
		country := rapid.SampledFrom([]string{"NL", "BE"}).Draw(rt, "country")
		ms := cat.MethodsFor(country)
		m := ms[rapid.IntRange(0, len(ms)-1).Draw(rt, "method")]
		viaForm := rapid.Bool().Draw(rt, "form or script")
		for _, it := range items {
			if viaForm {
				r := sh.form("/cart/add", url.Values{"sku": {it.SKU}, "quantity": {"1"}, "lang": {lang}})
				if r.StatusCode != http.StatusSeeOther {
					rt.Fatalf("add %s: %d", it.SKU, r.StatusCode)
				}
			} else {
				r := sh.req(http.MethodPost, "/api/cart/items", `{"sku":"`+it.SKU+`","quantity":1,"lang":"`+lang+`"}`)
				if r.StatusCode != http.StatusOK {
					rt.Fatalf("add %s: %d %s", it.SKU, r.StatusCode, r.body)
				}
			}
		}
		// The language is the cart's from here on: no lang anywhere.
		sh.jar.SetCookies(mustURL(sh.url), []*http.Cookie{{Name: web.LangCookie, Value: "", MaxAge: -1, Path: "/"}})
		say := func(where, text string, method bool) {
			rt.Helper()
			text = html.UnescapeString(text)
			for _, it := range items {
				for _, w := range []string{it.Name(lang), it.VariantName(lang)} {
					if !strings.Contains(text, w) {
						rt.Errorf("%s (%s) lacks %q of %s", where, lang, w, it.SKU)
					}
				}
				for _, w := range []string{it.Name(other), it.VariantName(other)} {
					if w != it.Name(lang) && w != it.VariantName(lang) && !strings.Contains(it.Name(lang)+it.VariantName(lang), w) && strings.Contains(text, w) {
						rt.Errorf("%s (%s) says the %s %q of %s", where, lang, other, w, it.SKU)
					}
				}
			}
			if method {
				if !strings.Contains(text, m.Label(lang)) {
					rt.Errorf("%s (%s) lacks the shipping method %q", where, lang, m.Label(lang))
				}
				if w := m.Label(other); w != m.Label(lang) && strings.Contains(text, w) {
					rt.Errorf("%s (%s) says the %s shipping method %q", where, lang, other, w)
				}
			}
		}
		cartPage := sh.req(http.MethodGet, "/cart/", "")
		say("cart page", cartPage.body, false)
		if want := map[string]string{"nl": "THEME-HEADER-NL", "en": "THEME-HEADER-EN"}[lang]; !strings.Contains(cartPage.body, want) {
			rt.Errorf("the cart of a %s customer is not in %s:\n%.600s", lang, lang, cartPage.body)
		}
		co := sh.req(http.MethodGet, "/checkout/", "")
		say("checkout page", co.body, false)
		for _, cm := range cat.Shipping.Methods {
			if w := html.UnescapeString(co.body); !strings.Contains(w, cm.Label(lang)) || cm.Label(other) != cm.Label(lang) && strings.Contains(w, cm.Label(other)) {
				rt.Errorf("the %s checkout page offers shipping method %s not as %q", lang, cm.ID, cm.Label(lang))
			}
		}
		f := url.Values{"name": {`Zoë O"Neil`}, "email": {"zoe@example.org"}, "street": {"Markt 1"}, "postal_code": {map[string]string{"NL": "3511 AA", "BE": "1000"}[country]},
			"city": {"Utrecht"}, "country": {country}, "shipping_method": {m.ID}, "idempotency_key": {"form-english-" + itoa(n)}}
		r := sh.form("/checkout/", f)
		if r.StatusCode != http.StatusSeeOther {
			rt.Fatalf("checkout: %d %.800s", r.StatusCode, r.body)
		}
		loc := r.Header.Get("Location")
		id := loc[strings.LastIndex(loc, "/")+1:]
		if _, err := sh.sc.local.SetStatus(t.Context(), id, payment.StatusPaid); err != nil {
			rt.Fatalf("pay %s: %v", loc, err)
		}
		all, _ := sh.sc.store.Orders.ListOrders(store.Filter{})
		o := all[0]
		for _, x := range all {
			if x.CreatedAt.After(o.CreatedAt) {
				o = x
			}
		}
		if o.Lang != lang {
			rt.Errorf("the order of a %s customer has language %q", lang, o.Lang)
		}
		page := sh.req(http.MethodGet, "/order/"+o.Token, "")
		say("order page", page.body, true)
		sh.flushMail()
		say("confirmation e-mail", sh.mailTo(rt, o.ID), true)
		// The customer cancels, so the stock is there for the next one.
		if r := sh.req(http.MethodPost, "/api/orders/"+o.Token+"/cancel", "{}"); r.StatusCode != http.StatusOK {
			rt.Fatalf("cancel: %d %s", r.StatusCode, r.body)
		}
	})
}

func mustURL(s string) *url.URL { u, _ := url.Parse(s); return u }

// mailTo is the decoded text and HTML of the confirmation of order id.
func (sh *testShop) mailTo(rt *rapid.T, id string) string {
	for _, file := range sh.outboxFiles("confirmation") {
		if !strings.Contains(file, id) {
			continue
		}
		raw, err := os.ReadFile(file)
		if err != nil {
			rt.Fatal(err)
		}
		return mailText(rt, raw)
	}
	rt.Fatalf("no confirmation of %s in the outbox", id)
	return ""
}

// mailText decodes every text part of an e-mail.
func mailText(rt *rapid.T, raw []byte) string {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		rt.Fatal(err)
	}
	var out strings.Builder
	var walk func(h func(string) string, body io.Reader)
	walk = func(h func(string) string, body io.Reader) {
		mt, params, _ := mime.ParseMediaType(h("Content-Type"))
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err != nil {
					return
				}
				walk(p.Header.Get, p)
			}
		}
		switch strings.ToLower(h("Content-Transfer-Encoding")) {
		case "quoted-printable":
			body = quotedprintable.NewReader(body)
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, body)
		}
		b, _ := io.ReadAll(body)
		out.Write(b)
		out.WriteString("\n")
	}
	walk(msg.Header.Get, msg.Body)
	return out.String()
}
