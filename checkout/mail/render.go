package mail

import (
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
	Legal        *Legal        // the distance-sale information (confirmation only; legal.go)
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
var words = map[string]map[string]string{
	"nl": {
		"confirm.subject": "Bevestiging van je bestelling %s bij %s",
		"confirm.hello":   "Hallo %s,",
		"confirm.intro":   "Bedankt voor je bestelling. We hebben je betaling ontvangen. Dit heb je besteld:",
		"shipped.subject": "Je bestelling %s is onderweg",
		"shipped.intro":   "Je bestelling is verzonden. Volg je pakket hier:",
		"subtotal":        "Subtotaal",
		"shipping":        "Verzending",
		"vat":             "waarvan btw %d%%",
		"total":           "Totaal betaald",
		"next":            "Wat er nu gebeurt",
		"address":         "Bezorgadres",
		"link":            "Je bestelling volgen",
		"questions":       "Vragen? Beantwoord deze e-mail of schrijf naar %s.",
		"done":            "gedaan",
		"gift":            "Je cadeaubericht (komt bij het pakket)",
		"now":             "nu",
	},
	"en": {
		"confirm.subject": "Your order %s at %s is confirmed",
		"confirm.hello":   "Hello %s,",
		"confirm.intro":   "Thank you for your order. We have received your payment. This is what you ordered:",
		"shipped.subject": "Your order %s is on its way",
		"shipped.intro":   "Your order has been shipped. Follow your parcel here:",
		"subtotal":        "Subtotal",
		"shipping":        "Shipping",
		"vat":             "of which VAT %d%%",
		"total":           "Total paid",
		"next":            "What happens next",
		"address":         "Delivery address",
		"link":            "Follow your order",
		"questions":       "Questions? Reply to this e-mail or write to %s.",
		"done":            "done",
		"gift":            "Your gift note (goes in the parcel)",
		"now":             "now",
	},
}

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

func wordsFor(lang string) map[string]string { return langWords(words, lang) }

type mailData struct {
	Summary
	LegalW map[string]string // the legal block's words (legal.go)
	Kind   string
	W      map[string]string
	Hello  string
	Intro  string
	Quest  string
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
	d := mailData{Summary: s, LegalW: langWords(LegalWords, s.Lang), Kind: kind, W: w, Hello: fmt.Sprintf(w["confirm.hello"], s.CustomerName),
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
{{if and .Legal (eq .Kind "confirmation")}}{{template "legal-text" .}}{{end}}
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
{{if and .Legal (eq .Kind "confirmation")}}{{template "legal-html" .}}{{end}}
<p style="color:#666;font-size:.9em">{{.Quest}}<br>{{.ShopName}}</p>
</body></html>
`))
