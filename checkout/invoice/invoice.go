// Package invoice builds the invoice of a paid order and the credit note of
// each of its refunds, as the Dutch tax office wants them (art. 35a Wet OB:
// date, number, the seller's name, address, KvK and VAT number, the buyer's
// name and address, per line quantity and description, the delivery date,
// the amount excluding VAT and the VAT per rate, the total), renders them as
// PDF (pdf.go) and as CSV rows for the bookkeeper (csv.go), and checks the
// format of an EU VAT number (vatid.go). It is pure: no I/O but the writer
// it is given. The numbers come from checkout/store.
package invoice

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
)

// Kind is an invoice or a credit note.
type Kind string

const (
	KindInvoice    Kind = "invoice"
	KindCreditNote Kind = "credit_note"
)

// Party is the seller or the buyer.
type Party struct {
	Name       string
	Company    string
	Street     string
	PostalCode string
	City       string
	Country    string // ISO alpha-2
	Email      string
	Phone      string
	KvK        string // Chamber of Commerce number (seller)
	VATID      string
}

// Line is one line of the document. Amounts include VAT (consumer prices),
// except under reverse charge where there is none; on a credit note they
// are negative.
type Line struct {
	Quantity    int
	Description string
	UnitPrice   money.Amount
	Total       money.Amount
	VATRate     int
}

// RateTotal is what the document holds at one VAT rate.
type RateTotal struct {
	Rate  int
	Net   money.Amount // excluding VAT
	VAT   money.Amount
	Gross money.Amount // Net + VAT
}

// Document is an invoice or a credit note.
type Document struct {
	Kind          Kind
	Number        string
	Date          time.Time
	DeliveryDate  time.Time // the day of delivery (or shipping, or payment, as far as known)
	OrderID       string
	Refers        string // a credit note: the invoice it corrects
	Lang          string // nl or en
	Currency      string
	Seller        Party
	Buyer         Party
	Lines         []Line
	Rates         []RateTotal // ascending by rate
	Net, VAT      money.Amount
	Total         money.Amount
	ReverseCharge bool
	PaymentRef    string // the provider's payment id
	// Payments are the tenders under the total: a gift card that paid part
	// or all of it (not a discount: the lines and VAT are the full price),
	// and the rest paid at the provider. Empty when the provider got all.
	Payments []Payment
}

// Payment is one tender that paid the document's total.
type Payment struct {
	Label  string
	Amount money.Amount
}

// ErrNotInvoiced is returned for an order without an invoice number.
var ErrNotInvoiced = errors.New("the order has no invoice (it was never paid, or was paid before invoices existed)")

// seller is the shop as a party.
func seller(shop catalog.Shop) Party {
	return Party{Name: shop.Name, Street: shop.Address.Street, PostalCode: shop.Address.Postcode,
		City: shop.Address.City, Country: shop.Address.Country, Email: shop.Email, Phone: shop.Phone,
		KvK: shop.KvK, VATID: shop.VATID}
}

func buyer(c order.Customer) Party {
	return Party{Name: c.Name, Company: c.Company, Street: c.Street, PostalCode: c.PostalCode,
		City: c.City, Country: c.Country, Email: c.Email, VATID: c.VATID}
}

// deliveryDate is the best known day of delivery: delivered, else shipped,
// else paid (the goods leave within days; the invoice date is then also
// the date of the supply as far as is known when it is written).
func deliveryDate(o *order.Order) time.Time {
	for _, t := range []time.Time{o.DeliveredAt, o.ShippedAt, o.PaidAt} {
		if !t.IsZero() {
			return t
		}
	}
	return o.CreatedAt
}

