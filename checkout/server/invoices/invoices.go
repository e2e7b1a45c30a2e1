// Package invoices is the HTTP side of invoices and the distance-sale
// information (docs/invoices.md): the customer's and the owner's PDFs, the
// bookkeeper's CSV, the mail attachment, the legal block of the order page
// and confirmation, and reverse charge for the checkout. The documents are
// built by checkout/invoice from the order and the shop data; the numbers
// come from the store.
package invoices

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/invoice"
	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
	"github.com/storefront/storefront/checkout/wire"
)

// Invoices is the HTTP side of invoices: the PDFs for the customer
// and the owner, the bookkeeper's CSV, and the invoice and legal parts that
// the order page, the order's JSON, the checkout's totals and the
// confirmation mail show.
type Invoices struct {
	*web.Web
	Orders usecase.Orders
}

// maxExportDocs bounds one export (the admin asks for a period; a year of a
// small shop is far below).
const maxExportDocs = 50_000

// document builds the invoice or credit note numbered number of o.
func (h *Invoices) document(o *order.Order, number string) (*invoice.Document, error) {
	shop := h.Catalog.Current().Shop
	number = strings.TrimSuffix(number, ".pdf")
	if number != "" && number == o.InvoiceNumber {
		return invoice.FromOrder(o, shop)
	}
	for _, r := range o.Refunds {
		if number != "" && r.CreditNote == number {
			return invoice.CreditNote(o, r.ID, shop)
		}
	}
	return nil, usecase.ErrNotFound
}

// pdfName is the file name of a document for the reader.
func pdfName(d *invoice.Document) string {
	w := "factuur"
	if d.Lang == "en" {
		w = "invoice"
	}
	if d.Kind == invoice.KindCreditNote {
		w = "creditnota"
		if d.Lang == "en" {
			w = "credit-note"
		}
	}
	return w + "-" + d.Number + ".pdf"
}

