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
	// A refund of an order a gift card paid part of goes back to the card
	// first (docs/giftcards.md): ToCard is what went back on card CardLast4,
	// ToBank what the provider pays back; Amount is both. Empty: no card.
	ToCard, CardLast4, ToBank string
}

// afterWords are the words under "mail.after." in the translation source.
const afterWords = "mail.after."

type afterData struct {
	AfterSale
	W                  map[string]string
	Hello, Intro, When string
	Quest, Cost, Extra string
	Split              []string // where a refund went: the card, the bank
}

// AfterSaleMail renders one after-sale e-mail (text and HTML). Every value
// is escaped in the HTML part.
func AfterSaleMail(a AfterSale) (subject, text, html string, err error) {
	w := sectionWords(afterWords, a.Lang)
	a.OrderURL = LangLink(a.OrderURL, a.Lang)
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
		if a.ToCard != "" {
			d.Split = append(d.Split, fmt.Sprintf(w["refund.to_card"], a.ToCard, a.CardLast4))
			d.When = "" // nothing goes to the bank, or the next line says when
			if a.ToBank != "" {
				d.Split = append(d.Split, fmt.Sprintf(w["refund.to_bank"], a.ToBank))
			}
		}
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

var afterText = texttemplate.Must(texttemplate.New("after").Parse(textFile("after-sale.txt")))

var afterHTML = htmltemplate.Must(htmltemplate.New("after").Parse(htmlFile("after-sale.html")))