// FromOrder builds the invoice of a paid order.
func FromOrder(o *order.Order, shop catalog.Shop) (*Document, error) {
	if o.InvoiceNumber == "" {
		return nil, fmt.Errorf("invoice of order %s: %w", o.ID, ErrNotInvoiced)
	}
	w := wordsFor(o.Lang)
	d := &Document{Kind: KindInvoice, Number: o.InvoiceNumber, Date: o.InvoiceDate, DeliveryDate: deliveryDate(o),
		OrderID: o.ID, Lang: lang(o.Lang), Currency: o.Currency, Seller: seller(shop), Buyer: buyer(o.Customer),
		ReverseCharge: o.Totals.ReverseCharge, PaymentRef: o.PaymentID}
	for _, l := range o.Lines {
		d.Lines = append(d.Lines, Line{Quantity: l.Quantity, Description: describe(l.Title, l.Variant),
			UnitPrice: l.UnitPrice, Total: l.LineTotal, VATRate: l.VATRate})
	}
	t := o.Totals
	if t.Shipping != 0 {
		rate := t.ShippingVATRate
		if len(t.ShippingVAT) > 1 {
			rate = -1 // split over the goods' rates: shown in the rate table
		}
		d.Lines = append(d.Lines, Line{Quantity: 1, Description: w["shipping"] + ": " + t.ShippingName,
			UnitPrice: t.Shipping, Total: t.Shipping, VATRate: rate})
	}
	for _, a := range t.Adjustments {
		d.Lines = append(d.Lines, Line{Quantity: 1, Description: a.Label, UnitPrice: a.Amount, Total: a.Amount, VATRate: a.VATRate})
	}
	for _, v := range t.VAT {
		d.Rates = append(d.Rates, RateTotal{Rate: v.Rate, Net: v.Base - v.VAT, VAT: v.VAT, Gross: v.Base})
	}
	if g := o.GiftCard; g != nil && g.Amount > 0 {
		d.Payments = []Payment{{Label: fmt.Sprintf(w["gift_paid"], g.Last4), Amount: g.Amount}}
		if o.Due() > 0 {
			d.Payments = append(d.Payments, Payment{Label: w["provider_paid"], Amount: o.Due()})
		}
	}
	d.sum()
	if d.Total != o.Total() {
		return nil, fmt.Errorf("invoice of order %s: the VAT lines add up to %s, the order to %s",
			o.ID, money.Format(d.Total, o.Currency), money.Format(o.Total(), o.Currency))
	}
	return d, nil
}

// CreditNote builds the credit note of refund id of the order: negative
// amounts, split over the VAT rates as the refund pays back (refunded items
// at their own rate, refunded shipping as it was split, any other amount in
// proportion to the invoice), referring to the invoice.
func CreditNote(o *order.Order, refundID string, shop catalog.Shop) (*Document, error) {
	r := o.RefundByID(refundID)
	if r == nil {
		return nil, fmt.Errorf("credit note of order %s: no refund %s", o.ID, refundID)
	}
	if o.InvoiceNumber == "" {
		return nil, fmt.Errorf("credit note of order %s: %w", o.ID, ErrNotInvoiced)
	}
	if r.CreditNote == "" {
		return nil, fmt.Errorf("credit note of refund %s: not numbered (the provider has not taken the refund)", refundID)
	}
	w := wordsFor(o.Lang)
	d := &Document{Kind: KindCreditNote, Number: r.CreditNote, Date: r.CreditNoteDate, DeliveryDate: deliveryDate(o),
		OrderID: o.ID, Refers: o.InvoiceNumber, Lang: lang(o.Lang), Currency: o.Currency, Seller: seller(shop),
		Buyer: buyer(o.Customer), ReverseCharge: o.Totals.ReverseCharge, PaymentRef: r.ProviderID}
	split := SplitRefund(o, *r)
	rates := map[string]int{}
	for _, l := range o.Lines {
		rates[l.SKU] = l.VATRate
	}
	var items money.Amount
	for _, l := range r.Lines {
		items += l.Total()
		d.Lines = append(d.Lines, Line{Quantity: -l.Quantity, Description: describe(l.Title, l.Variant),
			UnitPrice: l.UnitPrice, Total: -l.Total(), VATRate: rates[l.SKU]})
	}
	if r.Shipping != 0 {
		d.Lines = append(d.Lines, Line{Quantity: -1, Description: w["shipping"] + ": " + o.Totals.ShippingName,
			UnitPrice: r.Shipping, Total: -r.Shipping, VATRate: -1})
	}
	if rest := r.Amount - items - r.Shipping; rest != 0 {
		d.Lines = append(d.Lines, Line{Quantity: 1, Description: w["refund"] + " " + r.ID + reason(w, r.Reason),
			UnitPrice: -rest, Total: -rest, VATRate: -1})
	}
	for _, rate := range sortedRates(split) {
		g := -split[rate]
		v := cart.IncludedVAT(g, rate)
		d.Rates = append(d.Rates, RateTotal{Rate: rate, Net: g - v, VAT: v, Gross: g})
	}
	d.sum()
	return d, nil
}

func reason(w map[string]string, r string) string {
	if r == "" {
		return ""
	}
	if t, ok := w["reason."+r]; ok {
		return " (" + t + ")"
	}
	return " (" + r + ")"
}

