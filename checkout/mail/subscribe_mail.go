package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	gomail "github.com/wneessen/go-mail"
)

// setUnsubscribe sets List-Unsubscribe (RFC 2369) and, when the first link
// is https, List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058), so
// mail programs can unsubscribe with one click and no page. An http link
// (a local demo) is advertised without the one-click header, as RFC 8058
// demands https.
func setUnsubscribe(msg *gomail.Msg, links []string) {
	if len(links) == 0 {
		return
	}
	if err := msg.SetListUnsubscribeOneClick(links[0], links[1:]...); err != nil {
		msg.SetListUnsubscribe(links...)
	}
}

// SubscribeConfirm is the double opt-in e-mail: the only e-mail sent before
// the subscriber confirms.
type SubscribeConfirm struct {
	Lang       string
	ShopName   string
	Label      string // what is followed ("Koffie")
	ConfirmURL string
}

// DigestMail is one subscriber's digest of new arrivals.
type DigestMail struct {
	Lang           string
	ShopName       string
	Sections       []DigestSection
	UnsubscribeURL string // ends every subscription of the address
}

// DigestSection is one followed category or maker.
type DigestSection struct {
	Label          string
	Products       []DigestProduct
	UnsubscribeURL string // ends only this one
}

// DigestProduct is one new product.
type DigestProduct struct {
	Title string
	URL   string // absolute
	Price string // formatted, "vanaf"/"from" included when needed
}

// subWords are the words under "mail.sub." in the translation source.
const subWords = "mail.sub."

func subWordsFor(lang string) map[string]string { return sectionWords(subWords, lang) }

// Render renders the double opt-in e-mail.
func (c SubscribeConfirm) Render() (subject, text, html string, err error) {
	w := subWordsFor(c.Lang)
	c.ConfirmURL = LangLink(c.ConfirmURL, c.Lang)
	subject = fmt.Sprintf(w["confirm.subject"], c.Label, c.ShopName)
	d := map[string]any{"C": c, "P1": fmt.Sprintf(w["confirm.p1"], c.ShopName, c.Label), "P2": w["confirm.p2"], "P3": w["confirm.p3"]}
	text, html, err = renderPair(confirmText, confirmHTML, d)
	return subject, text, html, err
}

// Render renders the digest.
func (d DigestMail) Render() (subject, text, html string, err error) {
	w := subWordsFor(d.Lang)
	d.UnsubscribeURL = LangLink(d.UnsubscribeURL, d.Lang)
	d.Sections = append([]DigestSection(nil), d.Sections...)
	for i := range d.Sections {
		d.Sections[i].UnsubscribeURL = LangLink(d.Sections[i].UnsubscribeURL, d.Lang)
	}
	var labels []string
	for _, s := range d.Sections {
		labels = append(labels, s.Label)
	}
	subject = fmt.Sprintf(w["digest.subject"], d.ShopName, strings.Join(labels, ", "))
	data := map[string]any{"D": d, "W": w}
	text, html, err = renderPair(digestText, digestHTML, data)
	return subject, text, html, err
}

func renderPair(tt *texttemplate.Template, ht *htmltemplate.Template, data any) (string, string, error) {
	var tb, hb bytes.Buffer
	if err := tt.Execute(&tb, data); err != nil {
		return "", "", fmt.Errorf("render %s: %w", tt.Name(), err)
	}
	if err := ht.Execute(&hb, data); err != nil {
		return "", "", fmt.Errorf("render %s: %w", ht.Name(), err)
	}
	return tb.String(), hb.String(), nil
}

var subFuncs = map[string]any{"stop": func(w map[string]string, label string) string { return fmt.Sprintf(w["digest.stop"], label) }}

var confirmText = texttemplate.Must(texttemplate.New("confirm text").Parse(textFile("subscribe-confirm.txt")))

var confirmHTML = htmltemplate.Must(htmltemplate.New("confirm html").Parse(htmlFile("subscribe-confirm.html")))

var digestText = texttemplate.Must(texttemplate.New("digest text").Funcs(subFuncs).Parse(textFile("digest.txt")))

var digestHTML = htmltemplate.Must(htmltemplate.New("digest html").Funcs(subFuncs).Parse(htmlFile("digest.html")))
