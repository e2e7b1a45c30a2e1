package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
)

// After-sale e-mails: one per step of a return (requested, received,
// refunded), the refund of a canceled order, and the cancel itself.

// After-sale e-mail kinds (the same names as the mail queue's).
const (
	KindReturnRequested = "return_requested"
	KindReturnReceived  = "return_received"
	KindRefunded        = "refund_sent"
	KindCanceled        = "order_canceled"
)

// AfterSale is what an after-sale e-mail says; amounts and dates come
// formatted for the customer's language.
type AfterSale struct {
	Lang         string
	Kind         string
	ShopName     string
	ShopEmail    string
	Number       string
	CustomerName string
	OrderURL     string
	ReturnCode   string
	Lines        []SummaryLine // what goes back (Total may be empty)
	Address      string        // where the parcel goes
	Free         bool          // the shop pays the return postage
	Amount       string        // what comes back
	RefundDays   int
	Deadline     string // for a return request: send it before (empty: no need to say)
	Paid         bool   // for a cancel: whether a refund follows
	Steps        []SummaryStep
}

var afterWords = map[string]map[string]string{
	"nl": {
		"return_requested.subject": "Je retour %s: zo stuur je het terug",
		"return_requested.intro":   "We hebben je retour aangemeld. Zo gaat het verder:",
		"return_received.subject":  "We hebben je retour %s ontvangen",
		"return_received.intro":    "Je pakket is bij ons aangekomen. We betalen je zo snel mogelijk terug.",
		"refund_sent.subject":      "Je geld komt terug (%s)",
		"refund_sent.intro":        "We hebben je geld teruggestort.",
		"order_canceled.subject":   "Je bestelling %s is geannuleerd",
		"order_canceled.intro":     "Je bestelling is geannuleerd, zoals je vroeg.",
		"canceled.paid":            "Je krijgt het hele bedrag terug; je ontvangt een e-mail zodra de terugbetaling is verstuurd.",
		"canceled.unpaid":          "Er was nog niets betaald, dus je hoeft verder niets te doen.",
		"code":                     "Retourcode (schrijf hem op of in het pakket)",
		"address":                  "Stuur het pakket naar",
		"cost.free":                "Terugsturen is gratis: wij betalen de verzendkosten.",
		"cost.own":                 "De verzendkosten van het terugsturen zijn voor jou.",
		"amount":                   "Je krijgt terug",
		"when":                     "Binnen %d werkdagen nadat we het pakket hebben ontvangen staat het geld weer op je rekening.",
		"when.sent":                "Het staat meestal binnen een paar werkdagen op je rekening, op dezelfde manier als je betaalde.",
		"items":                    "Wat je terugstuurt",
		"steps":                    "Je retour",
		"link":                     "Je bestelling en retour volgen",
		"questions":                "Vragen? Beantwoord deze e-mail of schrijf naar %s.",
		"hello":                    "Hallo %s,",
	},
	"en": {
		"return_requested.subject": "Your return %s: how to send it back",
		"return_requested.intro":   "We have your return request. This is how it goes on:",
		"return_received.subject":  "We have received your return %s",
		"return_received.intro":    "Your parcel has arrived. We will refund you as soon as we can.",
		"refund_sent.subject":      "Your money is coming back (%s)",
		"refund_sent.intro":        "We have refunded your money.",
		"order_canceled.subject":   "Your order %s is canceled",
		"order_canceled.intro":     "Your order has been canceled, as you asked.",
		"canceled.paid":            "You get the full amount back; you will get an e-mail once the refund has been sent.",
		"canceled.unpaid":          "Nothing had been paid yet, so there is nothing else to do.",
		"code":                     "Return code (write it on or put it in the parcel)",
		"address":                  "Send the parcel to",
		"cost.free":                "Returning is free: we pay the postage.",
		"cost.own":                 "The postage of the return is yours to pay.",
		"amount":                   "You get back",
		"when":                     "The money is back on your account within %d working days after we receive the parcel.",
		"when.sent":                "It is usually on your account within a few working days, the same way you paid.",
		"items":                    "What you send back",
		"steps":                    "Your return",
		"link":                     "Follow your order and return",
		"questions":                "Questions? Reply to this e-mail or write to %s.",
		"hello":                    "Hello %s,",
	},
}

type afterData struct {
	AfterSale
	W                  map[string]string
	Hello, Intro, When string
	Quest, Cost, Extra string
}

