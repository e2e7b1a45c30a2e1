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

// afterWords are the words under "mail.after." in the translation source.
const afterWords = "mail.after."

type afterData struct {
	AfterSale
	W                  map[string]string
	Hello, Intro, When string
	Quest, Cost, Extra string
}

// AfterSaleMail renders one after-sale e-mail (text and HTML). Every value
// is escaped in the HTML part.
func AfterSaleMail(a AfterSale) (subject, text, html string, err error) {
	w := sectionWords(afterWords, a.Lang)
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
