package mail

import (
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

// ReviewRequest is the one polite e-mail that asks a customer, some days
// after delivery, what they think of what they bought.
type ReviewRequest struct {
	Lang         string
	ShopName     string
	Number       string // order number
	CustomerName string // first name
	Products     []ReviewProduct
	OptOutURL    string // never ask again, one click
}

// ReviewProduct is one product with the link to its review form.
type ReviewProduct struct {
	Title string
	URL   string
}

// reviewWords are the words under "mail.review." in the translation source.
const reviewWords = "mail.review."

// Render renders the review request.
func (r ReviewRequest) Render() (subject, text, html string, err error) {
	w := sectionWords(reviewWords, r.Lang)
	r.OptOutURL = LangLink(r.OptOutURL, r.Lang)
	r.Products = append([]ReviewProduct(nil), r.Products...)
	for i := range r.Products {
		r.Products[i].URL = LangLink(r.Products[i].URL, r.Lang)
	}
	subject = fmt.Sprintf(w["subject"], r.Number)
	hello := fmt.Sprintf(w["hello"], r.CustomerName)
	if r.CustomerName == "" {
		hello = strings.Replace(w["hello"], " %s", "", 1)
	}
	d := map[string]any{"R": r, "Hello": hello, "P1": fmt.Sprintf(w["p1"], r.Number), "P2": w["p2"], "P3": w["p3"], "OptOut": w["optout"]}
	text, html, err = renderPair(reviewText, reviewHTML, d)
	return subject, text, html, err
}

var reviewText = texttemplate.Must(texttemplate.New("review text").Parse(textFile("review.txt")))

var reviewHTML = htmltemplate.Must(htmltemplate.New("review html").Parse(htmlFile("review.html")))
