package invoice

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/encoding/charmap"

	"github.com/storefront/storefront/checkout/money"
)

// PDFOptions tune the rendering.
type PDFOptions struct {
	// Uncompressed leaves the page content readable in the file (tests
	// check the text in it); production compresses.
	Uncompressed bool
}

// WritePDF renders d as an A4 PDF in d.Lang. The text is set in the PDF
// core font Helvetica with the Windows-1252 encoding (fpdf's UTF-8
// translator), which holds € and the accents of Dutch and the other
// western European languages, so nothing needs embedding and the text
// stays selectable and searchable. Characters outside Windows-1252 (a
// customer's name in another script) come out as "?"; the order page shows
// them as typed.
func WritePDF(w io.Writer, d *Document, opt PDFOptions) error {
	wd := wordsFor(d.Lang)
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(!opt.Uncompressed)
	pdf.SetCreationDate(d.Date)
	pdf.SetModificationDate(d.Date)
	title := wd[string(d.Kind)] + " " + d.Number
	pdf.SetTitle(title, true)
	pdf.SetAuthor(d.Seller.Name, true)
	pdf.SetCreator("storefront", true)
	pdf.SetLang(d.Lang)
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 20)
	pdf.AddPage()
	tr := pdf.UnicodeTranslatorFromDescriptor("") // UTF-8 -> cp1252 for the core fonts
	t := func(s string) string { return tr(outside1252(s)) }
	amt := func(a money.Amount) string { return t(money.Display(a, d.Currency, d.Lang)) }

	// Seller, top right; title, top left.
	pdf.SetFont("Helvetica", "B", 18)
	pdf.CellFormat(100, 10, t(wd[string(d.Kind)]), "", 0, "L", false, 0, "")
	pdf.SetFont("Helvetica", "B", 10)
	pdf.CellFormat(70, 5, t(d.Seller.Name), "", 1, "R", false, 0, "")
	pdf.SetFont("Helvetica", "", 9)
	for _, l := range []string{
		d.Seller.Street,
		strings.TrimSpace(d.Seller.PostalCode + " " + d.Seller.City),
		CountryName(d.Seller.Country, d.Lang),
		d.Seller.Email,
		d.Seller.Phone,
		wd["kvk"] + " " + d.Seller.KvK,
		wd["vat_id"] + " " + d.Seller.VATID,
	} {
		pdf.SetX(120)
		pdf.CellFormat(70, 4.5, t(l), "", 1, "R", false, 0, "")
	}
	pdf.Ln(6)

	// Buyer, left; document data, right.
	y := pdf.GetY()
	pdf.SetFont("Helvetica", "B", 9)
	pdf.CellFormat(90, 5, t(wd["to"]), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	for _, l := range []string{d.Buyer.Company, d.Buyer.Name, d.Buyer.Street,
		strings.TrimSpace(d.Buyer.PostalCode + " " + d.Buyer.City), CountryName(d.Buyer.Country, d.Lang)} {
		if l != "" {
			pdf.CellFormat(90, 5, t(l), "", 1, "L", false, 0, "")
		}
	}
	if d.Buyer.VATID != "" {
		pdf.CellFormat(90, 5, t(wd["vat_id"]+" "+d.Buyer.VATID), "", 1, "L", false, 0, "")
	}
	end := pdf.GetY()
	pdf.SetY(y)
	numLabel, dateLabel := wd["number"], wd["date"]
	if d.Kind == KindCreditNote {
		numLabel, dateLabel = wd["cn_number"], wd["cn_date"]
	}
	facts := [][2]string{{numLabel, d.Number}, {dateLabel, displayDate(d.Date, d.Lang)},
		{wd["delivery"], displayDate(d.DeliveryDate, d.Lang)}, {wd["order"], d.OrderID}}
	if d.Refers != "" {
		facts = append(facts, [2]string{wd["refers"], d.Refers})
	}
	for _, f := range facts {
		pdf.SetX(110)
		pdf.SetFont("Helvetica", "", 9)
		pdf.CellFormat(40, 5, t(f[0]), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "B", 9)
		pdf.CellFormat(40, 5, t(f[1]), "", 1, "R", false, 0, "")
	}
	pdf.SetY(max(end, pdf.GetY()) + 8)

	// Lines.
	cols := []float64{14, 106, 16, 34}
	pdf.SetFont("Helvetica", "B", 9)
	pdf.SetFillColor(238, 238, 238)
	for i, h := range []string{wd["qty"], wd["description"], wd["rate"], wd["amount"]} {
		align := "L"
		if i != 1 {
			align = "R"
		}
		pdf.CellFormat(cols[i], 7, t(h), "B", 0, align, true, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 9)
	for _, l := range d.Lines {
		rate := fmt.Sprintf("%d%%", l.VATRate)
		if l.VATRate < 0 {
			rate = wd["split"]
		}
		if d.ReverseCharge {
			rate = "0%"
		}
		pdf.CellFormat(cols[0], 6, fmt.Sprintf("%d", l.Quantity), "", 0, "R", false, 0, "")
		pdf.CellFormat(cols[1], 6, t(truncate(l.Description, 70)), "", 0, "L", false, 0, "")
		pdf.CellFormat(cols[2], 6, rate, "", 0, "R", false, 0, "")
		pdf.CellFormat(cols[3], 6, amt(l.Total), "", 1, "R", false, 0, "")
	}
	pdf.Ln(4)

	// VAT per rate.
	pdf.SetFont("Helvetica", "B", 9)
	pdf.CellFormat(0, 6, t(wd["rates"]), "", 1, "L", false, 0, "")
	rc := []float64{20, 50, 50, 50}
	for i, h := range []string{wd["rate"], wd["net"], wd["vat"], wd["gross"]} {
		pdf.CellFormat(rc[i], 6, t(h), "B", 0, "R", true, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 9)
	for _, r := range d.Rates {
		pdf.CellFormat(rc[0], 6, fmt.Sprintf("%d%%", r.Rate), "", 0, "R", false, 0, "")
		pdf.CellFormat(rc[1], 6, amt(r.Net), "", 0, "R", false, 0, "")
		pdf.CellFormat(rc[2], 6, amt(r.VAT), "", 0, "R", false, 0, "")
		pdf.CellFormat(rc[3], 6, amt(r.Gross), "", 1, "R", false, 0, "")
	}
	pdf.Ln(3)
	for _, tot := range []struct {
		label string
		a     money.Amount
		bold  bool
	}{{wd["total_net"], d.Net, false}, {wd["total_vat"], d.VAT, false}, {wd["total"], d.Total, true}} {
		style := ""
		if tot.bold {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, 10)
		pdf.CellFormat(120, 6, t(tot.label), "", 0, "R", false, 0, "")
		pdf.CellFormat(50, 6, amt(tot.a), "", 1, "R", false, 0, "")
	}
	pdf.SetFont("Helvetica", "", 10)
	for _, p := range d.Payments { // tenders, never discounts: the total above stays whole
		pdf.CellFormat(120, 6, t(p.Label), "", 0, "R", false, 0, "")
		pdf.CellFormat(50, 6, amt(p.Amount), "", 1, "R", false, 0, "")
	}
	pdf.Ln(6)
	pdf.SetFont("Helvetica", "", 9)
	if d.ReverseCharge {
		pdf.SetFont("Helvetica", "B", 9)
		pdf.MultiCell(0, 5, t(wd["reverse"]), "", "L", false)
		pdf.SetFont("Helvetica", "", 9)
	}
	switch {
	case d.Kind == KindCreditNote:
		pdf.MultiCell(0, 5, t(fmt.Sprintf(wd["refunded"], d.PaymentRef)), "", "L", false)
	case d.ReverseCharge:
		pdf.MultiCell(0, 5, t(fmt.Sprintf(wd["paid_rc"], d.PaymentRef)), "", "L", false)
	default:
		pdf.MultiCell(0, 5, t(fmt.Sprintf(wd["paid"], d.PaymentRef)), "", "L", false)
	}
	pdf.Ln(2)
	pdf.MultiCell(0, 5, t(fmt.Sprintf(wd["contact"], d.Seller.Email, d.Seller.Phone)), "", "L", false)
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("render %s %s: %w", d.Kind, d.Number, err)
	}
	return nil
}

var monthsNL = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// displayDate is "26 november 2026" or "26 November 2026".
func displayDate(x time.Time, l string) string {
	if x.IsZero() {
		return "-"
	}
	if l == "en" {
		return x.Format("2 January 2006")
	}
	return fmt.Sprintf("%d %s %d", x.Day(), monthsNL[x.Month()-1], x.Year())
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// outside1252 puts a "?" for every character Windows-1252 lacks: fpdf's
// translator prints a "." for them, which reads as punctuation ("Zoë 李"
// came out as "Zoë ."), where "?" says that a letter could not be shown.
func outside1252(s string) string {
	return strings.Map(func(r rune) rune {
		if _, ok := charmap.Windows1252.EncodeRune(r); !ok {
			return '?'
		}
		return r
	}, s)
}
