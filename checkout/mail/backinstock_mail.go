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

var backWords = map[string]map[string]string{
	"nl": {
		"subject": "%s is er weer",
		"p1":      "Je vroeg ons je te mailen als %s weer te koop is. Dat is nu zo:",
		"p2":      "Op is op: we houden niets voor je apart. Dit is de enige e-mail die je hierover krijgt.",
	},
	"en": {
		"subject": "%s is back",
		"p1":      "You asked us to e-mail you when %s could be bought again. It can now:",
		"p2":      "First come, first served: we hold nothing for you. This is the only e-mail you get about it.",
	},
}

// Render renders the e-mail.
func (b BackInStock) Render() (subject, text, html string, err error) {
	w := langWords(backWords, b.Lang)
	subject = fmt.Sprintf(w["subject"], b.Title)
	d := map[string]any{"B": b, "P1": fmt.Sprintf(w["p1"], b.Title), "P2": w["p2"]}
	text, html, err = renderPair(backText, backHTML, d)
	return subject, text, html, err
}

var backText = texttemplate.Must(texttemplate.New("back text").Parse(`{{.P1}}

{{.B.URL}}

{{.P2}}

{{.B.ShopName}}
`))

var backHTML = htmltemplate.Must(htmltemplate.New("back html").Parse(`<!DOCTYPE html>
<html lang="{{.B.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{.B.ShopName}}</title></head>
` + bodyTag + `
<p>{{.P1}}</p>
<p><a href="{{.B.URL}}" style="font-weight:bold">{{.B.URL}}</a></p>
<p style="color:#666">{{.P2}}</p>
<p>{{.B.ShopName}}</p>
</body></html>
`))
