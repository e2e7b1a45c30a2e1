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
	WithdrawalDays    int    // max(14, the shop's return window)
	ReturnURL         string // the self-service return form of this order
	WithdrawalFormURL string // the model withdrawal form page
	TermsURL          string // the terms (algemene voorwaarden)
	InvoiceNumber     string // set when the invoice PDF is attached
}

// LegalWords holds the phrases of the legal block per language. The
// order page uses them too, so both say the same.
var LegalWords = map[string]map[string]string{
	"nl": {
		"title":      "Wie wij zijn en wat je rechten zijn",
		"kvk":        "KvK",
		"vat_id":     "Btw-id",
		"total":      "Het totaalbedrag van %s is inclusief btw en alle kosten (ook verzending).",
		"withdrawal": "Bedenktijd: je mag je bestelling binnen %d dagen na ontvangst zonder opgave van reden herroepen (de wet geeft 14 dagen).",
		"how":        "Zo gebruik je dat recht: meld je retour aan via je bestelling (%s), of stuur ons het modelformulier voor herroeping (%s) of een ander duidelijk bericht.",
		"terms":      "Op je bestelling zijn onze algemene voorwaarden van toepassing: %s",
		"invoice":    "Je factuur %s zit als PDF bij deze e-mail.",
		"return":     "retour aanmelden",
		"form":       "modelformulier",
		"terms_link": "algemene voorwaarden",
	},
	"en": {
		"title":      "Who we are and your rights",
		"kvk":        "Chamber of Commerce (KvK)",
		"vat_id":     "VAT ID",
		"total":      "The total of %s includes VAT and all costs (shipping too).",
		"withdrawal": "Right of withdrawal: you may withdraw from your order within %d days of receiving it without giving a reason (the law gives 14 days).",
		"how":        "To use it: register your return from your order (%s), or send us the model withdrawal form (%s) or any other clear statement.",
		"terms":      "Our terms and conditions apply to your order: %s",
		"invoice":    "Your invoice %s is attached to this e-mail as a PDF.",
		"return":     "register a return",
		"form":       "model withdrawal form",
		"terms_link": "terms and conditions",
	},
}

type legalData struct {
	*Legal
	W map[string]string
}

var legalFuncs = map[string]any{"f": fmt.Sprintf}

func init() {
	texttemplate.Must(textTmpl.New("legal-text").Funcs(legalFuncs).Parse(`{{$w := .LegalW}}{{with .Legal}}
{{$w.title}}:
{{.ShopName}}{{range .Address}}, {{.}}{{end}}
{{.Email}}{{with .Phone}} · {{.}}{{end}}
{{$w.kvk}} {{.KvK}} · {{$w.vat_id}} {{.VATID}}
{{f $w.total .Total}}
{{f $w.withdrawal .WithdrawalDays}}
{{f $w.how .ReturnURL .WithdrawalFormURL}}
{{f $w.terms .TermsURL}}
{{with .InvoiceNumber}}{{f $w.invoice .}}
{{end}}{{end}}`))
	htmltemplate.Must(htmlTmpl.New("legal-html").Funcs(legalFuncs).Parse(`{{$w := .LegalW}}{{with .Legal}}<h2 style="font-size:1.1rem">{{$w.title}}</h2>
<p style="font-size:.9em">{{.ShopName}}<br>{{range .Address}}{{.}}<br>{{end}}<a href="mailto:{{.Email}}">{{.Email}}</a>{{with .Phone}} · {{.}}{{end}}<br>{{$w.kvk}} {{.KvK}} · {{$w.vat_id}} {{.VATID}}</p>
<p style="font-size:.9em">{{f $w.total .Total}}</p>
<p style="font-size:.9em">{{f $w.withdrawal .WithdrawalDays}} <a href="{{.ReturnURL}}">{{$w.return}}</a> · <a href="{{.WithdrawalFormURL}}">{{$w.form}}</a></p>
<p style="font-size:.9em"><a href="{{.TermsURL}}">{{$w.terms_link}}</a></p>
{{with .InvoiceNumber}}<p style="font-size:.9em">{{f $w.invoice .}}</p>{{end}}{{end}}`))
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
