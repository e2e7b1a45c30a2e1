package mail

import (
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
)

// StandingMail is one e-mail about a standing order (coffee on
// subscription): the notice before a charge, a failed charge, the
// standing order paused, a new price, started. Every one links to the
// standing order's own page, where the customer skips, pauses, changes or
// stops it with one click and a confirmation (links in mail are opened by
// scanners, so a link alone never changes anything).
type StandingMail struct {
	Kind     string // notice, failed, paused, price, started
	Lang     string
	ShopName string
	Title    string // product and variant
	Weeks    int
	Amount   string // formatted: what the next charge is
	When     string // formatted day of the next charge
	NewPrice string // formatted, for price
	From     string // formatted day from which the new price applies
	Reason   string // paused: payment_failed, mandate_revoked, customer, owner
	PageURL  string // the standing order's page
	PayURL   string // failed/paused: pay this delivery by hand
	// Actions are the notice's links, each to its button on PageURL
	// (PageURL + "#skip", ...): skip, pause, interval, variant, address, stop.
	Actions []string
}

// standingActions are the anchors of the standing order's page, in the
// order the notice lists them.
var standingActions = []string{"skip", "pause", "interval", "variant", "address", "stop"}

// Render renders the e-mail.
func (m StandingMail) Render() (subject, text, html string, err error) {
	w := sectionWords("mail.standing.", m.Lang)
	m.PageURL, m.PayURL = LangLink(m.PageURL, m.Lang), LangLink(m.PayURL, m.Lang)
	var p1, p2, pay string
	switch m.Kind {
	case "notice":
		subject = fmt.Sprintf(w["notice.subject"], m.Amount, m.When, m.Title)
		p1 = fmt.Sprintf(w["notice.p1"], m.Title, m.Weeks, m.When, m.Amount)
	case "failed":
		subject = fmt.Sprintf(w["failed.subject"], m.Title)
		p1, pay = fmt.Sprintf(w["failed.p1"], m.Title, m.Amount), m.PayURL
	case "paused":
		subject = fmt.Sprintf(w["paused.subject"], m.Title)
		p1 = fmt.Sprintf(w["paused.p1"], m.Title)
		switch m.Reason {
		case "payment_failed":
			p2, pay = w["paused.payment"], m.PayURL
		case "mandate_revoked":
			p2, pay = w["paused.mandate"], m.PayURL
		}
	case "price":
		subject = fmt.Sprintf(w["price.subject"], m.Title)
		p1 = fmt.Sprintf(w["price.p1"], m.Title, m.NewPrice, m.From)
	case "started":
		subject = fmt.Sprintf(w["started.subject"], m.Title)
		p1 = fmt.Sprintf(w["started.p1"], m.Title, m.Weeks, m.When, m.Amount)
	default:
		return "", "", "", fmt.Errorf("standing order mail: unknown kind %q", m.Kind)
	}
	type link struct{ Label, URL string }
	var acts []link
	if m.Kind == "notice" {
		for _, a := range standingActions {
			acts = append(acts, link{w["act."+a], m.PageURL + "#" + a})
		}
	}
	d := map[string]any{"M": m, "P1": p1, "P2": p2, "Pay": pay, "Links": w["links"], "Acts": acts}
	text, html, err = renderPair(standingText, standingHTML, d)
	return subject, text, html, err
}

var standingText = texttemplate.Must(texttemplate.New("standing.txt").Parse(textFile("standing.txt")))

var standingHTML = htmltemplate.Must(htmltemplate.New("standing.html").Parse(htmlFile("standing.html")))
