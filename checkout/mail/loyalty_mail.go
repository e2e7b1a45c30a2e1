package mail

import (
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
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
	subject = fmt.Sprintf(w["subject"], p.ShopName)
	d := map[string]any{"P": p, "P1": fmt.Sprintf(w["p1"], p.ShopName), "P2": fmt.Sprintf(w["p2"], p.Days), "P3": w["p3"]}
	text, html, err = renderPair(pointsText, pointsHTML, d)
	return subject, text, html, err
}

var pointsText = texttemplate.Must(texttemplate.New("points text").Parse(`{{.P1}}

{{.P.URL}}

{{.P2}}

{{.P3}}

{{.P.ShopName}}
`))

var pointsHTML = htmltemplate.Must(htmltemplate.New("points html").Parse(`<!DOCTYPE html>
<html lang="{{.P.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{.P.ShopName}}</title></head>
` + bodyTag + `
<p>{{.P1}}</p>
<p><a href="{{.P.URL}}" style="font-weight:bold">{{.P.URL}}</a></p>
<p>{{.P2}}</p>
<p style="color:#666">{{.P3}}</p>
<p>{{.P.ShopName}}</p>
</body></html>
`))
