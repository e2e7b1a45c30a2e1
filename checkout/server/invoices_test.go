package server

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	netmail "net/mail"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/order"
)

var invoiceNumRe = regexp.MustCompile(`\d{4}-\d{5}`)

// TestInvoiceJourney: a customer pays (no JS, Belgian address, not the
// default carrier); the order page and the confirmation carry the legal
// items and the invoice, the PDF is behind the token, the confirmation has
// it attached, the owner gets it and the CSV; a refund makes a credit note.
func TestInvoiceJourney(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	sh.form("/cart/add", url.Values{"sku": {"MOK-001"}, "quantity": {"2"}, "lang": {"nl"}})
	co := sh.req("GET", "/checkout/", "")
	for _, want := range []string{`href="/algemene-voorwaarden/"`, `name="company"`, `name="vat_id"`} {
		if !strings.Contains(co.body, want) {
			t.Errorf("checkout page lacks %s", want)
		}
	}
	if regexp.MustCompile(`type="checkbox"[^>]*checked`).MatchString(co.body) {
		t.Error("a pre-ticked box on the checkout page")
	}
	key := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindStringSubmatch(co.body)[1]
	r := sh.form("/checkout/", url.Values{"name": {"Zoë Peeters"}, "email": {"zoe@example.be"}, "street": {"Meir 1"},
		"postal_code": {"2000"}, "city": {"Antwerpen"}, "country": {"BE"}, "shipping_method": {"postnl-be"}, "idempotency_key": {key}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("checkout: %d %s", r.StatusCode, r.body)
	}
	list, _ := sh.sc.store.Orders.ListOrders(storeFilterAll())
	o := list[0]
	if err := f.SetStatus(o.PaymentID, "paid"); err != nil {
		t.Fatal(err)
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if !invoiceNumRe.MatchString(o.InvoiceNumber) {
		t.Fatalf("paid order has invoice number %q", o.InvoiceNumber)
	}
	page := sh.req("GET", "/order/"+o.Token, "").body
	for _, want := range []string{"Branderijstraat 12", "3511 AB Utrecht", "winkel@example.nl", "87654321", "NL004495445B01",
		"/order/" + o.Token + "/return", "/herroepingsformulier/", "/algemene-voorwaarden/", "14 dagen",
		"/order/" + o.Token + "/invoice/" + o.InvoiceNumber + ".pdf"} {
		if !strings.Contains(page, want) {
			t.Errorf("order page lacks %q", want)
		}
	}
	var ov OrderView
	sh.req("GET", "/api/orders/"+o.Token, "").json(t, &ov)
	if len(ov.Invoices) != 1 || ov.Invoices[0].Number != o.InvoiceNumber || !strings.HasSuffix(ov.Invoices[0].URL, "/order/"+o.Token+"/invoice/"+o.InvoiceNumber+".pdf") {
		t.Errorf("order JSON invoices: %+v", ov.Invoices)
	}
	pdf := sh.req("GET", "/order/"+o.Token+"/invoice/"+o.InvoiceNumber+".pdf", "")
	if pdf.StatusCode != 200 || pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.body, "%PDF-") {
		t.Fatalf("invoice PDF: %d %s", pdf.StatusCode, pdf.Header.Get("Content-Type"))
	}
	if r := sh.req("GET", "/order/"+o.Token+"/invoice/2000-00001.pdf", ""); r.StatusCode != 404 {
		t.Errorf("another number behind this token: %d", r.StatusCode)
	}
	if r := sh.req("GET", "/order/not-a-token-at-all-xxxxxxxxxxxx/invoice/"+o.InvoiceNumber+".pdf", ""); r.StatusCode != 404 {
		t.Errorf("invoice without the token: %d", r.StatusCode)
	}

	sh.flushMail()
	files := sh.outboxFiles("confirmation")
	if len(files) != 1 {
		t.Fatalf("%d confirmations", len(files))
	}
	raw, _ := os.ReadFile(files[0])
	if !strings.Contains(string(raw), `filename="factuur-`+o.InvoiceNumber+`.pdf"`) {
		t.Error("the confirmation has no invoice PDF attached")
	}
	msg, err := netmail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	text, _ := bodies(msg)
	for _, want := range []string{"Branderijstraat 12", "+31 30 123 45 67", "87654321", "NL004495445B01", "Bedenktijd",
		"/order/" + o.Token + "/return", "herroepingsformulier", "algemene-voorwaarden", o.InvoiceNumber} {
		if !strings.Contains(text, want) {
			t.Errorf("confirmation text lacks %q", want)
		}
	}

	if r := sh.admin("GET", "/api/admin/orders/"+o.ID+"/invoice/"+o.InvoiceNumber, ""); r.StatusCode != 200 || !strings.HasPrefix(r.body, "%PDF-") {
		t.Errorf("admin invoice: %d", r.StatusCode)
	}
	if r := sh.req("GET", "/api/admin/orders/"+o.ID+"/invoice/"+o.InvoiceNumber, ""); r.StatusCode != 401 {
		t.Errorf("admin invoice without token: %d", r.StatusCode)
	}
	// A refund the provider takes gets a credit note in the same sequence.
	if r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/refund", `{"lines":[{"sku":"MOK-001","quantity":1}]}`); r.StatusCode/100 != 2 {
		t.Fatalf("refund: %d %s", r.StatusCode, r.body)
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if len(o.Refunds) != 1 || o.Refunds[0].Status == order.RefundRecorded {
		t.Fatalf("refund: %+v", o.Refunds)
	}
	cn := o.Refunds[0].CreditNote
	if !invoiceNumRe.MatchString(cn) || cn <= o.InvoiceNumber {
		t.Fatalf("credit note %q after invoice %q", cn, o.InvoiceNumber)
	}
	csvR := sh.admin("GET", "/api/admin/invoices", "")
	if csvR.StatusCode != 200 || !strings.HasPrefix(csvR.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", csvR.StatusCode, csvR.body)
	}
	rows, err := csv.NewReader(strings.NewReader(csvR.body)).ReadAll()
	if err != nil || len(rows) != 3 || rows[1][0] != o.InvoiceNumber || rows[2][0] != cn || rows[2][3] != o.InvoiceNumber {
		t.Fatalf("export rows %v (%v)", rows, err)
	}
	if r := sh.admin("GET", "/api/admin/invoices?from=2026-13-01", ""); r.StatusCode != 400 || r.errorMessage(t) == "" {
		t.Errorf("bad date: %d %s", r.StatusCode, r.body)
	}
}

// TestReverseChargeCheckout: a Belgian business with a Belgian VAT number
// sees the total without VAT on the checkout page and pays exactly that; a
// number in the wrong format is refused next to its field and charges
// nothing; a Dutch business pays VAT as usual.
func TestReverseChargeCheckout(t *testing.T) {
	sh := newShop(t)
	sh.addToCart("MOK-001", 1) // 12.95 incl. 21 %, shipping to BE 7.95 incl. 21 %
	form := url.Values{"name": {"Jan Peeters"}, "email": {"jan@example.be"}, "street": {"Meir 1"}, "postal_code": {"2000"},
		"city": {"Antwerpen"}, "country": {"BE"}, "shipping_method": {"postnl-be"}, "company": {"Koffiebar Peeters BV"},
		"vat_id": {"BE 0123.456.749"}, "update": {"1"}, "lang": {"nl"}} // a Dutch-speaking Belgian (the client's Accept-Language is en)
	page := sh.form("/checkout/", form)
	// 1295 -> 1070 net, 795 -> 657 net: 17.27
	if !strings.Contains(page.body, "€ 17,27") || !strings.Contains(page.body, "Btw verlegd") {
		t.Fatalf("checkout page for a Belgian business does not show € 17,27 with reverse charge:\n%s", page.body)
	}
	key := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindStringSubmatch(page.body)[1]
	form.Del("update")
	form.Set("idempotency_key", key)
	form.Set("shown_total", "1727")
	form.Set("shown_for", "postnl-be|BE")
	r := sh.form("/checkout/", form)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("checkout: %d %s", r.StatusCode, r.body)
	}
	list, _ := sh.sc.store.Orders.ListOrders(storeFilterAll())
	o := list[0]
	if o.Total() != 1727 || o.Totals.VATTotal != 0 || !o.Totals.ReverseCharge || o.Customer.VATID != "BE0123456749" || o.Customer.Company != "Koffiebar Peeters BV" {
		t.Fatalf("order: total %d vat %d rc %v customer %+v", o.Total(), o.Totals.VATTotal, o.Totals.ReverseCharge, o.Customer)
	}
	if a := o.Attempt(o.PaymentID); a == nil || a.Amount != 1727 {
		t.Fatalf("payment: %+v", a)
	}

	bad := sh.form("/checkout/", url.Values{"name": {"Jan"}, "email": {"jan@example.be"}, "street": {"Meir 1"}, "postal_code": {"2000"},
		"city": {"Antwerpen"}, "country": {"BE"}, "shipping_method": {"postnl-be"}, "vat_id": {"NL004495445B01"}, "idempotency_key": {"k-bad"}})
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.body, `id="e-vat_id"`) {
		t.Errorf("a Dutch VAT number with a Belgian address: %d", bad.StatusCode)
	}
	api := sh.req("POST", "/api/checkout", `{"name":"Jan","email":"jan@example.be","street":"Meir 1","postal_code":"2000","city":"Antwerpen","country":"BE","shipping_method":"postnl-be","vat_id":"BE12"}`, "Idempotency-Key", "k-api")
	if api.StatusCode != http.StatusUnprocessableEntity || api.errorMessage(t) == "" {
		t.Errorf("API with a bad VAT number: %d %s", api.StatusCode, api.body)
	}
}

