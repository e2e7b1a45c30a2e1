package invoices

import (
	"testing"

	"github.com/storefront/storefront/checkout/invoice"
)

// TestPDFName: the file name is in the document's language and kind.
func TestPDFName(t *testing.T) {
	for _, c := range []struct {
		kind invoice.Kind
		lang string
		want string
	}{
		{invoice.KindInvoice, "nl", "factuur-2026-00001.pdf"},
		{invoice.KindInvoice, "en", "invoice-2026-00001.pdf"},
		{invoice.KindCreditNote, "nl", "creditnota-2026-00001.pdf"},
		{invoice.KindCreditNote, "en", "credit-note-2026-00001.pdf"},
	} {
		if got := pdfName(&invoice.Document{Kind: c.kind, Lang: c.lang, Number: "2026-00001"}); got != c.want {
			t.Errorf("pdfName(%s, %s) = %q, want %q", c.kind, c.lang, got, c.want)
		}
	}
}