// renderPDF is the PDF of d.
func renderPDF(d *invoice.Document) ([]byte, error) {
	var b bytes.Buffer
	if err := invoice.WritePDF(&b, d, invoice.PDFOptions{}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (h *Invoices) sendPDF(c *gin.Context, d *invoice.Document) {
	b, err := renderPDF(d)
	if err != nil {
		h.Internal(c, "render invoice", err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`inline; filename="%s"`, pdfName(d)))
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", b)
}

// PageInvoicePDF is GET /order/{token}/invoice/{number}[.pdf]: the
// customer's invoice or credit note, behind the order's token.
func (h *Invoices) PageInvoicePDF(c *gin.Context) {
	o, found := h.OrderByToken(c, true)
	if !found {
		return
	}
	d, err := h.document(o, c.Param("number"))
	if err != nil {
		h.NotFoundPage(c)
		return
	}
	h.sendPDF(c, d)
}

// AdminInvoicePDF is GET /admin/orders/{id}/invoice/{number} (session) and
// /api/admin/orders/{id}/invoice/{number} (token).
func (h *Invoices) AdminInvoicePDF(c *gin.Context) {
	o, err := h.Orders.Get(c.Param("id"))
	if errors.Is(err, usecase.ErrNotFound) {
		web.Fail(c, http.StatusNotFound, "no order "+c.Param("id"))
		return
	}
	if err != nil {
		h.Internal(c, "get order", err)
		return
	}
	d, err := h.document(o, c.Param("number"))
	if errors.Is(err, usecase.ErrNotFound) {
		web.Fail(c, http.StatusNotFound, "order "+o.ID+" has no invoice or credit note "+c.Param("number"))
		return
	}
	if err != nil {
		h.Internal(c, "build invoice", err)
		return
	}
	h.sendPDF(c, d)
}

// parsePeriod reads from and to (YYYY-MM-DD, both days included) in the
// shop's zone. Empty from: the start of the current year; empty to: today.
func (h *Invoices) parsePeriod(fromS, toS string) (from, to time.Time, err error) {
	zone := h.Zone()
	now := h.Now().In(zone)
	from = time.Date(now.Year(), 1, 1, 0, 0, 0, 0, zone)
	to = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, zone).AddDate(0, 0, 1)
	if fromS != "" {
		if from, err = time.ParseInLocation(time.DateOnly, fromS, zone); err != nil {
			return from, to, fmt.Errorf("from %q is not a date like 2026-01-31", fromS)
		}
	}
	if toS != "" {
		t, err := time.ParseInLocation(time.DateOnly, toS, zone)
		if err != nil {
			return from, to, fmt.Errorf("to %q is not a date like 2026-12-31", toS)
		}
		to = t.AddDate(0, 0, 1)
	}
	if !from.Before(to) {
		return from, to, errors.New("from must not be after to")
	}
	return from, to, nil
}

// AdminInvoicesCSV is GET /api/admin/invoices?from=&to= (token) and
// /admin/invoices.csv (session): the bookkeeper's CSV, one line per
// invoice and credit note dated in the period.
func (h *Invoices) AdminInvoicesCSV(c *gin.Context) {
	from, to, err := h.parsePeriod(c.Query("from"), c.Query("to"))
	if err != nil {
		web.Fail(c, http.StatusBadRequest, err.Error())
		return
	}
	entries, err := h.Orders.Invoices(from, to)
	if err != nil {
		h.Internal(c, "list invoices", err)
		return
	}
	if len(entries) > maxExportDocs {
		web.Fail(c, http.StatusUnprocessableEntity, fmt.Sprintf("%d documents in that period; export at most %d at once (a shorter period)", len(entries), maxExportDocs))
		return
	}
	docs := make([]*invoice.Document, 0, len(entries))
	orders := map[string]*order.Order{}
	for _, e := range entries {
		o := orders[e.OrderID]
		if o == nil {
			if o, err = h.Orders.Get(e.OrderID); err != nil {
				h.Internal(c, "order of invoice "+e.Number, err)
				return
			}
			orders[e.OrderID] = o
		}
		d, err := h.document(o, e.Number)
		if err != nil {
			h.Internal(c, "invoice "+e.Number, err)
			return
		}
		docs = append(docs, d)
	}
	var b bytes.Buffer
	if err := invoice.WriteCSV(&b, docs); err != nil {
		h.Internal(c, "write csv", err)
		return
	}
	name := fmt.Sprintf("invoices-%s-%s.csv", from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly))
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
}

// InvoiceAttachment is the invoice PDF for the confirmation e-mail; nil
// when the order has none.
func (h *Invoices) InvoiceAttachment(o *order.Order) []mail.Attachment {
	if o.InvoiceNumber == "" {
		return nil
	}
	d, err := invoice.FromOrder(o, h.Catalog.Current().Shop)
	if err == nil {
		var b []byte
		if b, err = renderPDF(d); err == nil {
			return []mail.Attachment{{Name: pdfName(d), ContentType: "application/pdf", Data: b}}
		}
	}
	// The confirmation still goes; the invoice stays on the order page.
	h.Log.Error("invoice not attached", "order", o.ID, "invoice", o.InvoiceNumber, "err", err)
	return nil
}

// legalPages are the paths of the pages the law asks to link, per language
// (the fixed names of the theme's footer, themes/.../shop/fixed-page.html).
var legalPages = map[string]map[string]string{
	"nl": {"terms": "algemene-voorwaarden/", "withdrawal": "herroepingsformulier/", "returns": "retourneren/"},
	"en": {"terms": "en/terms/", "withdrawal": "en/withdrawal-form/", "returns": "en/returns/"},
}

// legalURL is the absolute URL of one of the legal pages.
func (h *Invoices) legalURL(page, lang string) string {
	if lang != "en" {
		lang = "nl"
	}
	return h.Base.String() + legalPages[lang][page]
}

