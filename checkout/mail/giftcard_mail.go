package mail

import (
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
)

// GiftCardMail brings a sold gift card to its recipient on the day the
// buyer chose: the code, the amount, the buyer's message, how long it is
// valid, and the card's own page (balance and history).
type GiftCardMail struct {
	Lang     string
	ShopName string
	ShopURL  string
	From     string // the buyer's name
	Own      bool   // the buyer kept the card: the e-mail goes to the buyer
	Code     string
	Amount   string // formatted
	Message  string
	Valid    string // the term in words
	PageURL  string
}

// Render renders the e-mail.
func (m GiftCardMail) Render() (subject, text, html string, err error) {
	w := sectionWords("mail.giftcard.", m.Lang)
	m.PageURL = LangLink(m.PageURL, m.Lang)
	subject = fmt.Sprintf(w["subject"], m.Amount, m.ShopName)
	p1 := fmt.Sprintf(w["p1"], m.From, m.Amount, m.ShopName)
	switch {
	case m.Own:
		subject = fmt.Sprintf(w["subject_own"], m.Amount, m.ShopName)
		p1 = fmt.Sprintf(w["p1_own"], m.Amount, m.ShopName)
	case m.From == "":
		p1 = fmt.Sprintf(w["p1_anon"], m.Amount, m.ShopName)
	}
	d := map[string]any{"M": m, "W": w, "P1": p1}
	text, html, err = renderPair(giftCardText, giftCardHTML, d)
	return subject, text, html, err
}

var giftCardText = texttemplate.Must(texttemplate.New("giftcard.txt").Parse(textFile("giftcard.txt")))

var giftCardHTML = htmltemplate.Must(htmltemplate.New("giftcard.html").Parse(htmlFile("giftcard.html")))