// AfterSaleMail renders one after-sale e-mail (text and HTML). Every value
// is escaped in the HTML part.
func AfterSaleMail(a AfterSale) (subject, text, html string, err error) {
	w := langWords(afterWords, a.Lang)
	subjectKey := a.Kind + ".subject"
	if _, known := w[subjectKey]; !known {
		return "", "", "", fmt.Errorf("after-sale mail: unknown kind %q", a.Kind)
	}
	ref := a.ReturnCode
	if ref == "" || a.Kind == KindCanceled {
		ref = a.Number
	}
	if a.Kind == KindRefunded {
		ref = a.Amount
	}
	subject = fmt.Sprintf(w[subjectKey], ref)
	d := afterData{AfterSale: a, W: w, Hello: fmt.Sprintf(w["hello"], a.CustomerName), Intro: w[a.Kind+".intro"],
		Quest: fmt.Sprintf(w["questions"], a.ShopEmail)}
	switch a.Kind {
	case KindReturnRequested:
		d.When = fmt.Sprintf(w["when"], a.RefundDays)
		d.Cost = w["cost.own"]
		if a.Free {
			d.Cost = w["cost.free"]
		}
	case KindReturnReceived:
		d.When = fmt.Sprintf(w["when"], a.RefundDays)
	case KindRefunded:
		d.When = w["when.sent"]
	case KindCanceled:
		d.Extra = w["canceled.unpaid"]
		if a.Paid {
			d.Extra = w["canceled.paid"]
		}
	}
	var tb, hb bytes.Buffer
	if err := afterText.Execute(&tb, d); err != nil {
		return "", "", "", fmt.Errorf("render %s text: %w", a.Kind, err)
	}
	if err := afterHTML.Execute(&hb, d); err != nil {
		return "", "", "", fmt.Errorf("render %s html: %w", a.Kind, err)
	}
	return subject, tb.String(), hb.String(), nil
}

var afterText = texttemplate.Must(texttemplate.New("after").Parse(`{{.Hello}}

{{.Intro}}
{{if .Extra}}{{.Extra}}
{{end}}
{{.ShopName}} · {{.Number}}{{if .ReturnCode}} · {{.ReturnCode}}{{end}}
{{if .ReturnCode}}
{{.W.code}}: {{.ReturnCode}}
{{end}}{{if and (eq .Kind "return_requested") .Address}}{{.W.address}}:
  {{.Address}}
{{.Cost}}
{{end}}{{if .Lines}}
{{.W.items}}:
{{range .Lines}}  {{.Quantity}} × {{.Title}}{{if .Variant}} ({{.Variant}}){{end}}
{{end}}{{end}}{{if .Amount}}
{{.W.amount}}: {{.Amount}}
{{end}}{{if .When}}{{.When}}
{{end}}{{if .Steps}}
{{.W.steps}}:
{{range .Steps}}{{if .Done}}[x]{{else if .Current}}[>]{{else}}[ ]{{end}} {{.Label}}{{if .When}} · {{.When}}{{end}}
{{end}}{{end}}
{{.W.link}}: {{.OrderURL}}

{{.Quest}}
{{.ShopName}}
`))

var afterHTML = htmltemplate.Must(htmltemplate.New("after").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{.ShopName}} · {{.Number}}</title></head>
` + bodyTag + `
<p>{{.Hello}}</p>
<p>{{.Intro}}</p>
{{if .Extra}}<p>{{.Extra}}</p>{{end}}
{{if .ReturnCode}}<p>{{.W.code}}:<br><strong style="font-size:1.3em;letter-spacing:.05em">{{.ReturnCode}}</strong></p>{{end}}
{{if and (eq .Kind "return_requested") .Address}}<p>{{.W.address}}:<br><strong>{{.Address}}</strong></p><p>{{.Cost}}</p>{{end}}
{{if .Lines}}<h2 style="font-size:1.1rem">{{.W.items}}</h2><ul>{{range .Lines}}<li>{{.Quantity}} × {{.Title}}{{if .Variant}} <span style="color:#666">({{.Variant}})</span>{{end}}</li>{{end}}</ul>{{end}}
{{if .Amount}}<p>{{.W.amount}}: <strong>{{.Amount}}</strong></p>{{end}}
{{if .When}}<p>{{.When}}</p>{{end}}
{{if .Steps}}<h2 style="font-size:1.1rem">{{.W.steps}}</h2><ol style="padding-left:1.25rem">
{{range .Steps}}<li style="margin:.2rem 0{{if .Current}};font-weight:bold{{end}}{{if not (or .Done .Current)}};color:#666{{end}}">{{if .Done}}✓ {{end}}{{.Label}}{{if .When}} · {{.When}}{{end}}</li>
{{end}}</ol>{{end}}
<p><a href="{{.OrderURL}}">{{.W.link}}</a></p>
<p style="color:#666;font-size:.9em">{{.Quest}}<br>{{.ShopName}}</p>
</body></html>
`))