// SplitRefund is the refund's amount per VAT rate of the order, adding up
// to the refund exactly: each refunded item at its line's rate (what it
// cost after a discount code and points, cart.PaidFor), refunded
// shipping over the rates the shipping was split over, and what is left
// (a refund by amount, a discount not given back) in proportion to the
// invoice's amounts per rate.
func SplitRefund(o *order.Order, r order.Refund) map[int]money.Amount {
	out := map[int]money.Amount{}
	rates := map[string]int{}
	for _, l := range o.Lines {
		rates[l.SKU] = l.VATRate
	}
	var items money.Amount
	for _, l := range r.Lines {
		// What the line cost after its discounts (a code for it, points):
		// a discount not given back stays at the line's own rate.
		paid := o.Totals.PaidFor(map[string]money.Amount{l.SKU: l.Total()})
		out[rates[l.SKU]] += paid
		items += paid
	}
	if r.Shipping != 0 {
		by := map[int]money.Amount{}
		for _, v := range o.Totals.ShippingVAT {
			by[v.Rate] += v.Base
		}
		if len(by) == 0 {
			by[o.Totals.ShippingVATRate] = o.Totals.Shipping
		}
		for rate, a := range Proportion(r.Shipping, by) {
			out[rate] += a
		}
	}
	if rest := r.Amount - items - r.Shipping; rest != 0 {
		by := map[int]money.Amount{}
		for _, v := range o.Totals.VAT {
			by[v.Rate] += v.Base
		}
		if len(by) == 0 {
			by[0] = 1
		}
		for rate, a := range Proportion(rest, by) {
			out[rate] += a
		}
	}
	for rate, a := range out {
		if a == 0 {
			delete(out, rate)
		}
	}
	return out
}

// Proportion splits amount over the keys of weights in proportion to them
// (largest remainder: the parts add up to amount exactly; when amount
// equals the sum of the weights, each part is its weight).
func Proportion(amount money.Amount, weights map[int]money.Amount) map[int]money.Amount {
	var total int64
	keys := sortedRates(weights)
	for _, k := range keys {
		total += int64(weights[k])
	}
	out := map[int]money.Amount{}
	if total == 0 || len(keys) == 0 {
		k := 0
		if len(keys) > 0 {
			k = keys[len(keys)-1]
		}
		out[k] = amount
		return out
	}
	type rem struct {
		key int
		r   int64
	}
	var rems []rem
	var given money.Amount
	for _, k := range keys {
		num := int64(amount) * int64(weights[k])
		q := num / total // truncates toward zero
		out[k] = money.Amount(q)
		given += money.Amount(q)
		r := num % total
		if r < 0 {
			r = -r
		}
		rems = append(rems, rem{k, r})
	}
	sort.SliceStable(rems, func(i, j int) bool { return rems[i].r > rems[j].r })
	left := amount - given
	step := money.Amount(1)
	if left < 0 {
		step = -1
	}
	for i := 0; left != 0; i = (i + 1) % len(rems) {
		out[rems[i].key] += step
		left -= step
	}
	return out
}

func (d *Document) sum() {
	d.Net, d.VAT, d.Total = 0, 0, 0
	for _, r := range d.Rates {
		d.Net += r.Net
		d.VAT += r.VAT
		d.Total += r.Gross
	}
}

func describe(title, variant string) string {
	if variant != "" {
		return title + " (" + variant + ")"
	}
	return title
}

func lang(l string) string {
	if l == "en" {
		return "en"
	}
	return "nl"
}

func sortedRates[V any](m map[int]V) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// CountryName is the country in the document's language, for the few
// countries a Dutch shop sells to; the ISO code otherwise.
func CountryName(code, lang string) string {
	code = strings.ToUpper(code)
	if n, ok := countries[code]; ok {
		if lang == "en" {
			return n[1]
		}
		return n[0]
	}
	return code
}

var countries = map[string][2]string{
	"NL": {"Nederland", "Netherlands"}, "BE": {"België", "Belgium"}, "DE": {"Duitsland", "Germany"},
	"FR": {"Frankrijk", "France"}, "LU": {"Luxemburg", "Luxembourg"}, "AT": {"Oostenrijk", "Austria"},
	"DK": {"Denemarken", "Denmark"}, "ES": {"Spanje", "Spain"}, "IT": {"Italië", "Italy"},
	"SE": {"Zweden", "Sweden"}, "IE": {"Ierland", "Ireland"}, "PL": {"Polen", "Poland"},
}
