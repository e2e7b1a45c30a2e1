package mail

import (
	"embed"

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
	Address      []string // lines of the delivery address (none: nothing is shipped)
	Lines        []SummaryLine
	Subtotal     string
	ShippingName string // empty: nothing is shipped (gift cards only), no shipping line
	Shipping     string
	VAT          []SummaryVAT
	Total        string
	Steps        []SummaryStep
	TrackingURL  string
	// Pickup names where the customer collects the order (a pickup
	// method); empty when a carrier brings it.
	Pickup      string
	GiftNote    string        // the customer's gift note, shown in the confirmation
	Adjustments []SummaryLine // discounts such as loyalty points (Title, Total)
	Points      string        // what the order does with loyalty points, in words
	Legal       *Legal        // the distance-sale information (confirmation only; legal.go)
	// Payments are tenders under the total: a gift card and the rest
	// paid at the provider (Title, Total); empty when the provider got all.
	Payments []SummaryLine
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

// templateFiles are the e-mails' templates: templates/<name>.txt for the
// plain text part, .html for the HTML part (see docs/theme.md).
//
//go:embed templates
var templateFiles embed.FS

// textFile is an embedded plain-text template.
func textFile(name string) string {
	b, err := templateFiles.ReadFile("templates/" + name)
	if err != nil {
		panic(fmt.Sprintf("mail template %s: %v", name, err))
	}
	return string(b)
}

// htmlFile is an embedded HTML template with the "body-tag" template
// (templates/body-tag.html) that opens every HTML e-mail's body.
func htmlFile(name string) string {
	return textFile(name) + `{{define "body-tag"}}` + bodyTag + `{{end}}`
}

// bodyTag opens the body of every HTML e-mail: one readable column in
// inline style, since mail clients drop style sheets (templates/body-tag.html).
var bodyTag = strings.TrimSpace(textFile("body-tag.html"))

// sectionWords is the words under prefix in the shared translation source
// (the theme's i18n files, package words) in lang, Dutch for what lang lacks.
func sectionWords(prefix, lang string) map[string]string { return words.Section(lang, prefix) }

func wordsFor(lang string) map[string]string { return sectionWords(mailWords, lang) }

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

// Shipped renders the e-mail sent when the order leaves: with the
// tracking link when there is one; for an order collected at the shop it
// says the order is ready there (no carrier, no parcel to follow).
func Shipped(s Summary) (subject, text, html string, err error) {
	w := wordsFor(s.Lang)
	switch {
	case s.Pickup != "":
		subject = fmt.Sprintf(w["ready.subject"], s.Number)
		text, html, err = render(s, "ready", fmt.Sprintf(w["ready.intro"], s.Pickup))
	case s.TrackingURL == "":
		subject = fmt.Sprintf(w["shipped.subject"], s.Number)
		text, html, err = render(s, "shipped", w["shipped.intro_untracked"])
	default:
		subject = fmt.Sprintf(w["shipped.subject"], s.Number)
		text, html, err = render(s, "shipped", w["shipped.intro"])
	}
	return subject, text, html, err
}

func render(s Summary, kind, intro string) (string, string, error) {
	s.OrderURL = LangLink(s.OrderURL, s.Lang)
	if s.Legal != nil {
		l := *s.Legal
		l.ReturnURL = LangLink(l.ReturnURL, s.Lang)
		s.Legal = &l
	}
	w := wordsFor(s.Lang)
	d := mailData{Summary: s, LegalW: LegalWords(s.Lang), Kind: kind, W: w, Hello: fmt.Sprintf(w["confirm.hello"], s.CustomerName),
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
	"pad": pad,
}

// pad is s widened with spaces to n runes for the text e-mails' columns,
// and always followed by at least one space, so a long label never runs
// into its amount ("Shipping (PostNL Belgium) €7.95").
func pad(s string, n int) string {
	return s + strings.Repeat(" ", max(1, n-len([]rune(s))))
}

var textTmpl = texttemplate.Must(texttemplate.New("text").Funcs(funcs).Parse(textFile("order.txt")))

var htmlTmpl = htmltemplate.Must(htmltemplate.New("html").Funcs(funcs).Parse(htmlFile("order.html")))
