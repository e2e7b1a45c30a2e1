package mail

import (
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"

	"github.com/storefront/storefront/checkout/words"
)

// PointsLink is the e-mail with the link to a customer's points and data
// page (sent only when they ask for it on the shop's points page).
type PointsLink struct {
	Lang     string
	ShopName string
	URL      string // the token link
	Days     int    // how long the link works
}

// pointsWords are the words under "mail.points." in the translation source.
const pointsWords = "mail.points."

// Render renders the e-mail.
func (p PointsLink) Render() (subject, text, html string, err error) {
	w := sectionWords(pointsWords, p.Lang)
	p.URL = LangLink(p.URL, p.Lang)
	subject = fmt.Sprintf(w["subject"], p.ShopName)
	d := map[string]any{"P": p, "P1": fmt.Sprintf(w["p1"], p.ShopName), "P2": words.F(p.Lang, pointsWords+"p2", p.Days), "P3": w["p3"]}
	text, html, err = renderPair(pointsText, pointsHTML, d)
	return subject, text, html, err
}

var pointsText = texttemplate.Must(texttemplate.New("points text").Parse(textFile("points.txt")))

var pointsHTML = htmltemplate.Must(htmltemplate.New("points html").Parse(htmlFile("points.html")))
