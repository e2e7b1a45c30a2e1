package mail

import (
	"github.com/storefront/storefront/checkout/words"

	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

// Summary is what an order e-mail says; amounts and dates come formatted for
// the customer's language, so the e-mail matches the order page exactly.
type Summary struct {
	Lang         string // nl or en
	ShopName     string
	ShopEmail    string
	Number       string
	CustomerName string
	OrderURL     string
	Address      []string // lines of the delivery address
	Lines        []SummaryLine
	Subtotal     string
	ShippingName string
	Shipping     string
	VAT          []SummaryVAT
	Total        string
	Steps        []SummaryStep
	TrackingURL  string
	GiftNote     string        // the customer's gift note, shown in the confirmation
	Adjustments  []SummaryLine // discounts such as loyalty points (Title, Total)
	Points       string        // what the order does with loyalty points, in words
}

// SummaryLine is one ordered product.
type SummaryLine struct {
	Quantity int
	Title    string
	Variant  string
	Total    string
}

// SummaryVAT is the VAT included at one rate.
type SummaryVAT struct {
	Rate   int
	Amount string
}

// SummaryStep is one step of the plan with its date or expected date.
type SummaryStep struct {
	Label   string
	When    string // "26 november" or "verwacht 27–28 november"
	Done    bool
	Current bool
}

// words holds the fixed phrases of the e-mails per language.
// mailWords are the words under "mail." in the translation source.
const mailWords = "mail."

// bodyTag opens the body of every HTML e-mail: one readable column in
// inline style, since mail clients drop style sheets.
const bodyTag = `<body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#222;max-width:36rem;margin:0 auto;padding:1rem;line-height:1.5">`

// langWords is table's words in lang, or in Dutch (the shop's default)
// for a language it does not hold.
func langWords(table map[string]map[string]string, lang string) map[string]string {
	if w, ok := table[lang]; ok {
		return w
	}
	return table["nl"]
}

// sectionWords is the words under prefix in the shared translation source
// (the theme's i18n files, package words) in lang, Dutch for what lang lacks.
func sectionWords(prefix, lang string) map[string]string { return words.Section(lang, prefix) }

func wordsFor(lang string) map[string]string { return sectionWords(mailWords, lang) }

type mailData struct {
	Summary
	Kind  string
	W     map[string]string
	Hello string
	Intro string
	Quest string
}

// Confirmation renders the order confirmation sent once the payment is paid.
func Confirmation(s Summary) (subject, text, html string, err error) {
	w := wordsFor(s.Lang)
	subject = fmt.Sprintf(w["confirm.subject"], s.Number, s.ShopName)
	text, html, err = render(s, "confirmation", w["confirm.intro"])
	return subject, text, html, err
}

// Shipped renders the e-mail with the tracking link.
func Shipped(s Summary) (subject, text, html string, err error) {
	w := wordsFor(s.Lang)
	subject = fmt.Sprintf(w["shipped.subject"], s.Number)
	text, html, err = render(s, "shipped", w["shipped.intro"])
	return subject, text, html, err
}

func render(s Summary, kind, intro string) (string, string, error) {
	w := wordsFor(s.Lang)
	d := mailData{Summary: s, Kind: kind, W: w, Hello: fmt.Sprintf(w["confirm.hello"], s.CustomerName),
		Intro: intro, Quest: fmt.Sprintf(w["questions"], s.ShopEmail)}
	var tb, hb bytes.Buffer
	if err := textTmpl.Execute(&tb, d); err != nil {
		return "", "", fmt.Errorf("render %s text: %w", kind, err)
	}
	if err := htmlTmpl.Execute(&hb, d); err != nil {
		return "", "", fmt.Errorf("render %s html: %w", kind, err)
	}
	return tb.String(), hb.String(), nil
}

var funcs = map[string]any{
	"vat": func(w map[string]string, rate int) string { return fmt.Sprintf(w["vat"], rate) },
	"pad": func(s string, n int) string {
		if len([]rune(s)) >= n {
			return s
		}
		return s + strings.Repeat(" ", n-len([]rune(s)))
	},
}

var textTmpl = texttemplate.Must(texttemplate.New("text").Funcs(funcs).Parse(`{{.Hello}}

{{.Intro}}
{{if eq .Kind "shipped"}}
{{.TrackingURL}}
{{end}}
{{.ShopName}} · {{.Number}}

{{range .Lines}}{{.Quantity}} × {{.Title}}{{if .Variant}} ({{.Variant}}){{end}}  {{.Total}}
{{end}}
{{pad .W.subtotal 24}}{{.Subtotal}}
{{pad (print .W.shipping " (" .ShippingName ")") 24}}{{.Shipping}}
{{range .Adjustments}}{{pad .Title 24}}{{.Total}}
{{end}}{{pad .W.total 24}}{{.Total}}
{{range .VAT}}  {{vat $.W .Rate}}: {{.Amount}}
{{end}}{{if .Points}}
{{.Points}}
{{end}}
{{.W.next}}:
{{range .Steps}}{{if .Done}}[x]{{else if .Current}}[>]{{else}}[ ]{{end}} {{.Label}}{{if .When}} · {{.When}}{{end}}
{{end}}
{{if .Address}}{{.W.address}}:
{{range .Address}}  {{.}}
{{end}}{{end}}{{if and .GiftNote (eq .Kind "confirmation")}}
{{.W.gift}}:
{{.GiftNote}}
{{end}}
{{.W.link}}: {{.OrderURL}}

{{.Quest}}
{{.ShopName}}
`))

var htmlTmpl = htmltemplate.Must(htmltemplate.New("html").Funcs(funcs).Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{.ShopName}} · {{.Number}}</title></head>
` + bodyTag + `
<p>{{.Hello}}</p>
<p>{{.Intro}}</p>
{{if eq .Kind "shipped"}}<p><a href="{{.TrackingURL}}" style="font-weight:bold">{{.TrackingURL}}</a></p>{{end}}
<h2 style="font-size:1.1rem">{{.ShopName}} · {{.Number}}</h2>
<table style="width:100%;border-collapse:collapse">
{{range .Lines}}<tr><td style="padding:.25rem 0">{{.Quantity}} × {{.Title}}{{if .Variant}} <span style="color:#666">({{.Variant}})</span>{{end}}</td><td style="text-align:right;white-space:nowrap">{{.Total}}</td></tr>
{{end}}<tr><td style="border-top:1px solid #ccc;padding-top:.25rem">{{.W.subtotal}}</td><td style="border-top:1px solid #ccc;text-align:right">{{.Subtotal}}</td></tr>
<tr><td>{{.W.shipping}} ({{.ShippingName}})</td><td style="text-align:right">{{.Shipping}}</td></tr>
{{range .Adjustments}}<tr><td>{{.Title}}</td><td style="text-align:right">{{.Total}}</td></tr>
{{end}}<tr><td><strong>{{.W.total}}</strong></td><td style="text-align:right"><strong>{{.Total}}</strong></td></tr>
{{range .VAT}}<tr><td style="color:#666;font-size:.9em">{{vat $.W .Rate}}</td><td style="text-align:right;color:#666;font-size:.9em">{{.Amount}}</td></tr>
{{end}}</table>
{{if .Points}}<p>{{.Points}}</p>{{end}}
<h2 style="font-size:1.1rem">{{.W.next}}</h2>
<ol style="padding-left:1.25rem">
{{range .Steps}}<li style="margin:.2rem 0{{if .Current}};font-weight:bold{{end}}{{if not (or .Done .Current)}};color:#666{{end}}">{{if .Done}}✓ {{end}}{{.Label}}{{if .When}} · {{.When}}{{end}}</li>
{{end}}</ol>
{{if .Address}}<h2 style="font-size:1.1rem">{{.W.address}}</h2>
<p>{{range $i, $l := .Address}}{{if $i}}<br>{{end}}{{$l}}{{end}}</p>{{end}}
{{if and .GiftNote (eq .Kind "confirmation")}}<h2 style="font-size:1.1rem">{{.W.gift}}</h2><p style="white-space:pre-line;font-style:italic">{{.GiftNote}}</p>{{end}}
<p><a href="{{.OrderURL}}">{{.W.link}}</a></p>
<p style="color:#666;font-size:.9em">{{.Quest}}<br>{{.ShopName}}</p>
</body></html>
`))
