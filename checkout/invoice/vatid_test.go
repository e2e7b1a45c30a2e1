package invoice

import (
	"bytes"
	"encoding/csv"
	"errors"
	"testing"

	"github.com/storefront/storefront/checkout/order"
)

func TestCheckVATID(t *testing.T) {
	good := map[string]string{
		"NL004495445B01": "NL", "nl 0044.95.445.B01": "NL", "BE0123456749": "BE", "DE123456789": "DE",
		"ATU12345678": "AT", "FRXX123456789": "FR", "EL123456789": "GR", "ESX1234567X": "ES",
		"IE1234567WA": "IE", "SE123456789001": "SE",
	}
	for id, co := range good {
		if _, err := CheckVATID(id, co); err != nil {
			t.Errorf("%s (%s): %v", id, co, err)
		}
	}
	bad := map[string]string{
		"NL004495445": "NL", "BE2123456749": "BE", "DE12345678": "DE", "NL004495445B01": "BE",
		"GR123456789": "GR", "SE123456789002": "SE", "": "DE",
	}
	for id, co := range bad {
		if _, err := CheckVATID(id, co); !errors.Is(err, ErrVATFormat) {
			t.Errorf("%q (%s) accepted: %v", id, co, err)
		}
	}
	if _, err := CheckVATID("GB123456789", "GB"); !errors.Is(err, ErrVATCountry) {
		t.Errorf("GB: %v", err)
	}
	if !ReverseCharge(true, "NL", "BE", "BE 0123.456.749") || ReverseCharge(false, "NL", "BE", "BE0123456749") ||
		ReverseCharge(true, "NL", "NL", "NL004495445B01") || ReverseCharge(true, "NL", "BE", "BE12") {
		t.Error("ReverseCharge decides wrongly")
	}
}

// TestCSV: one line per document, amounts per rate in columns, customer
// text that a spreadsheet would run as a formula is defused.
func TestCSV(t *testing.T) {
	cat := testCatalog(t)
	o := paidOrder(t, cat, order.Customer{Name: "=HYPERLINK(1)", Email: "a@example.nl", Country: "NL"}, "postnl", false,
		"BOEK-001", 1, "MOLEN-1", 1)
	r, _ := o.AddRefund(order.Refund{Amount: 500, Reason: "owner"}, "admin", t0)
	o.Refunds[0].Status, o.Refunds[0].CreditNote, o.Refunds[0].CreditNoteDate = order.RefundRefunded, "2026-00043", t0
	inv, _ := FromOrder(o, cat.Shop)
	cn, err := CreditNote(o, r.ID, cat.Shop)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, []*Document{inv, cn}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"number", "date", "customer", "net_9", "vat_9", "net_21", "vat_21", "net_total", "vat_total", "total"} {
		if _, ok := col[h]; !ok {
			t.Errorf("no column %s in %v", h, rows[0])
		}
	}
	if rows[1][col["number"]] != "2026-00042" || rows[1][col["total"]] != "93.95" || rows[1][col["date"]] != "2026-11-26" {
		t.Errorf("invoice row %v", rows[1])
	}
	if rows[1][col["customer"]] != "'=HYPERLINK(1)" {
		t.Errorf("formula not defused: %q", rows[1][col["customer"]])
	}
	if rows[2][col["kind"]] != "credit_note" || rows[2][col["refers_to"]] != "2026-00042" || rows[2][col["total"]] != "-5.00" {
		t.Errorf("credit note row %v", rows[2])
	}
}