// Legal is the distance-sale information of o (confirmation, order page).
func (h *Invoices) Legal(o *order.Order, lang string) *mail.Legal {
	cat := h.Catalog.Current()
	sh := cat.Shop
	days := max(14, cat.Returns.WindowDays)
	l := &mail.Legal{ShopName: sh.Name, Email: sh.Email, Phone: sh.Phone, KvK: sh.KvK, VATID: sh.VATID,
		Total: money.Display(o.Total(), o.Currency, lang), ReverseCharge: o.Totals.ReverseCharge, WithdrawalDays: days,
		ReturnURL: h.OrderURL(o) + "/return", WithdrawalFormURL: h.legalURL("withdrawal", lang), TermsURL: h.legalURL("terms", lang)}
	a := sh.Address
	for _, line := range []string{a.Street, strings.TrimSpace(a.Postcode + " " + a.City), web.CountryName(lang, a.Country)} {
		if strings.TrimSpace(line) != "" {
			l.Address = append(l.Address, line)
		}
	}
	return l
}

// LegalHTML is the legal block and the invoice links of the order page.
func (h *Invoices) LegalHTML(o *order.Order, lang string) template.HTML {
	if o.PaidAt.IsZero() {
		return ""
	}
	if lang != "en" {
		lang = "nl"
	}
	d := struct {
		L        *mail.Legal
		W        map[string]string
		Lang     string
		Token    string
		Invoice  string
		Credits  []string
		ShowLink bool
	}{L: h.Legal(o, lang), W: mail.LegalWords(lang), Lang: lang, Token: o.Token, Invoice: o.InvoiceNumber}
	for _, r := range o.Refunds {
		if r.CreditNote != "" {
			d.Credits = append(d.Credits, r.CreditNote)
		}
	}
	var b bytes.Buffer
	if err := h.Tmpl().ExecuteTemplate(&b, "legal", d); err != nil {
		h.Log.Error("render legal block", "order", o.ID, "err", err)
		return ""
	}
	return template.HTML(b.String()) // html/template escaped it
}

// ReverseCharge applies reverse charge to t when the shop turned it on
// (data/vat.toml reverse_charge) and the form is a business in another EU
// country with a VAT number of that country. The checkout page, its quote
// and the order all call it, so the amount shown is the amount charged.
func (h *Invoices) ReverseCharge(t *cart.Totals, f view.CheckoutForm) {
	cat := h.Catalog.Current()
	if invoice.ReverseCharge(cat.VAT.ReverseCharge, cat.Shop.Country, t.Country, f.VATID) {
		t.ApplyReverseCharge()
	}
}

// invoiceFuncs are the functions of templates/invoice.html.
var invoiceFuncs = template.FuncMap{
	"business": func(lang, name, auto, value, err string) view.FormField {
		return view.FormField{Lang: lang, Name: name, Label: "co." + name, Type: "text", Auto: auto, Value: value, Error: err, Optional: true}
	},
	"termsPath": func(lang string) string {
		if lang != "en" {
			lang = "nl"
		}
		return "/" + legalPages[lang]["terms"]
	},
	"f": fmt.Sprintf,
}

// InvoiceViews lists the order's invoice and credit notes for the JSON views.
func (h *Invoices) InvoiceViews(o *order.Order) []wire.InvoiceView {
	if o.InvoiceNumber == "" {
		return nil
	}
	pdf := func(n string) string { return h.OrderURL(o) + "/invoice/" + n + ".pdf" }
	out := []wire.InvoiceView{{Number: o.InvoiceNumber, Kind: string(invoice.KindInvoice), URL: pdf(o.InvoiceNumber)}}
	for _, r := range o.Refunds {
		if r.CreditNote != "" {
			out = append(out, wire.InvoiceView{Number: r.CreditNote, Kind: string(invoice.KindCreditNote), URL: pdf(r.CreditNote)})
		}
	}
	return out
}

// The page templates use these functions (web.AddFuncs).
func init() { web.AddFuncs(invoiceFuncs) }
