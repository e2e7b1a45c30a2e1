package invoice

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
)

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func testCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	b, err := os.ReadFile("../catalog/testdata/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// paidOrder prices skuQty (sku, qty, ...) to country with method and marks
// it paid and invoiced as the store would.
func paidOrder(t testing.TB, cat *catalog.Catalog, cust order.Customer, method string, reverse bool, skuQty ...any) *order.Order {
	t.Helper()
	c := &cart.Cart{ID: "c1"}
	for i := 0; i < len(skuQty); i += 2 {
		if err := cart.Add(c, cat, skuQty[i].(string), skuQty[i+1].(int), t0); err != nil {
			t.Fatal(err)
		}
	}
	tot, err := cart.Compute(c, cat, method, cust.Country)
	if err != nil {
		t.Fatal(err)
	}
	if reverse {
		tot.ApplyReverseCharge()
	}
	o, err := order.New(cust, tot, "nl", "c1", "", t0)
	if err != nil {
		t.Fatal(err)
	}
	o.ID, o.PaymentID, o.PaidAt, o.State = "BK-2026-000007", "tr_abc", t0, order.Paid
	o.InvoiceNumber, o.InvoiceDate = "2026-00042", t0
	return o
}

// pdfText renders d uncompressed and returns the raw file.
func pdfText(t *testing.T, d *Document) string {
	t.Helper()
	var b bytes.Buffer
	if err := WritePDF(&b, d, PDFOptions{Uncompressed: true}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	return b.String()
}

// shown is how s appears in an uncompressed content stream: in the core
// fonts' Windows-1252 encoding, inside (...) with \ ( ) escaped.
func shown(s string) string {
	tr := fpdf.New("P", "mm", "A4", "").UnicodeTranslatorFromDescriptor("")
	e := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`).Replace(tr(s))
	return "(" + e + ")Tj"
}

func mustContain(t *testing.T, raw string, items map[string]string) {
	t.Helper()
	for what, s := range items {
		if !strings.Contains(raw, shown(s)) {
			t.Errorf("the PDF lacks %s: %q", what, s)
		}
	}
}

// TestInvoicePDFHasRequiredFields: every field the Dutch tax office asks
// for is text in the PDF, in the order's language, € and accents included.
func TestInvoicePDFHasRequiredFields(t *testing.T) {
	cat := testCatalog(t)
	cust := order.Customer{Name: "Zoë d'Ancona (inkoop)", Email: "zoe@example.nl", Street: "Oudegracht 1",
		PostalCode: "3511 AA", City: "Utrecht", Country: "NL"}
	o := paidOrder(t, cat, cust, "postnl", false, "KOF-GUJI-250-BO", 2, "MOLEN-1", 1)
	o.ShippedAt = t0.AddDate(0, 0, 1)
	d, err := FromOrder(o, cat.Shop)
	if err != nil {
		t.Fatal(err)
	}
	raw := pdfText(t, d)
	// 2 × 14.50 at 9 %, 69.00 at 21 %, free shipping from 50.00.
	mustContain(t, raw, map[string]string{
		"title": "Factuur", "number": "2026-00042", "date": "26 november 2026",
		"delivery date": "27 november 2026", "delivery label": "Leverdatum",
		"shop name": "Brandpunt Koffie", "shop street": "Branderijstraat 12", "shop city": "3511 AB Utrecht",
		"KvK": "KvK 87654321", "btw-id": "Btw-id NL004495445B01",
		"customer": "Zoë d'Ancona (inkoop)", "customer street": "Oudegracht 1", "customer city": "3511 AA Utrecht",
		"quantity": "2", "description": "Ethiopië Guji (250 g · bonen)", "description 2": "Handmolen",
		"net 9%": "€ 26,61", "vat 9%": "€ 2,39", "gross 9%": "€ 29,00",
		"net 21%": "€ 57,02", "vat 21%": "€ 11,98",
		"total": "€ 98,00", "rates label": "Btw per tarief",
	})
	if strings.Contains(raw, shown("Btw verlegd")) {
		t.Error("reverse charge wording on a consumer invoice")
	}
	if d.Total != o.Total() || d.Net+d.VAT != d.Total {
		t.Errorf("totals: net %d + vat %d != %d (order %d)", d.Net, d.VAT, d.Total, o.Total())
	}

	// In English, the same fields in English words.
	o.Lang = "en"
	d, _ = FromOrder(o, cat.Shop)
	raw = pdfText(t, d)
	mustContain(t, raw, map[string]string{"title": "Invoice", "date": "26 November 2026",
		"delivery": "Delivery date", "vat id": "VAT ID NL004495445B01", "total": "€98.00"})
}

// TestReverseChargeInvoice: a Belgian business with a VAT number pays no
// VAT; the invoice says so in the required words and shows both VAT ids.
func TestReverseChargeInvoice(t *testing.T) {
	cat := testCatalog(t)
	cust := order.Customer{Name: "Jan Peeters", Company: "Koffiebar Peeters BV", VATID: "BE0123456749",
		Email: "jan@example.be", Street: "Meir 1", PostalCode: "2000", City: "Antwerpen", Country: "BE"}
	o := paidOrder(t, cat, cust, "dhl-eu", true, "MOLEN-1", 1)
	if o.Totals.VATTotal != 0 || !o.Totals.ReverseCharge {
		t.Fatalf("reverse charge totals: %+v", o.Totals)
	}
	// 69.00 incl. 21 % -> 57.02; free shipping from 50.00 was reached.
	if o.Total() != 5702 {
		t.Fatalf("total %d, want 5702", o.Total())
	}
	d, err := FromOrder(o, cat.Shop)
	if err != nil {
		t.Fatal(err)
	}
	raw := pdfText(t, d)
	mustContain(t, raw, map[string]string{"company": "Koffiebar Peeters BV", "buyer vat": "Btw-id BE0123456749",
		"total": "€ 57,02", "country": "België"})
	if !strings.Contains(raw, "art. 138 en 196 Richtlijn 2006/112/EG") || !strings.Contains(raw, "Btw verlegd") {
		t.Error("no reverse charge wording")
	}
}

// TestCreditNotePDF: a credit note names itself, its number, the invoice
// it corrects and negative amounts.
func TestCreditNotePDF(t *testing.T) {
	cat := testCatalog(t)
	o := paidOrder(t, cat, order.Customer{Name: "Anna", Email: "a@example.nl", Country: "NL"}, "postnl", false, "BOEK-001", 1)
	r, err := o.AddRefund(order.Refund{Amount: 1000, Reason: "owner"}, "admin", t0)
	if err != nil {
		t.Fatal(err)
	}
	o.Refunds[0].Status, o.Refunds[0].CreditNote, o.Refunds[0].CreditNoteDate = order.RefundRefunded, "2026-00043", t0
	d, err := CreditNote(o, r.ID, cat.Shop)
	if err != nil {
		t.Fatal(err)
	}
	raw := pdfText(t, d)
	mustContain(t, raw, map[string]string{"title": "Creditnota", "number": "2026-00043",
		"refers": "2026-00042", "total": "€ -10,00"})
	if d.Total != -1000 {
		t.Errorf("total %d", d.Total)
	}
}

// TestCreditNotesAddUp (property): for any order and any refunds the
// provider took (by item, shipping, by amount, in any order), each credit
// note's amounts per rate add up to minus its refund, excl. + VAT = incl.
// per rate, no credit note has a rate the invoice has not, and a single
// refund of everything is the invoice with the sign turned, rate by rate.
func TestCreditNotesAddUp(t *testing.T) {
	cat := testCatalog(t)
	skus := []string{"KOF-GUJI-250-BO", "BOEK-001", "MOLEN-1"}
	rapid.Check(t, func(rt *rapid.T) {
		var skuQty []any
		for _, s := range skus {
			if q := rapid.IntRange(0, 3).Draw(rt, s); q > 0 {
				skuQty = append(skuQty, s, q)
			}
		}
		if len(skuQty) == 0 {
			skuQty = []any{"BOEK-001", 1}
		}
		country := rapid.SampledFrom([]string{"NL", "BE", "DE"}).Draw(rt, "country")
		reverse := country != "NL" && rapid.Bool().Draw(rt, "reverse")
		cust := order.Customer{Name: "X", Email: "x@example.nl", Country: country}
		o := paidOrder(t, cat, cust, "dhl-eu", reverse, skuQty...)
		if pts := rapid.IntRange(0, 500).Draw(rt, "discount"); pts > 0 && pts < int(o.Totals.Subtotal) {
			_ = cart.ApplyDiscount(&o.Totals, "points", "Punten", money.Amount(pts))
			o.Totals.ReverseCharge = reverse
		}
		inv, err := FromOrder(o, cat.Shop)
		if err != nil {
			rt.Fatal(err)
		}
		invRates := map[int]RateTotal{}
		for _, r := range inv.Rates {
			if r.Net+r.VAT != r.Gross {
				rt.Fatalf("invoice rate %d: %d + %d != %d", r.Rate, r.Net, r.VAT, r.Gross)
			}
			invRates[r.Rate] = r
		}
		if inv.Total != o.Total() {
			rt.Fatalf("invoice total %d, order %d", inv.Total, o.Total())
		}
		full := rapid.Bool().Draw(rt, "full")
		n := rapid.IntRange(1, 4).Draw(rt, "refunds")
		if full {
			n = 1
		}
		var credited money.Amount
		for i := range n {
			left := o.Refundable()
			if left <= 0 {
				break
			}
			r := order.Refund{Reason: "owner"}
			if full {
				r.Amount = left
			} else {
				switch rapid.IntRange(0, 2).Draw(rt, fmt.Sprint("how", i)) {
				case 0: // by item
					l := o.Lines[rapid.IntRange(0, len(o.Lines)-1).Draw(rt, fmt.Sprint("line", i))]
					rl := order.ReturnLine{SKU: l.SKU, Title: l.Title, Quantity: 1, UnitPrice: l.UnitPrice}
					r.Lines, r.Amount, r.Reason = []order.ReturnLine{rl}, min(rl.Total(), left), "return"
					if rl.Total() > left {
						r.Lines = nil
					}
				case 1: // shipping
					r.Shipping = min(o.Totals.Shipping, left)
					r.Amount = r.Shipping
				default:
					r.Amount = money.Amount(rapid.Int64Range(1, int64(left)).Draw(rt, fmt.Sprint("amount", i)))
				}
			}
			if r.Amount <= 0 {
				continue
			}
			added, err := o.AddRefund(r, "admin", t0)
			if err != nil {
				rt.Fatal(err)
			}
			id := added.ID
			ref := o.RefundByID(id)
			ref.Status, ref.CreditNote, ref.CreditNoteDate = order.RefundRefunded, fmt.Sprintf("2026-%05d", 100+i), t0
			cn, err := CreditNote(o, id, cat.Shop)
			if err != nil {
				rt.Fatal(err)
			}
			if cn.Total != -r.Amount {
				rt.Fatalf("credit note %s total %d for a refund of %d", cn.Number, cn.Total, r.Amount)
			}
			for _, cr := range cn.Rates {
				if cr.Net+cr.VAT != cr.Gross {
					rt.Fatalf("credit rate %d: %d + %d != %d", cr.Rate, cr.Net, cr.VAT, cr.Gross)
				}
				if _, ok := invRates[cr.Rate]; !ok {
					rt.Fatalf("credit note has rate %d the invoice has not (%v)", cr.Rate, inv.Rates)
				}
				if reverse && cr.VAT != 0 {
					rt.Fatalf("VAT %d on a reverse charge credit note", cr.VAT)
				}
			}
			if full {
				if len(cn.Rates) != len(inv.Rates) {
					rt.Fatalf("full refund rates %v, invoice %v", cn.Rates, inv.Rates)
				}
				for _, cr := range cn.Rates {
					ir := invRates[cr.Rate]
					if cr.Gross != -ir.Gross || cr.VAT != -ir.VAT || cr.Net != -ir.Net {
						rt.Fatalf("full refund at %d%%: %+v, invoice %+v", cr.Rate, cr, ir)
					}
				}
			}
			credited -= cn.Total
		}
		if credited > inv.Total {
			rt.Fatalf("credited %d of an invoice of %d", credited, inv.Total)
		}
	})
}

func TestNotInvoiced(t *testing.T) {
	cat := testCatalog(t)
	o := paidOrder(t, cat, order.Customer{Name: "A", Email: "a@example.nl", Country: "NL"}, "postnl", false, "BOEK-001", 1)
	o.InvoiceNumber = ""
	if _, err := FromOrder(o, cat.Shop); !errors.Is(err, ErrNotInvoiced) {
		t.Fatalf("err %v", err)
	}
}

// TestInvoiceGiftCardIsAPayment: a gift card that paid part of the order
// is a payment line under the total; the lines, VAT and total stay whole.
func TestInvoiceGiftCardIsAPayment(t *testing.T) {
	cat := testCatalog(t)
	cust := order.Customer{Name: "Eva", Email: "eva@example.nl", Street: "Markt 1", PostalCode: "3511 AA", City: "Utrecht", Country: "NL"}
	o := paidOrder(t, cat, cust, "postnl", false, "KOF-GUJI-250-BO", 2, "MOLEN-1", 1)
	plain, err := FromOrder(o, cat.Shop)
	if err != nil {
		t.Fatal(err)
	}
	o.GiftCard = &order.GiftTender{CardID: "GC-2026-000001", Last4: "…PQRS", Amount: 2500, Hold: order.GiftSpent}
	d, err := FromOrder(o, cat.Shop)
	if err != nil {
		t.Fatal(err)
	}
	if d.Total != plain.Total || d.VAT != plain.VAT || len(d.Lines) != len(plain.Lines) {
		t.Fatalf("the card changed the invoice: total %d vat %d, want %d %d", d.Total, d.VAT, plain.Total, plain.VAT)
	}
	if len(d.Payments) != 2 || d.Payments[0].Amount != 2500 || d.Payments[1].Amount != o.Total()-2500 {
		t.Fatalf("payments %+v", d.Payments)
	}
	mustContain(t, pdfText(t, d), map[string]string{"gift card line": "Betaald met cadeaukaart …PQRS", "card amount": "€ 25,00"})
}

// A name in another script: the letters Windows-1252 lacks show as "?"
// (fpdf's own translator printed ".", which reads as punctuation), the
// others as typed.
func TestInvoicePDFMarksLettersItCannotShow(t *testing.T) {
	cat := testCatalog(t)
	cust := order.Customer{Name: `Zoë "Ö" 李 Ελένη`, Email: "zoe@example.nl", Street: "Oudegracht 1",
		PostalCode: "3511 AA", City: "Utrecht", Country: "NL"}
	o := paidOrder(t, cat, cust, "postnl", false, "KOF-GUJI-250-BO", 1)
	d, err := FromOrder(o, cat.Shop)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, pdfText(t, d), map[string]string{"customer": `Zoë "Ö" ? ?????`})
}
