package mail

import (
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
)

// BackInStock is the one e-mail of a back-in-stock alert; the alert ends
// with it.
type BackInStock struct {
	Lang     string
	ShopName string
	Title    string // product and variant
	URL      string // the product page, absolute
}

// Render renders the e-mail.
func (b BackInStock) Render() (subject, text, html string, err error) {
	w := sectionWords("mail.back.", b.Lang)
	subject = fmt.Sprintf(w["subject"], b.Title)
	d := map[string]any{"B": b, "P1": fmt.Sprintf(w["p1"], b.Title), "P2": w["p2"]}
	text, html, err = renderPair(backText, backHTML, d)
	return subject, text, html, err
}

var backText = texttemplate.Must(texttemplate.New("back.txt").Parse(textFile("back.txt")))

var backHTML = htmltemplate.Must(htmltemplate.New("back.html").Parse(htmlFile("back.html")))
