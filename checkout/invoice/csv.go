package invoice

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/storefront/storefront/checkout/money"
)

// WriteCSV writes the bookkeeper's export: a header and one line per
// invoice and credit note, in the order given: number, date, kind, the
// invoice a credit note corrects, order, customer, company, VAT number,
// country, reverse charge, then per VAT rate that occurs in any of the
// documents the amount excluding VAT and the VAT, then the totals
// excluding VAT, VAT and including VAT. Amounts are plain decimals with a
// point (1234.50), negative on credit notes; dates are YYYY-MM-DD.
func WriteCSV(w io.Writer, docs []*Document) error {
	seen := map[int]bool{}
	for _, d := range docs {
		for _, r := range d.Rates {
			seen[r.Rate] = true
		}
	}
	rates := sortedRates(seen)
	head := []string{"number", "date", "kind", "refers_to", "order", "customer", "company", "vat_id", "country", "reverse_charge"}
	for _, r := range rates {
		head = append(head, fmt.Sprintf("net_%d", r), fmt.Sprintf("vat_%d", r))
	}
	head = append(head, "net_total", "vat_total", "total", "currency")
	cw := csv.NewWriter(w)
	if err := cw.Write(head); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, d := range docs {
		rc := "no"
		if d.ReverseCharge {
			rc = "yes"
		}
		row := []string{d.Number, d.Date.Format("2006-01-02"), string(d.Kind), d.Refers, d.OrderID,
			safe(d.Buyer.Name), safe(d.Buyer.Company), safe(d.Buyer.VATID), d.Buyer.Country, rc}
		by := map[int]RateTotal{}
		for _, r := range d.Rates {
			by[r.Rate] = r
		}
		for _, r := range rates {
			row = append(row, dec(by[r].Net, d.Currency), dec(by[r].VAT, d.Currency))
		}
		row = append(row, dec(d.Net, d.Currency), dec(d.VAT, d.Currency), dec(d.Total, d.Currency), d.Currency)
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// dec is a plain decimal amount for a spreadsheet.
func dec(a money.Amount, currency string) string { return money.Format(a, currency) }

// safe keeps a customer's text from being read as a formula by a
// spreadsheet (CSV injection): a leading = + - @ gets a quote.
func safe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// SortDocs puts documents in number order.
func SortDocs(docs []*Document) {
	sort.SliceStable(docs, func(i, j int) bool {
		a, b := docs[i].Number, docs[j].Number
		if len(a) != len(b) && a[:4] == b[:4] {
			return len(a) < len(b)
		}
		return a < b
	})
}
