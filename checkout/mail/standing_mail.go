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

var standingWords = map[string]map[string]string{
	"nl": {
		"notice.subject":  "Over %[2]s schrijven we %[1]s af voor je %[3]s",
		"notice.p1":       "Je abonnement op %[1]s (elke %[2]d weken): over een paar dagen, op %[3]s, schrijven we %[4]s af en sturen we je bestelling.",
		"failed.subject":  "Je betaling voor %s is niet gelukt",
		"failed.p1":       "De afschrijving van %[2]s voor %[1]s is niet gelukt. We proberen het over een paar dagen nog eens. Liever nu zelf betalen? Dat kan hier:",
		"paused.subject":  "Je abonnement op %s staat op pauze",
		"paused.p1":       "Je abonnement op %s staat op pauze: we schrijven niets af en sturen niets tot je het hervat.",
		"paused.payment":  "Dat is omdat de afschrijving een paar keer niet lukte. Je kunt deze levering zelf betalen; daarna loopt het abonnement weer:",
		"paused.mandate":  "Dat is omdat de machtiging om af te schrijven is ingetrokken. Betaal deze levering zelf; daarmee geef je een nieuwe machtiging en loopt het abonnement weer:",
		"price.subject":   "Nieuwe prijs voor je %s",
		"price.p1":        "De prijs van je abonnement op %[1]s wordt %[2]s per levering, vanaf de levering op of na %[3]s. Wil je dat niet? Stop of pauzeer je abonnement voor die datum; het kost niets.",
		"started.subject": "Je abonnement op %s loopt",
		"started.p1":      "Dank je! Je krijgt %[1]s elke %[2]d weken. De volgende levering is op %[3]s (%[4]s). Een paar dagen voor elke afschrijving krijg je een e-mail.",
		"links":           "Overslaan, pauzeren, het interval of de variant wijzigen, een ander adres of stoppen: alles op je abonnementspagina, zonder account en zonder te bellen:",
		"act.skip":        "Sla deze levering over",
		"act.pause":       "Pauzeer",
		"act.interval":    "Wijzig hoe vaak",
		"act.variant":     "Kies een andere variant",
		"act.address":     "Wijzig het adres",
		"act.stop":        "Stop",
	},
	"en": {
		"notice.subject":  "On %[2]s we charge %[1]s for your %[3]s",
		"notice.p1":       "Your subscription to %[1]s (every %[2]d weeks): in a few days, on %[3]s, we charge %[4]s and send your order.",
		"failed.subject":  "Your payment for %s did not go through",
		"failed.p1":       "Charging %[2]s for %[1]s did not work. We will try again in a few days. Rather pay now yourself? You can here:",
		"paused.subject":  "Your subscription to %s is paused",
		"paused.p1":       "Your subscription to %s is paused: we charge nothing and send nothing until you resume it.",
		"paused.payment":  "That is because charging failed a few times. You can pay this delivery yourself; then the subscription runs again:",
		"paused.mandate":  "That is because the permission to charge was withdrawn. Pay this delivery yourself; that gives a new permission and the subscription runs again:",
		"price.subject":   "New price for your %s",
		"price.p1":        "The price of your subscription to %[1]s becomes %[2]s per delivery, from the delivery on or after %[3]s. Don't want that? Stop or pause your subscription before that date; it costs nothing.",
		"started.subject": "Your subscription to %s is running",
		"started.p1":      "Thank you! You get %[1]s every %[2]d weeks. The next delivery is on %[3]s (%[4]s). A few days before each charge you get an e-mail.",
		"links":           "Skip, pause, change the interval or variant, another address or stop: all on your subscription page, without an account and without calling:",
		"act.skip":        "Skip this delivery",
		"act.pause":       "Pause",
		"act.interval":    "Change how often",
		"act.variant":     "Choose another variant",
		"act.address":     "Change the address",
		"act.stop":        "Stop",
	},
}

// Render renders the e-mail.
func (m StandingMail) Render() (subject, text, html string, err error) {
	w := langWords(standingWords, m.Lang)
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

var standingText = texttemplate.Must(texttemplate.New("standing text").Parse(`{{.P1}}
{{if .P2}}
{{.P2}}
{{end}}{{if .Pay}}
{{.Pay}}
{{end}}
{{.Links}}

{{.M.PageURL}}
{{range .Acts}}
{{.Label}}: {{.URL}}{{end}}

{{.M.ShopName}}
`))

var standingHTML = htmltemplate.Must(htmltemplate.New("standing html").Parse(`<!DOCTYPE html>
<html lang="{{.M.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{.M.ShopName}}</title></head>
` + bodyTag + `
<p>{{.P1}}</p>
{{if .P2}}<p>{{.P2}}</p>{{end}}
{{if .Pay}}<p><a href="{{.Pay}}" style="font-weight:bold">{{.Pay}}</a></p>{{end}}
<p>{{.Links}}</p>
<p><a href="{{.M.PageURL}}">{{.M.PageURL}}</a></p>
{{if .Acts}}<ul>{{range .Acts}}<li><a href="{{.URL}}">{{.Label}}</a></li>{{end}}</ul>{{end}}
<p>{{.M.ShopName}}</p>
</body></html>
`))
