package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"

	gomail "github.com/wneessen/go-mail"
)

// Legal is what a distance sale must tell the buyer in the confirmation
// (art. 6:230m and 6:230v BW, Directive 2011/83/EU): who the shop is and
// how to reach it, the total with all costs, the right of withdrawal (14
// days by law, the shop's own window when longer) and how to use it, the
// model withdrawal form and the terms. The server fills it from the
// catalog; the order page shows the same.
type Legal struct {
	ShopName          string
	Address           []string // the shop's postal address, in lines
	Email             string
	Phone             string
	KvK               string
	VATID             string
	Total             string // the order's total, all costs included
	ReverseCharge     bool   // Total is without VAT: reverse charged to a business buyer
	WithdrawalDays    int    // max(14, the shop's return window)
	ReturnURL         string // the self-service return form of this order
	WithdrawalFormURL string // the model withdrawal form page
	TermsURL          string // the terms (algemene voorwaarden)
	InvoiceNumber     string // set when the invoice PDF is attached
}

// LegalWords is the legal block's words in lang (keys "mail.legal.*" in
// the theme's i18n files). The order page uses them too, so both say the
// same.
func LegalWords(lang string) map[string]string { return sectionWords("mail.legal.", lang) }

var legalFuncs = map[string]any{"f": fmt.Sprintf}

func init() {
	texttemplate.Must(textTmpl.New("legal-text").Funcs(legalFuncs).Parse(textFile("legal.txt")))
	htmltemplate.Must(htmlTmpl.New("legal-html").Funcs(legalFuncs).Parse(textFile("legal.html")))
}

// Attachment is a file sent with a message (the invoice PDF).
type Attachment struct {
	Name        string // file name shown to the reader
	ContentType string // e.g. application/pdf
	Data        []byte
}

// attach adds m's attachments to msg.
func attach(msg *gomail.Msg, atts []Attachment) error {
	for _, a := range atts {
		ct := gomail.ContentType(a.ContentType)
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(ct)); err != nil {
			return fmt.Errorf("attach %s: %w", a.Name, err)
		}
	}
	return nil
}
