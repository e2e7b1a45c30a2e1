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

var pointsWords = map[string]map[string]string{
	"nl": {
		"subject": "Je spaarpunten en gegevens bij %s",
		"p1":      "Je vroeg om een link naar je spaarpunten en de gegevens die %s van je heeft. Hier is hij:",
		"p2":      "De link werkt %d dagen. Met deze link kun je ook je punten gebruiken bij het afrekenen en je gegevens laten verwijderen.",
		"p3":      "Niet gevraagd? Dan hoef je niets te doen; zonder de link kan niemand je punten zien of gebruiken.",
	},
	"en": {
		"subject": "Your points and data at %s",
		"p1":      "You asked for a link to your loyalty points and the data %s holds about you. Here it is:",
		"p2":      "The link works for %d days. With it you can also use your points at checkout and have your data deleted.",
		"p3":      "Didn't ask? Then do nothing; without the link nobody can see or use your points.",
	},
}

// Render renders the e-mail.
func (p PointsLink) Render() (subject, text, html string, err error) {
	w := langWords(pointsWords, p.Lang)
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