// A Belgian business paid a reverse-charged order (no VAT on it), and the
// order page and the confirmation e-mail said "The total of €… includes
// VAT and all costs": the one sentence about VAT said the opposite of the
// invoice. They now say the total is without VAT, reverse charged; a
// consumer's order still says it includes VAT.
func TestReverseChargedOrderDoesNotClaimVAT(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	sh := newShop(t, withMollie(f))
	biz := `{"name":"Jan","email":"jan@example.be","street":"Meir 1","postal_code":"2000","city":"Antwerpen","country":"BE","shipping_method":"postnl-be","company":"Koffiebar BV","vat_id":"BE0123456749","lang":"en"}`
	o := sh.paidWith(f, "rc-legal", biz)
	if !o.Totals.ReverseCharge {
		t.Fatalf("the Belgian business order is not reverse charged")
	}
	for lang, want := range map[string][2]string{
		"en": {"is without VAT (reverse charged", "includes VAT and all costs"},
		"nl": {"is zonder btw (btw verlegd", "is inclusief btw en alle kosten"},
	} {
		page := sh.req(http.MethodGet, "/order/"+o.Token+"?lang="+lang, "")
		if !strings.Contains(page.body, want[0]) || strings.Contains(page.body, want[1]) {
			t.Errorf("%s: the reverse-charged order's page does not say its total is without VAT", lang)
		}
	}
	sh.flushMail()
	if n := len(sh.mails("confirmation")); n != 1 {
		t.Fatalf("%d confirmations", n)
	}
	for _, m := range sh.mails("confirmation") {
		text, _ := bodies(m)
		if !strings.Contains(text, "is without VAT (reverse charged") || strings.Contains(text, "includes VAT and all costs") {
			t.Errorf("the confirmation of a reverse-charged order claims VAT:\n%s", text)
		}
	}
	c := sh.paidWith(f, "consumer-legal", strings.NewReplacer(`"company":"Koffiebar BV","vat_id":"BE0123456749",`, "").Replace(biz))
	if page := sh.req(http.MethodGet, "/order/"+c.Token+"?lang=en", ""); !strings.Contains(page.body, "includes VAT and all costs") {
		t.Errorf("a consumer's order page no longer says its total includes VAT")
	}
}
