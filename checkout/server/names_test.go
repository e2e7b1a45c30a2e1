package server

import (
	"encoding/json"
	"mime"
	"net/http"
	netmail "net/mail"
	"os"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/store"
)

// TestEveryNameGetsItsConfirmation: customers whose names hold a double
// quote, a backslash, non-Latin letters or an apostrophe check out, pay and
// get their confirmation, addressed to their name (issue 10 §3). Before,
// O"Neil paid and the send failed on every attempt, logging name and address.
func TestEveryNameGetsItsConfirmation(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	for i, name := range testCustomerNames[1:] {
		jar, _ := newJar()
		sh.jar, sh.client.Jar = jar, jar
		sh.addToCart("MOK-001", 1)
		email := "klant" + itoa(i) + "@example.org"
		body, _ := json.Marshal(map[string]string{"name": name, "email": email, "street": "Markt 1", "postal_code": "3511 AA",
			"city": "Utrecht", "country": "NL", "shipping_method": "postnl"})
		r := sh.req(http.MethodPost, "/api/checkout", string(body), "Idempotency-Key", "name-"+itoa(i))
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("checkout as %q: %d %s", name, r.StatusCode, r.body)
		}
		var a CheckoutAnswer
		r.json(t, &a)
		o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
		if err := f.SetStatus(o.PaymentID, "paid"); err != nil {
			t.Fatal(err)
		}
		sh.flushMail()
		m, err := sh.sc.store.MailQueue.Get(store.MailConfirmation + ":" + o.ID)
		if err != nil {
			t.Fatalf("%q: no confirmation queued: %v", name, err)
		}
		if m.SentAt.IsZero() || m.Attempts != 1 {
			t.Errorf("%q: confirmation not sent: attempts %d, last error %q", name, m.Attempts, m.LastError)
			continue
		}
		var found bool
		for _, file := range sh.outboxFiles("confirmation") {
			raw, _ := os.ReadFile(file)
			msg, err := netmail.ReadMessage(strings.NewReader(string(raw)))
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			p := netmail.AddressParser{WordDecoder: new(mime.WordDecoder)}
			to, err := p.Parse(msg.Header.Get("To"))
			if err == nil && to.Address == email {
				found = true
				if to.Name != name {
					t.Errorf("confirmation To name %q, want %q", to.Name, name)
				}
			}
		}
		if !found {
			t.Errorf("%q: no confirmation in the outbox for %s", name, email)
		}
	}
}

// TestShopNameWithQuoteAndComma: the shop's own name goes into every
// e-mail's From header; a quote or a comma in it broke every send.
func TestShopNameWithQuoteAndComma(t *testing.T) {
	const shopName = `Brandpunt "Koffie", Utrecht`
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f), withCatalog(t, func(c map[string]any) {
		c["shop"].(map[string]any)["name"] = shopName
	}))
	o := sh.paidOrder(f, "shopname", map[string]int{"MOK-001": 1})
	sh.flushMail()
	if m, _ := sh.sc.store.MailQueue.Get(store.MailConfirmation + ":" + o.ID); m.SentAt.IsZero() {
		t.Fatalf("confirmation not sent: %+v", m)
	}
	files := sh.outboxFiles("confirmation")
	if len(files) != 1 {
		t.Fatalf("outbox: %v", files)
	}
	raw, _ := os.ReadFile(files[0])
	msg, err := netmail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	p := netmail.AddressParser{WordDecoder: new(mime.WordDecoder)}
	if from, err := p.Parse(msg.Header.Get("From")); err != nil || from.Name != shopName {
		t.Errorf("From %q parses as %+v, %v", msg.Header.Get("From"), from, err)
	}
}
