package store

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/order"
)

// Invoice numbering. Invoices and credit notes share one unbroken sequence
// per calendar year (in the shop's time zone): 2026-00001, 2026-00002, ...
// A number is taken with bbolt's bucket sequence inside the read-write
// transaction that marks the order paid (or in which the provider takes a
// refund) and is written to the invoices index in that same transaction:
// when the transaction rolls back, the sequence rolls back with it, so a
// number is never skipped; once committed it is never given again, whatever
// happens to the order later (a cancel or refund does not free it).
//
//	invoices   number -> InvoiceEntry
//	sequence   invoice-YEAR -> bbolt sequence

var bucketInvoices = []byte("invoices")

// Document kinds in the invoices index.
const (
	DocInvoice    = "invoice"
	DocCreditNote = "credit_note"
)

// InvoiceEntry is one numbered document in the invoices index.
type InvoiceEntry struct {
	Number   string    `json:"number"`
	Kind     string    `json:"kind"` // invoice, credit_note
	OrderID  string    `json:"order_id"`
	RefundID string    `json:"refund_id,omitempty"` // for a credit note
	Date     time.Time `json:"date"`
}

// location is the shop's time zone (the catalog's delivery rules), for the
// year of an invoice number; the process's zone without a catalog.
func (s *core) location() *time.Location {
	if s.opts.Catalog != nil {
		if cat := s.opts.Catalog(); cat != nil && cat.Delivery.Timezone != "" {
			if loc, err := time.LoadLocation(cat.Delivery.Timezone); err == nil {
				return loc
			}
		}
	}
	return time.Local
}

// nextInvoiceNumber takes the next number of year's sequence.
func nextInvoiceNumber(tx *bolt.Tx, year int) (string, error) {
	b, err := tx.Bucket(bucketSequence).CreateBucketIfNotExists([]byte("invoice-" + strconv.Itoa(year)))
	if err != nil {
		return "", err
	}
	n, err := b.NextSequence()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d-%05d", year, n), nil
}

// numberDocuments gives o its invoice number when it became paid in this
// transaction (prev is the state it had), and a credit note number to each
// refund the provider has taken that has none; it indexes them. Called by
// UpdateOrder and UpdateAfterSale before the order is stored.
func (s *core) numberDocuments(tx *bolt.Tx, o *order.Order, prev order.State) error {
	needed := o.InvoiceNumber == "" && o.State == order.Paid && prev != order.Paid
	for _, r := range o.Refunds {
		needed = needed || o.NeedsCreditNote(r)
	}
	if !needed {
		return nil // the common case: no time zone to load, no bucket to touch
	}
	now := s.opts.Now().In(s.location())
	idx, err := tx.CreateBucketIfNotExists(bucketInvoices)
	if err != nil {
		return err
	}
	add := func(e InvoiceEntry) error {
		if idx.Get([]byte(e.Number)) != nil {
			return fmt.Errorf("invoice number %s is taken already", e.Number)
		}
		return putJSON(idx, e.Number, e)
	}
	if o.InvoiceNumber == "" && o.State == order.Paid && prev != order.Paid {
		n, err := nextInvoiceNumber(tx, now.Year())
		if err != nil {
			return fmt.Errorf("invoice number of order %s: %w", o.ID, err)
		}
		o.InvoiceNumber, o.InvoiceDate = n, now
		if err := add(InvoiceEntry{Number: n, Kind: DocInvoice, OrderID: o.ID, Date: now}); err != nil {
			return err
		}
	}
	for i := range o.Refunds {
		r := &o.Refunds[i]
		if !o.NeedsCreditNote(*r) {
			continue
		}
		n, err := nextInvoiceNumber(tx, now.Year())
		if err != nil {
			return fmt.Errorf("credit note number of refund %s: %w", r.ID, err)
		}
		r.CreditNote, r.CreditNoteDate = n, now
		if err := add(InvoiceEntry{Number: n, Kind: DocCreditNote, OrderID: o.ID, RefundID: r.ID, Date: now}); err != nil {
			return err
		}
	}
	return nil
}

// Invoices lists the numbered documents dated in [from, to), in number
// order (which is date order: numbers are given as time goes). A zero from
// or to does not limit.
func (s *Orders) Invoices(from, to time.Time) ([]InvoiceEntry, error) {
	var out []InvoiceEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketInvoices)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var e InvoiceEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("decode invoice %s: %w", k, err)
			}
			if !from.IsZero() && e.Date.Before(from) || !to.IsZero() && !e.Date.Before(to) {
				return nil
			}
			out = append(out, e)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list invoices: %w", err)
	}
	// Keys sort as text; 2026-100000 must come after 2026-99999.
	slices.SortStableFunc(out, func(a, b InvoiceEntry) int {
		if c := cmp.Compare(len(a.Number), len(b.Number)); c != 0 && a.Number[:4] == b.Number[:4] {
			return c
		}
		return strings.Compare(a.Number, b.Number)
	})
	return out, nil
}
